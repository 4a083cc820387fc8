/** GLU: the gated linear unit, one fused two-input kernel over the two halves of the input. */
import { defineMap, type Expr, narrow, ShapeError, type Tensor, tidy } from "@nn/tensor";
import { normalizeDim } from "@nn/tensor/internal";
import { checkInput } from "./check.js";
import { k, sigmoidOf } from "./expressions.js";

const gate = /* @__PURE__ */ defineMap({
  name: "glu",
  inputs: 2,
  build: ([a, b]) => (a as Expr).mul(sigmoidOf(b as Expr)),
  derivative: ([a, b]) => {
    const s = sigmoidOf(b as Expr);
    return [s, (a as Expr).mul(s).mul(k(1, s).sub(s))];
  },
});

/**
 * Gated linear unit: splits x in halves `a`, `b` along `dim` and returns `a σ(b)`; gradients
 * `σ(b)` for a and `a σ(b)(1 - σ(b))` for b. The result has x's shape with `dim` halved.
 * Default `dim` -1. Throws DTypeError for a non-float x, ShapeError for a 0-d x or an odd size
 * along dim, IndexError for a dim out of range. Source: torch.nn.GLU (Dauphin et al., 2016,
 * arXiv:1612.08083).
 */
export function glu(x: Tensor, dim = -1): Tensor {
  checkInput("glu", x);
  if (x.ndim === 0) {
    throw new ShapeError("glu: a 0-d tensor cannot be halved; give a tensor with at least 1 dim");
  }
  const d = normalizeDim("glu", dim, x.ndim);
  const size = x.shape[d] as number;
  if (size % 2 !== 0) {
    throw new ShapeError(
      `glu: halving dimension must be even, but dim ${dim} of shape [${x.shape.join(", ")}] has size ${size}`,
    );
  }
  const half = size / 2;
  return tidy(() => gate.apply([narrow(x, d, 0, half), narrow(x, d, half, half)])[0] as Tensor);
}
