/**
 * float32 elementwise kernels compiled from the expression IR to WebAssembly SIMD (f32x4), one
 * module per kernel structure and operand layout, cached by `kernel.key`.
 *
 * A kernel runs over `rows` × `cols` elements (a flat run is one row), four lanes a step; each
 * input is one of
 * - `v`: contiguous with the output,
 * - `s`: one value for every element (a scalar, or a view with all-zero strides),
 * - `r`: one value per row (e.g. softmax's max over the last dim, [R, 1] broadcast to [R, C]),
 * - `c`: one row for every row (broadcast along the leading dims, e.g. a bias [C] added to [R, C]).
 * Where the dims merge into no such two, rows of at least 64 elements are gathered: an input
 * unit-stride along the last dim is copied in a row at a time (`v`), one constant along it a
 * value per row (`r`), e.g. a conv's bias add over `[O, N, L]` read as `[N, O, L]`.
 * Float32 nodes compute in float32 lanes (add, mul, div, sqrt, min, max, floor, ... round exactly
 * as the JS path's Math.fround of the double result); bool nodes are lane masks, bool inputs
 * and outputs bytes (0 / 1) as in their Uint8Arrays. A kernel with a node of another dtype, or
 * an op this file does not vectorise (pow, atan2, fmod), stays on the JS path; so does a launch
 * with an argument out of a function's range (sin, cos of |x| >= 1e6). The entry takes byte
 * addresses: tensors in the Wasm heap (`heap.ts`) are read and written where they are, others
 * are copied into the scratch block and the results out.
 */
import type { DataArray, DType, ExprNode, Kernel, View } from "@nn/tensor";
import { topoOrder } from "@nn/tensor/internal";
import { collapse, isContiguous, isScalar, offsets } from "../strided.js";
import { advance, decrement, F32, I32, op, V128, type WasmFunction } from "./asm.js";
import { splitLaunch } from "./elementwise-split.js";
import { blockClass } from "./heap.js";
import type { WasmScratch } from "./scratch.js";
import * as m from "./simd-math.js";
import { type PoolKernel, poolKernel, type ThreadPool } from "./threads.js";

/** How an input is laid out against the output (see the file comment). */
export type InputKind = "v" | "s" | "r" | "c";

/**
 * Fewest elements worth the launch (~1.5 µs: layout, copies, the call). Measured on the
 * project machine: add breaks even near 500 elements, exp near 100; at 1024, add runs about 2×
 * and exp about 4× the JS loop.
 */
export const WASM_MIN_ELEMENTS = 1024;

/**
 * Fewest elements from which a launch is split across threads. Operands are copied in and out
 * on the calling thread, so a cheap kernel (add) gains nothing from threads at any size, and
 * waking the workers costs tens of µs; measured on the (busy) 2-core project machine,
 * exp·tanh gained from 256 Ki elements (1.4×), not reliably at 64 Ki.
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 18;

/** A kernel's entry: nonzero when some lane was out of range (then its outputs are not valid). */
type Entry = (rows: number, cols4: number, ...args: number[]) => number;

const ONE = 0x3f800000;
const MINUS_ONE = 0xbf800000 | 0;

