/**
 * @nn/autograd: reverse-mode differentiation for @nn/tensor. Importing it installs the tape's op
 * hook; every op on a tensor with `requiresGrad` is then recorded.
 *
 * PyTorch style: `backward(loss)`, `.grad` on leaves, `noGrad(fn)`, `zeroGrad(params)`.
 * Functional style: `grad(f)`, `valueAndGrad(f)`, and `computeGrad(outputs, inputs)`.
 *
 * @module @nn/autograd
 */
// Grad mode is a switch in @nn/tensor's dispatch (code that only needs to not record imports
// nothing else); these are the same functions, re-exported.
export { detach, enableGrad, isGradEnabled, noGrad } from "@nn/tensor";
export {
  backward,
  type ComputeGradOptions,
  type CustomOpDefinition,
  computeGrad,
  defineCustomOp,
  type GradOptions,
  grad,
  valueAndGrad,
  zeroGrad,
} from "./api.js";
export type { BackwardOptions } from "./engine.js";
export { GradientError } from "./errors.js";
export { type GradcheckOptions, gradcheck } from "./gradcheck.js";
export { gradFn, isLeaf } from "./node.js";
export { getGradient, listGradients, registerGradient } from "./registry.js";
export type { GradContext, GradRule } from "./rule.js";
