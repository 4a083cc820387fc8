/** Dropout (Srivastava et al. 2014), as torch.nn.Dropout: zero with probability p, scale the rest by 1/(1-p). */
import { DTypeError, defineMap, isFloating, rand, type Tensor, ValueError } from "@nn/tensor";
import { Module } from "../module.js";

/** `u < keep ? x / keep : 0` in one kernel; its gradient w.r.t. x is the same mask / keep. */
const dropMask = /* @__PURE__ */ defineMap({
  name: "dropout",
  inputs: 2,
  params: 1,
  build: ([x, u], [keep]) => u!.cast(x!.dtype).lt(keep!).where(x!.div(keep!), 0),
});

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Apply dropout (default true); false returns `x` unchanged, as in evaluation. */
  training?: boolean;
  /** A seed for this mask alone; default: the global generator (`manualSeed`). */
  seed?: number;
}

function checkP(op: string, p: number): void {
  if (!(typeof p === "number" && p >= 0 && p <= 1)) {
    throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
  }
}

/**
 * Zeroes each element of `x` with probability `p` and scales the others by `1 / (1 - p)`
 * (torch.nn.functional.dropout), so the expected value is unchanged. The mask is drawn from the
 * seeded counter-based generator. p = 1 gives zeros; `training: false` or p = 0 returns `x`
 * itself. DTypeError for non-float input; ValueError for p outside [0, 1].
 */
export function dropout(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  checkP("dropout", p);
  if (!isFloating(x.dtype))
    throw new DTypeError(`dropout: input must be float32 or float64, got ${x.dtype}`);
  if (options.training === false || p === 0) return x;
  const u = rand(x.shape, {
    dtype: x.dtype === "float64" ? "float64" : "float32",
    backend: x.backend,
    seed: options.seed,
  });
  try {
    return dropMask.apply([x, u], [1 - p])[0] as Tensor;
  } finally {
    u.dispose();
  }
}

/** Dropout as a module: active in training mode, the identity after `eval()`. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkP("Dropout", p);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }
}
