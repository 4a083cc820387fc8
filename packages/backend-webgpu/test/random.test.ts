// The same seed gives the same draws as the CPU backend, whose random kernel is exactly
// @nn/tensor's reference: philox4x32 + uniform24 / boxMuller / modulo (see random.ts there).
import { empty, rand, randint, randn } from "@nn/tensor";
import { boxMuller, philox4x32, seedWords, uniform24 } from "@nn/tensor/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebGpuBackend, webgpu } from "../src/index.js";
import { adapter, requestDevice } from "./webgpu-env.js";

/** Reference words of element i: Philox block (counter offset + i, key seed). */
function words(seed: number, offset: number, n: number): Uint32Array[] {
  const [k0, k1] = seedWords(seed);
  return Array.from({ length: n }, (_, i) => {
    const c = offset + i;
    const w = new Uint32Array(4);
    philox4x32(c % 2 ** 32, Math.floor(c / 2 ** 32), k0, k1, w);
    return w;
  });
}

function ulp(x: number): number {
  const a = Math.max(Math.abs(x), 2 ** -10);
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

describe.skipIf(!adapter)("webgpu random (Philox4x32-10)", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  it("rand(seed 7) gives the CPU's float32 uniforms bit for bit", async () => {
    const n = 1000;
    const got = await rand([n], { seed: 7, backend: gpu }).data();
    const want = Float32Array.from(words(7, 0, n), (w) => uniform24(w[0] as number));
    expect(got).toEqual(want);
  });

  it("carries the counter into the high word past 2^32", async () => {
    const out = empty([6], "float32", gpu);
    const offset = 2 ** 32 - 3;
    gpu.random({ kind: "uniform" }, out.stridedView(), 2 ** 40 + 7, offset);
    const want = Float32Array.from(words(2 ** 40 + 7, offset, 6), (w) => uniform24(w[0] as number));
    expect(await out.data()).toEqual(want);
  });

  it("randint(seed 7) gives the CPU's integers exactly, including the full int32 range", async () => {
    const n = 500;
    const small = await randint(-5, 17, [n], { seed: 7, backend: gpu }).data();
    expect(small).toEqual(Int32Array.from(words(7, 0, n), (w) => -5 + ((w[0] as number) % 22)));
    const full = await randint(-(2 ** 31), 2 ** 31, [n], { seed: 7, backend: gpu }).data();
    expect(full).toEqual(Int32Array.from(words(7, 0, n), (w) => -(2 ** 31) + (w[0] as number)));
  });

  it("randn(seed 7) agrees with the CPU's float64 Box–Muller to a few ulps", async () => {
    const n = 4000;
    const got = await randn([n], { seed: 7, backend: gpu }).data();
    const ref = words(7, 0, n).map((w) => Math.fround(boxMuller(w[0] as number, w[1] as number)));
    let worst = 0;
    ref.forEach((r, i) => {
      worst = Math.max(worst, Math.abs((got[i] as number) - r) / ulp(r));
    });
    expect(worst).toBeLessThanOrEqual(8);
  });
});
