/**
 * float32 matmul in WebAssembly SIMD, generated at run time.
 *
 * A is packed into panels of MR = 4 rows (`[panel][k][4]`) and B into panels of NR = 8 columns
 * (`[panel][k][8]`), zero-padded at the edges, in the module's own memory (row- and
 * column-major operands by the Wasm packers of `pack.ts`, other strides in JS); a 4 × 8 tile of C
 * lives in eight f32x4 accumulators over a block of K (KC = 256) with `f32x4.mul` + `f32x4.add`
 * (or `f32x4.relaxed_madd` where the runtime validates it). The tile loops run inside Wasm:
 * for each B panel (KC × 8, in L1), over MC = 64 rows of A (MC × KC, in L2). Products
 * accumulate in float32 lanes, as PyTorch does on the CPU; the sum over K is taken in order
 * k = 0, 1, ..., K - 1 for every element, whatever the shape's tiling.
 *
 * With a thread pool (`threads.ts`), large products are split by whole 4 × 8 output tiles
 * (ranges of A panels, or of B panels when A has too few), never along K: every tile is computed
 * by the same instructions on the same packed data whichever thread runs it, so results are
 * bit-identical for any thread count. Packing and copying out stay on the calling thread.
 */
import type { DataArray, View } from "@nn/tensor";
import { matmulLayout } from "../strided.js";
import { advance, decrement, I32, op, V128, type WasmFunction } from "./asm.js";
import {
  PACK_ARITY,
  type PanelJob,
  packCall,
  packFunctions,
  packJs,
  packRest,
  panelSource,
} from "./pack.js";
import { sharedScratch, type WasmScratch } from "./scratch.js";
import { type PoolKernel, poolKernel, type ThreadPool } from "./threads.js";

const MR = 4; // rows of a C tile (the Wasm packers are written out for 4 and 8)
const NR = 8; // columns of a C tile
const KC = 256;
const MC_PANELS = 16; // 64 rows of A per block
/**
 * Multiply-adds (M·N·K) from which a product is split across threads. Below it, waking the
 * workers and moving the operands' and results' cache lines between cores cost more than the
 * split saves: measured in training steps on 2 cores, a 784-128-10 MLP at batch 64 (products of
 * 6.4 M) ran 0.94x as fast on 2 threads as on 1, though the product alone ran 1.5-1.8x as fast;
 * a 784-512-512-10 MLP at batch 128 (33-51 M) ran 1.28x as fast.
 */
export const PARALLEL_MIN_WORK = 1 << 24;
const GEMM_ARITY = 9;

/**
 * `gemm(pa, pb, pc, mp, np, kc, sa, sb, ldc)`: for each of `np` B panels (bytes apart `sb`,
 * starting at `pb`) and
 * each of `mp` A panels (bytes apart `sa`, starting at `pa`), adds the product of `kc` steps of K
 * to the 4 × 8 tile of C at `pc` (rows `ldc` bytes apart). All counts are at least 1; all
 * addresses 16-byte aligned.
 */
