/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay
 * Regularization"), with AMSGrad (Reddi et al. 2018), as PyTorch 1.13's `torch.optim.Adam` and
 * `torch.optim.AdamW` (`_single_tensor_adam` / `_single_tensor_adamw`): one update rule, two
 * definitions that differ only in how the weight decay applies and its default.
 *
 *   p = p * (1 - lr * weightDecay)                     AdamW only (decoupled decay)
 *   g = ±grad (+ weightDecay * p for Adam: L2 decay)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   vmax = max(vmax, v); use vmax for v                amsgrad
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * eps is added AFTER the bias-corrected square root (not inside it, not before correcting).
 * Adam's default weightDecay is 0, AdamW's 1e-2.
 */
import { type Expr, type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer, type OptimizerDefinition } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkBetas, checkBoolean, checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** Adam's hyperparameters (AdamW's too: only the default weightDecay and its meaning differ). */
export type AdamHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

/** AdamW's hyperparameters: Adam's. */
export type AdamWHyperparameters = AdamHyperparameters;

/** The state the Adam update writes. */
export type AdamState = { expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/** How many kernel params `adamStep` reads (the first of a map's params). */
export const ADAM_STEP_PARAMS = 7;

/**
 * The kernel params of `adamStep` at step `t`, in its order: stepSize, beta1, 1 - beta1, beta2,
 * 1 - beta2, eps, sqrt(1 - beta2^t). The optimizers' stepSize is lr / (1 - beta1^t).
 */
export function adamStepParams(
  stepSize: number,
  [beta1, beta2]: readonly [number, number],
  eps: number,
  t: number,
): number[] {
  return [stepSize, beta1, 1 - beta1, beta2, 1 - beta2, eps, Math.sqrt(1 - beta2 ** t)];
}

/**
 * The Adam rule as an expression: the new moments `m`, `v` (and `vmax` given the old one, for
 * amsgrad) from the gradient `g`, and the step `stepSize * m / (sqrt(vmax) / sqrt(1 - beta2^t)
 * + eps)` that is subtracted from the parameter, `params` as `adamStepParams` gives them.
 * Shared by the optimizers and `scaleByAdam`.
 */
export function adamStep(
  g: Expr,
  expAvg: Expr,
  expAvgSq: Expr,
  maxExpAvgSq: Expr | undefined,
  params: readonly Expr[],
): { m: Expr; v: Expr; vmax: Expr; step: Expr } {
  const [stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, bc2Sqrt] = params;
  const m = expAvg.mul(beta1).add(g.mul(oneMinusBeta1));
  const v = expAvgSq.mul(beta2).add(oneMinusBeta2.mul(g).mul(g));
  const vmax = maxExpAvgSq ? maxExpAvgSq.maximum(v) : v;
  const denom = vmax.sqrt().div(bc2Sqrt).add(eps);
  return { m, v, vmax, step: stepSize.mul(m).div(denom) };
}

type Variant = { maximize: boolean; decay: boolean; amsgrad: boolean; decoupled: boolean };

// inputs: p, g, m, v[, vmax]; params: adamStep's, then weightDecay, 1 - lr * weightDecay
const adamKernel = /* @__PURE__ */ fusedVariants("adam", (variant: Variant) => ({
  inputs: variant.amsgrad ? 5 : 4,
  params: ADAM_STEP_PARAMS + 2,
  build: (inputs, params) => {
    const [p0, grad, expAvg, expAvgSq, maxSq] = inputs;
    const [wd, decayFactor] = params.slice(ADAM_STEP_PARAMS);
    const p = variant.decoupled ? p0.mul(decayFactor) : p0;
    const g = effectiveGrad(grad, p0, wd, {
      maximize: variant.maximize,
      decay: variant.decay && !variant.decoupled,
    });
    const maxOld = variant.amsgrad ? maxSq : undefined;
    const { m, v, vmax, step } = adamStep(g, expAvg, expAvgSq, maxOld, params);
    const out = p.sub(step);
    return variant.amsgrad ? [out, m, v, vmax] : [out, m, v];
  },
}));

/** Runs one fused Adam (or, with `decoupled`, AdamW) update of `param` and its state. */
function adamUpdate(
  param: Tensor,
  grad: Tensor,
  state: AdamState,
  group: AdamHyperparameters,
  step: number,
  decoupled: boolean,
): void {
  const buffers = [state.expAvg, state.expAvgSq];
  if (group.amsgrad && state.maxExpAvgSq) buffers.push(state.maxExpAvgSq);
  adamKernel({
    maximize: group.maximize,
    decay: group.weightDecay !== 0,
    amsgrad: buffers.length === 3,
    decoupled,
  }).applyInto(
    [param, ...buffers],
    [param, grad, ...buffers],
    [
      ...adamStepParams(group.lr / (1 - group.betas[0] ** step), group.betas, group.eps, step),
      group.weightDecay,
      1 - group.lr * group.weightDecay,
    ],
  );
}

/** The definition of Adam (`decoupled` false) or AdamW (true), with their defaults. */
function defineAdam(
  name: string,
  decoupled: boolean,
  create: (
    params: ParamsInput<AdamHyperparameters>,
    options?: Partial<AdamHyperparameters>,
  ) => DefinedOptimizer<AdamHyperparameters, AdamState>,
): OptimizerDefinition<AdamHyperparameters, AdamState> {
  const defaults: Defaults<AdamHyperparameters> = {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: decoupled ? 1e-2 : 0,
    amsgrad: false,
    maximize: false,
  };
  return defineOptimizer<AdamHyperparameters, AdamState>({
    name,
    create,
    defaults,
    validate(group) {
      checkCommon(name, group);
      checkBetas(name, group.betas);
      checkBoolean(name, "amsgrad", group.amsgrad);
    },
    initState(param, group) {
      const state: AdamState = { expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
      if (group.amsgrad) state.maxExpAvgSq = zerosLike(param);
      return state;
    },
    update: ({ param, grad, state, group, step }) =>
      adamUpdate(param, grad, state, group, step, decoupled),
  });
}

/** The Adam definition (registry name `"adam"`): L2 weight decay, default 0. */
export const adam = /* @__PURE__ */ defineAdam(
  "adam",
  false,
  (params, options) => new Adam(params, options),
);

/** The AdamW definition (registry name `"adamw"`): decoupled weight decay, default 1e-2. */
export const adamw = /* @__PURE__ */ defineAdam(
  "adamw",
  true,
  (params, options) => new AdamW(params, options),
);

/** Options of `new Adam(params, options)`. */
export type AdamOptions = Partial<AdamHyperparameters>;

/** Options of `new AdamW(params, options)`. */
export type AdamWOptions = Partial<AdamWHyperparameters>;

/** Adam, as `torch.optim.Adam` (the rule is in the package README and the module doc). */
export class Adam extends DefinedOptimizer<AdamHyperparameters, AdamState> {
  constructor(params: ParamsInput<AdamHyperparameters>, options: AdamOptions = {}) {
    super(adam, params, options);
  }
}

/** AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay (see the module doc). */
export class AdamW extends DefinedOptimizer<AdamWHyperparameters, AdamState> {
  constructor(params: ParamsInput<AdamWHyperparameters>, options: AdamWOptions = {}) {
    super(adamw, params, options);
  }
}
