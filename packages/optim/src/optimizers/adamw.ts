/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"), as PyTorch 1.13's
 * `torch.optim.AdamW`: Adam whose weight decay is applied to the parameter directly and
 * multiplied by lr, `p = p * (1 - lr * weightDecay)`, before the Adam step (default
 * weightDecay 1e-2). The rule is in ./adam-kernel.ts.
 */
import { zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { checkBetas, checkBoolean, checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";
import type { AdamHyperparameters } from "./adam.js";
import { type AdamState, adamUpdate } from "./adam-kernel.js";

/** AdamW's hyperparameters: Adam's (only the default weightDecay and its meaning differ). */
export type AdamWHyperparameters = AdamHyperparameters;

const defaults: Defaults<AdamWHyperparameters> = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 1e-2,
  amsgrad: false,
  maximize: false,
};

/** The AdamW definition (registry name `"adamw"`). */
export const adamw = /* @__PURE__ */ defineOptimizer<AdamWHyperparameters, AdamState>({
  name: "adamw",
  create: (params, options) => new AdamW(params, options),
  defaults,
  validate(group) {
    checkCommon("adamw", group);
    checkBetas("adamw", group.betas);
    checkBoolean("adamw", "amsgrad", group.amsgrad);
  },
  initState(param, group) {
    const state: AdamState = { expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
    if (group.amsgrad) state.maxExpAvgSq = zerosLike(param);
    return state;
  },
  update: ({ param, grad, state, group, step }) =>
    adamUpdate(param, grad, state, group, step, true),
});

/** Options of `new AdamW(params, options)`. */
export type AdamWOptions = Partial<AdamWHyperparameters>;

/** AdamW, as `torch.optim.AdamW` (see the module doc). */
export class AdamW extends DefinedOptimizer<AdamWHyperparameters, AdamState> {
  constructor(params: ParamsInput<AdamWHyperparameters>, options: AdamWOptions = {}) {
    super(adamw, params, options);
  }
}
