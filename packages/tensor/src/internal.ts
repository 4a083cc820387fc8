/**
 * `@nn/tensor/internal`: for authors of backends and of nn's own packages, not for models. The
 * op and dispose hooks that `@nn/autograd` installs (and `inGradientRule`, with which it labels
 * gradient rules for anomaly mode), the Philox4x32-10 primitives from which
 * every backend draws the same random numbers, `shared()` (process-wide state that survives
 * the ESM/CommonJS dual-package hazard), `broadcastView` and `formatTensor`. No semver promise: these may change in a minor
 * release. Their state lives in `shared()` globals, so this entry's copy of the code and the main
 * entry's see one hook and one grad mode.
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
export { formatTensor } from "./format.js";
export { shared } from "./global.js";
export { broadcastView } from "./launch.js";
export { boxMuller, mulhi32, philox4x32, seedWords, uniform24, uniform53 } from "./random.js";
