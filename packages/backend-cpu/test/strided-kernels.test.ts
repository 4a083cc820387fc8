// The run-walking kernels (gather, scatterAdd, the JS elementwise loop with its two nested inner
// dims, the copy / fill shortcuts) against their definitions computed element by element from
// multi-indices: odd shapes, transposed, sliced, broadcast (stride 0) and size-1 dims, NaN.
import { type DType, IndexError, input, kernel, type View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { ElementwiseCompiler } from "../src/elementwise.js";
import { gather, scatterAdd } from "../src/kernels.js";

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;

function view(buffer: Arr, dtype: DType, shape: number[], strides: number[], offset = 0): View {
  return { buffer: buffer as unknown as View["buffer"], dtype, shape, strides, offset };
}

function rowMajor(shape: readonly number[]): number[] {
  const s: number[] = [];
  let st = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = st;
    st *= shape[d] as number;
  }
  return s;
}

/** The multi-index of element `i` (row-major) of `shape`. */
function unravel(shape: readonly number[], i: number): number[] {
  const at: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    at[d] = i % (shape[d] as number);
    i = Math.floor(i / (shape[d] as number));
  }
  return at;
}

const offsetOf = (v: View, at: readonly number[]) =>
  at.reduce((o, x, d) => o + x * (v.strides[d] as number), v.offset);

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic values with NaN, -0 and repeats. */
function values(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++)
    a[i] = i % 11 === 5 ? Number.NaN : i % 7 === 3 ? -0 : ((i * 37) % 23) - 9.5;
  return a;
}

interface GatherCase {
  name: string;
  input: { shape: number[]; strides: number[]; offset: number; length: number };
  dim: number;
  /** Index shape and strides (over a buffer of `indexLength` int32). */
  index: { shape: number[]; strides: number[]; offset: number; length: number };
}

const GATHER_CASES: GatherCase[] = [
  {
    name: "contiguous, last dim (max pool's winners)",
    input: { shape: [3, 5, 4], strides: [20, 4, 1], offset: 0, length: 60 },
    dim: 2,
    index: { shape: [3, 5, 1], strides: [5, 1, 1], offset: 0, length: 15 },
  },
  {
    name: "transposed input, dim 0, index smaller than the input",
    input: { shape: [4, 6], strides: [1, 4], offset: 0, length: 24 },
    dim: 0,
    index: { shape: [3, 5], strides: [5, 1], offset: 0, length: 15 },
  },
  {
    name: "sliced input with an offset, broadcast index (stride 0), size-1 dim",
    input: { shape: [2, 1, 7], strides: [17, 9, 2], offset: 3, length: 40 },
    dim: 2,
    index: { shape: [2, 1, 3], strides: [0, 0, 1], offset: 1, length: 5 },
  },
  {
    name: "odd middle dim, transposed index",
    input: { shape: [5, 3, 2], strides: [6, 2, 1], offset: 0, length: 30 },
    dim: 1,
    index: { shape: [5, 3, 2], strides: [1, 10, 5], offset: 0, length: 30 },
  },
];

function indexData(c: GatherCase): Int32Array {
  const size = c.input.shape[c.dim] as number;
  return Int32Array.from({ length: c.index.length }, (_, i) => (i * 5 + 2) % size);
}

describe("gather", () => {
  for (const c of GATHER_CASES) {
    it(`takes input[.. index ..]: ${c.name}`, () => {
      const X = values(c.input.length);
      const I = indexData(c);
      const outShape = c.index.shape;
      const Y = new Float32Array(size(outShape) + 2).fill(42);
      const x = view(X, "float32", c.input.shape, c.input.strides, c.input.offset);
      const idx = view(I, "int32", c.index.shape, c.index.strides, c.index.offset);
      const out = view(Y, "float32", outShape, rowMajor(outShape), 1);
      gather(x, X, c.dim, idx, I, out, Y);
      for (let i = 0; i < size(outShape); i++) {
        const at = unravel(outShape, i);
        const src = [...at];
        src[c.dim] = I[offsetOf(idx, at)] as number;
        expect(Object.is(Y[1 + i], X[offsetOf(x, src)]), `${c.name} at ${at}`).toBe(true);
      }
      expect([Y[0], Y[Y.length - 1]]).toEqual([42, 42]);
    });
  }

  it("throws IndexError naming the bad index", () => {
    const X = values(6);
    const I = new Int32Array([0, 3]);
    const x = view(X, "float32", [2, 3], [3, 1]);
    const idx = view(I, "int32", [2, 1], [1, 1]);
    const Y = new Float32Array(2);
    expect(() => gather(x, X, 1, idx, I, view(Y, "float32", [2, 1], [1, 1]), Y)).toThrow(
      IndexError,
    );
    expect(() => gather(x, X, 1, idx, I, view(Y, "float32", [2, 1], [1, 1]), Y)).toThrow(
      /index 3 is out of bounds for dim 1 with size 3/,
    );
  });
});

