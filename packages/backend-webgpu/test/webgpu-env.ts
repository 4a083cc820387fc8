// Test helper: a WebGPU adapter for Node via `webgpu` (Dawn), or null when none is available.
// Suites that need a GPU:   describe.skipIf(!adapter)("...", () => { ... })
// Software adapters work: .ci/run installs Debian's chromium + libvulkan1, whose SwiftShader
// Vulkan driver is picked up below. Set NN_WEBGPU=0 to force the skip path.
// Adapter limits differ between drivers: request devices with the adapter's own limits.
import { existsSync } from "node:fs";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

export interface WebGPUEnv {
  gpu: GPU;
  adapter: GPUAdapter;
}

async function probe(): Promise<WebGPUEnv | null> {
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
    return { gpu, adapter };
  } catch (err) {
    console.warn(`[webgpu] unavailable (${(err as Error).message}): WebGPU tests skipped`);
    return null;
  }
}

export const webgpu: WebGPUEnv | null = await probe();
export const gpu: GPU | null = webgpu?.gpu ?? null;
export const adapter: GPUAdapter | null = webgpu?.adapter ?? null;

/** A device with the adapter's own limits (they differ between software drivers). */
export async function requestDevice(): Promise<GPUDevice> {
  if (!adapter) throw new Error("no WebGPU adapter");
  const requiredLimits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const value = adapter.limits[key as keyof GPUSupportedLimits];
    if (typeof value === "number") requiredLimits[key] = value;
  }
  return adapter.requestDevice({ requiredLimits });
}
