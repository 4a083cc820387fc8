/** @nn/testing (private): the backend conformance suite and the PyTorch fixtures it checks. */
export {
  DELIBERATE_DIFFERENCES,
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
  loadFixtures,
  num,
} from "./fixtures.js";
export { type NodeWebGpu, nodeWebGpu } from "./webgpu-node.js";
