/**
 * The fused update shared by Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019 for
 * the decoupled decay; Reddi et al. 2018 for AMSGrad), following PyTorch 1.13's
 * `_single_tensor_adam` / `_single_tensor_adamw`:
 *
 *   p = p * (1 - lr * weightDecay)                     AdamW only (decoupled decay)
 *   g = ±grad (+ weightDecay * p for Adam: L2 decay)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   vmax = max(vmax, v); use vmax for v                amsgrad
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * eps is added AFTER the bias-corrected square root (not inside it, not before correcting).
 */
import type { Expr, Tensor } from "@nn/tensor";
import { effectiveGrad, fusedVariants } from "../fused.js";

type Variant = { maximize: boolean; decay: boolean; amsgrad: boolean; decoupled: boolean };

// inputs: p, g, m, v[, vmax]
// params: stepSize, beta1, 1 - beta1, beta2, 1 - beta2, eps, weightDecay, sqrt(1 - beta2^t), 1 - lr * weightDecay
const adamKernel = /* @__PURE__ */ fusedVariants("adam", (v: Variant) => ({
  inputs: v.amsgrad ? 5 : 4,
  params: 9,
  build: (inputs, [stepSize, beta1, omb1, beta2, omb2, eps, wd, bc2Sqrt, decayFactor]) => {
    const [p0, grad, expAvg, expAvgSq, maxSq] = inputs as [Expr, Expr, Expr, Expr, Expr];
    const p = v.decoupled ? p0.mul(decayFactor) : p0;
    const g = effectiveGrad(grad, p0, wd, { maximize: v.maximize, decay: v.decay && !v.decoupled });
    const m = expAvg.mul(beta1).add(g.mul(omb1));
    const sq = expAvgSq.mul(beta2).add(omb2.mul(g).mul(g));
    const vmax = v.amsgrad ? maxSq.maximum(sq) : sq;
    const denom = vmax.sqrt().div(bc2Sqrt).add(eps);
    const out = p.sub(stepSize.mul(m).div(denom));
    return v.amsgrad ? [out, m, sq, vmax] : [out, m, sq];
  },
}));

/** The hyperparameters the Adam update reads. */
export interface AdamStepOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** The state the Adam update writes. */
export type AdamState = { expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/** Runs one fused Adam (or, with `decoupled`, AdamW) update of `param` and its state. */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  state: AdamState,
  group: AdamStepOptions,
  step: number,
  decoupled: boolean,
): void {
  const [beta1, beta2] = group.betas;
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const amsgrad = group.amsgrad && state.maxExpAvgSq !== undefined;
  const buffers = [state.expAvg, state.expAvgSq, ...(amsgrad ? [state.maxExpAvgSq as Tensor] : [])];
  adamKernel({
    maximize: group.maximize,
    decay: group.weightDecay !== 0,
    amsgrad,
    decoupled,
  }).applyInto(
    [param, ...buffers],
    [param, grad, ...buffers],
    [
      group.lr / bc1,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      group.eps,
      group.weightDecay,
      Math.sqrt(bc2),
      1 - group.lr * group.weightDecay,
    ],
  );
}
