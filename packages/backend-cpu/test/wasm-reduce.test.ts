// The Wasm SIMD float32 sum / max / min against the JS path: sums in float32 in a fixed,
// length-only order (checked bit for bit, on both paths, against that order written out here),
// accurate to the order's error bound where a sequential float32 sum is not; max / min identical
// but for the sign of tied zeros; when the Wasm path is taken.
import type { ReduceOp, View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { CpuBackend, cpu } from "../src/index.js";
import { reduce } from "../src/kernels.js";
import { SUM_BLOCK } from "../src/sum32.js";

function view(buffer: Float32Array, shape: number[], offset = 0): View {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { buffer: buffer as View["buffer"], dtype: "float32", shape, strides, offset };
}

/** Deterministic data: mostly ordinary values, with NaN, ±Infinity and ±0 in some rows. */
function data(n: number, specials: boolean): Float32Array {
  const a = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s / 2 ** 32;
    a[i] = (u - 0.5) * 10 ** ((s >>> 3) % 7);
    if (specials && s % 97 === 0) a[i] = [Number.NaN, Infinity, -Infinity, 0, -0][s % 5] as number;
  }
  return a;
}

/**
 * The float32 sum's order (`sum32.ts`), written out plainly: per block of SUM_BLOCK, element q
 * into lane q % 4 of accumulator floor(q / 4) % 4; accumulators (a0 + a1) + (a2 + a3), lanes
 * ((l0 + l1) + l2) + l3; block sums pairwise, level by level, an odd last one carried up.
 */
function orderedSum(x: ArrayLike<number>, from: number, n: number, step = 1): number {
  const f = Math.fround;
  let level: number[] = [];
  for (let b0 = 0; b0 < n; b0 += SUM_BLOCK) {
    const acc = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    for (let q = 0; q < Math.min(SUM_BLOCK, n - b0); q++) {
      const lanes = acc[Math.floor(q / 4) % 4] as number[];
      lanes[q % 4] = f((lanes[q % 4] as number) + f(x[from + (b0 + q) * step] as number));
    }
    const at = (a: number, l: number) => (acc[a] as number[])[l] as number;
    const l = [0, 1, 2, 3].map((j) => f(f(at(0, j) + at(1, j)) + f(at(2, j) + at(3, j))));
    level.push(f(f(f((l[0] as number) + (l[1] as number)) + (l[2] as number)) + (l[3] as number)));
  }
  while (level.length > 1) {
    const next: number[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(f((level[i] as number) + (level[i + 1] as number)));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as number);
    level = next;
  }
  return level[0] ?? 0;
}

const SHAPES: number[][] = [
  [256, 1024],
  [3, 17],
  [100, 33],
  [2, 3 * SUM_BLOCK + 5],
  [3, 5 * SUM_BLOCK],
  [5000],
];

describe("Wasm SIMD float32 reductions over the last dims", () => {
  for (const shape of SHAPES) {
    const n = shape[shape.length - 1] as number;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    for (const specials of [false, true]) {
      const x = data(1 + rows * n, specials);
      it(`sum of [${shape}]${specials ? " with NaN, ±Infinity, ±0" : ""} in the fixed order`, () => {
        const b = new CpuBackend();
        b.compiler.wasmMinElements = 1;
        const out = new Float32Array(rows);
        b.reduce("sum", view(x, shape, 1), 1, view(out, shape.slice(0, -1)));
        expect(b.wasmReduce?.launchCount).toBe(1);
        for (let r = 0; r < rows; r++) expect(out[r]).toBe(orderedSum(x, 1 + r * n, n));
        // The JS path: in place, and gathered from a transposed copy ([n, rows] seen as
        // [rows, n], the layout of a sum over a leading dim): the same bits.
        const js = new Float32Array(rows);
        reduce("sum", view(x, shape, 1), x, 1, view(js, shape.slice(0, -1)), js);
        expect(Array.from(js)).toEqual(Array.from(out));
        if (shape.length === 1) return;
        const t = new Float32Array(rows * n);
        for (let r = 0; r < rows; r++)
          for (let i = 0; i < n; i++) t[i * rows + r] = x[1 + r * n + i] as number;
        const fromT = new Float32Array(rows);
        b.reduce("sum", { ...view(t, shape), strides: [1, rows] }, 1, view(fromT, [rows]));
        expect(b.wasmReduce?.launchCount).toBe(1); // not contiguous: the JS path
        expect(Array.from(fromT)).toEqual(Array.from(out));
      });
      for (const op of ["max", "min"] as ReduceOp[]) {
        it(`${op} of [${shape}]${specials ? " with NaN, ±Infinity, ±0" : ""}: the JS path's values`, () => {
          const b = new CpuBackend();
          b.compiler.wasmMinElements = 1;
          const got = new Float32Array(rows);
          const want = new Float32Array(rows);
          b.reduce(op, view(x, shape, 1), 1, view(got, shape.slice(0, -1)));
          expect(b.wasmReduce?.launchCount).toBe(1);
          reduce(op, view(x, shape, 1), x, 1, view(want, shape.slice(0, -1)), want);
          // === takes tied zeros as equal: the JS path keeps the first, Wasm takes +0 above -0.
          for (let r = 0; r < rows; r++) {
            if (Number.isNaN(want[r])) expect(got[r]).toBeNaN();
            else expect(got[r] === want[r], `row ${r}`).toBe(true);
          }
        });
      }
    }
  }

  it("only for float32 sum / max / min of rows of at least 16 elements, from the Wasm threshold", () => {
    const b = new CpuBackend();
    const out = new Float32Array(64);
    b.reduce("sum", view(new Float32Array(64 * 8), [64, 8]), 1, view(out, [64])); // short rows
    b.reduce("sum", view(new Float32Array(512), [32, 16]), 1, view(out, [32])); // below 1024
    b.reduce("prod", view(new Float32Array(4096), [64, 64]), 1, view(out, [64]));
    expect(b.wasmReduce?.launchCount).toBe(0);
    b.reduce("max", view(new Float32Array(4096), [64, 64]), 1, view(out, [64]));
    expect(b.wasmReduce?.launchCount).toBe(1);
    expect(cpu({ wasm: false }).wasmReduce).toBeUndefined();
  });
});

