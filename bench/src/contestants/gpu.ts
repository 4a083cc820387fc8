/**
 * WebGPU in Node for the GPU columns, through `webgpu` (Dawn): the `navigator.gpu` TensorFlow.js
 * looks for, and an adapter for nn. On a machine without a GPU it is Debian chromium's
 * SwiftShader (a CPU emulator: its figures measure the emulator, not a GPU); without any
 * adapter the columns say so instead of failing.
 */
import { existsSync } from "node:fs";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** The adapter's description, or why there is none. */
export interface NodeGpu {
  gpu: GPU;
  adapter: GPUAdapter;
  /** e.g. "SwiftShader (software)" or the GPU's name. */
  name: string;
}

let found: Promise<NodeGpu | string> | undefined;

/** `navigator.gpu` set up once per process, with its adapter; a string says why not. */
export function nodeGpu(): Promise<NodeGpu | string> {
  found ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    let webgpu: typeof import("webgpu");
    try {
      webgpu = await import("webgpu");
    } catch (e) {
      return `the webgpu (Dawn) package does not load here: ${(e as Error).message}`;
    }
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const holder = globalThis as { navigator?: object };
    if (!holder.navigator) holder.navigator = {};
    Object.defineProperty(holder.navigator, "gpu", { value: gpu, configurable: true });
    const adapter = await gpu.requestAdapter();
    if (!adapter) return "no WebGPU adapter on this machine";
    const info = adapter.info;
    const name = [info.vendor, info.architecture, info.device, info.description]
      .filter(Boolean)
      .join(" ");
    return { gpu, adapter, name: name || "unnamed adapter" };
  })();
  return found;
}
