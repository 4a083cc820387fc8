/**
 * @nn/testing (private): the backend conformance suite and the PyTorch fixtures it checks, and
 * the @nn/tensor behaviour suites, run by every backend.
 */

export { inCi, missingPrerequisite } from "./ci.js";
export {
  DELIBERATE_DIFFERENCES,
  type DeliberateDifference,
  describeConformance,
  mismatch,
  runCase,
  skipReason,
  TOLERANCE,
} from "./conformance.js";
export {
  buildTensor,
  type FixtureCase,
  type FixtureTensor,
  isSpecial,
  loadFixtures,
  num,
} from "./fixtures.js";
export {
  type Needs,
  type SuiteContext,
  type TensorSuiteOptions,
  tensorSuites,
} from "./suites/index.js";
export { type NodeWebGpu, nodeWebGpu } from "./webgpu-node.js";
