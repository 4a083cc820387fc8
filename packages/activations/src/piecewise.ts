/**
 * Piecewise-linear activations: relu, leakyRelu, relu6, hardtanh, hardsigmoid, hardswish,
 * softshrink, hardshrink, threshold. Each forward is written with comparisons that let NaN
 * through (`where(x <= 0, 0, x)`, not `where(x > 0, x, 0)`); each derivative takes PyTorch's
 * value at the kinks (from its backward kernels, checked against its fixtures).
 */
import { defineActivation } from "./define.js";
import { clampOf, insideOf, k } from "./expressions.js";

/**
 * ReLU, `max(x, 0)`; derivative 1 for x > 0, else 0 (0 at x = 0, as PyTorch); range [0, inf).
 * NaN gives NaN. Source: torch.nn.ReLU (Nair & Hinton, 2010).
 */
export const relu = /* @__PURE__ */ defineActivation({
  name: "relu",
  forward: (x) => x.le(0).where(k(0, x), x),
  derivative: ({ x }) => x.le(0).where(k(0, x), k(1, x)),
});

/**
 * Leaky ReLU, `x` for x > 0, else `negativeSlope * x`; derivative 1 for x > 0, else
 * `negativeSlope` (also at 0); range (-inf, inf). Default `negativeSlope` 0.01.
 * Source: torch.nn.LeakyReLU (Maas et al., 2013).
 */
export const leakyRelu = /* @__PURE__ */ defineActivation({
  name: "leakyRelu",
  params: { negativeSlope: 0.01 },
  forward: (x, { negativeSlope }) => x.gt(0).where(x, x.mul(negativeSlope)),
  derivative: ({ x, p: { negativeSlope } }) => x.gt(0).where(k(1, x), negativeSlope),
});

/**
 * ReLU6, `min(max(x, 0), 6)`; derivative 1 for 0 < x < 6, else 0 (0 at both kinks, as
 * PyTorch's hardtanh_backward); range [0, 6]. Source: torch.nn.ReLU6 (Krizhevsky, 2010).
 */
export const relu6 = /* @__PURE__ */ defineActivation({
  name: "relu6",
  forward: (x) => clampOf(x, 0, 6),
  derivative: ({ x }) => insideOf(x, 0, 6),
});

/**
 * HardTanh, `x` clamped into `[minVal, maxVal]`; derivative 1 for minVal < x < maxVal, else 0
 * (0 at the bounds, as PyTorch); range [minVal, maxVal]. Defaults `minVal` -1, `maxVal` 1;
 * `minVal > maxVal` is a ValueError (PyTorch 1.13 silently returns maxVal; 2.x rejects it).
 * Source: torch.nn.Hardtanh.
 */
export const hardtanh = /* @__PURE__ */ defineActivation({
  name: "hardtanh",
  params: { minVal: -1, maxVal: 1 },
  forward: (x, { minVal, maxVal }) => clampOf(x, minVal, maxVal),
  derivative: ({ x, p: { minVal, maxVal } }) => insideOf(x, minVal, maxVal),
  validate: ({ minVal, maxVal }) =>
    minVal > maxVal ? `minVal (${minVal}) cannot be greater than maxVal (${maxVal})` : undefined,
});

/**
 * Hard sigmoid, `min(max(x + 3, 0), 6) / 6`; derivative 1/6 for -3 < x < 3, else 0;
 * range [0, 1]. Source: torch.nn.Hardsigmoid (Howard et al., 2019, arXiv:1905.02244).
 */
export const hardsigmoid = /* @__PURE__ */ defineActivation({
  name: "hardsigmoid",
  forward: (x) => clampOf(x.add(3), 0, 6).div(6),
  derivative: ({ x }) => insideOf(x, -3, 3).div(6),
});

/**
 * Hard swish, `x min(max(x + 3, 0), 6) / 6`; derivative 0 for x < -3, `x/3 + 1/2` for
 * -3 <= x < 3, 1 for x >= 3 (PyTorch's hardswish_backward); range [-0.375, inf).
 * Source: torch.nn.Hardswish (Howard et al., 2019, arXiv:1905.02244).
 */
export const hardswish = /* @__PURE__ */ defineActivation({
  name: "hardswish",
  forward: (x) => x.mul(clampOf(x.add(3), 0, 6)).div(6),
  derivative: ({ x }) => x.lt(-3).where(k(0, x), x.ge(3).where(k(1, x), x.div(3).add(0.5))),
});

/**
 * Soft shrinkage, `x - lambd` for x > lambd, `x + lambd` for x < -lambd, else 0; derivative 1
 * outside `[-lambd, lambd]`, else 0; range (-inf, inf). Default `lambd` 0.5; a negative lambd is
 * a ValueError (as PyTorch). NaN gives NaN (PyTorch 1.13 gives 0, fixed upstream in
 * pytorch/pytorch#138421).
 * Source: torch.nn.Softshrink.
 */
export const softshrink = /* @__PURE__ */ defineActivation({
  name: "softshrink",
  params: { lambd: 0.5 },
  forward: (x, { lambd }) =>
    x.gt(lambd).where(x.sub(lambd), x.lt(lambd.neg()).where(x.add(lambd), x.mul(0))),
  derivative: ({ x, p: { lambd } }) =>
    x.gt(lambd).logicalOr(x.lt(lambd.neg())).where(k(1, x), k(0, x)),
  validate: ({ lambd }) =>
    lambd < 0 ? `lambd must be greater or equal to 0, got ${lambd}` : undefined,
});

/**
 * Hard shrinkage, 0 for `-lambd <= x <= lambd`, else `x`; derivative 1 outside
 * `[-lambd, lambd]`, else 0; range (-inf, inf). Default `lambd` 0.5. Source: torch.nn.Hardshrink.
 */
export const hardshrink = /* @__PURE__ */ defineActivation({
  name: "hardshrink",
  params: { lambd: 0.5 },
  forward: (x, { lambd }) => x.ge(lambd.neg()).logicalAnd(x.le(lambd)).where(k(0, x), x),
  derivative: ({ x, p: { lambd } }) =>
    x.gt(lambd).logicalOr(x.lt(lambd.neg())).where(k(1, x), k(0, x)),
});

/**
 * Threshold, `x` for x > threshold, else `value`; derivative 1 for x > threshold, else 0;
 * range {value} ∪ (threshold, inf). Defaults `threshold` 0 and `value` 0 (PyTorch requires both;
 * with these defaults it is relu). Source: torch.nn.Threshold.
 */
export const threshold = /* @__PURE__ */ defineActivation({
  name: "threshold",
  params: { threshold: 0, value: 0 },
  forward: (x, { threshold, value }) => x.le(threshold).where(value, x),
  derivative: ({ x, p: { threshold } }) => x.le(threshold).where(k(0, x), k(1, x)),
});