/** Code pushing node `n` (its operands already in locals `at`), or undefined if not vectorised. */
function nodeCode(b: m.Body, n: ExprNode, at: (e: ExprNode) => m.V): m.V | undefined {
  const dt = n.dtype;
  if (dt !== "float32" && dt !== "bool") return undefined;
  switch (n.kind) {
    case "const":
      if (dt === "bool") return op.i32x4Const(n.value !== 0 ? -1 : 0);
      return op.f32x4Const(n.value);
    case "input":
    case "param":
      return at(n);
    case "cast": {
      const a = at(n.a.node);
      if (n.a.dtype === "float32" && dt === "bool")
        return [...a, ...op.f32x4Const(0), ...op.f32x4Ne];
      if (n.a.dtype === "bool" && dt === "float32") return m.and(a, op.i32x4Const(ONE));
      return undefined;
    }
    case "where": {
      const t = n.a.dtype;
      if (t !== "float32" && t !== "bool") return undefined;
      return m.select(at(n.cond.node), at(n.a.node), at(n.b.node));
    }
    case "unary": {
      const a = at(n.a.node);
      if (n.a.dtype === "float32") return unaryF32(b, n.op, a);
      if (n.a.dtype !== "bool") return undefined;
      if (n.op === "not") return [...a, ...op.v128Not];
      return n.op === "sign" ? a : undefined;
    }
    case "binary": {
      const [a, c] = [at(n.a.node), at(n.b.node)];
      if (n.a.dtype === "float32") return binaryF32(n.op, a, c);
      if (n.a.dtype !== "bool") return undefined;
      if (n.op === "add" || n.op === "or") return m.or(a, c);
      if (n.op === "mul" || n.op === "and") return m.and(a, c);
      if (n.op === "eq") return [...a, ...c, ...op.i32x4Eq];
      if (n.op === "ne") return [...a, ...c, ...op.v128Xor];
      return undefined;
    }
  }
}

function unaryF32(b: m.Body, name: string, a: m.V): m.V | undefined {
  switch (name) {
    case "neg":
      return [...a, ...op.f32x4Neg];
    case "abs":
      return [...a, ...op.f32x4Abs];
    case "sign": {
      const x = b.let(a);
      const gt = [...x, ...op.f32x4Const(0), ...op.f32x4Gt];
      const lt = [...x, ...op.f32x4Const(0), ...op.f32x4Lt];
      return m.or(m.and(gt, op.i32x4Const(ONE)), m.and(lt, op.i32x4Const(MINUS_ONE)));
    }
    case "sqrt":
      return [...a, ...op.f32x4Sqrt];
    case "rsqrt":
      return m.div(op.f32x4Const(1), [...a, ...op.f32x4Sqrt]);
    case "floor":
      return [...a, ...op.f32x4Floor];
    case "ceil":
      return [...a, ...op.f32x4Ceil];
    case "round":
      return [...a, ...op.f32x4Nearest];
    case "not":
      return [...a, ...op.f32x4Const(0), ...op.f32x4Eq];
    case "isnan": {
      const x = b.let(a);
      return [...x, ...x, ...op.f32x4Ne];
    }
    case "exp":
      return m.exp(b, a);
    case "expm1":
      return m.expm1(b, a);
    case "log":
      return m.log(b, a);
    case "log1p":
      return m.log1p(b, a);
    case "tanh":
      return m.tanh(b, a);
    case "erf":
      return m.erf(b, a);
    case "sin":
      return m.sincos(b, a).sin;
    case "cos":
      return m.sincos(b, a).cos;
  }
  return undefined;
}

const F32_BINARY: Record<string, number[]> = {
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  div: op.f32x4Div,
  max: op.f32x4Max,
  min: op.f32x4Min,
  eq: op.f32x4Eq,
  ne: op.f32x4Ne,
  lt: op.f32x4Lt,
  le: op.f32x4Le,
  gt: op.f32x4Gt,
  ge: op.f32x4Ge,
};

function binaryF32(name: string, a: m.V, b: m.V): m.V | undefined {
  const instr = F32_BINARY[name];
  return instr ? [...a, ...b, ...instr] : undefined;
}

/**
 * The kernel function `run(rows, cols4, in0, ..., out0, ..., p0, ...) -> i32`: byte offsets of
 * each input (`kinds`) and output (rows of `cols4` vectors, contiguous), then the params (f32; a
 * bool param is an i32 lane mask, 0 or -1); returns 1 when a lane was out of a function's
 * range (see `Body.outOfRange`), else 0; `mayBail` says whether it ever can. Undefined when the
 * kernel is not vectorisable.
 */
