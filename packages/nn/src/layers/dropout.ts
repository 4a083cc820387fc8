/**
 * Dropout (Srivastava et al. 2014), as torch.nn.Dropout: zero with probability p, scale the rest
 * by 1/(1-p); and Dropout2d (Tompson et al. 2015), which drops whole channels.
 */
import {
  DTypeError,
  defineMap,
  isFloating,
  rand,
  ShapeError,
  type Tensor,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
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
  return dropWithMask("dropout", x, x.shape, p, options);
}

/** `x` masked by uniforms of `maskShape` (broadcast over `x`): the body of dropout and dropout2d. */
function dropWithMask(
  op: string,
  x: Tensor,
  maskShape: readonly number[],
  p: number,
  options: DropoutOptions,
): Tensor {
  if (!isFloating(x.dtype))
    throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (options.training === false || p === 0) return x;
  const u = rand(maskShape, {
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

/**
 * Zeroes whole channels: each `[H, W]` plane of a `[N, C, H, W]` input is zeroed with probability
 * `p` and the others are scaled by `1 / (1 - p)` (torch.nn.functional.dropout2d), one uniform
 * draw per (n, c) from the seeded generator. A 3-D input is taken as `[N, C, L]` and each of its
 * `[L]` rows is one channel, as PyTorch 1.13 and 2.x do (with a warning that this may change).
 * `training: false` or p = 0 returns `x` itself. ShapeError for input that is not 3-D or 4-D;
 * DTypeError for non-float input; ValueError for p outside [0, 1].
 */
export function dropout2d(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  checkP("dropout2d", p);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      `dropout2d: expected 4-D [N, C, H, W] (or 3-D [N, C, L]) input, got ${fmt(x.shape)}`,
    );
  }
  const [n, c] = x.shape as [number, number];
  return dropWithMask("dropout2d", x, [n, c, ...Array<number>(x.ndim - 2).fill(1)], p, options);
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

/** Dropout2d as a module (torch.nn.Dropout2d): drops whole channels in training mode, the identity after `eval()`. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkP("Dropout2d", p);
  }

  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training });
  }
}
