import type { View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";
import { matmul as jsMatmul } from "../src/kernels.js";
import { WasmMatmul } from "../src/wasm/matmul.js";

/** A deterministic pseudo-random float32 array in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const view = (
  buffer: Float32Array | Float64Array,
  shape: number[],
  strides: number[],
  offset = 0,
): View => ({
  buffer,
  dtype: buffer instanceof Float32Array ? "float32" : "float64",
  shape,
  strides,
  offset,
});

const contiguous = (shape: number[]) => {
  const strides = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) {
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  }
  return strides;
};

interface Case {
  name: string;
  /** Views of A and B over fresh random float32 buffers, and the output shape. */
  a: { shape: number[]; strides: number[]; offset?: number; size: number };
  b: { shape: number[]; strides: number[]; offset?: number; size: number };
  out: number[];
  /** Output strides (default contiguous). */
  outStrides?: number[];
}

const plain = (M: number, K: number, N: number): Case => ({
  name: `${M}x${K}x${N}`,
  a: { shape: [M, K], strides: [K, 1], size: M * K },
  b: { shape: [K, N], strides: [N, 1], size: K * N },
  out: [M, N],
});

const CASES: Case[] = [
  plain(1, 1, 1),
  plain(3, 5, 7),
  plain(17, 33, 65),
  plain(64, 64, 64),
  plain(100, 1, 100),
  plain(1, 100, 1),
  plain(9, 8, 16),
  // K beyond one K block (256) and M beyond one row block (64 rows).
  plain(70, 600, 21),
  // A row-major B read in place (M within one row block), over two K blocks.
  plain(33, 300, 13),
  {
    name: "row-major B with padded rows and an offset, read in place",
    a: { shape: [5, 20], strides: [20, 1], size: 100 },
    b: { shape: [20, 11], strides: [15, 1], offset: 4, size: 4 + 300 },
    out: [5, 11],
  },
  {
    name: "batched 3 x (17x9 @ 9x11)",
    a: { shape: [3, 17, 9], strides: [153, 9, 1], size: 3 * 153 },
    b: { shape: [3, 9, 11], strides: [99, 11, 1], size: 3 * 99 },
    out: [3, 17, 11],
  },
  {
    name: "broadcast batch [2,1] x [1,3] (stride 0)",
    a: { shape: [2, 3, 5, 6], strides: [30, 0, 6, 1], size: 60 },
    b: { shape: [2, 3, 6, 7], strides: [0, 42, 7, 1], size: 126 },
    out: [2, 3, 5, 7],
  },
  {
    name: "transposed A and B, with offsets",
    a: { shape: [13, 20], strides: [1, 13], offset: 5, size: 5 + 260 },
    b: { shape: [20, 19], strides: [1, 20], offset: 3, size: 3 + 380 },
    out: [13, 19],
  },
  {
    // The Wasm packers (pack.ts): column-major A over two row blocks (vector copies, an edge
    // panel of 2 rows), row-major B packed (Mp > 16) with an edge panel of 6 columns.
    name: "column-major A (70 rows), row-major B packed",
    a: { shape: [70, 13], strides: [1, 70], size: 910 },
    b: { shape: [13, 30], strides: [30, 1], size: 390 },
    out: [70, 30],
  },
  {
    // Transposes: row-major A with K % 4 = 3, column-major B with a stride-0 row of A.
    name: "one row of A broadcast (stride 0), column-major B, K % 4 = 3",
    a: { shape: [9, 23], strides: [0, 1], offset: 2, size: 25 },
    b: { shape: [23, 17], strides: [1, 23], size: 391 },
    out: [9, 17],
  },
  {
    name: "strided rows of A, every other column of B, transposed output",
    a: { shape: [6, 10], strides: [20, 1], size: 120 },
    b: { shape: [10, 9], strides: [18, 2], size: 180 },
    out: [6, 9],
    outStrides: [1, 6],
  },
];

/**
 * Runs `run` on a case and compares with a float64 JS reference: a float32 sum of K products
 * taken in order is within (K + 1) · 2^-24 · Σ|a||b| of the exact sum (plus one output
 * rounding), Higham's bound for recursive summation.
 */
function check(c: Case, run: (a: View, b: View, out: View) => void): void {
  const A = data(c.a.size, 1);
  const B = data(c.b.size, 2);
  const size = c.out.reduce((x, y) => x * y, 1);
  const outStrides = c.outStrides ?? contiguous(c.out);
  const C = new Float32Array(size).fill(Number.NaN);
  run(
    view(A, c.a.shape, c.a.strides, c.a.offset),
    view(B, c.b.shape, c.b.strides, c.b.offset),
    view(C, c.out, outStrides),
  );
  const ref = new Float64Array(size);
  const abs = new Float64Array(size);
  const refOut = view(ref, c.out, outStrides);
  const A64 = Float64Array.from(A);
  const B64 = Float64Array.from(B);
  jsMatmul(
    view(A64, c.a.shape, c.a.strides, c.a.offset),
    A64,
    view(B64, c.b.shape, c.b.strides, c.b.offset),
    B64,
    refOut,
    ref,
  );
  const Aabs = A64.map(Math.abs);
  const Babs = B64.map(Math.abs);
  jsMatmul(
    view(Aabs, c.a.shape, c.a.strides, c.a.offset),
    Aabs,
    view(Babs, c.b.shape, c.b.strides, c.b.offset),
    Babs,
    view(abs, c.out, outStrides),
    abs,
  );
  const K = c.a.shape[c.a.shape.length - 1] as number;
  for (let i = 0; i < size; i++) {
    const tol = (K + 2) * 2 ** -24 * (abs[i] as number) + 1e-30;
    const err = Math.abs((C[i] as number) - (ref[i] as number));
    if (!(err <= tol)) {
      throw new Error(`${c.name}: element ${i} is ${C[i]}, reference ${ref[i]} (tolerance ${tol})`);
    }
  }
}