function kernelFunction(
  k: Kernel,
  kinds: readonly InputKind[],
  nOut: number,
  paramTypes: readonly DType[],
): (WasmFunction & { mayBail: boolean }) | undefined {
  const nIn = kinds.length;
  const nParams = paramTypes.length;
  // i32 locals: rows, cols4, input offsets, output offsets (params), then the loop state.
  const [ROWS, COLS] = [0, 1];
  const inArg = (j: number) => 2 + j;
  const outArg = (j: number) => 2 + nIn + j;
  const paramArg = (j: number) => 2 + nIn + nOut + j;
  const firstLocal = 2 + nIn + nOut + nParams;
  const [K, ...ptr] = Array.from({ length: 1 + nIn + nOut }, (_, j) => firstLocal + j);
  const inPtr = (j: number) => ptr[j] as number;
  const outPtr = (j: number) => ptr[nIn + j] as number;
  const numI32 = 1 + nIn + nOut;
  const firstV128 = firstLocal + numI32;
  const { get, set, block, loop, end, brIf } = op;
  const { nodes } = topoOrder(k.outputs);
  // bool operands are bytes (0 / 1), float32 ones 4 bytes; in the kernel a bool is a lane mask.
  const boolIn = new Set<number>();
  for (const n of nodes) if (n.kind === "input" && n.dtype === "bool") boolIn.add(n.index);
  const inBytes = (j: number) => (boolIn.has(j) ? 1 : 4);
  const outBytes = (j: number) => ((k.outputs[j] as { dtype: DType }).dtype === "bool" ? 1 : 4);
  const toMask = [...op.i32x4Const(0), ...op.i32x4Ne];
  const splat = (j: number, at: number) =>
    boolIn.has(j)
      ? [...get(at), ...op.v128Load8Splat(), ...toMask]
      : [...get(at), ...op.v128Load32Splat()];

  // Prologue: pointers, the values fixed for the whole run (scalar inputs, params).
  const pre: number[] = [];
  for (let j = 0; j < nIn + nOut; j++) {
    pre.push(...get(j < nIn ? inArg(j) : outArg(j - nIn)), ...set(ptr[j] as number));
  }
  const whole = new m.Body(firstV128);
  const fixedInput = new Map<number, m.V>();
  kinds.forEach((kind, j) => {
    if (kind === "s") fixedInput.set(j, whole.let(splat(j, inArg(j))));
  });
  const paramValue = paramTypes.map((t, j) =>
    whole.let([...get(paramArg(j)), ...(t === "bool" ? op.i32x4Splat : op.f32x4Splat)]),
  );
  pre.push(...whole.code);
  // Per row: the row's values of `r` inputs, the restart of `c` inputs.
  const row = new m.Body(whole.first + whole.count);
  const rowInput = new Map<number, m.V>();
  const rowStart: number[] = [];
  kinds.forEach((kind, j) => {
    if (kind === "r") {
      rowInput.set(j, row.let(splat(j, inPtr(j))));
      rowStart.push(...advance(inPtr(j), inBytes(j)));
    } else if (kind === "c") {
      rowStart.push(...get(inArg(j)), ...set(inPtr(j)));
    }
  });
  // Per vector: every node, in order, into a local.
  const inner = new m.Body(row.first + row.count);
  const value = new Map<ExprNode, m.V>();
  const at = (n: ExprNode) => value.get(n) as m.V;
  for (const n of nodes) {
    let code: m.V | undefined;
    if (n.kind === "input") {
      const j = n.index;
      const kind = kinds[j];
      if (kind === undefined) return undefined;
      const bytes = boolIn.has(j)
        ? [...get(inPtr(j)), ...op.v128Load32Zero(), ...WIDEN, ...toMask]
        : [...get(inPtr(j)), ...op.v128Load()];
      code = kind === "s" ? fixedInput.get(j) : kind === "r" ? rowInput.get(j) : bytes;
    } else if (n.kind === "param") {
      if (n.dtype !== "float32" && n.dtype !== "bool") return undefined;
      code = paramValue[n.index];
    } else {
      code = nodeCode(inner, n, at);
    }
    if (code === undefined) return undefined;
    value.set(n, n.kind === "param" || code.length <= 3 ? code : inner.let(code));
  }
  // Lanes out of a function's range, or-ed over the whole run into one v128 (returned as an i32).
  const flag = inner.first + inner.count;
  const step: number[] = [...inner.code];
  for (const mask of inner.outOfRange) step.push(...get(flag), ...mask, ...op.v128Or, ...set(flag));
  k.outputs.forEach((o, j) => {
    step.push(
      ...get(outPtr(j)),
      ...(o.dtype === "bool"
        ? [...m.and(at(o.node), op.i32x4Const(1)), ...NARROW, ...op.v128Store32Lane(0)]
        : [...at(o.node), ...op.v128Store()]),
    );
  });
  kinds.forEach((kind, j) => {
    if (kind === "v" || kind === "c") step.push(...advance(inPtr(j), 4 * inBytes(j)));
  });
  for (let j = 0; j < nOut; j++) step.push(...advance(outPtr(j), 4 * outBytes(j)));

  const code = [
    ...pre,
    ...block,
    ...loop, // over rows
    ...row.code,
    ...rowStart,
    ...get(COLS),
    ...set(K),
    ...block,
    ...loop, // over the vectors of a row
    ...step,
    ...decrement(K),
    ...brIf(0),
    ...end,
    ...end,
    ...decrement(ROWS),
    ...brIf(0),
    ...end,
    ...end,
    ...get(flag),
    ...op.v128AnyTrue,
  ];
  const numV128 = flag + 1 - firstV128;
  return {
    mayBail: inner.outOfRange.length > 0,
    name: "run",
    results: [I32],
    params: [
      I32,
      I32,
      ...Array(nIn + nOut).fill(I32),
      ...paramTypes.map((t) => (t === "bool" ? I32 : F32)),
    ],
    locals: [...Array(numI32).fill(I32), ...Array(numV128).fill(V128)],
    body: code,
  };
}

