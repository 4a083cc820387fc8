/**
 * `@nn/tensor/internal`: for authors of backends and of nn's own packages, not for models. The
 * op and dispose hooks that `@nn/autograd` installs (and `inGradientRule`, with which it labels
 * gradient rules for anomaly mode), the Philox4x32-10 primitives from which
 * every backend draws the same random numbers, `shared()` (process-wide state that survives
 * the ESM/CommonJS dual-package hazard), `broadcastView`, `formatTensor`, the op table's rows
 * and the functions built from them, `viewOf`, and the dtype, shape and message helpers that
 * nn's packages share (`checkDType`, `normalizeDim`, `fmt`, `fileError`, ...). No semver
 * promise: these may change in a minor release. The build splits the code both entries share
 * into one chunk, so they see one Tensor class, one FileError, one hook and one grad mode.
 *
 * @module @nn/tensor/internal
 */
export {
  type DisposeHook,
  inGradientRule,
  type OpHook,
  type OpRecord,
  recordOp,
  setDisposeHook,
  setOpHook,
  withGradMode,
} from "./dispatch.js";
export {
  allocArray,
  category,
  checkDType,
  dtypeOriginHint,
  INDEX_DTYPE_HINT,
  scalarDType,
} from "./dtype.js";
export { describeValue } from "./errors.js";
export { binaryExpr, castExpr, topoOrder, unaryExpr, whereExpr } from "./expr.js";
export { fileError } from "./file-error.js";
export { formatTensor } from "./format.js";
export { shared } from "./global.js";
export { broadcastView } from "./launch.js";
export {
  addTangents,
  BINARY,
  binaryForward,
  opRow,
  opTableSummary,
  primitiveRow,
  UNARY,
  unaryForward,
} from "./op-table.js";
export { binaryFn, unaryFn } from "./ops/table-fns.js";
export { boxMuller, mulhi32, philox4x32, seedWords, uniform24, uniform53 } from "./random.js";
export { checkShape, fmt, normalizeDim, normalizeDims } from "./shape.js";
export { viewOf } from "./tensor.js";
