// GPU errors are asynchronous: a failed submit or a lost device rejects the next read or sync
// with a BackendError that names the op, and never leaves a training loop waiting forever.
import { add, BackendError, matmul, type Tensor, tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { type GpuBuffer, webgpu } from "../src/index.js";
import { gpu as gpuEntry } from "./webgpu-env.js";

/** A backend on a device of its own (an error poisons every backend on its device). */
async function ownBackend() {
  const device = await (await gpuEntry!.requestAdapter())!.requestDevice();
  return { device, backend: await webgpu({ device }) };
}

/** Settles `p`, failing the test if it takes longer than `ms` (a hang). */
async function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!gpuEntry)("webgpu errors", () => {
  it("a batch that fails validation rejects the next read and sync, naming its ops", async () => {
    const { device, backend } = await ownBackend();
    const x = tensor([1, 2, 3, 4], { backend, shape: [2, 2] });
    const ok = tensor([5], { backend });
    await ok.data();
    // A buffer destroyed behind the backend's back: the submit that uses it fails validation.
    (x.storage.buffer as GpuBuffer).gpu.destroy();
    const y = matmul(add(x, 1), x);
    const error = await within(ok.data()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(String(error)).toMatch(/elementwise, matmul/);
    expect(String(error)).toMatch(/destroyed/i);
    await expect(within(backend.sync())).rejects.toThrow(BackendError);
    y.dispose();
    backend.destroy();
    device.destroy();
  });

  it("a lost device rejects the next read and sync instead of hanging", async () => {
    const { device, backend } = await ownBackend();
    const x = tensor([1, 2, 3], { backend });
    let y: Tensor = x;
    for (let i = 0; i < 10; i++) y = add(y, 1);
    device.destroy(); // lost, with reason "destroyed", while work is pending
    const error = await within(y.data()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(String(error)).toMatch(
      /device lost \(destroyed\).*last batch submitted ran elementwise/,
    );
    await expect(within(backend.sync())).rejects.toThrow(BackendError);
    // Ops after the loss still run (as no-ops on the GPU), and reads keep rejecting.
    await expect(within(add(x, 1).data())).rejects.toThrow(BackendError);
    backend.destroy();
  });
});
