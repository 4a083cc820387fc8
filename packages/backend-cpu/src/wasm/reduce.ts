/**
 * float32 sum, max and min over the contiguous trailing dims of a contiguous tensor (the
 * reductions softmax and logsumexp make) in WebAssembly SIMD.
 *
 * sum keeps the JS path's float64 accumulation (each float32 lane promoted exactly to float64),
 * in an order that depends on the shape only, so that threads taking whole blocks will give the
 * same bits: a row is cut into blocks of BLOCK elements; within a block, lane j of four sums
 * the elements j, j + 4, j + 8, ... in order, and the lanes combine as (l0 + l1) + (l2 + l3);
 * the block sums of a row combine in a fixed pairwise tree. max and min propagate NaN and take
 * +0 above -0 (`f32x4.max`), where the JS path keeps the first of tied zeros.
 */
import type { ReduceOp, View } from "@nn/tensor";
import { isContiguous } from "../strided.js";
import { advance, decrement, I32, op, V128, type WasmFunction } from "./asm.js";
import type { WasmScratch } from "./scratch.js";

/** Elements per block of a sum (a row of n elements has ceil(n / BLOCK) blocks). */
export const BLOCK = 4096;
/** Fewest elements of a row worth the Wasm path (shorter rows stay on the JS loop). */
export const WASM_MIN_ROW = 16;

const { get, set, tee, i32, i32Sub, block, loop, end, brIf } = op;

/**
 * `sum(rows, n4, blockVecs, in, out)`: rows of n4 vectors from byte `in`; writes each block's
 * sum (blocks of blockVecs vectors, the last of a row shorter) as a float64 from byte `out`.
 */
function sumFunction(): WasmFunction {
  const [ROWS, N4, BV, P, O] = [0, 1, 2, 3, 4];
  const [LEFT, K, V, LO, HI] = [5, 6, 7, 8, 9];
  const high = op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
  const lanes = (acc: number) => [
    ...get(acc),
    ...op.f64x2ExtractLane(0),
    ...get(acc),
    ...op.f64x2ExtractLane(1),
    ...op.f64Add,
  ];
  const body = [
    ...block,
    ...loop, // rows
    ...get(N4),
    ...set(LEFT),
    ...block,
    ...loop, // blocks
    // K = min(LEFT, BV); LEFT -= K
    ...get(LEFT),
    ...get(BV),
    ...get(LEFT),
    ...get(BV),
    ...op.i32LtU,
    ...op.select,
    ...set(K),
    ...get(LEFT),
    ...get(K),
    ...i32Sub,
    ...set(LEFT),
    ...op.i32x4Const(0),
    ...set(LO),
    ...op.i32x4Const(0),
    ...set(HI),
    ...loop, // vectors
    ...get(P),
    ...op.v128Load(),
    ...tee(V),
    ...op.f64x2PromoteLowF32x4,
    ...get(LO),
    ...op.f64x2Add,
    ...set(LO),
    ...get(V),
    ...get(V),
    ...high,
    ...op.f64x2PromoteLowF32x4,
    ...get(HI),
    ...op.f64x2Add,
    ...set(HI),
    ...advance(P, 16),
    ...decrement(K),
    ...brIf(0),
    ...end,
    ...get(O),
    ...lanes(LO),
    ...lanes(HI),
    ...op.f64Add,
    ...op.f64Store(),
    ...advance(O, 8),
    ...get(LEFT),
    ...brIf(0),
    ...end,
    ...end,
    ...decrement(ROWS),
    ...brIf(0),
    ...end,
    ...end,
  ];
  return {
    name: "sum",
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, V128, V128, V128],
    body,
  };
}

/**
 * `max` / `min(rows, n16, in, out)`: rows of n16 groups of four vectors from byte `in`; one
 * float32 per row. Four accumulators, so that consecutive steps do not wait on each other.
 */
