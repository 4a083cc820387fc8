/**
 * Anomaly mode, as PyTorch's `detect_anomaly` and TensorFlow.js's debug mode: every op's float
 * outputs (forward ops and the ops of gradient rules alike, since both report through
 * `recordOp`) are checked for NaN and ±Infinity. On a backend with synchronous reads the check
 * throws AnomalyError at the op; elsewhere it is recorded on the device (no read-back) and the
 * next `data()` / `item()` / `array()` rejects with the first op that produced one. When off,
 * the dispatcher pays one check per op; this module is not even bundled unless imported.
 */
import { refuseAsync, refuseThenable } from "./async-guard.js";
import type { Backend } from "./backend.js";
import { anomalySlot, type OpRecord, withGradMode } from "./dispatch.js";
import { isFloating } from "./dtype.js";
import { NNError } from "./errors.js";
import { keep } from "./memory.js";
import { full } from "./ops/creation.js";
import { gt, minimum, where } from "./ops/elementwise.js";
import { defineMap } from "./ops/map.js";
import { sum } from "./ops/reduce.js";
import { fmt } from "./shape.js";
import type { Tensor } from "./tensor.js";

/** NaN or ±Infinity produced by an op while anomaly mode is on. */
export class AnomalyError extends NNError {
  static override readonly kind = "AnomalyError";
  override name = "AnomalyError";
}

// x - x is NaN exactly where x is NaN or ±Infinity: one fused kernel.
const nonFinite = /* @__PURE__ */ defineMap({
  name: "anomaly.nonFinite",
  inputs: 1,
  build: ([x]) => (x as NonNullable<typeof x>).sub(x as NonNullable<typeof x>).isnan(),
});

/** What a check remembers of an op, for the message. */
interface Found {
  readonly op: string;
  readonly backwardOf: string | undefined;
  readonly inputs: readonly (readonly number[])[];
  readonly output: number;
  readonly shape: readonly number[];
}

/** Per async backend: the checks since its last read, and on the device the first bad one's index. */
interface Pending {
  readonly found: Found[];
  first: Tensor;
}

const NONE = 2 ** 31 - 1;
const pending = new Map<Backend, Pending>();
let busy = false;

function describe(f: Found, count: string, when: string): string {
  const where = f.backwardOf === undefined ? "" : ` in the gradient rule of ${f.backwardOf}`;
  return (
    `anomaly mode: ${f.op}${where} produced ${count} in output ${f.output} (shape ${fmt(f.shape)}) ` +
    `from inputs of shapes ${f.inputs.map(fmt).join(", ") || "(none)"}; ${when}`
  );
}

function check(r: OpRecord): void {
  if (busy) return; // the check's own ops
  busy = true;
  try {
    withGradMode(false, () => {
      r.outputs.forEach((out, j) => {
        if (isFloating(out.dtype) && out.size > 0 && !out.isDisposed) checkOutput(r, out, j);
      });
    });
  } finally {
    busy = false;
  }
}

function checkOutput(r: OpRecord, out: Tensor, j: number): void {
  const def = r.attrs.def as { name?: string } | undefined;
  const f: Found = {
    op: r.op === "map" && def?.name ? def.name : r.op,
    backwardOf: anomalySlot.backwardOf,
    inputs: r.inputs.map((t) => t.shape),
    output: j,
    shape: out.shape,
  };
  const [mask] = nonFinite.apply([out]) as [Tensor];
  const count = sum(mask);
  mask.dispose();
  const b = out.backend;
  if (b.capabilities.syncRead && b.readSync) {
    const n = count.itemSync();
    count.dispose();
    if (n !== 0)
      throw new AnomalyError(describe(f, `${n} NaN/infinite value(s)`, "thrown at the op"));
    return;
  }
  let p = pending.get(b);
  if (!p) {
    p = { found: [], first: keep(full([], NONE, { dtype: "int32", backend: b })) };
    pending.set(b, p);
  }
  const id = p.found.push(f) - 1;
  const bad = gt(count, 0);
  const flagged = where(bad, id, NONE);
  const first = keep(minimum(p.first, flagged));
  for (const t of [count, bad, flagged, p.first]) t.dispose();
  p.first = first;
}

/** Before a read on `backend`: rejects with the first recorded anomaly there, if any. */
async function beforeRead(backend: Backend): Promise<void> {
  const p = pending.get(backend);
  if (!p) return;
  pending.delete(backend);
  const [first] = await backend.read(p.first.storage.buffer);
  p.first.dispose();
  const f = p.found[first as number];
  if (f)
    throw new AnomalyError(
      describe(f, "NaN or infinite values", "thrown at the first read after it"),
    );
}

/**
 * Turns anomaly mode on or off (torch.autograd.set_detect_anomaly). While on, every op's float
 * outputs are checked for NaN and ±Infinity (see the module doc: AnomalyError at the op on a
 * backend with sync reads, else at the next read), at the cost of a kernel and a reduction per
 * output. Turning it off drops the checks still pending.
 */
export function setAnomalyMode(enabled: boolean): void {
  if (enabled) {
    anomalySlot.check = check;
    anomalySlot.beforeRead = beforeRead;
  } else {
    anomalySlot.check = undefined;
    anomalySlot.beforeRead = undefined;
    for (const p of pending.values()) p.first.dispose();
    pending.clear();
  }
}

/** Whether anomaly mode is on. */
export function isAnomalyModeEnabled(): boolean {
  return anomalySlot.check !== undefined;
}

/**
 * Runs the synchronous `fn` with anomaly mode on (torch.autograd.detect_anomaly) and restores
 * the previous mode afterwards, also when `fn` throws. ValueError for an async `fn` (the mode
 * would be restored at its first await).
 */
export function withAnomalyMode<T>(fn: () => T): T {
  const hint = "use setAnomalyMode(true) / setAnomalyMode(false) around async work";
  refuseAsync("withAnomalyMode", fn, hint);
  const was = isAnomalyModeEnabled();
  setAnomalyMode(true);
  try {
    const out = fn();
    refuseThenable("withAnomalyMode", out, hint);
    return out;
  } finally {
    if (!was) setAnomalyMode(false);
  }
}
