/**
 * ASGD, averaged SGD (Polyak & Juditsky 1992), as PyTorch 1.13's `torch.optim.ASGD`:
 *
 *   g = ±grad + weightDecay * p
 *   p = p * (1 - lambd * eta) - eta * g
 *   ax = p if mu = 1, else ax + mu * (p - ax)
 *   eta = lr / (1 + lambd * lr * t)^alpha;  mu = 1 / max(1, t - t0)   (for the next step)
 *
 * PyTorch keeps eta and mu in float32 0-d tensors whatever the parameter's dtype; they are
 * kept here as numbers rounded to float32 the same way, so float64 runs match step for step.
 */
import { type Tensor, ValueError, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkCommon, checkNonNegative, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** ASGD's hyperparameters. */
export type ASGDHyperparameters = {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
};

/** ASGD's state: the step size eta, the averaging rate mu, and the average ax. */
export type ASGDState = { eta: number; mu: number; ax: Tensor };

// inputs: p, g, ax; params: 1 - lambd * eta, eta, mu, averaging (mu != 1), weightDecay
const asgdKernel = /* @__PURE__ */ fusedVariants(
  "asgd",
  (v: { maximize: boolean; decay: boolean }) => ({
    inputs: 3,
    params: 5,
    build: ([p, grad, ax], [decayFactor, eta, mu, averaging, wd]) => {
      const g = effectiveGrad(grad, p, wd, v);
      const next = p.mul(decayFactor).sub(eta.mul(g));
      return [next, averaging.where(ax.add(next.sub(ax).mul(mu)), next)];
    },
  }),
);

const defaults: Defaults<ASGDHyperparameters> = {
  lr: 1e-2,
  lambd: 1e-4,
  alpha: 0.75,
  t0: 1e6,
  weightDecay: 0,
  maximize: false,
};

const f32 = Math.fround;

/** The ASGD definition (registry name `"asgd"`). */
export const asgd = /* @__PURE__ */ defineOptimizer<ASGDHyperparameters, ASGDState>({
  name: "asgd",
  create: (params, options) => new ASGD(params, options),
  defaults,
  validate(group) {
    checkCommon("asgd", group);
    checkNonNegative("asgd", "lambd", group.lambd);
    checkNonNegative("asgd", "alpha", group.alpha);
    if (typeof group.t0 !== "number" || Number.isNaN(group.t0)) {
      throw new ValueError(`asgd: t0 must be a number, got ${String(group.t0)}`);
    }
  },
  initState: (param, group) => ({ eta: f32(group.lr), mu: 1, ax: zerosLike(param) }),
  update({ param, grad, state, group, step }) {
    asgdKernel({ maximize: group.maximize, decay: group.weightDecay !== 0 }).applyInto(
      [param, state.ax],
      [param, grad, state.ax],
      [1 - group.lambd * state.eta, state.eta, state.mu, state.mu !== 1 ? 1 : 0, group.weightDecay],
    );
    state.eta = f32(group.lr / (1 + group.lambd * group.lr * step) ** group.alpha);
    state.mu = f32(1 / Math.max(1, step - group.t0));
  },
});

/** Options of `new ASGD(params, options)`. */
export type ASGDOptions = Partial<ASGDHyperparameters>;

/** Averaged SGD, as `torch.optim.ASGD` (see the module doc for the rule). */
export class ASGD extends DefinedOptimizer<ASGDHyperparameters, ASGDState> {
  constructor(params: ParamsInput<ASGDHyperparameters>, options: ASGDOptions = {}) {
    super(asgd, params, options);
  }
}