/**
 * A layout the Wasm path runs: rows × cols of the output and each input's kind; `rowsAt[j]`,
 * where set, gives the offset of each row of input j, which is then gathered into the scratch
 * row by row (kind `v`, each row unit-stride) or value by value (kind `r`).
 */
interface Layout {
  rows: number;
  cols: number;
  kinds: InputKind[];
  rowsAt?: (Float64Array | undefined)[];
}

/** Shortest row worth gathering with one `set` per row (see `gatheredLayout`). */
const MIN_GATHER_COLS = 64;

/**
 * The Wasm layout of a launch, or undefined when it has none: every view float32 or bool, the outputs
 * contiguous, each input `v`, `s`, `r` or `c` over the output's dims collapsed to one or two;
 * with two, rows of a multiple of 4 elements (so each row starts a whole vector). Otherwise
 * the gathered rows of `gatheredLayout`.
 */
function layoutOf(
  shape: readonly number[],
  size: number,
  inputs: readonly View[],
  outputs: readonly View[],
): Layout | undefined {
  const ok = (v: View) => v.dtype === "float32" || v.dtype === "bool";
  for (const v of inputs) if (!ok(v)) return undefined;
  for (const v of outputs) if (!ok(v) || !isContiguous(v, shape)) return undefined;
  // The common case without `collapse`: every input contiguous or a scalar.
  const flat: InputKind[] = [];
  for (const v of inputs) {
    if (isContiguous(v, shape)) flat.push("v");
    else if (isScalar(v)) flat.push("s");
    else break;
  }
  if (flat.length === inputs.length) return { rows: 1, cols: size, kinds: flat };
  const c = collapse(shape, [...outputs, ...inputs]);
  const nd = c.shape.length;
  if (nd > 2) return gatheredLayout(c, outputs.length, inputs);
  const rows = nd === 2 ? (c.shape[0] as number) : 1;
  const cols = c.shape[nd - 1] as number;
  if (nd === 2 && cols % 4 !== 0) return undefined;
  const want = nd === 2 ? [cols, 1] : [1];
  const same = (s: number[], w: number[]) => s.every((x, d) => x === w[d]);
  for (let j = 0; j < outputs.length; j++) {
    if (!same(c.strides[j] as number[], want)) return undefined;
  }
  const kinds: InputKind[] = [];
  for (let j = 0; j < inputs.length; j++) {
    const s = c.strides[outputs.length + j] as number[];
    if (same(s, want)) kinds.push("v");
    else if (s.every((x) => x === 0)) kinds.push("s");
    else if (nd === 2 && s[0] === 1 && s[1] === 0) kinds.push("r");
    else if (nd === 2 && s[0] === 0 && s[1] === 1) kinds.push("c");
    else return gatheredLayout(c, outputs.length, inputs);
  }
  return { rows, cols, kinds };
}

