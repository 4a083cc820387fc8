/**
 * Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization
 * Algorithms", arXiv:2302.06675, Algorithm 2), as an @nn/optim plugin written only with the
 * public contract:
 *
 *   c = beta1 * m + (1 - beta1) * g
 *   p = p * (1 - lr * weightDecay) - lr * sign(c)      (decoupled weight decay)
 *   m = beta2 * m + (1 - beta2) * g
 *
 * The whole update is one fused elementwise kernel; lr, betas and weightDecay are kernel
 * arguments, so a schedule never recompiles. Lion's update has the magnitude of lr in every
 * coordinate: use an lr 3-10x smaller than AdamW's and a weightDecay 3-10x larger.
 */
import {
  checkBetas,
  checkCommon,
  type Defaults,
  DefinedOptimizer,
  defineOptimizer,
  fusedVariants,
  type ParamsInput,
} from "@nn/optim";
import { type Tensor, zerosLike } from "@nn/tensor";

/** Lion's hyperparameters. */
export type LionHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  weightDecay: number;
  maximize: boolean;
};

/** Lion's state: the momentum (an exponential moving average of the gradients). */
export type LionState = { expAvg: Tensor };

// inputs: p, g, m; params: 1 - lr * weightDecay, lr, beta1, 1 - beta1, beta2, 1 - beta2
const lionKernel = /* @__PURE__ */ fusedVariants("lion", (v: { maximize: boolean }) => ({
  inputs: 3,
  params: 6,
  build: ([p, grad, m], [decay, lr, beta1, omb1, beta2, omb2]) => {
    const g = v.maximize ? grad.neg() : grad;
    const direction = m.mul(beta1).add(g.mul(omb1)).sign();
    return [p.mul(decay).sub(lr.mul(direction)), m.mul(beta2).add(g.mul(omb2))];
  },
}));

const defaults: Defaults<LionHyperparameters> = {
  lr: 1e-4,
  betas: [0.9, 0.99],
  weightDecay: 0,
  maximize: false,
};

/**
 * The Lion definition (name `"lion"`). Packages are side-effect free: the application
 * registers it, `registerOptimizer(lion)`, then `createOptimizer("lion", params, { lr })`.
 */
export const lion = /* @__PURE__ */ defineOptimizer<LionHyperparameters, LionState>({
  name: "lion",
  defaults,
  create: (params, options) => new Lion(params, options),
  validate(group) {
    checkCommon("lion", group);
    checkBetas("lion", group.betas);
  },
  initState: (param) => ({ expAvg: zerosLike(param) }),
  update({ param, grad, state, group }) {
    const [beta1, beta2] = group.betas;
    lionKernel({ maximize: group.maximize }).applyInto(
      [param, state.expAvg],
      [param, grad, state.expAvg],
      [1 - group.lr * group.weightDecay, group.lr, beta1, 1 - beta1, beta2, 1 - beta2],
    );
  },
});

/** Options of `new Lion(params, options)`. */
export type LionOptions = Partial<LionHyperparameters>;

/** Lion (see the module doc for the rule); also constructible by name once `lion` is registered. */
export class Lion extends DefinedOptimizer<LionHyperparameters, LionState> {
  constructor(params: ParamsInput<LionHyperparameters>, options: LionOptions = {}) {
    super(lion, params, options);
  }
}
