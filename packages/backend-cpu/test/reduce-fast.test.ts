// The contiguous fast path of `reduce` against the general strided path (`reduceStrided`): the
// same bits for every op and dtype, on contiguous, transposed, sliced, expanded and empty views,
// with NaN, -0, ties and int32 wrap-around in the data.
import type { DType, ReduceOp, View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { reduce, reduceStrided } from "../src/kernels.js";

const OPS: ReduceOp[] = ["sum", "prod", "max", "min", "argmax", "argmin"];
const DTYPES: DType[] = ["float32", "float64", "int32", "bool"];

function arrayOf(dtype: DType, n: number): Float32Array | Float64Array | Int32Array | Uint8Array {
  if (dtype === "float32") return new Float32Array(n);
  if (dtype === "float64") return new Float64Array(n);
  if (dtype === "int32") return new Int32Array(n);
  return new Uint8Array(n);
}

function outDType(op: ReduceOp, dtype: DType): DType {
  if (op === "argmax" || op === "argmin") return "int32";
  if ((op === "sum" || op === "prod") && dtype === "bool") return "int32";
  return dtype;
}

/** Deterministic data with NaN, ±0, ±Infinity, ties and large int32 values. */
function fill(dtype: DType, n: number): ArrayLike<number> & { [i: number]: number } {
  const a = arrayOf(dtype, n);
  const floats = [
    1e7 + 0.7,
    -0,
    0,
    Number.NaN,
    1 / 3,
    1 / 3,
    -2.25,
    Number.POSITIVE_INFINITY,
    1e-9,
    0,
    0.1,
    -0,
  ];
  const ints = [5, -3, 2 ** 30, 2 ** 31 - 1, -(2 ** 31), 0, 9, 9, -1, 123456789, 7, 2];
  // A small LCG picks each value, so ties, ±0 next to each other and NaN land in many rows.
  let state = 12345;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    const k = (state >>> 8) % 12;
    if (dtype === "bool") a[i] = k % 3 === 0 ? 0 : 1;
    else if (dtype === "int32") a[i] = ints[k] as number;
    else {
      // NaN in about one element in 24, so most rows exercise the extremes and some NaN.
      const v = floats[k] as number;
      a[i] = Number.isNaN(v) && (state >>> 4) % 2 === 0 ? 2.5 : v;
    }
  }
  return a;
}

function view(dtype: DType, shape: number[], strides: number[], offset: number): View {
  return { buffer: {} as View["buffer"], dtype, shape, strides, offset };
}

function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let st = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = st;
    st *= shape[d] as number;
  }
  return s;
}

interface Case {
  name: string;
  shape: number[];
  strides: number[];
  offset: number;
  reduceDims: number[];
}

// Backing arrays of 200 elements; every view stays inside them.
const CASES: Case[] = [
  {
    name: "contiguous",
    shape: [3, 4, 5],
    strides: [20, 5, 1],
    offset: 0,
    reduceDims: [0, 1, 2, 3],
  },
  {
    name: "contiguous, offset",
    shape: [3, 4, 5],
    strides: [20, 5, 1],
    offset: 17,
    reduceDims: [1, 2, 3],
  },
  { name: "transposed", shape: [5, 4, 3], strides: [1, 5, 20], offset: 0, reduceDims: [1, 2, 3] },
  {
    // A conv bias gradient: [N, C, L] seen as [C, N, L], summed over N and L in runs of L.
    name: "leading dims swapped",
    shape: [3, 4, 5],
    strides: [5, 15, 1],
    offset: 2,
    reduceDims: [1, 2],
  },
  {
    name: "last two dims transposed",
    shape: [3, 5, 4],
    strides: [20, 1, 5],
    offset: 2,
    reduceDims: [1, 2],
  },
  { name: "sliced rows", shape: [3, 2, 5], strides: [20, 5, 1], offset: 5, reduceDims: [1, 2, 3] },
  {
    name: "sliced columns",
    shape: [3, 4, 2],
    strides: [20, 5, 1],
    offset: 3,
    reduceDims: [1, 2, 3],
  },
  { name: "step-2 slice", shape: [6, 5], strides: [10, 2], offset: 1, reduceDims: [1, 2] },
  { name: "expanded inner", shape: [3, 4, 5], strides: [20, 5, 0], offset: 0, reduceDims: [1, 2] },
  {
    name: "expanded outer",
    shape: [3, 4, 5],
    strides: [0, 5, 1],
    offset: 4,
    reduceDims: [1, 2, 3],
  },
  {
    name: "size-1 dims",
    shape: [3, 1, 5, 1],
    strides: [20, 999, 1, -7],
    offset: 8,
    reduceDims: [1, 2, 3, 4],
  },
  { name: "one element", shape: [1], strides: [1], offset: 9, reduceDims: [1] },
  { name: "empty reduced dim", shape: [3, 0], strides: [5, 1], offset: 0, reduceDims: [1] },
  { name: "empty reduced dims", shape: [2, 0, 4], strides: [4, 4, 1], offset: 0, reduceDims: [2] },
  { name: "empty kept dim", shape: [0, 5], strides: [5, 1], offset: 0, reduceDims: [1] },
];

