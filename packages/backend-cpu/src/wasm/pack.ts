/**
 * Matmul operand packing in WebAssembly SIMD: R rows of an operand (R = 4 for A, 8 for B), each
 * running along K, are interleaved into a panel `[k][R]`, the layout the gemm kernel streams
 * (`matmul.ts`). Written in JS, this gather cost the MLP's training step as much time as its
 * multiply-adds; here a row-major operand (K contiguous) goes through 4 × 4 transposes of
 * `i8x16.shuffle`s and a column-major one (R contiguous) through plain vector copies. The Wasm
 * functions pack whole panels and whole groups of 4 k's; `packRest` does the rest in JS.
 */
import { advance, decrement, I32, op, V128, type WasmFunction } from "./asm.js";

/** `i8x16.shuffle` lanes for four 32-bit lanes (0-3 of the first operand, 4-7 of the second). */
const lanes32 = (l: readonly number[]) =>
  l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

// Parameters of both kernels, in bytes: source and destination of the first panel, panel count,
// steps along K (groups of 4 for `tpack`), the source stride of the contiguous direction's
// other axis, and the source and destination strides from one panel to the next.
const [SRC, DST, PANELS, STEPS, STRIDE, PS, PD] = [0, 1, 2, 3, 4, 5, 6];
const [S, D, K] = [7, 8, 9];
/** Parameters of every packing function. */
export const PACK_ARITY = 7;

/**
 * `tpack_R(src, dst, panels, k4, rs, ps, pd)`: rows contiguous along K (row r of a panel starts
 * `r * rs` bytes after row 0); each step reads 4 floats of each row and writes them as 4 k's of
 * the panel, 4 rows at a time through a 4 × 4 transpose.
 */
function tpack(R: number): WasmFunction {
  const { get, set, i32Add } = op;
  const rowOff = (r: number) => 10 + r - 1; // locals holding r * rs, r >= 1
  const v = (i: number) => 10 + R - 1 + i; // v0..v3 (rows), then t0..t3
  const body: number[] = [];
  for (let r = 1; r < R; r++)
    body.push(...get(STRIDE), ...op.i32(r), ...op.i32Mul, ...set(rowOff(r)));
  body.push(...op.block, ...op.loop); // over panels
  body.push(...get(SRC), ...set(S), ...get(DST), ...set(D), ...get(STEPS), ...set(K));
  body.push(...op.loop); // over groups of 4 k's
  for (let g = 0; g < R / 4; g++) {
    for (let r = 0; r < 4; r++) {
      const row = 4 * g + r;
      body.push(...get(S), ...(row ? [...get(rowOff(row)), ...i32Add] : []));
      body.push(...op.v128Load(0), ...set(v(r)));
    }
    const pairs: [number, number, number[], number][] = [
      [0, 1, [0, 4, 1, 5], 4],
      [0, 1, [2, 6, 3, 7], 5],
      [2, 3, [0, 4, 1, 5], 6],
      [2, 3, [2, 6, 3, 7], 7],
    ];
    for (const [x, y, l, t] of pairs) {
      body.push(...get(v(x)), ...get(v(y)), ...op.i8x16Shuffle(lanes32(l)), ...set(v(t)));
    }
    // k = 0, 1 from t0, t2; k = 2, 3 from t1, t3.
    const outs: [number, number, number[]][] = [
      [4, 6, [0, 1, 4, 5]],
      [4, 6, [2, 3, 6, 7]],
      [5, 7, [0, 1, 4, 5]],
      [5, 7, [2, 3, 6, 7]],
    ];
    outs.forEach(([x, y, l], k) => {
      body.push(...get(D), ...get(v(x)), ...get(v(y)), ...op.i8x16Shuffle(lanes32(l)));
      body.push(...op.v128Store(4 * (k * R + 4 * g)));
    });
  }
  body.push(...advance(S, op.i32(16)), ...advance(D, op.i32(16 * R)));
  body.push(...decrement(K), ...op.brIf(0), ...op.end);
  body.push(...advance(SRC, get(PS)), ...advance(DST, get(PD)));
  body.push(...decrement(PANELS), ...op.brIf(0), ...op.end, ...op.end);
  return {
    name: `tpack${R}`,
    params: Array(PACK_ARITY).fill(I32),
    results: [],
    locals: [...Array(3 + R - 1).fill(I32), ...Array(8).fill(V128)],
    body,
  };
}

/**
 * `vpack_R(src, dst, panels, k, ks, ps, pd)`: a panel's R values of one k contiguous (the next
 * k `ks` bytes on); each step copies R floats.
 */
