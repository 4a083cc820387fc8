/**
 * Binary cross-entropy on probabilities (bceLoss) and on logits (bceWithLogitsLoss, stable for
 * large logits), as torch.nn.functional.binary_cross_entropy(_with_logits).
 */
import { defineMap, type Expr, mul, ShapeError, type Tensor } from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { reduce, reductionOf } from "./reduction.js";
import { checkPair, type LossOptions } from "./regression.js";

/** PyTorch's clamp of the bce gradient's denominator: the float32 value of 1e-12, in every dtype. */
const EPSILON = Math.fround(1e-12);

// -(y log x + (1 - y) log(1 - x)), each log clamped to >= -100 as PyTorch does (so x = 0 or 1
// gives a finite loss). Gradients as PyTorch: (x - y) / max(x (1 - x), 1e-12f) for x, and
// log(1 - x) - log(x) (clamped alike) for y.
const bce = /* @__PURE__ */ defineMap({
  name: "bceLoss",
  inputs: 2,
  build: ([x, y]) => {
    const logX = x!.log().maximum(-100);
    const log1mX = x!.neg().add(1).log().maximum(-100);
    return y!.mul(logX).add(y!.neg().add(1).mul(log1mX)).neg();
  },
  derivative: ([x, y]) => [
    x!.sub(y!).div(x!.mul(x!.neg().add(1)).maximum(EPSILON)),
    x!.neg().add(1).log().maximum(-100).sub(x!.log().maximum(-100)),
  ],
});

/**
 * `e^-|x|`, written `e^(x >= 0 ? -x : x)` so that its symbolic derivative is that of the side
 * used (with abs, the derivative at x = 0 would be 0, and second derivatives there wrong).
 */
function expNegAbs(x: Expr): Expr {
  return x.ge(0).where(x.neg(), x).exp();
}

/** `log(1 + e^-|x|) + max(-x, 0)` = softplus(-x), never overflowing. */
function softplusNeg(x: Expr): Expr {
  return expNegAbs(x).log1p().add(x.ge(0).where(0, x.neg()));
}

/** `log(1 + e^-|x|) + max(x, 0)` = softplus(x), never overflowing. */
function softplus(x: Expr): Expr {
  return expNegAbs(x).log1p().add(x.ge(0).where(x, 0));
}

/** sigmoid(-x) = e^-x / (1 + e^-x), computed on the side where the exponent is <= 0. */
function sigmoidNeg(x: Expr): Expr {
  const e = expNegAbs(x);
  return x.ge(0).where(e, 1).div(e.add(1));
}

/** sigmoid(x) = 1 / (1 + e^-x), computed on the side where the exponent is <= 0. */
function sigmoid(x: Expr): Expr {
  const e = expNegAbs(x);
  return x.ge(0).where(1, e).div(e.add(1));
}

// PyTorch's stable forms (each term a product, nothing cancels in the tails):
//   loss = (1 - y) softplus(x) + p y softplus(-x)
//   d/dx = (1 - y) sigmoid(x) - p y sigmoid(-x)
// The older (1 - y) - p sigmoid(-x) cancelled to 0 for y = 0 and x << 0 (x = -20 in float32:
// 0 instead of 2.06e-9), and (1 - y) x + softplus(-x) lost the loss's digits there alike.
// d/dy = p softplus(-x) - softplus(x) = (p - 1) softplus(-x) - x; d/dp = y softplus(-x).
const bceLogitsPosWeight = /* @__PURE__ */ defineMap({
  name: "bceWithLogitsLoss",
  inputs: 3,
  build: ([x, y, p]) =>
    y!
      .neg()
      .add(1)
      .mul(softplus(x!))
      .add(p!.mul(y!).mul(softplusNeg(x!))),
  derivative: ([x, y, p]) => {
    const sp = softplusNeg(x!);
    return [
      y!
        .neg()
        .add(1)
        .mul(sigmoid(x!))
        .sub(p!.mul(y!).mul(sigmoidNeg(x!))),
      x!.neg().add(p!.sub(1).mul(sp)),
      y!.mul(sp),
    ];
  },
});

