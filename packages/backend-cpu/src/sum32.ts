/**
 * The order of a float32 sum, shared by the JS kernels (`kernels.ts`) and the Wasm SIMD kernel
 * (`wasm/reduce.ts`) so that both give the same bits. It depends on the row length n only.
 *
 * A row is cut into blocks of SUM_BLOCK (128) elements, the last one shorter. Within a block,
 * element q goes to lane q & 3 of accumulator (q >> 2) & 3: four f32x4 accumulators over
 * consecutive groups of 16 elements, each lane adding its (at most 8) elements in order. The
 * accumulators combine as (a0 + a1) + (a2 + a3), the four lanes of that as ((l0 + l1) + l2) + l3
 * (so a row of up to four elements sums in plain order, as PyTorch's does). The block sums of a
 * row then combine in a fixed pairwise tree: neighbours in pairs, level by level, an odd last
 * one carried up a level. Every add rounds to float32; missing elements of a short block count
 * as +0, which changes nothing (an accumulator starts at +0 and is never -0).
 *
 * Error: a tree of depth d is within d · 2^-24 · Σ|x| of the exact sum (to first order; Higham,
 * "Accuracy and Stability of Numerical Algorithms", §4.2), and here d <= 8 + 2 + 3 +
 * ceil(log2(ceil(n / 128))): 26 for a million elements, where a sequential float32 sum has
 * d = n - 1. This is PyTorch's approach (float32 vector lanes, cascaded partial sums); its own
 * blocking differs, so results agree with PyTorch's within that bound, not bit for bit.
 */

type Arr = { readonly [i: number]: number };

/** Elements per block of a float32 sum. */
export const SUM_BLOCK = 128;

/** The 16 lane accumulators of one block (float32 storage: each `+=` rounds to float32). */
const lanes = new Float32Array(16);

/**
 * The float32 sum of `x[base .. base + len)`, one block (`len <= SUM_BLOCK`), in the lane order
 * above. `x` holds float32 values (a Float32Array, or one gathered from a strided view).
 */
export function blockSum32(x: Arr, base: number, len: number): number {
  const acc = lanes;
  acc.fill(0);
  const end = base + len;
  let i = base;
  // Unrolled: V8 runs this about twice as fast as a loop over the 16 lanes.
  for (; i + 16 <= end; i += 16) {
    acc[0] += x[i] as number;
    acc[1] += x[i + 1] as number;
    acc[2] += x[i + 2] as number;
    acc[3] += x[i + 3] as number;
    acc[4] += x[i + 4] as number;
    acc[5] += x[i + 5] as number;
    acc[6] += x[i + 6] as number;
    acc[7] += x[i + 7] as number;
    acc[8] += x[i + 8] as number;
    acc[9] += x[i + 9] as number;
    acc[10] += x[i + 10] as number;
    acc[11] += x[i + 11] as number;
    acc[12] += x[i + 12] as number;
    acc[13] += x[i + 13] as number;
    acc[14] += x[i + 14] as number;
    acc[15] += x[i + 15] as number;
  }
  for (let j = 0; i < end; i++, j++) acc[j] += x[i] as number;
  // (a0 + a1) + (a2 + a3) into lanes 0-3 of the first accumulator, then its lanes in order.
  for (let l = 0; l < 4; l++) {
    acc[l] += acc[4 + l] as number;
    acc[8 + l] += acc[12 + l] as number;
    acc[l] += acc[8 + l] as number;
  }
  const f = Math.fround;
  return f(f(f((acc[0] as number) + (acc[1] as number)) + (acc[2] as number)) + (acc[3] as number));
}

/**
 * Combines the `m` block sums at `p[from .. from + m)` in the fixed pairwise tree above,
 * overwriting them, and returns the float32 result (0 when m is 0).
 */
export function pairwise32(p: Float32Array, from: number, m: number): number {
  if (m === 0) return 0;
  while (m > 1) {
    const h = m >> 1;
    for (let i = 0; i < h; i++) {
      p[from + i] = (p[from + 2 * i] as number) + (p[from + 2 * i + 1] as number);
    }
    if (m & 1) p[from + h] = p[from + m - 1] as number;
    m -= h;
  }
  return p[from] as number;
}

/**
 * The float32 sum of the `n` float32 values `x[base .. base + n)` in the order above; `partials`
 * holds at least ceil(n / SUM_BLOCK) elements (overwritten).
 */
export function rowSum32(x: Arr, base: number, n: number, partials: Float32Array): number {
  let m = 0;
  for (let b = 0; b < n; b += SUM_BLOCK) {
    partials[m++] = blockSum32(x, base + b, Math.min(SUM_BLOCK, n - b));
  }
  return pairwise32(partials, 0, m);
}
