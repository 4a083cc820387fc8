import { describeConformance } from "@nn/testing";
import { afterAll, describe } from "vitest";
import { webgpu } from "../src/index.js";
import { adapter, requestDevice } from "./webgpu-env.js";

describe.skipIf(!adapter)("webgpu", () => {
  let device: GPUDevice | undefined;
  afterAll(() => device?.destroy());
  describeConformance("webgpu", async () => {
    device = await requestDevice();
    return webgpu({ device });
  });
});
