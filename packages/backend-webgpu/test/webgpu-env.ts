// The shared Node WebGPU probe (@nn/testing), unpacked for this package's tests.
import { nodeWebGpu } from "@nn/testing";

const env = await nodeWebGpu();
export const gpu: GPU | null = env?.gpu ?? null;
export const adapter: GPUAdapter | null = env?.adapter ?? null;

/** A device with the adapter's own limits. */
export async function requestDevice(): Promise<GPUDevice> {
  if (!env) throw new Error("no WebGPU adapter");
  return env.requestDevice();
}
