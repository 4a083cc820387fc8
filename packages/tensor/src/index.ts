/**
 * @nn/tensor: the Tensor, dtypes, shapes and broadcasting, the ops, the Backend interface and
 * registry, memory scopes, the scalar expression IR, and the counter-based RNG. Ops are free
 * functions (`add(a, b)`, `matmul(a, b)`), so a bundle keeps only what it imports.
 *
 * @module @nn/tensor
 */

export {
  AnomalyError,
  isAnomalyModeEnabled,
  setAnomalyMode,
  withAnomalyMode,
} from "./anomaly.js";
export * from "./backend.js";
export { enableGrad, isGradEnabled, noGrad } from "./dispatch.js";
export * from "./dtype.js";
export * from "./errors.js";
export * from "./expr.js";
export { FileError, fileError } from "./file-error.js";
export { dispose, keep, type MemoryInfo, memory, Storage, tidy, tidyAsync } from "./memory.js";
export * from "./op-table.js";
export * from "./ops/creation.js";
export * from "./ops/elementwise.js";
export * from "./ops/indexing.js";
export * from "./ops/inplace.js";
export * from "./ops/join.js";
export * from "./ops/map.js";
export * from "./ops/matmul.js";
export { TENSOR_METHODS } from "./ops/methods.js";
export { norm, type VectorNormOptions, vectorNorm } from "./ops/norm.js";
export * from "./ops/pad.js";
export {
  argmax,
  argmin,
  type Dims,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  variance,
  variance as var,
} from "./ops/reduce.js";
export * from "./ops/unfold.js";
export type { Scalar, TensorLike } from "./ops/util.js";
export * from "./ops/views.js";
export { DEFAULT_SEED, initialSeed, manualSeed } from "./random.js";
export * from "./shape.js";
export { empty, fromArray, isTensor, type NestedArray, Tensor, viewOf } from "./tensor.js";