function gemmFunction(relaxed: boolean): WasmFunction {
  const [pa, pb, pc, mp, np, kc, sa, sb, ldc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [jp, ip, a, ak, b, c, k, bcol, ccol] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const acc = (r: number, h: number) => 18 + 2 * r + h; // 18 .. 18 + 2 MR - 1
  const [bv0, bv1, av] = [18 + 2 * MR, 19 + 2 * MR, 20 + 2 * MR];
  const { get, set, i32, i32Add, i32Mul, block, loop, end, brIf } = op;
  const row = (r: number) =>
    r === 0 ? get(c) : [...get(c), ...get(ldc), ...i32(r), ...i32Mul, ...i32Add];
  const madd = (target: number, bv: number) =>
    relaxed
      ? [...get(av), ...get(bv), ...get(target), ...op.f32x4RelaxedMadd, ...set(target)]
      : [...get(target), ...get(av), ...get(bv), ...op.f32x4Mul, ...op.f32x4Add, ...set(target)];

  const body: number[] = [
    ...get(pb),
    ...set(bcol),
    ...get(pc),
    ...set(ccol),
    ...get(np),
    ...set(jp),
  ];
  body.push(...block, ...loop); // over B panels
  body.push(...get(pa), ...set(a), ...get(ccol), ...set(c), ...get(mp), ...set(ip));
  body.push(...block, ...loop); // over A panels
  for (let r = 0; r < MR; r++) {
    body.push(...row(r), ...op.v128Load(0), ...set(acc(r, 0)));
    body.push(...row(r), ...op.v128Load(16), ...set(acc(r, 1)));
  }
  body.push(...get(a), ...set(ak), ...get(bcol), ...set(b), ...get(kc), ...set(k));
  body.push(...loop); // over K
  body.push(...get(b), ...op.v128Load(0), ...set(bv0), ...get(b), ...op.v128Load(16), ...set(bv1));
  for (let r = 0; r < MR; r++) {
    body.push(...get(ak), ...op.v128Load32Splat(4 * r), ...set(av));
    body.push(...madd(acc(r, 0), bv0), ...madd(acc(r, 1), bv1));
  }
  body.push(...advance(ak, i32(4 * MR)), ...advance(b, i32(4 * NR)));
  body.push(...decrement(k), ...brIf(0), ...end);
  for (let r = 0; r < MR; r++) {
    body.push(...row(r), ...get(acc(r, 0)), ...op.v128Store(0));
    body.push(...row(r), ...get(acc(r, 1)), ...op.v128Store(16));
  }
  body.push(...advance(a, get(sa)), ...advance(c, [...get(ldc), ...i32(MR), ...i32Mul]));
  body.push(...decrement(ip), ...brIf(0), ...end, ...end);
  body.push(...advance(bcol, get(sb)), ...advance(ccol, i32(4 * NR)));
  body.push(...decrement(jp), ...brIf(0), ...end, ...end);
  return {
    name: "gemm",
    params: Array(GEMM_ARITY).fill(I32),
    results: [],
    locals: [...Array(9).fill(I32), ...Array(2 * MR + 3).fill(V128)],
    body,
  };
}

type Arr = { [i: number]: number; length: number };

/**
 * `call(fn, a0, ..., a8)`: calls the module's function `fn` (0: gemm, 1-4: the packers of
 * `pack.ts`) with its leading arguments, so that one thread's share of a product, its packing
 * and its tiles, is one list of calls (`ThreadPool.run` runs one export).
 */
function callFunction(): WasmFunction {
  const { get } = op;
  const body: number[] = [...get(0), ...op.i32Eqz, ...op.if];
  for (let i = 1; i <= GEMM_ARITY; i++) body.push(...get(i));
  body.push(...op.call(0), ...op.return, ...op.end);
  for (let fn = 1; fn <= 4; fn++) {
    body.push(...get(0), ...op.i32(fn), ...op.i32Eq, ...op.if);
    for (let i = 1; i <= PACK_ARITY; i++) body.push(...get(i));
    body.push(...op.call(fn), ...op.return, ...op.end);
  }
  return { name: "call", params: Array(CALL_ARITY).fill(I32), results: [], locals: [], body };
}

/** Arguments of a call tuple: the function, then up to GEMM_ARITY arguments (zero-padded). */
const CALL_ARITY = 1 + GEMM_ARITY;

type Call = (...args: number[]) => void;

/** Where one operand's panels come from and go (see `WasmMatmul.run`). */
interface Operand {
  /** The Wasm packing (from the heap or a raw copy), or undefined: packed in JS on this thread. */
  job: PanelJob | undefined;
  /** Float index of the panels (of thread 0's copy where each thread packs its own). */
  at: number;
  /** Floats of one copy of the panels. */
  words: number;
  /** Whether each thread packs (and reads) its own copy of all panels. */
  perThread: boolean;
}

/** The compiled module, working in the shared scratch memory (see `scratch.ts`). */
export class WasmMatmul {
  /** Whether the kernel uses relaxed-SIMD `f32x4.relaxed_madd`. */
  readonly relaxed: boolean;
  private readonly scratch: WasmScratch;
  private readonly call: Call;
  /** The `call` dispatcher as worker threads run it. */
  private readonly kernel: PoolKernel;
  readonly #calls: number[] = [];

  private constructor(bytes: Uint8Array<ArrayBuffer>, relaxed: boolean, scratch: WasmScratch) {
    this.scratch = scratch;
    this.call = scratch.instantiate(bytes).call as Call;
    this.kernel = poolKernel(bytes, "call", this.call);
    this.relaxed = relaxed;
  }

  /**
   * The kernel for this runtime: relaxed SIMD where `WebAssembly.validate` accepts it (unless
   * `relaxed` is false), plain SIMD otherwise; undefined without WebAssembly SIMD.
   */
  static create(relaxed = true): WasmMatmul | undefined {
    if (typeof WebAssembly !== "object") return undefined;
    for (const r of relaxed ? [true, false] : [false]) {
      const scratch = sharedScratch();
      const bytes = scratch.moduleBytes([gemmFunction(r), ...packFunctions(), callFunction()]);
      try {
        if (WebAssembly.validate(bytes)) return new WasmMatmul(bytes, r, scratch);
      } catch {}
    }
    return undefined;
  }

  /** Bytes of the (shared) memory now (it never shrinks). */
  get memoryBytes(): number {
    return this.scratch.bytes;
  }

  /**
   * See Backend.matmul, for float32 views (any strides, batch dims broadcast by stride 0).
   * Returns false, writing nothing, when the memory cannot grow to the problem's size. With
   * `pool` (called only for a product that large: workers start on first use), products of at
   * least `minWork` (default PARALLEL_MIN_WORK) multiply-adds run on its threads (a worker's
   * failure throws BackendError, see `ThreadPool.run`).
   */
  run(
    a: View,
    A: Arr,
    b: View,
    B: Arr,
    out: View,
    C: Arr,
    threadPool?: () => ThreadPool | undefined,
    minWork = PARALLEL_MIN_WORK,
  ): boolean {
    const { M, N, K, am, ak, bk, bn, cm, cn, aBase, bBase, cBase } = matmulLayout(a, b, out);
    if (M === 0 || N === 0 || cBase.length === 0) return true;
    const Mp = Math.ceil(M / MR);
    const Np = Math.ceil(N / NR);
    const ldN = Np * NR; // floats per row of the C scratch
    const cWords = Mp * MR * ldN;
    const [sa, sb, ldc] = [4 * MR * K, 4 * NR * K, 4 * ldN]; // in bytes
    const pool = threadPool && M * N * K >= minWork ? threadPool() : undefined;
    // Threads split the tiles by B panels (byCols) or A panels. Every thread packs the panels
    // it reads: its own range of the split operand, and its own copy of all of the other one,
    // so no packed line moves between cores (measured: packing on one thread for two made a
    // [64,784] x [784,128] product's packing 5x slower, the cost of moving the lines). The
    // copied operand is the smaller one.
    const byCols = Np >= (pool?.threads ?? 1) && (Mp <= Np || Mp < (pool?.threads ?? 1));
    const threads = Math.max(1, Math.min(pool?.threads ?? 1, byCols ? Np : Mp));
    // Operands in the heap (`heap.ts`) are packed from where they are; others are first copied
    // raw into the scratch block, past the panels. A contiguous C of whole tiles (rows a
    // multiple of 4, columns of 8) is written in place; otherwise through the scratch block.
    const heap = this.scratch.heap;
    const spanA = panelSource(A, am, ak, M, K);
    const spanB = panelSource(B, bn, bk, N, K);
    const atA = spanA ? heap.addressOf(A as DataArray) : -1;
    const atB = spanB ? heap.addressOf(B as DataArray) : -1;
    const atC = cn === 1 && cm === ldN && M % MR === 0 ? heap.addressOf(C as DataArray) : -1;
    const opA: Operand = { job: undefined, at: 0, words: Mp * MR * K, perThread: false };
    const opB: Operand = { job: undefined, at: 0, words: Np * NR * K, perThread: false };
    opA.perThread = threads > 1 && byCols && spanA > 0;
    opB.perThread = threads > 1 && !byCols && spanB > 0;
    let words = 0; // the scratch block's layout, in floats from its base
    for (const x of [opA, opB]) {
      x.at = words;
      words += x.words * (x.perThread ? threads : 1);
    }
    const pcAt = words;
    if (atC < 0) words += cWords;
    const rawA = words;
    if (spanA && atA < 0) words += 4 * Math.ceil(spanA / 4);
    const rawB = words;
    if (spanB && atB < 0) words += spanB;
    if (!this.scratch.ensure(4 * words)) return false;
    const f = this.scratch.f32;
    const o = this.scratch.base / 4;
    opA.at += o;
    opB.at += o;
    const calls = this.#calls;
    let packedA = -1;
    let packedB = -1;
    for (let p = 0; p < cBase.length; p++) {
      const ao = aBase[p] as number;
      const bo = bBase[p] as number;
      const co = cBase[p] as number;
      const newA = ao !== packedA;
      const newB = bo !== packedB;
      packedA = ao;
      packedB = bo;
      // Raw copies and JS packing on this thread, before any thread packs in Wasm.
      if (newA) {
        opA.job = operandJob(f, A, ao, atA, spanA, o + rawA, opA.at, am, ak, M, K, MR, () =>
          packJs(f, opA.at, A, ao, am, ak, M, K, MR),
        );
      }
      if (newB) {
        opB.job = operandJob(f, B, bo, atB, spanB, o + rawB, opB.at, bn, bk, N, K, NR, () =>
          packJs(f, opB.at, B, bo, bn, bk, N, K, NR),
        );
      }
      const pc = atC >= 0 ? atC / 4 + co : o + pcAt;
      heap.zero(4 * pc, 4 * cWords);
      const shares: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const units = byCols ? Np : Mp;
        const [u0, u1] = [
          Math.floor((t * units) / threads),
          Math.floor(((t + 1) * units) / threads),
        ];
        const [i1, i2] = byCols ? [0, Mp] : [u0, u1];
        const [j1, j2] = byCols ? [u0, u1] : [0, Np];
        calls.length = 0;
        const pa = opA.at + (opA.perThread ? t * opA.words : 0);
        const pb = opB.at + (opB.perThread ? t * opB.words : 0);
        // Each thread packs the panels it reads: [i1, i2) of A and [j1, j2) of B.
        if (newA && opA.job) addPacking(calls, f, { ...opA.job, dst: pa }, i1, i2);
        if (newB && opB.job) addPacking(calls, f, { ...opB.job, dst: pb }, j1, j2);
        addTiles(
          calls,
          { pa: 4 * pa, pb: 4 * pb, pc: 4 * pc, Mp, Np, K, sa, sb, ldc },
          i1,
          i2,
          j1,
          j2,
        );
        shares.push(calls.slice());
      }
      if (pool && threads > 1 && shares.flat().length <= pool.capacity(1)) {
        pool.run(this.kernel, CALL_ARITY, shares);
      } else {
        for (const list of shares) {
          for (let i = 0; i < list.length; i += CALL_ARITY)
            this.call(...list.slice(i, i + CALL_ARITY));
        }
      }
      if (atC >= 0) continue;
      if (cn === 1 && C instanceof Float32Array) {
        for (let i = 0; i < M; i++) C.set(f.subarray(pc + i * ldN, pc + i * ldN + N), co + i * cm);
      } else {
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) C[co + i * cm + j * cn] = f[pc + i * ldN + j] as number;
        }
      }
    }
    return true;
  }
}

