// The pooling and BatchNorm2d parity cases on the WebGPU backend (a software adapter in CI);
// skipped where Node has no WebGPU adapter.
import { webgpu } from "@nn/backend-webgpu";
import { nodeWebGpu } from "@nn/testing";
import { describe } from "vitest";
import { describePoolParity } from "./pool-parity.js";

const env = await nodeWebGpu();
describe.skipIf(!env)("webgpu", () => {
  describePoolParity("webgpu", async () =>
    webgpu({ device: await (env as NonNullable<typeof env>).requestDevice() }),
  );
});
