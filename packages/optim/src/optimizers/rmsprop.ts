/**
 * RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning"; centered form from
 * Graves 2013), as PyTorch 1.13's `torch.optim.RMSprop`. eps is added OUTSIDE the square root:
 *
 *   g = ±grad + weightDecay * p
 *   v = alpha * v + (1 - alpha) * g * g
 *   centered: m = alpha * m + (1 - alpha) * g;  avg = sqrt(v - m * m) + eps
 *   else:     avg = sqrt(v) + eps
 *   momentum > 0: buf = momentum * buf + g / avg;  p = p - lr * buf
 *   else:         p = p - lr * g / avg
 */
import { type Expr, type Tensor, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { effectiveGrad, fusedVariants } from "../fused.js";
import { checkBoolean, checkCommon, checkNonNegative, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** RMSprop's hyperparameters. */
export type RMSpropHyperparameters = {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
};

/** RMSprop's state: the square average, plus the gradient average (centered) and momentum buffer. */
export type RMSpropState = { squareAvg: Tensor; gradAvg?: Tensor; momentumBuffer?: Tensor };

type Variant = { maximize: boolean; decay: boolean; centered: boolean; momentum: boolean };

// inputs: p, g, squareAvg[, gradAvg][, momentumBuffer]; params: lr, alpha, 1 - alpha, eps, weightDecay, momentum
const rmspropKernel = /* @__PURE__ */ fusedVariants("rmsprop", (v: Variant) => ({
  inputs: 3 + (v.centered ? 1 : 0) + (v.momentum ? 1 : 0),
  params: 6,
  build: (inputs, [lr, alpha, oneMinusAlpha, eps, wd, momentum]) => {
    const [p, grad, squareAvg] = inputs as [Expr, Expr, Expr];
    let next = 3;
    const g = effectiveGrad(grad, p, wd, v);
    const sq = squareAvg.mul(alpha).add(oneMinusAlpha.mul(g).mul(g));
    const outputs = [sq];
    let avg: Expr;
    if (v.centered) {
      const m = inputs[next++].mul(alpha).add(g.mul(oneMinusAlpha));
      outputs.push(m);
      avg = sq.sub(m.mul(m)).sqrt().add(eps);
    } else avg = sq.sqrt().add(eps);
    if (v.momentum) {
      const buf = inputs[next].mul(momentum).add(g.div(avg));
      outputs.push(buf);
      return [p.sub(buf.mul(lr)), ...outputs];
    }
    return [p.sub(lr.mul(g).div(avg)), ...outputs];
  },
}));

const defaults: Defaults<RMSpropHyperparameters> = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/** The RMSprop definition (registry name `"rmsprop"`). */
export const rmsprop = /* @__PURE__ */ defineOptimizer<RMSpropHyperparameters, RMSpropState>({
  name: "rmsprop",
  create: (params, options) => new RMSprop(params, options),
  defaults,
  validate(group) {
    checkCommon("rmsprop", group);
    checkNonNegative("rmsprop", "alpha", group.alpha);
    checkNonNegative("rmsprop", "momentum", group.momentum);
    checkBoolean("rmsprop", "centered", group.centered);
  },
  initState(param, group) {
    const state: RMSpropState = { squareAvg: zerosLike(param) };
    if (group.momentum > 0) state.momentumBuffer = zerosLike(param);
    if (group.centered) state.gradAvg = zerosLike(param);
    return state;
  },
  update({ param, grad, state, group }) {
    const centered = group.centered && state.gradAvg !== undefined;
    const momentum = group.momentum > 0 && state.momentumBuffer !== undefined;
    const buffers = [
      state.squareAvg,
      ...(centered ? [state.gradAvg as Tensor] : []),
      ...(momentum ? [state.momentumBuffer as Tensor] : []),
    ];
    rmspropKernel({
      maximize: group.maximize,
      decay: group.weightDecay !== 0,
      centered,
      momentum,
    }).applyInto(
      [param, ...buffers],
      [param, grad, ...buffers],
      [group.lr, group.alpha, 1 - group.alpha, group.eps, group.weightDecay, group.momentum],
    );
  },
});

/** Options of `new RMSprop(params, options)`. */
export type RMSpropOptions = Partial<RMSpropHyperparameters>;

/** RMSprop, as `torch.optim.RMSprop` (see the module doc for the rule). */
export class RMSprop extends DefinedOptimizer<RMSpropHyperparameters, RMSpropState> {
  constructor(params: ParamsInput<RMSpropHyperparameters>, options: RMSpropOptions = {}) {
    super(rmsprop, params, options);
  }
}
