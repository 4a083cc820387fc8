// The Node WebGPU probe without an adapter: CI fails, a local run skips. `webgpu` is mocked so
// that its adapter request finds nothing, as on a machine without chromium's Vulkan driver.
import { afterEach, describe, expect, it, vi } from "vitest";

async function probeWithoutAdapter(ci: string | undefined) {
  vi.resetModules();
  vi.doMock("webgpu", () => ({
    create: () => ({ requestAdapter: async () => null }),
    globals: {},
  }));
  vi.stubEnv("CI", ci);
  vi.stubEnv("NN_WEBGPU", undefined);
  const { nodeWebGpu } = await import("../src/webgpu-node.js");
  return nodeWebGpu();
}

describe("nodeWebGpu without an adapter", () => {
  afterEach(() => {
    vi.doUnmock("webgpu");
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("rejects under CI, naming what to install", async () => {
    await expect(probeWithoutAdapter("true")).rejects.toThrow(
      /no adapter under CI.*install chromium \+ libvulkan1/,
    );
  });

  it("resolves null with a warning locally", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(probeWithoutAdapter(undefined)).resolves.toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no adapter: tests skipped/));
  });

  it("rejects under CI when the webgpu package fails to load", async () => {
    vi.resetModules();
    vi.doMock("webgpu", () => {
      throw new Error("Cannot find module 'webgpu'");
    });
    vi.stubEnv("CI", "true");
    const { nodeWebGpu } = await import("../src/webgpu-node.js");
    await expect(nodeWebGpu()).rejects.toThrow(/unavailable .*under CI/);
  });
});
