/**
 * `@nn/tensor/internal`: for authors of backends and of nn's own packages, not for models. The
 * op and dispose hooks that `@nn/autograd` installs, and the Philox4x32-10 primitives from which
 * every backend draws the same random numbers. No semver promise: these may change in a minor
 * release. Their state lives in `shared()` globals, so this entry's copy of the code and the main
 * entry's see one hook and one grad mode.
 *
 * @module @nn/tensor/internal
 */
export {
  type DisposeHook,
  type OpHook,
  type OpRecord,
  recordOp,
  setDisposeHook,
  setOpHook,
  withGradMode,
} from "./dispatch.js";
export { boxMuller, mulhi32, philox4x32, seedWords, uniform24, uniform53 } from "./random.js";
