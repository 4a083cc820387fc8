/**
 * A WebGPU adapter for tests in Node, through `webgpu` (Dawn), or null where none exists.
 * `.ci/run` installs Debian's chromium + libvulkan1, whose SwiftShader Vulkan driver gives a
 * software adapter (picked up here). Locally, a missing adapter skips the WebGPU suites with a
 * warning; under CI (CI set, as `.ci/run` does) it rejects instead, so the suites fail rather
 * than pass by skipping. NN_WEBGPU=0 forces the skip path in both. Devices are requested with
 * the adapter's own limits, which differ between drivers.
 *
 *     const env = await nodeWebGpu();
 *     describe.skipIf(!env)("on webgpu", () => { ... webgpu({ device: await env.requestDevice() }) ... });
 */
import { existsSync } from "node:fs";
import { missingPrerequisite } from "./ci.js";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** The Node WebGPU entry point, its adapter, and a device factory. */
export interface NodeWebGpu {
  /** Keep a reference as long as any device lives: Dawn aborts the process if it is collected. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  requestDevice(): Promise<GPUDevice>;
}

let probed: Promise<NodeWebGpu | null> | undefined;

/** A missing adapter: null (skip) locally, a rejection under CI; NN_WEBGPU=0 opts out. */
function unavailable(why: string): null {
  missingPrerequisite(`[webgpu] ${why}`, "chromium + libvulkan1, or set NN_WEBGPU=0 to opt out");
  return null;
}

async function probe(): Promise<NodeWebGpu | null> {
  if (process.env.NN_WEBGPU === "0") return null;
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let gpu: GPU;
  let adapter: GPUAdapter | null;
  try {
    const { create, globals } = await import("webgpu");
    Object.assign(globalThis, globals);
    gpu = create([]);
    adapter = await gpu.requestAdapter();
  } catch (err) {
    return unavailable(`unavailable (${(err as Error).message})`);
  }
  if (!adapter) return unavailable("no adapter");
  const found = adapter;
  const requestDevice = () => {
    const requiredLimits: Record<string, number> = {};
    for (const key in found.limits) {
      const value = found.limits[key as keyof GPUSupportedLimits];
      if (typeof value === "number") requiredLimits[key] = value;
    }
    return found.requestDevice({ requiredLimits });
  };
  return { gpu, adapter: found, requestDevice };
}

/**
 * The WebGPU environment of this Node process (probed once), or null where none exists.
 * @throws Error (the promise rejects) under CI when no adapter is found, naming what to install.
 */
export function nodeWebGpu(): Promise<NodeWebGpu | null> {
  probed ??= probe();
  return probed;
}
