/**
 * Adamax (Kingma & Ba 2015, section 7.1: Adam with the infinity norm), as PyTorch 1.13's
 * `torch.optim.Adamax`:
 *
 *   g = ±grad + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   u = max(beta2 * u, |g| + eps)
 *   p = p - (lr / (1 - beta1^t)) * m / u
 */
import { type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkBetas, checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** Adamax's hyperparameters. */
export type AdamaxHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
};

/** Adamax's state: the first moment and the exponentially weighted infinity norm. */
export type AdamaxState = { expAvg: Tensor; expInf: Tensor };

// inputs: p, g, m, u; params: clr, beta1, 1 - beta1, beta2, eps, weightDecay
const adamaxKernel = /* @__PURE__ */ fusedVariants(
  "adamax",
  (v: { maximize: boolean; decay: boolean }) => ({
    inputs: 4,
    params: 6,
    build: ([p, grad, expAvg, expInf], [clr, beta1, omb1, beta2, eps, wd]) => {
      const g = effectiveGrad(grad, p, wd, v);
      const m = expAvg.mul(beta1).add(g.mul(omb1));
      const u = expInf.mul(beta2).maximum(g.abs().add(eps));
      return [p.sub(clr.mul(m).div(u)), m, u];
    },
  }),
);

const defaults: Defaults<AdamaxHyperparameters> = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  maximize: false,
};

/** The Adamax definition (registry name `"adamax"`). */
export const adamax = /* @__PURE__ */ defineOptimizer<AdamaxHyperparameters, AdamaxState>({
  name: "adamax",
  create: (params, options) => new Adamax(params, options),
  defaults,
  validate(group) {
    checkCommon("adamax", group);
    checkBetas("adamax", group.betas);
  },
  initState: (param) => ({ expAvg: zerosLike(param), expInf: zerosLike(param) }),
  update({ param, grad, state, group, step }) {
    const [beta1, beta2] = group.betas;
    adamaxKernel({ maximize: group.maximize, decay: group.weightDecay !== 0 }).applyInto(
      [param, state.expAvg, state.expInf],
      [param, grad, state.expAvg, state.expInf],
      [group.lr / (1 - beta1 ** step), beta1, 1 - beta1, beta2, group.eps, group.weightDecay],
    );
  },
});

/** Options of `new Adamax(params, options)`. */
export type AdamaxOptions = Partial<AdamaxHyperparameters>;

/** Adamax, as `torch.optim.Adamax` (see the module doc for the rule). */
export class Adamax extends DefinedOptimizer<AdamaxHyperparameters, AdamaxState> {
  constructor(params: ParamsInput<AdamaxHyperparameters>, options: AdamaxOptions = {}) {
    super(adamax, params, options);
  }
}
