/**
 * RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), as
 * PyTorch 1.13's `torch.optim.RAdam`:
 *
 *   g = grad + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
 *   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
 *   rho_t > 5: r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 *              p = p - m / (1 - beta1^t) * lr * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
 *   otherwise: p = p - m / (1 - beta1^t) * lr
 *
 * Both branches live in one kernel (a `where` on a kernel param), so the switch at rho_t = 5
 * compiles nothing.
 */
import { type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkBetas, checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** RAdam's hyperparameters (PyTorch 1.13's RAdam has no maximize). */
export type RAdamHyperparameters = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
};

/** RAdam's state: the two moments. */
export type RAdamState = { expAvg: Tensor; expAvgSq: Tensor };

// inputs: p, g, m, v
// params: lr, beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, sqrt(1 - beta2^t), eps, rect, rectified, weightDecay
const radamKernel = /* @__PURE__ */ fusedVariants("radam", (v: { decay: boolean }) => ({
  inputs: 4,
  params: 11,
  build: (
    [p, grad, expAvg, expAvgSq],
    [lr, beta1, omb1, beta2, omb2, bc1, bc2Sqrt, eps, rect, rectified, wd],
  ) => {
    const g = effectiveGrad(grad, p, wd, v);
    const m = expAvg.mul(beta1).add(g.mul(omb1));
    const sq = expAvgSq.mul(beta2).add(omb2.mul(g).mul(g));
    const corrected = m.div(bc1).mul(lr);
    const adaptive = bc2Sqrt.div(sq.sqrt().add(eps));
    const update = rectified.where(corrected.mul(adaptive).mul(rect), corrected);
    return [p.sub(update), m, sq];
  },
}));

const defaults: Defaults<RAdamHyperparameters> = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
};

/** The RAdam definition (registry name `"radam"`). */
export const radam = /* @__PURE__ */ defineOptimizer<RAdamHyperparameters, RAdamState>({
  name: "radam",
  create: (params, options) => new RAdam(params, options),
  defaults,
  validate(group) {
    checkCommon("radam", group);
    checkBetas("radam", group.betas);
  },
  initState: (param) => ({ expAvg: zerosLike(param), expAvgSq: zerosLike(param) }),
  update({ param, grad, state, group, step }) {
    const [beta1, beta2] = group.betas;
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
    const rectified = rhoT > 5;
    const rect = rectified
      ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
      : 0;
    radamKernel({ decay: group.weightDecay !== 0 }).applyInto(
      [param, state.expAvg, state.expAvgSq],
      [param, grad, state.expAvg, state.expAvgSq],
      [
        group.lr,
        beta1,
        1 - beta1,
        beta2,
        1 - beta2,
        bc1,
        Math.sqrt(bc2),
        group.eps,
        rect,
        rectified ? 1 : 0,
        group.weightDecay,
      ],
    );
  },
});

/** Options of `new RAdam(params, options)`. */
export type RAdamOptions = Partial<RAdamHyperparameters>;

/** RAdam, as `torch.optim.RAdam` (see the module doc for the rule). */
export class RAdam extends DefinedOptimizer<RAdamHyperparameters, RAdamState> {
  constructor(params: ParamsInput<RAdamHyperparameters>, options: RAdamOptions = {}) {
    super(radam, params, options);
  }
}
