/**
 * The one hook `@nn/autograd` installs: every differentiable op reports what it computed, and
 * the hook (when set) records it on the tape. Without a hook, recording costs one check.
 */
import { shared } from "./global.js";
import { type Disposable, disposeHookSlot } from "./memory.js";
import type { Tensor } from "./tensor.js";

/** What an op reports after it ran. `attrs` holds its non-tensor arguments (dims, scalars, ...). */
export interface OpRecord {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** Receives each op as it runs. */
export type OpHook = (record: OpRecord) => void;

const slot = () => shared("opHook", () => ({ hook: undefined as OpHook | undefined, paused: 0 }));

/** Installs (or, with `undefined`, removes) the op hook. Returns the previous one. */
export function setOpHook(hook: OpHook | undefined): OpHook | undefined {
  const s = slot();
  const prev = s.hook;
  s.hook = hook;
  return prev;
}

/** Reports an op to the hook, if one is installed and not paused by `unrecorded`. */
export function recordOp(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>> = {},
): void {
  const s = slot();
  if (s.hook && s.paused === 0) s.hook({ op, inputs, outputs, attrs });
}

/**
 * Runs `fn` without reporting its ops: a composite op computes its parts inside and then
 * reports itself as one op, so autograd applies its registered (more stable) rule instead of
 * differentiating the parts.
 */
export function unrecorded<T>(fn: () => T): T {
  const s = slot();
  s.paused++;
  try {
    return fn();
  } finally {
    s.paused--;
  }
}

/** Receives each tensor as it is disposed (autograd releases tape nodes no live tensor needs). */
export type DisposeHook = (tensor: Tensor) => void;

/** Installs (or removes) the dispose hook. Returns the previous one. */
export function setDisposeHook(hook: DisposeHook | undefined): DisposeHook | undefined {
  const s = disposeHookSlot();
  const prev = s.hook as DisposeHook | undefined;
  // `Tensor.dispose` is the only caller of the hook (memory.ts's notifyDispose, typed with
  // `Disposable` so that tensor.ts need not import this file): it always receives a Tensor.
  s.hook = hook as ((tensor: Disposable) => void) | undefined;
  return prev;
}
