/**
 * float32 sum, max and min over the contiguous trailing dims of a contiguous tensor (the
 * reductions softmax and logsumexp make) in WebAssembly SIMD.
 *
 * sum accumulates in float32 lanes, as PyTorch does, in the order of `sum32.ts` (blocks of 128
 * floats in four f32x4 accumulators, the block sums in a fixed pairwise tree): it depends on the
 * row length only, so the JS path gives the same bits, and so would threads taking whole
 * blocks (reductions run on the calling thread today). max and min propagate NaN and take
 * +0 above -0 (`f32x4.max`), where the JS path keeps the first of tied zeros.
 */
import type { ReduceOp, View } from "@nn/tensor";
import { isContiguous } from "../strided.js";
import { pairwise32, SUM_BLOCK } from "../sum32.js";
import { advance, decrement, I32, op, V128, type WasmFunction } from "./asm.js";
import type { WasmScratch } from "./scratch.js";

/** Fewest elements of a row worth the Wasm path (shorter rows stay on the JS loop). */
export const WASM_MIN_ROW = 16;

const { get, set, i32, i32Sub, block, loop, end, brIf } = op;

/**
 * `sum(rows, n16, in, out)`: rows of n16 groups of 16 floats from byte `in`; writes each block's
 * float32 sum (blocks of SUM_BLOCK floats, the last of a row shorter) from byte `out`, in the
 * order of `sum32.ts`: four f32x4 accumulators, one per vector of a group.
 */
function sumFunction(): WasmFunction {
  const [ROWS, N16, P, O] = [0, 1, 2, 3];
  const [LEFT, K] = [4, 5];
  const ACC = [6, 7, 8, 9];
  const groups = SUM_BLOCK / 16;
  const acc = (a: number) => ACC[a] as number;
  const lane = (l: number) => [...get(acc(0)), ...op.f32x4ExtractLane(l)];
  const body = [
    ...block,
    ...loop, // rows
    ...get(N16),
    ...set(LEFT),
    ...block,
    ...loop, // blocks
    // K = min(LEFT, groups); LEFT -= K
    ...get(LEFT),
    ...i32(groups),
    ...get(LEFT),
    ...i32(groups),
    ...op.i32LtU,
    ...op.select,
    ...set(K),
    ...get(LEFT),
    ...get(K),
    ...i32Sub,
    ...set(LEFT),
    ...[0, 1, 2, 3].flatMap((a) => [...op.i32x4Const(0), ...set(acc(a))]),
    ...loop, // groups
    ...[0, 1, 2, 3].flatMap((a) => [
      ...get(acc(a)),
      ...get(P),
      ...op.v128Load(16 * a),
      ...op.f32x4Add,
      ...set(acc(a)),
    ]),
    ...advance(P, 64),
    ...decrement(K),
    ...brIf(0),
    ...end,
    // (a0 + a1) + (a2 + a3), then ((l0 + l1) + l2) + l3
    ...get(acc(0)),
    ...get(acc(1)),
    ...op.f32x4Add,
    ...get(acc(2)),
    ...get(acc(3)),
    ...op.f32x4Add,
    ...op.f32x4Add,
    ...set(acc(0)),
    ...get(O),
    ...lane(0),
    ...lane(1),
    ...op.f32Add,
    ...lane(2),
    ...op.f32Add,
    ...lane(3),
    ...op.f32Add,
    ...op.f32Store(),
    ...advance(O, 4),
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
    params: [I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, V128, V128, V128, V128],
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
    // Rows padded to groups of four vectors with the reduction's identity.
    const rowWords = (n + 15) & ~15;
    const blocks = Math.ceil(n / SUM_BLOCK);
    const inBytes = rows * rowWords * 4;
    const outBytes = op === "sum" ? rows * blocks * 4 : rows * 4;
    // Whole rows of a tensor in the Wasm heap are read in place; others copied in, padded.
    const s = this.#scratch;
    const x = input.buffer as Float32Array;
    const addr = n === rowWords ? s.heap.addressOf(x) : -1;
    const copied = addr < 0 ? inBytes : 0;
    if (!s.ensure(copied + outBytes)) return false;
    const f32 = s.f32;
    const [at, out] = [addr < 0 ? s.base : addr + 4 * input.offset, s.base + copied]; // bytes
    if (addr < 0 && n === rowWords) {
      f32.set(x.subarray(input.offset, input.offset + rows * n), at / 4);
    } else if (addr < 0) {
      const pad = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      for (let r = 0; r < rows; r++) {
        const from = input.offset + r * n;
        f32.set(x.subarray(from, from + n), at / 4 + r * rowWords);
        f32.fill(pad, at / 4 + r * rowWords + n, at / 4 + (r + 1) * rowWords);
      }
    }
    const y = output.buffer as Float32Array;
    if (op === "sum") {
      this.#fns.sum(rows, rowWords / 16, at, out);
      for (let r = 0; r < rows; r++) {
        y[output.offset + r] = pairwise32(f32, out / 4 + r * blocks, blocks);
      }
    } else {
      this.#fns[op](rows, rowWords / 16, at, out);
      y.set(f32.subarray(out / 4, out / 4 + rows), output.offset);
    }
    this.launchCount++;
    return true;
  }
}