function outSize(shape: readonly number[], keep: number): number {
  let n = 1;
  for (let d = 0; d < keep; d++) n *= shape[d] as number;
  return n;
}

describe("reduce: contiguous fast path against the strided path", () => {
  for (const c of CASES) {
    for (const rd of c.reduceDims) {
      for (const dtype of DTYPES) {
        for (const op of OPS) {
          const keep = c.shape.length - rd;
          let n = 1;
          for (let d = keep; d < c.shape.length; d++) n *= c.shape[d] as number;
          // Backend.reduce is never called for an empty max/min/argmax/argmin.
          if (n === 0 && op !== "sum" && op !== "prod") continue;
          it(`${c.name}, ${rd} reduced dims, ${dtype} ${op}`, () => {
            const x = fill(dtype, 200);
            const input = view(dtype, c.shape, c.strides, c.offset);
            const od = outDType(op, dtype);
            const oshape = c.shape.slice(0, keep);
            const count = outSize(c.shape, keep);
            // A contiguous output, and one with stride 2 from offset 1 (the offset-table path).
            for (const strided of [false, true]) {
              const ostrides = strided ? rowMajor(oshape).map((s) => 2 * s) : rowMajor(oshape);
              const output = view(od, oshape, ostrides, strided ? 1 : 0);
              const len = 2 * count + 2;
              const fast = arrayOf(od, len).fill(99);
              const slow = arrayOf(od, len).fill(99);
              reduce(op, input, x, rd, output, fast);
              reduceStrided(op, input, x, rd, output, slow);
              expect(Array.from(fast)).toEqual(Array.from(slow));
            }
          });
        }
      }
    }
  }

  it("gives the documented values on a contiguous row (NaN, -0, ties, wrap-around)", () => {
    const f = new Float64Array([1, -0, 3, 3, Number.NaN, 5, 0, -0, -0, 0, -0, 0, 0, -0, 0]);
    const row = (op: ReduceOp, off: number, dtype: DType = "float64") => {
      const y = arrayOf(dtype, 1);
      reduce(op, view("float64", [5], [1], off), f, 1, view(dtype, [], [], 0), y);
      return y[0];
    };
    expect(row("max", 0)).toBeNaN();
    expect(row("min", 0)).toBeNaN();
    expect(row("argmax", 0, "int32")).toBe(4);
    expect(row("argmin", 0, "int32")).toBe(4);
    expect(row("argmax", 5, "int32")).toBe(0);
    expect(row("argmin", 5, "int32")).toBe(1);
    // Zeros of either sign tie: the first stays.
    expect(Object.is(row("min", 6), 0)).toBe(true);
    expect(Object.is(row("max", 6), 0)).toBe(true);
    expect(Object.is(row("min", 10), -0)).toBe(true);
    expect(Object.is(row("max", 10), -0)).toBe(true);
    expect(Object.is(row("sum", 10), 0)).toBe(true); // accumulated from +0
    const ints = new Int32Array([2 ** 31 - 1, 1, 3]);
    const y = new Int32Array(2);
    reduce("sum", view("int32", [3], [1], 0), ints, 1, view("int32", [], [], 0), y);
    reduce("prod", view("int32", [2], [1], 1), ints, 1, view("int32", [], [], 1), y);
    expect(Array.from(y)).toEqual([-(2 ** 31) + 3, 3]);
  });
});
