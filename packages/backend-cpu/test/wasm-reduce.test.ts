// The Wasm SIMD float32 sum / max / min against the JS path: sums in float64 in a fixed,
// shape-only order (checked bit for bit against that order written out here), max / min
// identical but for the sign of tied zeros; when the Wasm path is taken.
import type { ReduceOp, View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { CpuBackend, cpu } from "../src/index.js";
import { reduce } from "../src/kernels.js";
import { BLOCK } from "../src/wasm/reduce.js";

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

/** The Wasm sum's order: per block, four float64 lanes in order, (l0 + l1) + (l2 + l3); blocks pairwise. */
function orderedSum(x: Float32Array, from: number, n: number): number {
  const blocks: number[] = [];
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const lanes = [0, 0, 0, 0];
    for (let i = b0; i < Math.min(n, b0 + BLOCK); i++) lanes[(i - b0) % 4] += x[from + i] as number;
    blocks.push(
      (lanes[0] as number) + (lanes[1] as number) + ((lanes[2] as number) + (lanes[3] as number)),
    );
  }
  const tree = (lo: number, len: number): number =>
    len === 1
      ? (blocks[lo] as number)
      : tree(lo, len >> 1) + tree(lo + (len >> 1), len - (len >> 1));
  return Math.fround(tree(0, blocks.length));
}

const SHAPES: number[][] = [[256, 1024], [3, 17], [100, 33], [2, 3 * BLOCK + 5], [5000]];

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

  it("keeps float64 accumulation: 1e8 + 1 - 1e8 + 1 ... is exact", () => {
    const x = new Float32Array(64).map((_, i) => [1e8, 1, -1e8, 1][i % 4] as number);
    const out = new Float32Array(1);
    const b = new CpuBackend();
    b.compiler.wasmMinElements = 1;
    b.reduce("sum", view(x, [64]), 1, view(out, []));
    expect(b.wasmReduce?.launchCount).toBe(1);
    expect(out[0]).toBe(32);
  });

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