// The same with p = 1: (1 - y) softplus(x) + y softplus(-x); d/dy = -x.
const bceLogits = /* @__PURE__ */ defineMap({
  name: "bceWithLogitsLoss",
  inputs: 2,
  build: ([x, y]) =>
    y!
      .neg()
      .add(1)
      .mul(softplus(x!))
      .add(y!.mul(softplusNeg(x!))),
  derivative: ([x, y]) => [
    y!
      .neg()
      .add(1)
      .mul(sigmoid(x!))
      .sub(y!.mul(sigmoidNeg(x!))),
    x!.neg(),
  ],
});

/** Options of the binary cross-entropy losses. */
export interface BCEOptions extends LossOptions {
  /** A rescaling weight broadcast to the input's shape (e.g. `[C]` per class). */
  weight?: Tensor | null;
}

function checkBroadcast(op: string, what: string, t: Tensor, input: Tensor): void {
  const lead = input.ndim - t.ndim;
  if (lead < 0 || t.shape.some((d, i) => d !== 1 && d !== input.shape[lead + i])) {
    throw new ShapeError(
      `${op}: ${what} ${fmt(t.shape)} must broadcast to the input shape ${fmt(input.shape)}`,
    );
  }
}

function weighted(
  op: string,
  loss: Tensor,
  weight: Tensor | null | undefined,
  input: Tensor,
): Tensor {
  if (!weight) return loss;
  checkBroadcast(op, "weight", weight, input);
  const out = mul(loss, weight);
  loss.dispose();
  return out;
}

/**
 * Binary cross-entropy between probabilities `input` in [0, 1] and targets of the same shape:
 * `-w (y log x + (1 - y) log(1 - x))`, each log clamped to >= -100 (PyTorch's convention, so
 * x = 0 or 1 gives at most 100). Float inputs; ShapeError for shapes that differ. An input
 * outside [0, 1] gives NaN there: PyTorch's CPU raises instead, which would need a read-back of
 * every input (a GPU has no synchronous read); anomaly mode (`setAnomalyMode`) raises an
 * AnomalyError naming bceLoss.
 */
export function bceLoss(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = reductionOf("bceLoss", options);
  checkPair("bceLoss", input, target, reduction);
  if (options.weight) checkBroadcast("bceLoss", "weight", options.weight, input);
  const loss = bce.apply([input, target])[0] as Tensor;
  return reduce(weighted("bceLoss", loss, options.weight, input), reduction);
}

/** Options of bceWithLogitsLoss. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /**
   * Weight of the positive class, broadcast along the last dim (one per class, e.g. `[C]`):
   * `n_negative / n_positive` balances a rare class.
   */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits (torch.nn.functional.binary_cross_entropy_with_logits):
 * `w [(1 - y) softplus(x) + p y softplus(-x)]`, its input gradient `w [(1 - y) sigmoid(x) -
 * p y sigmoid(-x)]` (PyTorch's forms), each softplus as `log1p(e^-|x|) + max(±x, 0)` and each
 * sigmoid on its non-overflowing side, so logits of any size give finite values and gradients
 * keep their digits in the tails (x = -20, y = 0, float32: 2.06e-9, not 0).
 */
export function bceWithLogitsLoss(
  input: Tensor,
  target: Tensor,
  options: BCEWithLogitsOptions = {},
): Tensor {
  const reduction = reductionOf("bceWithLogitsLoss", options);
  checkPair("bceWithLogitsLoss", input, target, reduction);
  if (options.weight) checkBroadcast("bceWithLogitsLoss", "weight", options.weight, input);
  if (options.posWeight) checkBroadcast("bceWithLogitsLoss", "posWeight", options.posWeight, input);
  const pw = options.posWeight;
  const loss = (
    pw ? bceLogitsPosWeight.apply([input, target, pw]) : bceLogits.apply([input, target])
  )[0] as Tensor;
  return reduce(weighted("bceWithLogitsLoss", loss, options.weight, input), reduction);
}