describe("scatterAdd", () => {
  for (const c of GATHER_CASES) {
    it(`adds src into target[.. index ..] in index order: ${c.name}`, () => {
      const T = values(c.input.length);
      const expected = Float32Array.from(T);
      const I = indexData(c);
      const S = values(size(c.index.shape) + 3).map((v) => v * 3 + 1);
      const target = view(T, "float32", c.input.shape, c.input.strides, c.input.offset);
      const idx = view(I, "int32", c.index.shape, c.index.strides, c.index.offset);
      const src = view(S, "float32", c.index.shape, rowMajor(c.index.shape), 2);
      for (let i = 0; i < size(c.index.shape); i++) {
        const at = unravel(c.index.shape, i);
        const dst = [...at];
        dst[c.dim] = I[offsetOf(idx, at)] as number;
        const o = offsetOf(target, dst);
        expected[o] = (expected[o] as number) + (S[2 + i] as number);
      }
      scatterAdd(target, T, c.dim, idx, I, src, S);
      for (let i = 0; i < T.length; i++) expect(Object.is(T[i], expected[i]), `at ${i}`).toBe(true);
    });
  }

  it("adds repeated indices in index order (float32 rounding shows it)", () => {
    const T = new Float32Array(1);
    const S = new Float32Array([1e8, 1, -1e8]);
    const I = new Int32Array(3);
    scatterAdd(
      view(T, "float32", [1], [1]),
      T,
      0,
      view(I, "int32", [3], [1]),
      I,
      view(S, "float32", [3], [1]),
      S,
    );
    // ((0 + 1e8) + 1) - 1e8 in float32 is 0; any other order gives 1.
    expect(T[0]).toBe(0);
  });

  it("is logical or for bool and wraps for int32", () => {
    const B = new Uint8Array([0, 1]);
    const BS = new Uint8Array([1, 1, 0]);
    const I = new Int32Array([0, 1, 0]);
    const i3 = view(I, "int32", [3], [1]);
    scatterAdd(view(B, "bool", [2], [1]), B, 0, i3, I, view(BS, "bool", [3], [1]), BS);
    expect([...B]).toEqual([1, 1]);
    const N = new Int32Array([2 ** 31 - 1, 0]);
    const NS = new Int32Array([1, 5, 0]);
    scatterAdd(view(N, "int32", [2], [1]), N, 0, i3, I, view(NS, "int32", [3], [1]), NS);
    expect([...N]).toEqual([-(2 ** 31), 5]);
  });

  it("throws IndexError before adding anything", () => {
    const T = new Float32Array([1, 2, 3]);
    const I = new Int32Array([0, 1, -1]);
    const S = new Float32Array([10, 10, 10]);
    expect(() =>
      scatterAdd(
        view(T, "float32", [3], [1]),
        T,
        0,
        view(I, "int32", [3], [1]),
        I,
        view(S, "float32", [3], [1]),
        S,
      ),
    ).toThrow(/scatterAdd: index -1 is out of bounds for dim 0 with size 3/);
    expect([...T]).toEqual([1, 2, 3]);
  });
});

describe("JS elementwise loops over strided views", () => {
  const add = kernel([input(0, "float32").add(input(1, "float32"))]);
  const copy = kernel([input(0, "float32")]);
  const cases: { name: string; shape: number[]; a: number[]; b: number[] }[] = [
    // A window view's short inner dims (as max pool's and im2col's), one dim, four dims.
    {
      name: "5-d, inner 2 x 3",
      shape: [2, 3, 5, 2, 3],
      a: [90, 30, 6, 3, 1],
      b: [1, 2, 6, 30, 60],
    },
    { name: "1-d, stride 3", shape: [7], a: [3], b: [0] },
    // Inner runs long enough to be copied with one set each: [2, 3, 70] seen as [3, 2, 70].
    {
      name: "permuted leading dims, unit-stride runs of 70",
      shape: [3, 2, 70],
      a: [70, 210, 1],
      b: [1, 0, 3],
    },
    {
      name: "broadcast rows, size-1 dim",
      shape: [3, 1, 5, 4],
      a: [20, 20, 4, 1],
      b: [0, 0, 1, 5],
    },
  ];
  for (const c of cases) {
    it(`adds and copies element for element: ${c.name}`, () => {
      const n = size(c.shape);
      const outStrides = rowMajor(c.shape);
      const A = values(4 * n + 8);
      const B = values(4 * n + 8).map((v) => v / 3);
      const compiler = new ElementwiseCompiler();
      const a = view(A, "float32", c.shape, c.a, 2);
      const b = view(B, "float32", c.shape, c.b, 5);
      const Y = new Float32Array(n);
      const Z = new Float32Array(n);
      const y = view(Y, "float32", c.shape, outStrides);
      const z = view(Z, "float32", c.shape, outStrides);
      compiler.run(add, [a, b], [y], [], (v) => v.buffer as unknown as Arr);
      compiler.run(copy, [a], [z], [], (v) => v.buffer as unknown as Arr);
      for (let i = 0; i < n; i++) {
        const at = unravel(c.shape, i);
        const sum = Math.fround((A[offsetOf(a, at)] as number) + (B[offsetOf(b, at)] as number));
        expect(Object.is(Y[i], sum), `${c.name} sum at ${at}`).toBe(true);
        expect(Object.is(Z[i], A[offsetOf(a, at)]), `${c.name} copy at ${at}`).toBe(true);
      }
    });
  }

  it("copies and fills contiguous views with one set / fill, offsets kept", () => {
    const compiler = new ElementwiseCompiler();
    const X = values(20);
    const Y = new Float32Array(20).fill(7);
    compiler.run(
      copy,
      [view(X, "float32", [3, 4], [4, 1], 5)],
      [view(Y, "float32", [3, 4], [4, 1], 2)],
      [],
      (v) => v.buffer as unknown as Arr,
    );
    for (let i = 0; i < 12; i++) expect(Object.is(Y[2 + i], X[5 + i])).toBe(true);
    expect([Y[0], Y[1], Y[14]]).toEqual([7, 7, 7]);
    const fill = kernel([input(0, "float32").fullLike(0.1)]);
    compiler.run(
      fill,
      [],
      [view(Y, "float32", [3], [1], 4)],
      [],
      (v) => v.buffer as unknown as Arr,
    );
    expect([...Y.slice(3, 8)]).toEqual([
      X[6],
      Math.fround(0.1),
      Math.fround(0.1),
      Math.fround(0.1),
      X[10],
    ]);
  });
});
