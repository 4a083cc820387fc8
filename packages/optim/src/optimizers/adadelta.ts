/**
 * Adadelta (Zeiler 2012), as PyTorch 1.13's `torch.optim.Adadelta`. Its lr defaults to 1.0:
 *
 *   g = ±grad + weightDecay * p
 *   v = rho * v + (1 - rho) * g * g
 *   delta = sqrt(u + eps) / sqrt(v + eps) * g
 *   u = rho * u + (1 - rho) * delta * delta
 *   p = p - lr * delta
 */
import { type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkCommon, checkInRange, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** Adadelta's hyperparameters. */
export type AdadeltaHyperparameters = {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
};

/** Adadelta's state: running averages of squared gradients and of squared updates. */
export type AdadeltaState = { squareAvg: Tensor; accDelta: Tensor };

// inputs: p, g, squareAvg, accDelta; params: lr, rho, 1 - rho, eps, weightDecay
const adadeltaKernel = /* @__PURE__ */ fusedVariants(
  "adadelta",
  (v: { maximize: boolean; decay: boolean }) => ({
    inputs: 4,
    params: 5,
    build: ([p, grad, squareAvg, accDelta], [lr, rho, oneMinusRho, eps, wd]) => {
      const g = effectiveGrad(grad, p, wd, v);
      const sq = squareAvg.mul(rho).add(oneMinusRho.mul(g).mul(g));
      const delta = accDelta.add(eps).sqrt().div(sq.add(eps).sqrt()).mul(g);
      const acc = accDelta.mul(rho).add(oneMinusRho.mul(delta).mul(delta));
      return [p.sub(delta.mul(lr)), sq, acc];
    },
  }),
);

const defaults: Defaults<AdadeltaHyperparameters> = {
  lr: 1.0,
  rho: 0.9,
  eps: 1e-6,
  weightDecay: 0,
  maximize: false,
};

/** The Adadelta definition (registry name `"adadelta"`). */
export const adadelta = /* @__PURE__ */ defineOptimizer<AdadeltaHyperparameters, AdadeltaState>({
  name: "adadelta",
  create: (params, options) => new Adadelta(params, options),
  defaults,
  validate(group) {
    checkCommon("adadelta", group);
    checkInRange("adadelta", "rho", group.rho, 0, 1, true);
  },
  initState: (param) => ({ squareAvg: zerosLike(param), accDelta: zerosLike(param) }),
  update({ param, grad, state, group }) {
    adadeltaKernel({ maximize: group.maximize, decay: group.weightDecay !== 0 }).applyInto(
      [param, state.squareAvg, state.accDelta],
      [param, grad, state.squareAvg, state.accDelta],
      [group.lr, group.rho, 1 - group.rho, group.eps, group.weightDecay],
    );
  },
});

/** Options of `new Adadelta(params, options)`. */
export type AdadeltaOptions = Partial<AdadeltaHyperparameters>;

/** Adadelta, as `torch.optim.Adadelta` (see the module doc for the rule). */
export class Adadelta extends DefinedOptimizer<AdadeltaHyperparameters, AdadeltaState> {
  constructor(params: ParamsInput<AdadeltaHyperparameters>, options: AdadeltaOptions = {}) {
    super(adadelta, params, options);
  }
}