/** A packed product: byte addresses of the panels and C, panel counts and byte strides. */
interface GemmGrid {
  pa: number;
  pb: number;
  pc: number;
  Mp: number;
  Np: number;
  K: number;
  sa: number;
  sb: number;
  ldc: number;
}

/**
 * Appends the gemm calls (`call` tuples) of the tiles of A panels [i1, i2) × B panels [j1, j2):
 * for each KC block of K in order, blocks of MC_PANELS A panels.
 */
function addTiles(
  calls: number[],
  g: GemmGrid,
  i1: number,
  i2: number,
  j1: number,
  j2: number,
): void {
  for (let k0 = 0; k0 < g.K; k0 += KC) {
    const kc = Math.min(KC, g.K - k0);
    for (let i0 = i1; i0 < i2; i0 += MC_PANELS) {
      calls.push(
        0,
        g.pa + i0 * g.sa + 4 * MR * k0,
        g.pb + j1 * g.sb + 4 * NR * k0,
        g.pc + i0 * MR * g.ldc + j1 * 4 * NR,
        Math.min(MC_PANELS, i2 - i0),
        j2 - j1,
        kc,
        g.sa,
        g.sb,
        g.ldc,
      );
    }
  }
}

/**
 * Packs panels [p0, p1) of `job`: the Wasm part as a `call` tuple appended to `calls` (run by
 * whichever thread runs the list), the JS rest (`packRest`) here and now.
 */
function addPacking(calls: number[], f: Float32Array, job: PanelJob, p0: number, p1: number): void {
  const c = packCall(job, p0, p1);
  if (c) calls.push(1 + (c[0] as number), ...c.slice(1), 0, 0);
  packRest(f, job, p0, p1);
}

/**
 * Readies operand X (rows × K from offset `xo`, strides `rs`, `ks`) for packing into panels at
 * float index `dst`: its Wasm packing, from where it is in the heap (byte address `addr`) or
 * from a raw copy of its `span` elements made now at float index `raw`; or, for strides the
 * Wasm packers do not take (`span` 0), packs it here in JS (`jsPack`) and returns undefined.
 */
function operandJob(
  f: Float32Array,
  X: Arr,
  xo: number,
  addr: number,
  span: number,
  raw: number,
  dst: number,
  rs: number,
  ks: number,
  rows: number,
  K: number,
  R: 4 | 8,
  jsPack: () => void,
): PanelJob | undefined {
  if (!span) {
    jsPack();
    return undefined;
  }
  if (addr >= 0) return { dst, src: addr / 4 + xo, rs, ks, rows, K, R };
  f.set((X as Float32Array).subarray(xo, xo + span), raw);
  return { dst, src: raw, rs, ks, rows, K, R };
}