function extremeFunction(isMax: boolean): WasmFunction {
  const [ROWS, N16, P, O] = [0, 1, 2, 3];
  const K = 4;
  const ACC = [5, 6, 7, 8];
  const vec = isMax ? op.f32x4Max : op.f32x4Min;
  const scalar = isMax ? op.f32Max : op.f32Min;
  const acc = (a: number) => ACC[a] as number;
  const lane = (l: number) => [...get(acc(0)), ...op.f32x4ExtractLane(l)];
  const first = [0, 1, 2, 3].flatMap((a) => [...get(P), ...op.v128Load(16 * a), ...set(acc(a))]);
  const step = [0, 1, 2, 3].flatMap((a) => [
    ...get(acc(a)),
    ...get(P),
    ...op.v128Load(16 * a),
    ...vec,
    ...set(acc(a)),
  ]);
  const combine = [
    ...get(acc(0)),
    ...get(acc(1)),
    ...vec,
    ...get(acc(2)),
    ...get(acc(3)),
    ...vec,
    ...vec,
    ...set(acc(0)),
  ];
  const body = [
    ...block,
    ...loop, // rows
    ...first,
    ...advance(P, 64),
    ...get(N16),
    ...i32(1),
    ...i32Sub,
    ...set(K),
    ...block,
    ...get(K),
    ...op.i32Eqz,
    ...brIf(0),
    ...loop,
    ...step,
    ...advance(P, 64),
    ...decrement(K),
    ...brIf(0),
    ...end,
    ...end,
    ...combine,
    ...get(O),
    ...lane(0),
    ...lane(1),
    ...scalar,
    ...lane(2),
    ...lane(3),
    ...scalar,
    ...scalar,
    ...op.f32Store(),
    ...advance(O, 4),
    ...decrement(ROWS),
    ...brIf(0),
    ...end,
    ...end,
  ];
  return {
    name: isMax ? "max" : "min",
    params: [I32, I32, I32, I32],
    results: [],
    locals: [I32, V128, V128, V128, V128],
    body,
  };
}

type Fn = (...args: number[]) => void;

/** Sum of `a[from .. from + n)` as a fixed pairwise tree (halves split at floor(n / 2)). */
function pairwise(a: Float64Array, from: number, n: number): number {
  if (n === 1) return a[from] as number;
  const h = n >> 1;
  return pairwise(a, from, h) + pairwise(a, from + h, n - h);
}

/** The reduction kernels, in the shared scratch memory. */
export class WasmReduce {
  readonly #scratch: WasmScratch;
  readonly #fns: Record<"sum" | "max" | "min", Fn>;
  /** Reductions run in Wasm (tests check that the Wasm path is taken). */
  launchCount = 0;

  constructor(scratch: WasmScratch) {
    this.#scratch = scratch;
    const bytes = scratch.moduleBytes([
      sumFunction(),
      extremeFunction(true),
      extremeFunction(false),
    ]);
    this.#fns = scratch.instantiate(bytes) as unknown as Record<"sum" | "max" | "min", Fn>;
  }

  /**
   * See Backend.reduce. Runs float32 sum / max / min of a contiguous input into a contiguous
   * output when each row has at least WASM_MIN_ROW elements and all at least `minElements`
   * (the elementwise threshold), and returns true; otherwise (or
   * when the memory cannot grow) returns false having written nothing.
   */
  run(op: ReduceOp, input: View, reduceDims: number, output: View, minElements: number): boolean {
    if (op !== "sum" && op !== "max" && op !== "min") return false;
    if (input.dtype !== "float32" || output.dtype !== "float32") return false;
    const nd = input.shape.length;
    let n = 1;
    for (let d = nd - reduceDims; d < nd; d++) n *= input.shape[d] as number;
    let rows = 1;
    for (let d = 0; d < nd - reduceDims; d++) rows *= input.shape[d] as number;
    if (n < WASM_MIN_ROW || rows * n < minElements) return false;
    if (!isContiguous(input, input.shape) || !isContiguous(output, output.shape)) return false;
    // Rows padded with the reduction's identity to whole vectors (sum) or groups of four (max, min).
    const rowWords = op === "sum" ? (n + 3) & ~3 : (n + 15) & ~15;
    const blocks = Math.ceil(n / BLOCK);
    const inBytes = rows * rowWords * 4;
    const outBytes = op === "sum" ? rows * blocks * 8 : rows * 4;
    const s = this.#scratch;
    if (!s.ensure(inBytes + outBytes)) return false;
    const f32 = s.f32;
    const [at, out] = [s.base, s.base + inBytes]; // bytes
    const x = input.buffer as Float32Array;
    if (n === rowWords) {
      f32.set(x.subarray(input.offset, input.offset + rows * n), at / 4);
    } else {
      const pad = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      for (let r = 0; r < rows; r++) {
        const from = input.offset + r * n;
        f32.set(x.subarray(from, from + n), at / 4 + r * rowWords);
        f32.fill(pad, at / 4 + r * rowWords + n, at / 4 + (r + 1) * rowWords);
      }
    }
    const y = output.buffer as Float32Array;
    if (op === "sum") {
      this.#fns.sum(rows, rowWords / 4, BLOCK / 4, at, out);
      const sums = new Float64Array(s.memory.buffer, out, rows * blocks);
      for (let r = 0; r < rows; r++) y[output.offset + r] = pairwise(sums, r * blocks, blocks);
    } else {
      this.#fns[op](rows, rowWords / 16, at, out);
      y.set(f32.subarray(out / 4, out / 4 + rows), output.offset);
    }
    this.launchCount++;
    return true;
  }
}