// The plain-SIMD kernel always; the relaxed-SIMD one (f32x4.relaxed_madd) where the runtime has
// it: Node 22+, or Node 20 with --experimental-wasm-relaxed-simd, which vitest.config.ts passes.
const plainKernel = WasmMatmul.create(false);
const relaxedKernel = WasmMatmul.create(true);

it("the relaxed-SIMD kernel is built where the runtime validates it", () => {
  expect(plainKernel?.relaxed).toBe(false);
  if (process.execArgv.includes("--experimental-wasm-relaxed-simd")) {
    expect(relaxedKernel?.relaxed).toBe(true);
  }
});

describe.each([
  ["plain SIMD", plainKernel],
  ["relaxed SIMD", relaxedKernel?.relaxed ? relaxedKernel : undefined],
])("WebAssembly float32 matmul, %s", (_, kernel) => {
  if (!kernel) {
    it.skip("not offered by this runtime");
    return;
  }
  for (const c of CASES) {
    it(`matches the float64 reference within a float32 bound: ${c.name}`, () => {
      check(c, (a, b, out) => {
        expect(
          kernel.run(
            a,
            a.buffer as Float32Array,
            b,
            b.buffer as Float32Array,
            out,
            out.buffer as Float32Array,
          ),
        ).toBe(true);
      });
    });
  }

  it("accumulates in float32, as PyTorch does (1e8 + 1 - 1e8 + 1 is 1)", () => {
    const A = new Float32Array([1e8, 1, -1e8, 1]);
    const B = new Float32Array([1, 1, 1, 1]);
    const C = new Float32Array(1);
    kernel.run(view(A, [1, 4], [4, 1]), A, view(B, [4, 1], [1, 1]), B, view(C, [1, 1], [1, 1]), C);
    expect(C[0]).toBe(1);
  });

  it("propagates NaN and infinities like the JS kernel, also at edge tiles", () => {
    const A = data(5 * 3, 3);
    const B = data(3 * 6, 4);
    A[4] = Number.POSITIVE_INFINITY;
    B[17] = Number.NaN;
    const got = new Float32Array(30);
    const want = new Float32Array(30);
    const run = (C: Float32Array, f: (a: View, b: View, c: View) => void) =>
      f(view(A, [5, 3], [3, 1]), view(B, [3, 6], [6, 1]), view(C, [5, 6], [6, 1]));
    run(got, (a, b, c) => kernel.run(a, A, b, B, c, got));
    run(want, (a, b, c) => jsMatmul(a, A, b, B, c, want));
    for (let i = 0; i < 30; i++) {
      if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
      else if (!Number.isFinite(want[i] as number)) expect(got[i]).toBe(want[i]);
    }
  });

  it("reuses its memory: a repeated problem does not grow it", () => {
    const c = plain(40, 50, 30);
    check(c, (a, b, out) =>
      kernel.run(
        a,
        a.buffer as Float32Array,
        b,
        b.buffer as Float32Array,
        out,
        out.buffer as Float32Array,
      ),
    );
    const bytes = kernel.memoryBytes;
    check(c, (a, b, out) =>
      kernel.run(
        a,
        a.buffer as Float32Array,
        b,
        b.buffer as Float32Array,
        out,
        out.buffer as Float32Array,
      ),
    );
    check(plain(10, 10, 10), (a, b, out) =>
      kernel.run(
        a,
        a.buffer as Float32Array,
        b,
        b.buffer as Float32Array,
        out,
        out.buffer as Float32Array,
      ),
    );
    expect(kernel.memoryBytes).toBe(bytes);
  });
});

describe.skipIf(!plainKernel)("cpu() with WebAssembly SIMD", () => {
  it("is what cpu() runs for float32", () => {
    const be = cpu();
    expect(be.wasmMatmul).toBeDefined();
    for (const c of CASES) check(c, (a, b, out) => be.matmul(a, b, out));
  });
});

describe("cpu({ wasm: false })", () => {
  it("has no Wasm kernel and runs float32 matmul in JavaScript (float64 accumulation)", () => {
    const be = cpu({ wasm: false });
    expect(be.wasmMatmul).toBeUndefined();
    for (const c of CASES) check(c, (a, b, out) => be.matmul(a, b, out));
    const A = new Float32Array([1e8, 1, -1e8, 1]);
    const B = new Float32Array([1, 1, 1, 1]);
    const C = new Float32Array(1);
    be.matmul(view(A, [1, 4], [4, 1]), view(B, [4, 1], [1, 1]), view(C, [1, 1], [1, 1]));
    expect(C[0]).toBe(2);
  });
});
