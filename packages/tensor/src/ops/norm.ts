/**
 * Vector norms, as PyTorch 1.13's `torch.linalg.vector_norm` and the vector cases of
 * `torch.norm`: composites of abs, pow, sum, max and min, so their gradients come from those
 * ops' rules. Where a square root or power would differentiate to 0 * Infinity (an all-zero
 * slice, a zero element under p < 1), the input is swapped for 1 before the power and the
 * result for 0 after it ("double where"), so the gradient there is PyTorch's 0, not NaN.
 */
import { type DType, isFloating } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import { tidy } from "../memory.js";
import type { Tensor } from "../tensor.js";
import { abs, cast, eq, mul, ne, pow, sqrt, where } from "./elementwise.js";
import { type Dims, max, min, sum } from "./reduce.js";

/** What `vectorNorm` takes besides the input. */
export interface VectorNormOptions {
  /** Cast the input to this float dtype first (PyTorch's `dtype`). Default: the input's. */
  dtype?: DType;
}

// `f(x)` where x != 0 and `atZero` where x == 0, its gradient 0 there: f only ever sees x = 1
// at those elements, so no 0 * Infinity reaches the gradient.
function safeAtZero(x: Tensor, atZero: number, f: (x: Tensor) => Tensor): Tensor {
  const zero = eq(x, 0);
  return where(zero, atZero, f(where(zero, 1, x)));
}

function checkOrd(op: string, ord: unknown): number {
  if (typeof ord !== "number" || Number.isNaN(ord)) {
    throw new ValueError(
      `${op}: ord must be a number (2, 1, Infinity, -Infinity, 0 or any other p), got ${String(ord)}`,
    );
  }
  return ord;
}

/**
 * The `ord`-norm of `x` over `dim` (all dims when null/undefined/[]), as
 * `torch.linalg.vector_norm(x, ord, dim, keepdim, dtype=...)`:
 * - ord 2 (default): sqrt(Σ x²); 1: Σ|x|; Infinity: max|x|; -Infinity: min|x|;
 * - 0: the number of nonzero elements (its gradient is 0);
 * - any other p (fractional, negative): (Σ|x|^p)^(1/p).
 *
 * Float32/float64 inputs (or an int/bool input with `options.dtype` a float dtype); the result
 * has that dtype and the input's shape without `dim` (kept as size 1 with `keepdim`).
 * Gradients are PyTorch's, including its subgradient 0 where the norm (or, for p < 1, an
 * element) is 0, and ties of ±Infinity norms sharing the gradient evenly. Throws DTypeError for
 * a non-float input or `dtype`, ValueError for an `ord` that is not a number, IndexError for a
 * bad dim (and for ±Infinity over an empty dim).
 */
export function vectorNorm(
  x: Tensor,
  ord = 2,
  dim?: Dims,
  keepdim = false,
  options: VectorNormOptions = {},
): Tensor {
  const op = "vectorNorm";
  const p = checkOrd(op, ord);
  const dtype = options.dtype ?? x.dtype;
  if (!isFloating(dtype)) {
    throw new DTypeError(
      `${op}: expected a float32 or float64 input (or options.dtype), got ${dtype}; cast it first or pass { dtype: "float32" }`,
    );
  }
  return tidy(() => {
    const xs = x.dtype === dtype ? x : cast(x, dtype);
    if (p === 2) return safeAtZero(sum(mul(xs, xs), dim, keepdim), 0, sqrt);
    if (p === 1) return sum(abs(xs), dim, keepdim);
    if (p === Infinity) return max(abs(xs), dim, keepdim);
    if (p === -Infinity) return min(abs(xs), dim, keepdim);
    // The count of nonzeros; xs * 0 (selected only where xs == 0) keeps a zero gradient.
    if (p === 0) return sum(where(ne(xs, 0), 1, mul(xs, 0)), dim, keepdim);
    // |x|^p is 0 at zero for p > 0 and Infinity for p < 0 (so the norm is 0, as in PyTorch).
    const powered = safeAtZero(abs(xs), p > 0 ? 0 : Infinity, (a) => pow(a, p));
    const total = sum(powered, dim, keepdim);
    return p > 0 ? safeAtZero(total, 0, (s) => pow(s, 1 / p)) : pow(total, 1 / p);
  });
}

/**
 * The vector norm of `x`, as `torch.norm(x, p, dim, keepdim)` for its vector cases: `p` a
 * number is `vectorNorm(x, p, dim, keepdim)` (every dim when `dim` is null/undefined); `"fro"`
 * (default) is the 2-norm over at most two dims (over all elements when `dim` is null).
 * Throws ValueError for `"nuc"` (a matrix norm nn does not have) or another string, and for
 * `"fro"` over more than two dims; otherwise as `vectorNorm`.
 */
export function norm(x: Tensor, p: "fro" | number = "fro", dim?: Dims, keepdim = false): Tensor {
  if (p === "fro") {
    if (Array.isArray(dim) && dim.length > 2) {
      throw new ValueError(
        `norm: the Frobenius norm takes at most 2 dims, got [${dim.join(", ")}]; use vectorNorm(x, 2, dims) for more`,
      );
    }
    return vectorNorm(x, 2, dim, keepdim);
  }
  if (typeof p !== "number") {
    throw new ValueError(
      `norm: p must be "fro" or a number, got ${JSON.stringify(p)}${p === "nuc" ? " (the nuclear norm is a matrix norm, which nn does not have)" : ""}`,
    );
  }
  return vectorNorm(x, p, dim, keepdim);
}
