// WebGPU-specific behaviour beyond the conformance suite: bool storage, empty buffers, what
// a GPU does instead of throwing, exact scatterAdd order, and the folded grids that very large
// tensors need (forced here with a tiny maxWorkgroupsPerDimension).
import {
  argmax,
  BackendError,
  constant,
  type Expr,
  empty,
  gather,
  input,
  kernel,
  matmul,
  max,
  min,
  rand,
  scatterAdd,
  sum,
  tensor,
  transpose,
} from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebGpuBackend, webgpu } from "../src/index.js";
import { adapter, gpu as gpuEntry, requestDevice } from "./webgpu-env.js";

/** Deterministic pseudo-random floats in [-2, 2) with few mantissa bits. */
function values(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s >>> 16) % 512) / 128 - 2;
  }
  return out;
}

/** Reference matmul in float64 of row-major [b, m, k] x [b, k, n]. */
function refMatmul(a: Float32Array, b: Float32Array, B: number, M: number, K: number, N: number) {
  const out = new Float64Array(B * M * N);
  for (let p = 0; p < B; p++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++)
          s += (a[p * M * K + i * K + k] as number) * (b[p * K * N + k * N + j] as number);
        out[p * M * N + i * N + j] = s;
      }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Math.abs(g - w) > 1e-5 + rtol * Math.abs(w)) expect.fail(`element ${i}: ${g} vs ${w}`);
  }
}

