/**
 * Op dispatch: every differentiable op reports what it computed to one hook, which
 * `@nn/autograd` installs to record the tape; and grad mode, the one switch that says whether
 * ops are reported at all (`noGrad`, `enableGrad`). It lives here, not in autograd, so that
 * code which only needs to not record (an optimizer's update, a layer's init) imports nothing
 * else. Without a hook, or with grad mode off, recording costs one check.
 */
import { refuseAsync, refuseThenable } from "./async-guard.js";
import type { Backend } from "./backend.js";
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

// Looked up once: the shared records themselves, so every copy of this package sees one hook
// and one grad mode.
const hookSlot = shared("opHook", () => ({ hook: undefined as OpHook | undefined }));
const modeSlot = shared("gradMode", () => ({ enabled: true }));
const slot = () => hookSlot;
const gradMode = () => modeSlot;

/** Installs (or, with `undefined`, removes) the op hook. Returns the previous one. */
export function setOpHook(hook: OpHook | undefined): OpHook | undefined {
  const s = slot();
  const prev = s.hook;
  s.hook = hook;
  return prev;
}

/**
 * Where anomaly mode (anomaly.ts) installs its check of every op's outputs and its check before
 * a read, and the op whose gradient rule is running (set by `inGradientRule`), for its messages.
 * Shared, so that every copy of this package checks.
 */
export const anomalySlot: {
  check?: OpHook | undefined;
  beforeRead?: ((backend: Backend) => Promise<void>) | undefined;
  backwardOf?: string | undefined;
} = shared("anomaly", () => ({}));

/**
 * Runs `fn`, a gradient rule of `op` (autograd calls it), so that anomaly mode can say that an op
 * inside it produced a NaN ("in the gradient rule of mul").
 */
export function inGradientRule<T>(op: string, fn: () => T): T {
  const prev = anomalySlot.backwardOf;
  anomalySlot.backwardOf = op;
  try {
    return fn();
  } finally {
    anomalySlot.backwardOf = prev;
  }
}

/**
 * Reports an op to the hook, if one is installed and grad mode is on. A composite op (`std`,
 * `softmax`, a custom op) computes its parts under `noGrad` and then reports itself as one op,
 * so autograd applies its registered (more stable) rule instead of differentiating the parts.
 */
export function recordOp(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>> = {},
): void {
  const check = anomalySlot.check;
  if (check !== undefined) check({ op, inputs, outputs, attrs });
  const hook = hookSlot.hook;
  if (hook !== undefined && modeSlot.enabled) hook({ op, inputs, outputs, attrs });
}

/** Whether ops are recorded now: true unless inside `noGrad` (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return gradMode().enabled;
}

/**
 * Runs `fn` with grad mode set to `enabled` and restores the previous mode afterwards, also
 * when `fn` throws. `noGrad` and `enableGrad` are this; autograd uses it directly where `fn`
 * is a gradient rule or a custom op's forward.
 */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const mode = gradMode();
  const prev = mode.enabled;
  mode.enabled = enabled;
  try {
    return fn();
  } finally {
    mode.enabled = prev;
  }
}

const NO_GRAD_HINT = "ops are synchronous: await reads outside noGrad";

/**
 * Runs `fn` without recording ops (torch.no_grad): for updates of parameters in place and for
 * inference. `fn` must be synchronous, since grad mode is restored when `fn` returns: an `async`
 * function is refused with a ValueError before it runs, and a Promise returned by a plain
 * function is refused (its rejection handled, so it cannot crash the process).
 */
export function noGrad<T>(fn: () => T): T {
  refuseAsync("noGrad", fn, NO_GRAD_HINT);
  const out = withGradMode(false, fn);
  refuseThenable("noGrad", out, NO_GRAD_HINT);
  return out;
}

/** Runs `fn` with recording on, even inside `noGrad` (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
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
