/**
 * `--backend`: the CPU backend, or WebGPU (in Node through the `webgpu` package, Dawn, which
 * needs a Vulkan driver). The CPU backend is created with `syncRead: false`, as a GPU behaves:
 * the app reads back only with `await`, where it prints.
 */
import { existsSync } from "node:fs";
import { cpu } from "@nn/backend-cpu";
import type { Backend } from "@nn/tensor";
import type { BackendName } from "./config.js";
import { messageOf, UserError } from "./errors.js";

/** Debian chromium's SwiftShader Vulkan driver: a software WebGPU adapter where no GPU driver is. */
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** The optional `webgpu` package (Dawn, ~130 MB): only `--backend webgpu` loads it. */
async function importDawn(): Promise<typeof import("webgpu")> {
  try {
    return await import("webgpu");
  } catch (e) {
    throw new UserError(
      `--backend webgpu needs the optional package \`webgpu\` (Dawn for Node), which did not load (${messageOf(e)}): install it with pnpm add webgpu@0.6.2 (or npm install webgpu@0.6.2), or use --backend cpu`,
    );
  }
}

/**
 * A backend for `name`.
 * @throws UserError when `--backend webgpu` finds no `webgpu` package (naming what to install)
 * or no adapter here (naming the Vulkan driver to install).
 */
export async function createDevice(name: BackendName): Promise<Backend> {
  if (name === "cpu") return cpu({ syncRead: false });
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD; // Debian's chromium ships a software Vulkan driver
  }
  const { create, globals } = await importDawn();
  try {
    Object.assign(globalThis, globals);
    const gpu = create([]);
    // Dawn aborts the process if its GPU object is collected while a device lives.
    (globalThis as { __nnTrainGpu?: unknown }).__nnTrainGpu = gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error("navigator.gpu offers no adapter");
    const { webgpu } = await import("@nn/backend-webgpu");
    return await webgpu({ adapter });
  } catch (e) {
    throw new UserError(
      `--backend webgpu is not available here (${messageOf(e)}). In Node it needs a Vulkan driver: on Debian, apt-get install chromium libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (a software adapter), or use --backend cpu`,
    );
  }
}