describe.skipIf(!adapter)("webgpu kernels", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  let folded: WebGpuBackend;
  beforeAll(async () => {
    device = await requestDevice();
    gpu = await webgpu({ device });
    folded = await webgpu({ device, maxWorkgroupsPerDimension: 8 });
  });
  afterAll(() => {
    gpu?.destroy();
    folded?.destroy();
    device?.destroy();
  });

  it("declares what WGSL offers", () => {
    expect(gpu.name).toBe("webgpu");
    expect(gpu.label).toMatch(/^webgpu:\d+$/);
    expect(gpu.capabilities).toEqual({
      dtypes: ["bool", "int32", "float32"],
      ieeeSpecials: false,
      syncRead: false,
      indexChecks: false,
      maxBufferBytes: Math.min(
        device.limits.maxStorageBufferBindingSize,
        device.limits.maxBufferSize,
      ),
    });
    expect(() => gpu.alloc("float64", 4)).toThrow(/float64|f64/);
  });

  it("keeps float constants out of the compiler's sight: x * 0 of NaN and inf is NaN, of -2 is -0", async () => {
    const xs = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -2, 3];
    const x = tensor(xs, { backend: gpu });
    const cases: [Expr, (v: number) => number][] = [
      [input(0, "float32").mul(0), (v) => v * 0],
      [constant(0).mul(input(0, "float32")), (v) => 0 * v],
      [input(0, "float32").mul(0).add(1), (v) => v * 0 + 1],
      [input(0, "float32").sub(input(0, "float32")).add(0), (v) => v - v + 0],
    ];
    for (const [e, f] of cases) {
      const out = empty([xs.length], "float32", gpu);
      gpu.elementwise(kernel([e]), [x.stridedView()], [out.stridedView()], []);
      expect(await out.data()).toEqual(Float32Array.from(xs, f));
    }
  });

  it("stores bool as u32 and reads it back as a Uint8Array of 0/1", async () => {
    const buf = gpu.alloc("bool", 5);
    gpu.write(buf, new Uint8Array([1, 0, 1, 1, 0]));
    expect(await gpu.read(buf)).toEqual(new Uint8Array([1, 0, 1, 1, 0]));
    gpu.free(buf);
    const t = tensor([true, false, true], { backend: gpu });
    expect(await t.array()).toEqual([true, false, true]);
  });

  it("allocates zero-filled buffers, reused ones too, and empty ones", async () => {
    const a = gpu.alloc("int32", 3);
    gpu.write(a, new Int32Array([7, 8, 9]));
    gpu.free(a);
    const b = gpu.alloc("int32", 3); // same size: comes from the pool, cleared
    expect(await gpu.read(b)).toEqual(new Int32Array(3));
    const e = gpu.alloc("float32", 0);
    expect(await gpu.read(e)).toEqual(new Float32Array(0));
  });

  it("wraps int32 arithmetic", async () => {
    const x = tensor([2147483647, -2147483648, 65536], { dtype: "int32", backend: gpu });
    const k = kernel([input(0, "int32").add(1), input(0, "int32").mul(65536)]);
    const y0 = empty([3], "int32", gpu);
    const y1 = empty([3], "int32", gpu);
    gpu.elementwise(k, [x.stridedView()], [y0.stridedView(), y1.stridedView()], []);
    expect(await y0.data()).toEqual(new Int32Array([-2147483648, -2147483647, 65537]));
    expect(await y1.data()).toEqual(new Int32Array([-65536, 0, 0]));
  });

  it("gather writes 0 for an out-of-range index instead of throwing", async () => {
    const x = tensor([[1, 2, 3]], { dtype: "float32", backend: gpu });
    const idx = tensor([[2, 3, -1, 0]], { dtype: "int32", backend: gpu });
    expect(await gather(x, 1, idx).data()).toEqual(new Float32Array([3, 0, 0, 1]));
  });

  it("scatterAdd adds duplicates in the CPU's order (bit-identical float32)", async () => {
    const n = 300;
    const src = values(n, 3).map((v) => v * 1.1);
    const index = Int32Array.from({ length: n }, (_, i) => (i * 7) % 5);
    const base = values(5, 9);
    const want = Float32Array.from(base);
    for (let i = 0; i < n; i++) {
      const j = index[i] as number;
      want[j] = Math.fround((want[j] as number) + (src[i] as number));
    }
    const got = scatterAdd(
      tensor(base, { backend: gpu }),
      0,
      tensor(index, { backend: gpu }),
      tensor(src, { backend: gpu }),
    );
    expect(await got.data()).toEqual(want);
  });

  it("scatterAdd over dims: an index smaller than the target, expanded (stride 0), strided source, out-of-range skipped", async () => {
    // An embedding-style gradient: target [V, D], index [N, D] expanded from [N, 1] (each row's
    // entry repeated across D), src [N, D] read transposed; then dim 1 with an index narrower
    // than the target. Expected: the sums written out in the CPU's order (k ascending).
    const [V, D, N] = [7, 5, 40];
    const rows = Int32Array.from({ length: N }, (_, i) => (i * 3) % V);
    const srcT = values(D * N, 4); // stored [D, N], used as [N, D]
    const base = values(V * D, 8);
    const want = Float32Array.from(base);
    for (let k = 0; k < N; k++) {
      for (let d = 0; d < D; d++) {
        const at = (rows[k] as number) * D + d;
        want[at] = Math.fround((want[at] as number) + (srcT[d * N + k] as number));
      }
    }
    const index = tensor(rows, { backend: gpu, shape: [N, 1] }).expand([N, D]);
    const src = transpose(tensor(srcT, { backend: gpu, shape: [D, N] }), 0, 1);
    expect(
      await scatterAdd(tensor(base, { backend: gpu, shape: [V, D] }), 0, index, src).data(),
    ).toEqual(want);

    // dim 1: target [3, 6], index [2, 4] (rows 0-1, 4 of the 6 columns), an index of 9 skipped.
    const t1 = values(18, 5);
    const i1 = Int32Array.from([5, 0, 5, 9, 1, 1, 2, 3]);
    const s1 = values(2 * 4 * 2, 6); // [2, 8], every other column used
    const want1 = Float32Array.from(t1);
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < 4; k++) {
        const j = i1[r * 4 + k] as number;
        if (j >= 6) continue;
        want1[r * 6 + j] = Math.fround(
          (want1[r * 6 + j] as number) + (s1[r * 8 + 2 * k] as number),
        );
      }
    }
    const src1 = tensor(s1, { backend: gpu, shape: [2, 8] }).slice(1, 0, 8, 2);
    const got1 = scatterAdd(
      tensor(t1, { backend: gpu, shape: [3, 6] }),
      1,
      tensor(i1, { backend: gpu, shape: [2, 4] }),
      src1,
    );
    expect(await got1.data()).toEqual(want1);
  });

  it("reduces more elements than a workgroup has threads; argmax takes the first maximum", async () => {
    const n = 1000;
    const x = values(n, 5);
    x[123] = 9;
    x[700] = 9;
    const t = tensor(x, { backend: gpu });
    expect(await argmax(t).item()).toBe(123);
    const want = x.reduce((s, v) => s + v, 0);
    expect(Math.abs(((await sum(t).item()) as number) - want)).toBeLessThan(1e-4);
  });

  it("matmul reads transposed and batched views in place, any tile remainder", async () => {
    const [B, M, K, N] = [3, 37, 29, 23];
    const a = values(B * M * K, 11);
    const bt = values(B * N * K, 12); // stored as [B, N, K], used transposed
    const b = new Float32Array(B * K * N);
    for (let p = 0; p < B; p++)
      for (let k = 0; k < K; k++)
        for (let j = 0; j < N; j++) b[p * K * N + k * N + j] = bt[p * N * K + j * K + k] as number;
    const ta = tensor(a, { backend: gpu, shape: [B, M, K] });
    const tb = transpose(tensor(bt, { backend: gpu, shape: [B, N, K] }), 1, 2);
    expectClose(await matmul(ta, tb).data(), refMatmul(a, b, B, M, K, N), 1e-4);
  });

  describe("grids folded past maxComputeWorkgroupsPerDimension", () => {
    it("elementwise, reduce, gather and random cover every element", async () => {
      const x = values(1000, 21);
      const t = tensor(x, { backend: folded, shape: [40, 25] });
      const k = kernel([input(0, "float32").mul(2)]);
      const y = empty([40, 25], "float32", folded);
      folded.elementwise(k, [t.stridedView()], [y.stridedView()], []);
      expect(await y.data()).toEqual(x.map((v) => v * 2));
      const rows = await sum(t, 1).data();
      const want = Array.from({ length: 40 }, (_, i) =>
        x.slice(i * 25, i * 25 + 25).reduce((s, v) => s + v, 0),
      );
      expectClose(rows, want);
      const idx = tensor(
        Int32Array.from({ length: 1000 }, (_, i) => (i * 13) % 25),
        { backend: folded, shape: [40, 25] },
      );
      const g = await gather(t, 1, idx).data();
      expect(g[999]).toBe(x[39 * 25 + ((999 * 13) % 25)]);
      const r = await rand([1000], { seed: 7, backend: folded }).data();
      expect(r).toEqual(await rand([1000], { seed: 7, backend: gpu }).data());
    });

    it("matmul loops over tiles and batches", async () => {
      const [B, M, K, N] = [9, 150, 9, 53]; // 10 row tiles and 9 batches on an 8-wide grid
      const a = values(B * M * K, 31);
      const b = values(B * K * N, 32);
      const got = matmul(
        tensor(a, { backend: folded, shape: [B, M, K] }),
        tensor(b, { backend: folded, shape: [B, K, N] }),
      );
      expectClose(await got.data(), refMatmul(a, b, B, M, K, N), 1e-4);
    });
  });

  it("matmul covers partial 64x64 tiles and reads a transposed operand in place", async () => {
    const [M, K, N] = [130, 70, 67];
    const a = values(M * K, 41);
    const bT = values(N * K, 42); // b stored as [N, K], used transposed
    const b = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) b[k * N + n] = bT[n * K + k] as number;
    const got = matmul(
      tensor(a, { backend: gpu, shape: [M, K] }),
      transpose(tensor(bT, { backend: gpu, shape: [N, K] }), 0, 1),
    );
    expectClose(await got.data(), refMatmul(a, b, 1, M, K, N), 1e-4);
  });

  it("splits a long reduction over few outputs across workgroups, in two passes", async () => {
    const n = 100_003;
    const x = Float32Array.from(values(3 * n, 51), (v) => v - 3); // all negative
    x[2 * n + 77_777] = Number.NaN;
    const t = tensor(x, { backend: gpu, shape: [3, n] });
    const before = gpu.stats.dispatches;
    const sums = await sum(t, 1).data();
    expect(gpu.stats.dispatches - before).toBe(2);
    const row = (r: number) => Array.from(x.subarray(r * n, (r + 1) * n));
    expectClose(
      sums.subarray(0, 2),
      [0, 1].map((r) => row(r).reduce((s, v) => s + v, 0)),
    );
    expect(sums[2]).toBeNaN();
    const maxima = await max(t, 1).data();
    expect(Array.from(maxima.subarray(0, 2))).toEqual([0, 1].map((r) => Math.max(...row(r))));
    expect(maxima[2]).toBeNaN();
    expect(Array.from(await min(t, 1).data()).slice(0, 2)).toEqual(
      [0, 1].map((r) => Math.min(...row(r))),
    );
    // int32 sums wrap as one pass would; argmax stays in one pass and finds the first extreme.
    const big = tensor(
      Int32Array.from({ length: n }, (_, i) => (i % 7) * 2 ** 28),
      {
        dtype: "int32",
        backend: gpu,
      },
    );
    let wrapped = 0;
    for (let i = 0; i < n; i++) wrapped = (wrapped + (i % 7) * 2 ** 28) | 0;
    expect(await sum(big).data()).toEqual(new Int32Array([wrapped]));
    expect(await argmax(big).data()).toEqual(new Int32Array([6]));
  });

  it("rejects the next read with an asynchronous GPU error", async () => {
    // Its own device (from a fresh adapter: an adapter makes one device): the error poisons
    // every backend on the device.
    const own = await (await gpuEntry!.requestAdapter())!.requestDevice();
    const b = await webgpu({ device: own });
    const buf = b.alloc("float32", 4);
    own.createShaderModule({ code: "fn main( {" }); // a validation error, reported later
    // The error event arrives asynchronously: some read after it must reject.
    let error: unknown;
    for (let i = 0; i < 100 && !error; i++) {
      await b.read(buf).catch((e: unknown) => {
        error = e;
      });
      if (!error) await new Promise((r) => setTimeout(r, 20));
    }
    expect(String(error)).toMatch(/GPU error/);
    b.destroy();
    own.destroy();
  });

  it("refuses views that reach past their buffer", () => {
    const buf = gpu.alloc("float32", 4);
    const view = { buffer: buf, dtype: "float32" as const, shape: [3], strides: [2], offset: 0 };
    const k = kernel([input(0, "float32")]);
    expect(() => gpu.elementwise(k, [view], [view], [])).toThrow(BackendError);
    gpu.free(buf);
  });

  it("refuses buffers of another backend", () => {
    const other = folded.alloc("float32", 4);
    expect(() => gpu.write(other, new Float32Array(4))).toThrow(BackendError);
    folded.free(other);
  });
});
