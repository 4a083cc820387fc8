/**
 * A WebGPU adapter for tests in Node, through `webgpu` (Dawn), or null where none exists.
 * `.ci/run` installs Debian's chromium + libvulkan1, whose SwiftShader Vulkan driver gives a
 * software adapter (picked up here). Set NN_WEBGPU=0 to force the skip path. Devices are
 * requested with the adapter's own limits, which differ between drivers.
 *
 *     const env = await nodeWebGpu();
 *     describe.skipIf(!env)("on webgpu", () => { ... webgpu({ device: await env.requestDevice() }) ... });
 */
import { existsSync } from "node:fs";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** The Node WebGPU entry point, its adapter, and a device factory. */
export interface NodeWebGpu {
  /** Keep a reference as long as any device lives: Dawn aborts the process if it is collected. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  requestDevice(): Promise<GPUDevice>;
}

let probed: Promise<NodeWebGpu | null> | undefined;

async function probe(): Promise<NodeWebGpu | null> {
  if (process.env.NN_WEBGPU === "0") return null;
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  try {
    const { create, globals } = await import("webgpu");
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      console.warn("[webgpu] no adapter: WebGPU tests skipped");
      return null;
    }
    const requestDevice = () => {
      const requiredLimits: Record<string, number> = {};
      for (const key in adapter.limits) {
        const value = adapter.limits[key as keyof GPUSupportedLimits];
        if (typeof value === "number") requiredLimits[key] = value;
      }
      return adapter.requestDevice({ requiredLimits });
    };
    return { gpu, adapter, requestDevice };
  } catch (err) {
    console.warn(`[webgpu] unavailable (${(err as Error).message}): WebGPU tests skipped`);
    return null;
  }
}

/** The WebGPU environment of this Node process (probed once), or null. */
export function nodeWebGpu(): Promise<NodeWebGpu | null> {
  probed ??= probe();
  return probed;
}
