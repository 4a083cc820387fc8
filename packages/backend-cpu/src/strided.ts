/** Helpers for walking strided views on the CPU. */
import type { View } from "@nn/tensor";

/**
 * Drops size-1 dims and merges neighbouring dims that are contiguous in every view, so that a
 * broadcast or transposed loop runs with as few (and as long) inner loops as possible.
 * Returns the shape and, per view, its strides over that shape (at least one dim).
 */
export function collapse(
  shape: readonly number[],
  views: readonly View[],
): { shape: number[]; strides: number[][] } {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = views.map(() => []);
  for (const d of dims) {
    const size = shape[d] as number;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 &&
      views.every((v, j) => (outStrides[j] as number[])[last] === (v.strides[d] as number) * size);
    if (mergeable) {
      outShape[last] = (outShape[last] as number) * size;
      views.forEach((v, j) => {
        (outStrides[j] as number[])[last] = v.strides[d] as number;
      });
    } else {
      outShape.push(size);
      views.forEach((v, j) => {
        (outStrides[j] as number[]).push(v.strides[d] as number);
      });
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

export /** True when `v`'s strides are row-major over `shape` (size-1 dims have any stride). */
function isContiguous(v: View, shape: readonly number[]): boolean {
  const strides = v.strides;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** True when every stride of `v` is 0 (one value for every element). */
export function isScalar(v: View): boolean {
  for (const s of v.strides) if (s !== 0) return false;
  return true;
}

/**
 * Element offsets of `view` in row-major order of its shape (one number per element). Used
 * where a kernel needs random access (reductions, gather); O(size).
 */
export function offsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): Float64Array {
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Float64Array(size);
  if (size === 0) return out;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = base;
  for (let i = 0; i < size; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      off += strides[d] as number;
      if (++(idx[d] as number) < (shape[d] as number)) break;
      off -= (strides[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The layout of a batched matmul `out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]` over strided
 * views (see Backend.matmul): the sizes, the strides of the last two dims of each view, and the
 * offset of each batch's matrix in each view (a broadcast batch dim has stride 0).
 */
export function matmulLayout(a: View, b: View, out: View) {
  const nd = out.shape.length;
  const [M, N] = out.shape.slice(-2) as [number, number];
  const K = a.shape[nd - 1] as number;
  const [am, ak] = a.strides.slice(-2) as [number, number];
  const [bk, bn] = b.strides.slice(-2) as [number, number];
  const [cm, cn] = out.strides.slice(-2) as [number, number];
  const batch = out.shape.slice(0, -2);
  const aBase = offsets(batch, a.strides.slice(0, -2), a.offset);
  const bBase = offsets(batch, b.strides.slice(0, -2), b.offset);
  const cBase = offsets(batch, out.strides.slice(0, -2), out.offset);
  return { M, N, K, am, ak, bk, bn, cm, cn, aBase, bBase, cBase };
}

/**
 * Walks `shape` in row-major order over three strided views at once (dims merged by `collapse`,
 * so the runs are as long as the layouts allow), calling `run(o0, o1, o2, n, s0, s1, s2)` once
 * per innermost run: `n` elements starting at offsets `o0..o2`, the views' steps `s0..s2`. No
 * offset table is built, so the memory used is O(ndim). Order of elements is row-major, as
 * `offsets` gives them.
 */
export function forEachRun3(
  shape: readonly number[],
  strides: readonly [readonly number[], readonly number[], readonly number[]],
  bases: readonly [number, number, number],
  run: (o0: number, o1: number, o2: number, n: number, s0: number, s1: number, s2: number) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const c = collapse(
    shape,
    strides.map((s) => ({ strides: s }) as View),
  );
  const nd = c.shape.length;
  const [t0, t1, t2] = c.strides as [number[], number[], number[]];
  const inner = c.shape[nd - 1] as number;
  const [s0, s1, s2] = [t0[nd - 1] as number, t1[nd - 1] as number, t2[nd - 1] as number];
  let [o0, o1, o2] = bases;
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    run(o0, o1, o2, inner, s0, s1, s2);
    let d = nd - 2;
    for (; d >= 0; d--) {
      o0 += t0[d] as number;
      o1 += t1[d] as number;
      o2 += t2[d] as number;
      if (++(idx[d] as number) < (c.shape[d] as number)) break;
      const size = c.shape[d] as number;
      o0 -= (t0[d] as number) * size;
      o1 -= (t1[d] as number) * size;
      o2 -= (t2[d] as number) * size;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
