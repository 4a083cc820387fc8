/**
 * The exponential linear family: elu, selu, celu. All are
 * `scale * (x > 0 ? x : alpha * (e^(x * inputScale) - 1))` (PyTorch's elu kernel), with
 * `expm1` for accuracy near 0; the derivative below 0 is `scale * alpha * inputScale *
 * e^(x * inputScale)`, taken at x = 0 as PyTorch does.
 */
import type { Expr } from "@nn/tensor";
import { defineActivation } from "./define.js";
import { k } from "./expressions.js";

function eluOf(x: Expr, alpha: Expr | number, scale: number, inputScale?: Expr): Expr {
  const u = inputScale === undefined ? x : x.mul(inputScale);
  const neg = u.expm1().mul(alpha);
  return x.gt(0).where(scale === 1 ? x : x.mul(scale), scale === 1 ? neg : neg.mul(scale));
}

/**
 * ELU, `x` for x > 0, else `alpha (e^x - 1)`; derivative 1 for x > 0, else `alpha e^x`;
 * range (-alpha, inf) for alpha >= 0. Default `alpha` 1.
 * Source: torch.nn.ELU (Clevert et al., 2015, arXiv:1511.07289).
 */
export const elu = /* @__PURE__ */ defineActivation({
  name: "elu",
  params: { alpha: 1 },
  forward: (x, { alpha }) => eluOf(x, alpha, 1),
  derivative: ({ x, p: { alpha } }) => x.gt(0).where(k(1, x), x.exp().mul(alpha)),
});

/** SELU's alpha (Klambauer et al., 2017), as in PyTorch. */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale (Klambauer et al., 2017), as in PyTorch. */
export const SELU_SCALE = 1.0507009873554805;

/**
 * SELU, `scale * elu(x, alpha)` with the paper's fixed `alpha` ≈ 1.6733 and `scale` ≈ 1.0507;
 * derivative `scale` for x > 0, else `scale * alpha * e^x`; range (-scale*alpha, inf).
 * No parameters. Source: torch.nn.SELU (Klambauer et al., 2017, arXiv:1706.02515).
 */
export const selu = /* @__PURE__ */ defineActivation({
  name: "selu",
  forward: (x) => eluOf(x, SELU_ALPHA, SELU_SCALE),
  derivative: ({ x }) => x.gt(0).where(k(SELU_SCALE, x), x.exp().mul(SELU_SCALE * SELU_ALPHA)),
});

/**
 * CELU, `x` for x > 0, else `alpha (e^(x/alpha) - 1)`; derivative 1 for x > 0, else
 * `e^(x/alpha)`; range (-alpha, inf) for alpha > 0. Default `alpha` 1; alpha 0 is a ValueError.
 * Source: torch.nn.CELU (Barron, 2017, arXiv:1704.07483).
 */
export const celu = /* @__PURE__ */ defineActivation({
  name: "celu",
  params: { alpha: 1 },
  forward: (x, { alpha }) => eluOf(x, alpha, 1, k(1, alpha).div(alpha)),
  derivative: ({ x, p: { alpha } }) => x.gt(0).where(k(1, x), x.div(alpha).exp()),
  validate: ({ alpha }) => (alpha === 0 ? "alpha cannot be 0 (it divides the input)" : undefined),
});
