/**
 * Adagrad (Duchi et al. 2011), as PyTorch 1.13's `torch.optim.Adagrad`:
 *
 *   g = ±grad + weightDecay * p
 *   clr = lr / (1 + (step - 1) * lrDecay)
 *   sum = sum + g * g                 (sum starts at initialAccumulatorValue, default 0)
 *   p = p - clr * g / (sqrt(sum) + eps)
 */
import { fullLike, type Tensor } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkCommon, checkNonNegative, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** Adagrad's hyperparameters. */
export type AdagradHyperparameters = {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
};

/** Adagrad's state: the running sum of squared gradients. */
export type AdagradState = { sum: Tensor };

// inputs: p, g, sum; params: clr, weightDecay, eps
const adagradKernel = /* @__PURE__ */ fusedVariants(
  "adagrad",
  (v: { maximize: boolean; decay: boolean }) => ({
    inputs: 3,
    params: 3,
    build: ([p, grad, sum], [clr, wd, eps]) => {
      const g = effectiveGrad(grad, p, wd, v);
      const s = sum.add(g.mul(g));
      return [p.sub(clr.mul(g).div(s.sqrt().add(eps))), s];
    },
  }),
);

const defaults: Defaults<AdagradHyperparameters> = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/** The Adagrad definition (registry name `"adagrad"`). */
export const adagrad = /* @__PURE__ */ defineOptimizer<AdagradHyperparameters, AdagradState>({
  name: "adagrad",
  create: (params, options) => new Adagrad(params, options),
  defaults,
  validate(group) {
    checkCommon("adagrad", group);
    checkNonNegative("adagrad", "lrDecay", group.lrDecay);
    checkNonNegative("adagrad", "initialAccumulatorValue", group.initialAccumulatorValue);
  },
  initState: (param, group) => ({ sum: fullLike(param, group.initialAccumulatorValue) }),
  update({ param, grad, state, group, step }) {
    const clr = group.lr / (1 + (step - 1) * group.lrDecay);
    adagradKernel({ maximize: group.maximize, decay: group.weightDecay !== 0 }).applyInto(
      [param, state.sum],
      [param, grad, state.sum],
      [clr, group.weightDecay, group.eps],
    );
  },
});

/** Options of `new Adagrad(params, options)`. */
export type AdagradOptions = Partial<AdagradHyperparameters>;

/** Adagrad, as `torch.optim.Adagrad` (see the module doc for the rule). */
export class Adagrad extends DefinedOptimizer<AdagradHyperparameters, AdagradState> {
  constructor(params: ParamsInput<AdagradHyperparameters>, options: AdagradOptions = {}) {
    super(adagrad, params, options);
  }
}
