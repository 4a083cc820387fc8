/**
 * Adam (Kingma & Ba 2015) with L2 weight decay and AMSGrad, as PyTorch 1.13's
 * `torch.optim.Adam`; the rule is in ./adam-kernel.ts.
 */
import { zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { checkBetas, checkBoolean, checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";
import { type AdamState, adamUpdate } from "./adam-kernel.js";

/** Adam's hyperparameters. */
export type AdamHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

export type { AdamState };

const defaults: Defaults<AdamHyperparameters> = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/** The Adam definition (registry name `"adam"`). */
export const adam = /* @__PURE__ */ defineOptimizer<AdamHyperparameters, AdamState>({
  name: "adam",
  create: (params, options) => new Adam(params, options),
  defaults,
  validate(group) {
    checkCommon("adam", group);
    checkBetas("adam", group.betas);
    checkBoolean("adam", "amsgrad", group.amsgrad);
  },
  initState(param, group) {
    const state: AdamState = { expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
    if (group.amsgrad) state.maxExpAvgSq = zerosLike(param);
    return state;
  },
  update: ({ param, grad, state, group, step }) =>
    adamUpdate(param, grad, state, group, step, false),
});

/** Options of `new Adam(params, options)`. */
export type AdamOptions = Partial<AdamHyperparameters>;

/** Adam, as `torch.optim.Adam` (the rule is in the package README and ./adam-kernel.ts). */
export class Adam extends DefinedOptimizer<AdamHyperparameters, AdamState> {
  constructor(params: ParamsInput<AdamHyperparameters>, options: AdamOptions = {}) {
    super(adam, params, options);
  }
}
