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
export {
  BYTES_PER_ELEMENT,
  type DataArray,
  DTYPES,
  type DType,
  isFloating,
  type PromotionOperand,
  promoteTypes,
  resultType,
} from "./dtype.js";
export {
  AllocationError,
  BackendError,
  DisposedTensorError,
  DTypeError,
  IndexError,
  NNError,
  ScopeError,
  ShapeError,
  ValueError,
} from "./errors.js";
export { constant, Expr, type ExprNode, input, type Kernel, kernel, param } from "./expr.js";
export { FileError } from "./file-error.js";
export { dispose, keep, type MemoryInfo, memory, Storage, tidy, tidyAsync } from "./memory.js";
export type {
  BinaryName,
  BinaryOp,
  BinaryRow,
  ExprOps,
  OpName,
  Promotion,
  Row,
  UnaryName,
  UnaryOp,
  UnaryRow,
} from "./op-table.js";
export * from "./ops/creation.js";
export * from "./ops/elementwise.js";
export * from "./ops/indexing.js";
export * from "./ops/inplace.js";
export * from "./ops/join.js";
export * from "./ops/map.js";
export * from "./ops/matmul.js";
// Installs the Tensor methods; exported so that a bundler honouring "sideEffects": false keeps it.
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
export { broadcastShapes, contiguousStrides, type Shape, sizeOf } from "./shape.js";
export { empty, fromArray, isTensor, type NestedArray, Tensor } from "./tensor.js";
