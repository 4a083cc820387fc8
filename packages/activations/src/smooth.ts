/**
 * Smooth activations: sigmoid, tanh, logSigmoid, softplus, softsign, tanhshrink, silu, mish,
 * gelu. Each is one fused expression; the derivatives are PyTorch's backward formulas.
 */
import { defineActivation } from "./define.js";
import { k, negAbsOf, sigmoidOf, softplusOf } from "./expressions.js";

/**
 * Logistic sigmoid, `σ(x) = 1 / (1 + e^-x)`; derivative `σ(x)(1 - σ(x))`; range (0, 1).
 * Stable for large |x| (see `sigmoidOf`): exactly 0 at -inf and 1 at +inf.
 * Source: torch.sigmoid (PyTorch docs, torch.nn.Sigmoid).
 */
export const sigmoid = /* @__PURE__ */ defineActivation({
  name: "sigmoid",
  forward: (x) => sigmoidOf(x),
  derivative: ({ y }) => y.mul(k(1, y).sub(y)),
});

/**
 * Hyperbolic tangent as an activation definition, for modules (`new Tanh()`) and lists of
 * activations: `(e^x - e^-x) / (e^x + e^-x)`; derivative `1 - tanh(x)^2`; range (-1, 1).
 * The function itself is `@nn/tensor`'s `tanh` (a row of its op table), which this package
 * re-exports: one `tanh`, owned by the tensor package. Source: torch.tanh (torch.nn.Tanh).
 */
export const tanhActivation = /* @__PURE__ */ defineActivation({
  name: "tanh",
  forward: (x) => x.tanh(),
  derivative: ({ y }) => k(1, y).sub(y.mul(y)),
});

/**
 * `log σ(x) = -softplus(-x)`, computed as `min(x, 0) - log1p(e^-|x|)`; derivative
 * `σ(-x) = 1 - σ(x)`; range (-inf, 0). Source: torch.nn.functional.logsigmoid (torch.nn.LogSigmoid).
 */
export const logSigmoid = /* @__PURE__ */ defineActivation({
  name: "logSigmoid",
  forward: (x) => x.lt(0).where(x, k(0, x)).sub(negAbsOf(x).exp().log1p()),
  derivative: ({ x }) => sigmoidOf(x.neg()),
});

/**
 * `softplus(x) = log(1 + e^(βx)) / β`, and `x` where `βx > threshold` (PyTorch's switch to the
 * identity); derivative `σ(βx)` (1 above the threshold); range (0, inf) for β > 0.
 * Defaults: `beta` 1, `threshold` 20. Computed as `(max(βx, 0) + log1p(e^-|βx|)) / β`, so no
 * overflow whatever the threshold. Source: torch.nn.Softplus (Dugas et al., 2001).
 */
export const softplus = /* @__PURE__ */ defineActivation({
  name: "softplus",
  params: { beta: 1, threshold: 20 },
  forward: (x, { beta, threshold }) => {
    const bx = x.mul(beta);
    return bx.gt(threshold).where(x, softplusOf(bx).div(beta));
  },
  derivative: ({ x, p: { beta, threshold } }) => {
    const bx = x.mul(beta);
    return bx.gt(threshold).where(k(1, x), sigmoidOf(bx));
  },
});

/**
 * `softsign(x) = x / (1 + |x|)`; derivative `1 / (1 + |x|)^2` (differentiated from the
 * expression, as PyTorch differentiates its composite: NaN at ±inf); range (-1, 1).
 * Source: torch.nn.Softsign (Turian et al., 2009).
 */
export const softsign = /* @__PURE__ */ defineActivation({
  name: "softsign",
  forward: (x) => x.div(x.abs().add(1)),
});

/**
 * `tanhshrink(x) = x - tanh(x)`; derivative `tanh(x)^2`; range (-inf, inf).
 * Source: torch.nn.Tanhshrink.
 */
export const tanhshrink = /* @__PURE__ */ defineActivation({
  name: "tanhshrink",
  forward: (x) => x.sub(x.tanh()),
});

/**
 * SiLU / swish, `x σ(x)`; derivative `σ(x)(1 + x(1 - σ(x)))`; range [-0.2785..., inf).
 * Source: torch.nn.SiLU (Elfwing et al., 2017, arXiv:1702.03118; Ramachandran et al., 2017).
 */
export const silu = /* @__PURE__ */ defineActivation({
  name: "silu",
  forward: (x) => x.mul(sigmoidOf(x)),
  derivative: ({ x }) => {
    const s = sigmoidOf(x);
    return s.mul(x.mul(k(1, x).sub(s)).add(1));
  },
});

/**
 * Mish, `x tanh(softplus(x))`; derivative `tanh(sp) + x σ(x)(1 - tanh(sp)^2)` with
 * `sp = softplus(x)` (PyTorch's mish_backward); range [-0.3088..., inf).
 * Source: torch.nn.Mish (Misra, 2019, arXiv:1908.08681).
 */
export const mish = /* @__PURE__ */ defineActivation({
  name: "mish",
  forward: (x) => x.mul(softplusOf(x).tanh()),
  derivative: ({ x }) => {
    const t = softplusOf(x).tanh();
    return t.add(x.mul(sigmoidOf(x)).mul(k(1, x).sub(t.mul(t))));
  },
});

const SQRT1_2 = Math.SQRT1_2;
/** 1 / sqrt(2 pi): the standard normal density at 0. */
const INV_SQRT_2PI = 0.3989422804014327;
/** sqrt(2 / pi), the tanh approximation's scale. */
const SQRT_2_OVER_PI = 0.7978845608028654;
const KAPPA = 0.044715;

/**
 * GELU, `x Φ(x) = x/2 (1 + erf(x / √2))`; derivative `Φ(x) + x φ(x)` with φ the standard normal
 * density; range [-0.1700..., inf). With `approximate: "tanh"`:
 * `x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))` and its derivative as PyTorch's gelu_backward.
 * Default `approximate: "none"`. Source: torch.nn.GELU (Hendrycks & Gimpel, 2016, arXiv:1606.08415).
 */
export const gelu = /* @__PURE__ */ defineActivation({
  name: "gelu",
  choices: { approximate: ["none", "tanh"] },
  forward: (x, _p, { approximate }) => {
    if (approximate === "tanh") {
      const inner = x.add(x.mul(x).mul(x).mul(KAPPA)).mul(SQRT_2_OVER_PI);
      return x.mul(0.5).mul(inner.tanh().add(1));
    }
    return x.mul(0.5).mul(x.mul(SQRT1_2).erf().add(1));
  },
  derivative: ({ x, c: { approximate } }) => {
    if (approximate === "tanh") {
      const x2 = x.mul(x);
      const t = x.add(x2.mul(x).mul(KAPPA)).mul(SQRT_2_OVER_PI).tanh();
      const left = x.mul(0.5);
      const dLeft = t.add(1).mul(0.5);
      const dRight = left
        .mul(k(1, x).sub(t.mul(t)))
        .mul(SQRT_2_OVER_PI)
        .mul(x2.mul(3 * KAPPA).add(1));
      return dLeft.add(dRight);
    }
    const cdf = x.mul(SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
    return cdf.add(x.mul(pdf));
  },
});
