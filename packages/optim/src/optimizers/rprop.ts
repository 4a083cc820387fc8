/**
 * Rprop (Riedmiller & Braun 1993, "A direct adaptive method for faster backpropagation
 * learning"), as PyTorch 1.13's `torch.optim.Rprop`. Per element, with s = sign(g * prev):
 *
 *   factor = etaplus if s > 0, etaminus if s < 0, 1 if s = 0
 *   stepSize = clamp(stepSize * factor, stepSizes[0], stepSizes[1])   (starts at lr)
 *   g = 0 where factor = etaminus (the sign flipped: skip this step, forget the gradient)
 *   p = p - sign(g) * stepSize;  prev = g
 */
import { fullLike, type Tensor, ValueError, zerosLike } from "@nn/tensor";
import { DefinedOptimizer, defineOptimizer } from "../define.js";
import { fusedVariants } from "../fused.js";
import { checkCommon, type Defaults } from "../hyperparameters.js";
import type { ParamsInput } from "../param-groups.js";

/** Rprop's hyperparameters. */
export type RpropHyperparameters = {
  lr: number;
  etas: readonly [number, number];
  stepSizes: readonly [number, number];
  maximize: boolean;
};

/** Rprop's state: the previous (masked) gradient and the per-element step sizes. */
export type RpropState = { prev: Tensor; stepSize: Tensor };

// inputs: p, g, prev, stepSize; params: etaminus, etaplus, stepSizeMin, stepSizeMax
const rpropKernel = /* @__PURE__ */ fusedVariants("rprop", (v: { maximize: boolean }) => ({
  inputs: 4,
  params: 4,
  build: ([p, grad, prev, stepSize], [etaminus, etaplus, lo, hi]) => {
    const g = v.maximize ? grad.neg() : grad;
    const s = g.mul(prev).sign();
    // As PyTorch's masked assignments: NaN signs stay NaN.
    const factor = s.gt(0).where(etaplus, s.lt(0).where(etaminus, s.eq(0).where(1, s)));
    const size = stepSize.mul(factor).maximum(lo).minimum(hi);
    const masked = factor.eq(etaminus).where(0, g);
    return [p.sub(masked.sign().mul(size)), masked, size];
  },
}));

const defaults: Defaults<RpropHyperparameters> = {
  lr: 1e-2,
  etas: [0.5, 1.2],
  stepSizes: [1e-6, 50],
  maximize: false,
};

/** The Rprop definition (registry name `"rprop"`). */
export const rprop = /* @__PURE__ */ defineOptimizer<RpropHyperparameters, RpropState>({
  name: "rprop",
  create: (params, options) => new Rprop(params, options),
  defaults,
  validate(group) {
    checkCommon("rprop", group);
    const [etaminus, etaplus] = (Array.isArray(group.etas) ? group.etas : []) as number[];
    if (
      !(
        etaminus !== undefined &&
        etaplus !== undefined &&
        0 < etaminus &&
        etaminus < 1 &&
        1 < etaplus
      )
    ) {
      throw new ValueError(
        `rprop: etas must be [etaminus, etaplus] with 0 < etaminus < 1 < etaplus, got ${JSON.stringify(group.etas)}`,
      );
    }
    const sizes = group.stepSizes;
    if (!Array.isArray(sizes) || sizes.length !== 2 || !sizes.every((x) => typeof x === "number")) {
      throw new ValueError(
        `rprop: stepSizes must be [min, max] numbers, got ${JSON.stringify(group.stepSizes)}`,
      );
    }
  },
  initState: (param, group) => ({ prev: zerosLike(param), stepSize: fullLike(param, group.lr) }),
  update({ param, grad, state, group }) {
    rpropKernel({ maximize: group.maximize }).applyInto(
      [param, state.prev, state.stepSize],
      [param, grad, state.prev, state.stepSize],
      [group.etas[0], group.etas[1], group.stepSizes[0], group.stepSizes[1]],
    );
  },
});

/** Options of `new Rprop(params, options)`. */
export type RpropOptions = Partial<RpropHyperparameters>;

/** Rprop, as `torch.optim.Rprop` (see the module doc for the rule). */
export class Rprop extends DefinedOptimizer<RpropHyperparameters, RpropState> {
  constructor(params: ParamsInput<RpropHyperparameters>, options: RpropOptions = {}) {
    super(rprop, params, options);
  }
}
