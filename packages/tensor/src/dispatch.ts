/**
 * The one hook `@nn/autograd` installs: every differentiable op reports what it computed, and
 * the hook (when set) records it on the tape. Without a hook, recording costs one check.
 */
import { shared } from "./global.js";
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

const slot = () => shared("opHook", () => ({ hook: undefined as OpHook | undefined }));

/** Installs (or, with `undefined`, removes) the op hook. Returns the previous one. */
export function setOpHook(hook: OpHook | undefined): OpHook | undefined {
  const s = slot();
  const prev = s.hook;
  s.hook = hook;
  return prev;
}

/** Reports an op to the hook, if one is installed. Returns `outputs[0]` for chaining. */
export function recordOp(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>> = {},
): void {
  const hook = slot().hook;
  if (hook) hook({ op, inputs, outputs, attrs });
}
