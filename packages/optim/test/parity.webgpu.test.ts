/**
 * The float32 single-step PyTorch cases on the WebGPU backend (a software adapter in CI): the
 * same fused update expressions, compiled to WGSL instead of JavaScript. Skipped where Node has
 * no WebGPU adapter. LBFGS is left to the CPU run (its closure re-runs whole models).
 */
import { webgpu } from "@nn/backend-webgpu";
import { setBackend } from "@nn/tensor";
import { nodeWebGpu } from "@nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtures, runStep } from "./helpers.js";

const env = await nodeWebGpu();

describe.skipIf(!env)("PyTorch single steps, float32, on WebGPU", () => {
  beforeAll(async () => {
    setBackend(await webgpu({ device: await (env as NonNullable<typeof env>).requestDevice() }));
  });
  const cases = fixtures.steps.filter((c) => c.dtype === "float32" && c.optimizer !== "lbfgs");
  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    expect(await runStep(c)).toEqual([]);
  });
});
