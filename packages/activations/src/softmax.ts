/**
 * softmax, logSoftmax and softmin: max-subtracted composites, recorded for autograd as one op
 * each with its analytic gradient (PyTorch's softmax_backward / log_softmax_backward), so the
 * backward never differentiates through exp of large values. The rules are ordinary tensor ops,
 * so they can be differentiated again.
 */
import {
  type Dims,
  div,
  exp,
  log,
  max,
  mul,
  neg,
  noGrad,
  sub,
  sum,
  type Tensor,
  tidy,
  ValueError,
  zerosLike,
} from "@nn/tensor";
import { normalizeDims, recordOp } from "@nn/tensor/internal";
import { checkInput } from "./check.js";

type Kind = "softmax" | "logSoftmax" | "softmin";

function checkDim(op: Kind, dim: number): void {
  if (typeof dim !== "number" || !Number.isInteger(dim)) {
    throw new ValueError(
      `${op}: dim must be an integer (the dim to normalize over; it has no default), got ${String(dim)}`,
    );
  }
}

function forward(kind: Kind, x: Tensor, dims: number[]): Tensor {
  // No elements (e.g. a size-0 dim to normalize over): an empty result, as PyTorch; the max
  // below would have nothing to reduce.
  if (x.size === 0) return zerosLike(x);
  const z = kind === "softmin" ? neg(x) : x;
  const shifted = sub(z, max(z, dims, true));
  if (kind === "logSoftmax") return sub(shifted, log(sum(exp(shifted), dims, true)));
  const e = exp(shifted);
  return div(e, sum(e, dims, true));
}

function backward(kind: Kind, y: Tensor, g: Tensor, dims: Dims): Tensor {
  if (kind === "logSoftmax") return sub(g, mul(exp(y), sum(g, dims, true)));
  const gx = mul(y, sub(g, sum(mul(g, y), dims, true)));
  return kind === "softmin" ? neg(gx) : gx;
}

function softmaxFamily(kind: Kind, x: Tensor, dim: number): Tensor {
  checkInput(kind, x);
  checkDim(kind, dim);
  const dims = normalizeDims(kind, dim, x.ndim);
  const y = noGrad(() => tidy(() => forward(kind, x, dims)));
  recordOp("custom", [x], [y], {
    name: kind,
    dim,
    backward: ({ outputs, grads }: { outputs: readonly Tensor[]; grads: readonly Tensor[] }) => [
      backward(kind, outputs[0] as Tensor, grads[0] as Tensor, dims),
    ],
  });
  return y;
}

/**
 * Softmax along `dim`: `e^(x_i - m) / sum_j e^(x_j - m)` with `m` the max along dim (so 1e4
 * and -inf entries are fine; a slice of all -inf, or one holding +inf or NaN, gives NaN, as
 * PyTorch). Gradient `y (g - sum(g y, dim))`. Range (0, 1), summing to 1 along dim.
 * x: float32/float64 of any shape (DTypeError otherwise); dim: an integer in [-ndim, ndim)
 * (IndexError otherwise); the result has x's shape and dtype. Source: torch.nn.functional.softmax.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxFamily("softmax", x, dim);
}

/**
 * Log-softmax along `dim`: `x_i - m - log(sum_j e^(x_j - m))`, `m` the max along dim (exact
 * -inf for -inf entries, no overflow for large values). Gradient `g - e^y sum(g, dim)`.
 * Range (-inf, 0]. Shapes, dtypes and errors as `softmax`.
 * Source: torch.nn.functional.log_softmax.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxFamily("logSoftmax", x, dim);
}

/**
 * Softmin along `dim`: `softmax(-x, dim)`. Gradient `-y (g - sum(g y, dim))`. Range (0, 1).
 * Shapes, dtypes and errors as `softmax`. Source: torch.nn.functional.softmin.
 */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmaxFamily("softmin", x, dim);
}
