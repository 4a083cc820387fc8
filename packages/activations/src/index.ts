/**
 * @nn/activations: PyTorch's activation functions for @nn/tensor. Each elementwise activation
 * is one definition (forward expression, derivative, scalar parameters) from which come the
 * function, its gradient and one fused kernel on every backend; `defineActivation` is how you
 * add your own. softmax, logSoftmax, softmin and glu are composites with analytic gradients;
 * prelu takes its weight as a tensor; rrelu draws from the seeded generator.
 *
 * ```ts
 * import { relu, gelu, softmax } from "@nn/activations";
 * const y = softmax(gelu(x, { approximate: "tanh" }), -1);
 * ```
 *
 * @module @nn/activations
 */

/** `tanh` is `@nn/tensor`'s (one op, owned there); its activation definition is `tanhActivation`. */
export { tanh } from "@nn/tensor";
export {
  type Activation,
  type ActivationChoices,
  type ActivationDefinition,
  type ActivationOptions,
  type ActivationParams,
  type ActivationSpec,
  type ChoiceValues,
  type DerivativeArgs,
  defineActivation,
  type ParamExprs,
} from "./define.js";
export { celu, elu, SELU_ALPHA, SELU_SCALE, selu } from "./elu.js";
export { glu } from "./glu.js";
export {
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  leakyRelu,
  relu,
  relu6,
  softshrink,
  threshold,
} from "./piecewise.js";
export { prelu } from "./prelu.js";
export { type RReLUOptions, rrelu } from "./rrelu.js";
export {
  gelu,
  logSigmoid,
  mish,
  sigmoid,
  silu,
  softplus,
  softsign,
  tanhActivation,
  tanhshrink,
} from "./smooth.js";
export { logSoftmax, softmax, softmin } from "./softmax.js";