/**
 * The layout of a launch whose dims do not merge into two (e.g. a conv's bias add, `[O, N, L]`
 * read as `[N, O, L]` plus a bias per channel): rows × cols with cols the last merged dim, a
 * multiple of 4 and at least MIN_GATHER_COLS long; each input unit-stride along it (kind `v`,
 * gathered a row at a time), constant along it (kind `r`, one value gathered per row) or a
 * scalar. Undefined otherwise.
 */
function gatheredLayout(
  c: { shape: number[]; strides: number[][] },
  nOut: number,
  inputs: readonly View[],
): Layout | undefined {
  const nd = c.shape.length;
  const cols = c.shape[nd - 1] as number;
  if (cols % 4 !== 0 || cols < MIN_GATHER_COLS) return undefined;
  const outer = c.shape.slice(0, -1);
  const rows = outer.reduce((a, b) => a * b, 1);
  const kinds: InputKind[] = [];
  const rowsAt: (Float64Array | undefined)[] = [];
  for (let j = 0; j < inputs.length; j++) {
    const s = c.strides[nOut + j] as number[];
    const inner = s[nd - 1];
    if (s.every((x) => x === 0)) {
      kinds.push("s");
      rowsAt.push(undefined);
    } else if (inner === 1 || inner === 0) {
      kinds.push(inner === 1 ? "v" : "r");
      rowsAt.push(offsets(outer, s.slice(0, -1), (inputs[j] as View).offset));
    } else return undefined;
  }
  return { rows, cols, kinds, rowsAt };
}

const pad4 = (n: number) => (n + 3) & ~3;
const pad16 = (n: number) => (n + 15) & ~15;
// Four bool bytes <-> four i32 lanes.
const WIDEN = [...op.i16x8ExtendLowI8x16U, ...op.i32x4ExtendLowI16x8U];
const NARROW = [
  ...op.i32x4Const(0),
  ...op.i16x8NarrowI32x4U,
  ...op.i32x4Const(0),
  ...op.i8x16NarrowI16x8U,
];

/** `n` floats from `src[from]` to `dst[to]`; whole arrays without a `subarray` view (~0.2 µs). */
function copy<T extends Float32Array | Uint8Array>(
  src: T,
  from: number,
  dst: T,
  to: number,
  n: number,
): void {
  if (n === 1) dst[to] = src[from] as number;
  else if (from === 0 && n === src.length) dst.set(src, to);
  else dst.set(src.subarray(from, from + n) as T, to);
}

/** Rows of `n` elements (one where `n` is 1) from offsets `at` of `src`, packed from `dst[to]`. */
function gatherRows<T extends Float32Array | Uint8Array>(
  src: T,
  at: Float64Array,
  n: number,
  dst: T,
  to: number,
): void {
  if (n === 1) for (let r = 0; r < at.length; r++) dst[to + r] = src[at[r] as number] as number;
  else {
    for (let r = 0; r < at.length; r++) {
      const from = at[r] as number;
      dst.set(src.subarray(from, from + n) as T, to + r * n);
    }
  }
}

