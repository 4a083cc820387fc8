/**
 * @nn/backend-webgpu: the nn Backend on WebGPU. Elementwise kernels are compiled from the
 * expression IR to WGSL and cached by structure; matmul is tiled; reads are async.
 *
 * ```ts
 * import { setBackend } from "@nn/tensor";
 * import { webgpu } from "@nn/backend-webgpu";
 * setBackend(await webgpu());
 * ```
 *
 * @module @nn/backend-webgpu
 */
export { GpuBuffer } from "./gpu-buffer.js";
export { WebGpuBackend, type WebGpuOptions, type WebGpuStats, webgpu } from "./webgpu-backend.js";
