// The @nn/tensor behaviour suites (@nn/testing) on the WebGPU backend; skipped where Node has no
// WebGPU adapter. Every backend the suites make shares one device.
import { tensorSuites } from "@nn/testing";
import { afterAll, describe } from "vitest";
import { webgpu } from "../src/index.js";
import { adapter, requestDevice } from "./webgpu-env.js";

describe.skipIf(!adapter)("webgpu", () => {
  let device: Promise<GPUDevice> | undefined;
  afterAll(async () => (await device)?.destroy());
  // On a software adapter (SwiftShader in CI) the 1,000-iteration memory test takes 4 to 13 s.
  tensorSuites("webgpu", async () => webgpu({ device: await (device ??= requestDevice()) }), {
    timeout: 60_000,
  });
});