/** The Wasm elementwise kernels of one backend, compiled on first use, in the shared memory. */
export class WasmElementwise {
  readonly #cache = new Map<string, PoolKernel | null>();
  /** The same entries by kernel object, then by layout: no long key built for a known kernel. */
  readonly #byKernel = new WeakMap<Kernel, Map<string, PoolKernel | null>>();
  readonly #args: number[] = [];
  readonly #scratch: WasmScratch;
  readonly #pool: (() => ThreadPool | undefined) | undefined;
  /** Launches of at least this many elements run on the pool's threads (tests lower it). */
  parallelMinElements = PARALLEL_MIN_ELEMENTS;
  readonly #offsets: number[] = [];
  readonly #inPlace: boolean[] = [];
  /** Kernels that can bail out (sin, cos): see `kernelFunction`. */
  readonly #bails = new WeakSet<PoolKernel>();
  /** Modules compiled (tests check that a repeated launch compiles nothing). */
  compileCount = 0;
  /** Launches run in Wasm (tests check that the Wasm path is taken). */
  launchCount = 0;

  /** `pool` (called only for a launch large enough) gives the threads to split launches on. */
  constructor(scratch: WasmScratch, pool?: () => ThreadPool | undefined) {
    this.#scratch = scratch;
    this.#pool = pool;
  }

