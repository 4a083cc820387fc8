/**
 * NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), as PyTorch 1.13's
 * `torch.optim.NAdam`, with its momentum schedule:
 *
 *   g = grad + weightDecay * p
 *   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentumDecay)),  mu_{t+1} likewise
 *   muProduct = muProduct * mu_t
 *   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
 *   denom = sqrt(v / (1 - beta2^t)) + eps
 *   p = p - lr * (1 - mu_t) / (1 - muProduct) * g / denom
 *         - lr * mu_{t+1} / (1 - muProduct * mu_{t+1}) * m / denom
 *
 * PyTorch keeps muProduct in a float32 0-d tensor whatever the parameter's dtype; it is kept
 * here as a number rounded to float32 the same way, so float64 runs match step for step.
 */
import { type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkBetas, checkCommon, checkNonNegative, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** NAdam's hyperparameters (PyTorch 1.13's NAdam has no maximize). */
export type NAdamHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
};

/** NAdam's state: the product of the momentum schedule so far and the two moments. */
export type NAdamState = { muProduct: number; expAvg: Tensor; expAvgSq: Tensor };

// inputs: p, g, m, v; params: c1, c2, beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta2^t, eps, weightDecay
const nadamKernel = /* @__PURE__ */ fusedVariants("nadam", (v: { decay: boolean }) => ({
  inputs: 4,
  params: 9,
  build: ([p, grad, expAvg, expAvgSq], [c1, c2, beta1, omb1, beta2, omb2, bc2, eps, wd]) => {
    const g = effectiveGrad(grad, p, wd, v);
    const m = expAvg.mul(beta1).add(g.mul(omb1));
    const sq = expAvgSq.mul(beta2).add(omb2.mul(g).mul(g));
    const denom = sq.div(bc2).sqrt().add(eps);
    const p1 = p.sub(c1.mul(g).div(denom));
    return [p1.sub(c2.mul(m).div(denom)), m, sq];
  },
}));

const defaults: Defaults<NAdamHyperparameters> = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  momentumDecay: 4e-3,
};

const f32 = Math.fround;

/** The NAdam definition (registry name `"nadam"`). */
export const nadam = /* @__PURE__ */ defineOptimizer<NAdamHyperparameters, NAdamState>({
  name: "nadam",
  create: (params, options) => new NAdam(params, options),
  defaults,
  validate(group) {
    checkCommon("nadam", group);
    checkBetas("nadam", group.betas);
    checkNonNegative("nadam", "momentumDecay", group.momentumDecay);
  },
  initState: (param) => ({ muProduct: 1, expAvg: zerosLike(param), expAvgSq: zerosLike(param) }),
  update({ param, grad, state, group, step }) {
    const [beta1, beta2] = group.betas;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * group.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * group.momentumDecay));
    state.muProduct = f32(state.muProduct * f32(mu));
    const muProductNext = f32(f32(state.muProduct * f32(mu)) * f32(muNext));
    nadamKernel({ decay: group.weightDecay !== 0 }).applyInto(
      [param, state.expAvg, state.expAvgSq],
      [param, grad, state.expAvg, state.expAvgSq],
      [
        (group.lr * (1 - mu)) / (1 - state.muProduct),
        (group.lr * muNext) / (1 - muProductNext),
        beta1,
        1 - beta1,
        beta2,
        1 - beta2,
        1 - beta2 ** step,
        group.eps,
        group.weightDecay,
      ],
    );
  },
});

/** Options of `new NAdam(params, options)`. */
export type NAdamOptions = Partial<NAdamHyperparameters>;

/** NAdam, as `torch.optim.NAdam` (see the module doc for the rule). */
export class NAdam extends DefinedOptimizer<NAdamHyperparameters, NAdamState> {
  constructor(params: ParamsInput<NAdamHyperparameters>, options: NAdamOptions = {}) {
    super(nadam, params, options);
  }
}