describe("float32 sums accumulate in float32", () => {
  const n = 1_000_000;
  const uniform = data(n, false).map((v, i) => ((i * 0.618034) % 1) + v * 1e-7);
  const inputs: [string, Float32Array][] = [
    ["0.1 repeated", new Float32Array(n).fill(0.1)],
    ["values in [0, 1)", uniform],
  ];
  for (const [name, x] of inputs) {
    it(`${name}: a million elements within the pairwise bound, which a sequential float32 sum exceeds`, () => {
      let exact = 0; // in float64: within 1e6 · 2^-53 · Σ|x|, far below the bound
      let absSum = 0;
      let naive = 0;
      for (const v of x) {
        exact += v;
        absSum += Math.abs(v);
        naive = Math.fround(naive + v);
      }
      // The depth of the sum's tree (sum32.ts): 8 adds per lane, 2 across accumulators, 3
      // across lanes, then ceil(log2(blocks)) levels; the error is within depth · 2^-24 · Σ|x|.
      const depth = 8 + 2 + 3 + Math.ceil(Math.log2(Math.ceil(n / SUM_BLOCK)));
      const bound = depth * 2 ** -24 * absSum;
      expect(Math.abs(naive - exact)).toBeGreaterThan(bound);
      const wasm = new CpuBackend();
      const got = new Float32Array(1);
      wasm.reduce("sum", view(x, [n]), 1, view(got, []));
      expect(wasm.wasmReduce?.launchCount).toBe(1);
      expect(Math.abs((got[0] as number) - exact)).toBeLessThanOrEqual(bound);
      const js = new Float32Array(1);
      cpu({ wasm: false }).reduce("sum", view(x, [n]), 1, view(js, []));
      expect(js[0]).toBe(got[0]);
    });
  }

  it("sums strided blocks (runs of a permutation, a step-2 slice) in the same order", () => {
    const x = data(1200, false);
    // [6, 4, 50] seen as [4, 6, 50] (a conv bias gradient's layout), the last two dims reduced:
    // 300 elements per output in six runs of 50, three blocks.
    const perm = new Float32Array(4);
    cpu().reduce("sum", { ...view(x, [4, 6, 50]), strides: [50, 200, 1] }, 2, view(perm, [4]));
    for (let o = 0; o < 4; o++) {
      const gathered = Array.from(
        { length: 300 },
        (_, r) => x[Math.floor(r / 50) * 200 + o * 50 + (r % 50)] as number,
      );
      expect(perm[o]).toBe(orderedSum(gathered, 0, 300));
    }
    // Every other element of [2, 600]'s rows, from offset 1.
    const sliced = new Float32Array(2);
    cpu().reduce("sum", { ...view(x, [2, 300], 1), strides: [600, 2] }, 1, view(sliced, [2]));
    for (let o = 0; o < 2; o++) expect(sliced[o]).toBe(orderedSum(x, 1 + o * 600, 300, 2));
    expect([...perm, ...sliced].every(Number.isFinite)).toBe(true);
  });

  it("sums [1e8, 1, -1e8, 1] to PyTorch's 1 (a float64 accumulator gives 2)", () => {
    const x = new Float32Array([1e8, 1, -1e8, 1]);
    const out = new Float32Array(1);
    cpu().reduce("sum", view(x, [4]), 1, view(out, []));
    expect(out[0]).toBe(1);
  });
});