  /**
   * Runs the kernel in Wasm and returns true, or returns false having written nothing (a layout
   * or a node it does not vectorise, an argument out of a function's range, or memory that
   * cannot grow), for the JS path to run it.
   * `size` is the output's element count, at least WASM_MIN_ELEMENTS.
   */
  run(
    k: Kernel,
    inputs: readonly View[],
    outputs: readonly View[],
    params: readonly number[],
    size: number,
  ): boolean {
    const layout = layoutOf((outputs[0] as View).shape, size, inputs, outputs);
    if (!layout) return false;
    const { rows, cols, kinds, rowsAt } = layout;
    const kernel = this.#entry(k, kinds, outputs.length);
    if (kernel === null) return false;
    // Operands in the heap (`heap.ts`) are read and written in place: a `v` input (rows of
    // whole vectors, or one row whose last vector reads up to 3 elements past it) and an output
    // (whose last vector's spare lanes land past its view: only where nothing of its array is
    // there), each only where all it touches lies in its own block.
    // An output may be an input read in place only as the very same view (each vector is read
    // before it is written; an optimizer's update works so), and shares no array with any input
    // where the kernel can bail out (the JS rerun must find its inputs untouched). The rest get
    // regions of the scratch block, 16-byte aligned: each input by its kind, then the outputs.
    const cols4 = pad4(cols);
    const full = rows * cols4;
    const bytes = (v: View) => (v.dtype === "bool" ? 1 : 4);
    const elements = (kind: InputKind) =>
      kind === "v" ? full : kind === "s" ? 1 : kind === "r" ? rows : cols4;
    const scratch = this.#scratch;
    const heap = scratch.heap;
    const offsets = this.#offsets;
    offsets.length = 0;
    let at = 0;
    // The byte address of view v read or written in place over `full` elements, or -1 when
    // that range would leave its heap block (an offset view near its block's end).
    const inPlaceAt = (v: View): number => {
      const a = v.buffer as DataArray;
      const addr = heap.addressOf(a);
      if (addr < 0 || (v.offset + full) * bytes(v) > blockClass(a.byteLength)) return -1;
      return addr + v.offset * bytes(v);
    };
    for (let j = 0; j < inputs.length; j++) {
      const v = inputs[j] as View;
      const addr = kinds[j] === "v" && !rowsAt?.[j] ? inPlaceAt(v) : -1;
      if (addr >= 0) offsets.push(-1 - addr);
      else {
        offsets.push(at);
        at += pad16(elements(kinds[j] as InputKind) * bytes(v));
      }
    }
    const mayBail = this.#bails.has(kernel);
    for (const v of outputs) {
      const tail = full === size || v.offset + size === (v.buffer as DataArray).length;
      const clash = inputs.some(
        (x, j) =>
          x.buffer === v.buffer &&
          (mayBail || (x.offset !== v.offset && (offsets[j] as number) < 0)),
      );
      const addr = tail && !clash ? inPlaceAt(v) : -1;
      if (addr >= 0) offsets.push(-1 - addr);
      else {
        offsets.push(at);
        at += pad16(full * bytes(v));
      }
    }
    if (!scratch.ensure(at)) return false;
    // In-place operands were marked -1 - address; the rest become addresses in the block.
    const inPlace = this.#inPlace;
    inPlace.length = 0;
    for (let j = 0; j < offsets.length; j++) {
      const off = offsets[j] as number;
      inPlace.push(off < 0);
      offsets[j] = off < 0 ? -1 - off : scratch.base + off;
    }
    const mem = (v: View) => (v.dtype === "bool" ? scratch.u8 : scratch.f32);
    for (let j = 0; j < inputs.length; j++) {
      if (inPlace[j]) continue;
      const v = inputs[j] as View;
      const kind = kinds[j];
      const n = kind === "v" ? size : kind === "s" ? 1 : kind === "r" ? rows : cols;
      const to = mem(v);
      const from = (offsets[j] as number) / bytes(v);
      const at = rowsAt?.[j];
      if (at) gatherRows(v.buffer as typeof to, at, kind === "v" ? cols : 1, to, from);
      else copy(v.buffer as typeof to, v.offset, to, from, n);
      // The last vector's spare lanes: zeros, not stale values (which could be out of range).
      if (kind === "v" && full > n) to.fill(0, from + n, from + full);
    }
    const args = this.#args;
    args.length = 0;
    args.push(rows, cols4 / 4, ...offsets);
    k.paramDTypes.forEach((t, j) => {
      const p = params[j] as number;
      args.push(t === "bool" ? (p !== 0 ? -1 : 0) : p);
    });
    const pool = this.#pool && size >= this.parallelMinElements ? this.#pool() : undefined;
    if (pool) {
      const widths = [...inputs, ...outputs].map(bytes);
      const launch = {
        rows,
        cols4,
        kinds,
        offsets,
        bytes: widths,
        params: args.slice(2 + offsets.length),
      };
      const shares = splitLaunch(launch, pool.threads);
      if (pool.run(kernel, shares[0]?.length ?? 0, shares) !== 0) return false;
    } else if (kernel.fn(...args) !== 0) return false;
    for (let j = 0; j < outputs.length; j++) {
      if (inPlace[inputs.length + j]) continue;
      const v = outputs[j] as View;
      const from = mem(v);
      copy(
        from,
        (offsets[inputs.length + j] as number) / bytes(v),
        v.buffer as typeof from,
        v.offset,
        size,
      );
    }
    this.launchCount++;
    return true;
  }

  /** The compiled kernel for this layout (compiled on first use), null if not vectorisable. */
  #entry(k: Kernel, kinds: readonly InputKind[], nOut: number): PoolKernel | null {
    const layout = `${nOut}:${kinds.join("")}`;
    let mine = this.#byKernel.get(k);
    if (!mine) {
      mine = new Map();
      this.#byKernel.set(k, mine);
    }
    let entry = mine.get(layout);
    if (entry !== undefined) return entry;
    const key = `${k.key}#${layout}`;
    entry = this.#cache.get(key);
    if (entry === undefined) {
      const fn = kernelFunction(k, kinds, nOut, k.paramDTypes);
      const bytes = fn && this.#scratch.moduleBytes([fn]);
      entry = bytes
        ? poolKernel(bytes, "run", this.#scratch.instantiate(bytes).run as Entry)
        : null;
      if (entry && fn?.mayBail) this.#bails.add(entry);
      if (entry) this.compileCount++;
      this.#cache.set(key, entry);
    }
    mine.set(layout, entry);
    return entry;
  }

  /** Number of cached layouts (compiled modules and kernels found not vectorisable). */
  get size(): number {
    return this.#cache.size;
  }
}
