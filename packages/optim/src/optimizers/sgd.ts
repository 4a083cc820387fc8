/**
 * SGD with momentum, dampening, Nesterov momentum, L2 weight decay and maximize, as PyTorch
 * 1.13's `torch.optim.SGD` (Sutskever et al. 2013 for the momentum form):
 *
 *   g = ±grad + weightDecay * p
 *   buf = g                                  on the first step with momentum
 *   buf = momentum * buf + (1 - dampening) * g   afterwards
 *   g = nesterov ? g + momentum * buf : buf   (when momentum != 0)
 *   p = p - lr * g
 */
import { keep, type Tensor, ValueError, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import {
  checkBoolean,
  checkCommon,
  checkNonNegative,
  type Defaults,
  required,
} from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** SGD's hyperparameters. */
export type SGDHyperparameters = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
};

/** SGD's state: the momentum buffer (null when momentum is 0, as PyTorch's None). */
export type SGDState = { momentumBuffer: Tensor | null };

// inputs: p, g[, buf]; params: lr, weightDecay, momentum, bufDecay, gradScale
const sgdKernel = /* @__PURE__ */ fusedVariants(
  "sgd",
  (v: { maximize: boolean; decay: boolean; momentum: boolean; nesterov: boolean }) => ({
    inputs: v.momentum ? 3 : 2,
    params: 5,
    build: ([p, grad, buf], [lr, wd, momentum, bufDecay, gradScale]) => {
      let g = effectiveGrad(grad, p, wd, v);
      if (!v.momentum) return p.sub(g.mul(lr));
      const b = buf.mul(bufDecay).add(g.mul(gradScale));
      g = v.nesterov ? g.add(b.mul(momentum)) : b;
      return [p.sub(g.mul(lr)), b];
    },
  }),
);

const defaults: Defaults<SGDHyperparameters> = {
  lr: required,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/** The SGD definition (registry name `"sgd"`). */
export const sgd = /* @__PURE__ */ defineOptimizer<SGDHyperparameters, SGDState>({
  name: "sgd",
  create: (params, options) => new SGD(params, options as SGDOptions),
  defaults,
  validate(group) {
    checkCommon("sgd", group);
    checkNonNegative("sgd", "momentum", group.momentum);
    checkBoolean("sgd", "nesterov", group.nesterov);
    if (typeof group.dampening !== "number") {
      throw new ValueError(`sgd: dampening must be a number, got ${String(group.dampening)}`);
    }
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ValueError(
        `sgd: nesterov requires momentum > 0 and dampening = 0, got momentum ${group.momentum}, dampening ${group.dampening}`,
      );
    }
  },
  initState: (param, group) => ({
    momentumBuffer: group.momentum !== 0 ? zerosLike(param) : null,
  }),
  update({ param, grad, state, group, step }) {
    const hasMomentum = group.momentum !== 0;
    let first = step === 1;
    if (hasMomentum && !state.momentumBuffer) {
      state.momentumBuffer = keep(zerosLike(param)); // momentum switched on mid-training
      first = true;
    }
    const kernel = sgdKernel({
      maximize: group.maximize,
      decay: group.weightDecay !== 0,
      momentum: hasMomentum,
      nesterov: group.nesterov,
    });
    // The first momentum step copies the gradient: buf = 0 * buf + 1 * g (buf starts at zero).
    const params = [
      group.lr,
      group.weightDecay,
      group.momentum,
      first ? 0 : group.momentum,
      first ? 1 : 1 - group.dampening,
    ];
    if (hasMomentum) {
      const buf = state.momentumBuffer as Tensor;
      kernel.applyInto([param, buf], [param, grad, buf], params);
    } else kernel.applyInto([param], [param, grad], params);
  },
});

/** Options of `new SGD(params, options)`: `lr` is required (as in PyTorch). */
export type SGDOptions = Partial<SGDHyperparameters> & { lr: number };

/** Stochastic gradient descent, as `torch.optim.SGD` (see the module doc for the rule). */
export class SGD extends DefinedOptimizer<SGDHyperparameters, SGDState> {
  constructor(params: ParamsInput<SGDHyperparameters>, options: SGDOptions) {
    super(sgd, params, options);
  }
}