function vpack(R: number): WasmFunction {
  const { get, set } = op;
  const body: number[] = [...op.block, ...op.loop]; // over panels
  body.push(...get(SRC), ...set(S), ...get(DST), ...set(D), ...get(STEPS), ...set(K));
  body.push(...op.loop); // over k
  for (let g = 0; g < R / 4; g++) {
    body.push(...get(D), ...get(S), ...op.v128Load(16 * g), ...op.v128Store(16 * g));
  }
  body.push(...advance(S, get(STRIDE)), ...advance(D, op.i32(4 * R)));
  body.push(...decrement(K), ...op.brIf(0), ...op.end);
  body.push(...advance(SRC, get(PS)), ...advance(DST, get(PD)));
  body.push(...decrement(PANELS), ...op.brIf(0), ...op.end, ...op.end);
  return {
    name: `vpack${R}`,
    params: Array(PACK_ARITY).fill(I32),
    results: [],
    locals: Array(3).fill(I32),
    body,
  };
}

/** The packing functions, in the order of `packOp`'s numbering (from 0). */
export function packFunctions(): WasmFunction[] {
  return [tpack(4), tpack(8), vpack(4), vpack(8)];
}

/**
 * A packing of `rows` × `K` of an operand held in the Wasm memory from float index `src`
 * (element (r, k) at `src + r * rs + k * ks`, with `ks === 1` or `rs === 1`, strides >= 0)
 * into panels of `R` rows (`[panel][k][R]`, R = 4 or 8) at float index `dst`, rows past `rows`
 * zero.
 */
export interface PanelJob {
  dst: number;
  src: number;
  rs: number;
  ks: number;
  rows: number;
  K: number;
  R: 4 | 8;
}

/**
 * The Wasm part of packing panels `p0 <= p < p1` of `j`: one call `[fn, ...args]` (`fn` is the
 * function's position in `packFunctions()`), or undefined when there is none. Whole panels and, for a
 * row-major operand, whole groups of 4 k's; `packRest` writes the rest.
 */
export function packCall(j: PanelJob, p0: number, p1: number): number[] | undefined {
  const panels = Math.min(p1, Math.floor(j.rows / j.R)) - p0;
  const { R, K } = j;
  const src = j.src + p0 * R * j.rs;
  const dst = j.dst + p0 * R * K;
  if (j.ks === 1) {
    const k4 = K - (K % 4);
    if (panels <= 0 || k4 === 0) return undefined;
    return [R === 4 ? 0 : 1, 4 * src, 4 * dst, panels, k4 / 4, 4 * j.rs, 4 * R * j.rs, 4 * R * K];
  }
  if (panels <= 0 || K === 0) return undefined;
  return [R === 4 ? 2 : 3, 4 * src, 4 * dst, panels, K, 4 * j.ks, 4 * R, 4 * R * K];
}

/**
 * The JS part of packing panels `p0 <= p < p1` of `j` into `f` (a view of the whole memory):
 * the last k's (K % 4) of whole panels of a row-major operand, and the last panel where it is
 * partial.
 */
export function packRest(f: Float32Array, j: PanelJob, p0: number, p1: number): void {
  const { R, K, rs, ks, src, dst } = j;
  const panels = Math.floor(j.rows / R);
  if (ks === 1) {
    for (let p = p0; p < Math.min(p1, panels); p++) {
      for (let k = K - (K % 4); k < K; k++) {
        for (let r = 0; r < R; r++)
          f[dst + p * R * K + k * R + r] = f[src + (p * R + r) * rs + k] as number;
      }
    }
  }
  const full = panels * R;
  if (full < j.rows && panels >= p0 && panels < p1) {
    packJs(f, dst + full * K, f, src + full * rs, rs, ks, j.rows - full, K, R);
  }
}

/**
 * Packs `rows` × `K` of X (element (r, k) at `xo + r * rs + k * ks`, any strides) into panels of
 * `R` rows at float index `at` of `f`, `[panel][k][R]`, rows past `rows` zero: the JS packing,
 * for strides the Wasm packers do not take and for the edges they leave.
 */
export function packJs(
  f: Float32Array | Float64Array,
  at: number,
  X: { [i: number]: number },
  xo: number,
  rs: number,
  ks: number,
  rows: number,
  K: number,
  R: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += R) {
    const n = Math.min(R, rows - r0);
    for (let k = 0, dst = at + r0 * K; k < K; k++, dst += R) {
      const x = xo + r0 * rs + k * ks;
      for (let r = 0; r < R; r++) f[dst + r] = r < n ? (X[x + r * rs] as number) : 0;
    }
  }
}

/**
 * Elements of the smallest range of `X` that holds `rows` × `K` at strides `rs`, `ks` (the raw
 * copy the packers read), or 0 where the packers do not apply: neither stride 1, a negative
 * stride, or `X` not a Float32Array.
 */
export function panelSource(X: unknown, rs: number, ks: number, rows: number, K: number): number {
  if (!(X instanceof Float32Array) || rs < 0 || ks < 0 || (rs !== 1 && ks !== 1)) return 0;
  return (rows - 1) * rs + (K - 1) * ks + 1;
}
