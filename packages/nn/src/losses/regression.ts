/**
 * Regression losses (torch.nn.functional): mse, l1, smooth L1 and Huber. Each elementwise part is
 * one fused kernel (a `defineMap` expression) whose gradient is another fused kernel.
 */
import { DTypeError, defineMap, type Expr, isFloating, type Tensor, ValueError } from "@nn/tensor";
import { dtypeOriginHint } from "@nn/tensor/internal";
import {
  checkReduction,
  checkSameShape,
  type Reduction,
  reduce,
  reductionOf,
} from "./reduction.js";

/** Options every loss takes. */
export interface LossOptions {
  /** "mean" (default), "sum" or "none". */
  reduction?: Reduction;
}

const squaredError = /* @__PURE__ */ defineMap({
  name: "mseLoss",
  inputs: 2,
  build: ([x, y]) => x!.sub(y!).mul(x!.sub(y!)),
});

// |x - y|; the gradient is sign(x - y) (0 at a tie), as torch.
const absoluteError = /* @__PURE__ */ defineMap({
  name: "l1Loss",
  inputs: 2,
  build: ([x, y]) => x!.sub(y!).abs(),
  derivative: ([x, y]) => [x!.sub(y!).sign(), x!.sub(y!).sign().neg()],
});

// |d| < beta ? 0.5 d^2 / beta : |d| - beta / 2
const smoothL1 = /* @__PURE__ */ defineMap({
  name: "smoothL1Loss",
  inputs: 2,
  params: 1,
  build: ([x, y], [beta]) => {
    const d = x!.sub(y!);
    const a = d.abs();
    return a.lt(beta!).where(d.mul(d).mul(0.5).div(beta!), a.sub(beta!.mul(0.5)));
  },
  // PyTorch's smooth_l1_loss_backward, f(v) = -1 for v <= -beta, 1 for v >= beta, else v / beta
  // (a NaN difference gives NaN), applied to x - y for x and, as PyTorch, to y - x for y.
  derivative: ([x, y], _out, [beta]) => {
    const f = (v: Expr) => v.le(beta!.neg()).where(-1, v.ge(beta!).where(1, v.div(beta!)));
    return [f(x!.sub(y!)), f(y!.sub(x!))];
  },
});

// |d| < delta ? 0.5 d^2 : delta (|d| - delta / 2)
const huber = /* @__PURE__ */ defineMap({
  name: "huberLoss",
  inputs: 2,
  params: 1,
  build: ([x, y], [delta]) => {
    const d = x!.sub(y!);
    const a = d.abs();
    return a.lt(delta!).where(d.mul(d).mul(0.5), a.sub(delta!.mul(0.5)).mul(delta!));
  },
  // PyTorch's huber_loss_backward: d where |d| < delta, else ±delta by the sign of d, and NaN for
  // a NaN d (selected, not sign(NaN) = 0). Its own derivative is 1 only where |d| < delta, as
  // PyTorch's double backward.
  derivative: ([x, y], _out, [delta]) => {
    const d = x!.sub(y!);
    const outside = d.gt(0).where(delta!, d.lt(0).where(delta!.neg(), d));
    const g = d.abs().lt(delta!).where(d, outside);
    return [g, g.neg()];
  },
});

/** Checks shared by the losses of two same-shaped float tensors. */
export function checkPair(op: string, input: Tensor, target: Tensor, reduction: string): void {
  checkReduction(op, reduction);
  for (const [what, t] of [
    ["input", input],
    ["target", target],
  ] as const) {
    if (!isFloating(t.dtype))
      throw new DTypeError(
        `${op}: ${what} must be float32 or float64, got ${t.dtype}${dtypeOriginHint(t.dtype)}`,
      );
  }
  checkSameShape(op, input, target);
}

/**
 * Mean squared error `(input - target)^2`, reduced (torch.nn.functional.mse_loss). `target` has
 * `input`'s shape (ShapeError otherwise); float dtypes (DTypeError).
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = reductionOf("mseLoss", options);
  checkPair("mseLoss", input, target, reduction);
  return reduce(squaredError.apply([input, target])[0] as Tensor, reduction);
}

/** Mean absolute error `|input - target|` (torch.nn.functional.l1_loss); gradient sign(input - target). */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = reductionOf("l1Loss", options);
  checkPair("l1Loss", input, target, reduction);
  return reduce(absoluteError.apply([input, target])[0] as Tensor, reduction);
}

/**
 * Smooth L1 (Girshick 2015, torch.nn.functional.smooth_l1_loss): `0.5 d^2 / beta` where
 * `|d| < beta`, else `|d| - beta / 2`, with `d = input - target`. `beta` (default 1) must be >= 0
 * (ValueError); beta 0 is the L1 loss.
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options: LossOptions & { beta?: number } = {},
): Tensor {
  const reduction = reductionOf("smoothL1Loss", options);
  const beta = options.beta ?? 1;
  checkPair("smoothL1Loss", input, target, reduction);
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  return reduce(smoothL1.apply([input, target], [beta])[0] as Tensor, reduction);
}

/**
 * Huber loss (Huber 1964, torch.nn.functional.huber_loss): `0.5 d^2` where `|d| < delta`, else
 * `delta (|d| - delta / 2)`. `delta` (default 1) must be > 0 (ValueError).
 */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options: LossOptions & { delta?: number } = {},
): Tensor {
  const reduction = reductionOf("huberLoss", options);
  const delta = options.delta ?? 1;
  checkPair("huberLoss", input, target, reduction);
  if (!(delta > 0)) throw new ValueError(`huberLoss: delta must be > 0, got ${delta}`);
  return reduce(huber.apply([input, target], [delta])[0] as Tensor, reduction);
}
