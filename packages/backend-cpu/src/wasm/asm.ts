/**
 * A tiny WebAssembly assembler: just enough to write SIMD kernels by hand as byte arrays at run
 * time (no toolchain, nothing compiled at install). Instructions are `number[]`s concatenated
 * into a function body; `wasmModule` wraps bodies into a module with one exported memory.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** Signed LEB128 (for `i32.const`). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

const lanes = (a: Float32Array | Int32Array | Float64Array) => [...new Uint8Array(a.buffer)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
/** memarg: alignment as log2 bytes, then a byte offset. */
const mem = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];

/** Instructions, each as its bytes. Names follow the text format. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  /** `select`: a, b, i32 condition -> a if the condition is nonzero, else b. */
  select: [0x1b],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  /** `if` without a result: runs what follows up to `end` when the i32 on the stack is nonzero. */
  if: [0x04, 0x40],
  return: [0x0f],
  /** Calls the module's function `index` (its position in `wasmModule`'s list). */
  call: (index: number) => [0x10, ...uleb(index)],
  i32Ne: [0x47],
  i32LtU: [0x49],
  /** f32.store; stack: address, value. */
  f32Store: (offset = 0) => [0x38, ...mem(2, offset)],
  f32Min: [0x96],
  f32Max: [0x97],
  f32Add: [0x92],
  /** `block` with no result; `br` 0 inside it jumps past its `end`. */
  block: [0x02, 0x40],
  /** `loop` with no result; `br` 0 inside it jumps back to its start. */
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  v128Load: (offset = 0) => simd(0x00, ...mem(4, offset)),
  v128Load8Splat: (offset = 0) => simd(0x07, ...mem(0, offset)),
  v128Load32Splat: (offset = 0) => simd(0x09, ...mem(2, offset)),
  /** Four bytes into lanes 0-3 of an i8x16, the rest zero. */
  v128Load32Zero: (offset = 0) => simd(0x5c, ...mem(2, offset)),
  /** Stores i32 lane `lane`; stack: address, v128. */
  v128Store32Lane: (lane: number, offset = 0) => simd(0x5a, ...mem(2, offset), lane),
  v128Store: (offset = 0) => simd(0x0b, ...mem(4, offset)),
  /** `v128.const` of four float32 lanes, each `x` rounded to float32. */
  f32x4Const: (x: number) => simd(0x0c, ...lanes(new Float32Array([x, x, x, x]))),
  /** `v128.const` of four int32 lanes (a bit pattern or a lane mask). */
  i32x4Const: (n: number) => simd(0x0c, ...lanes(new Int32Array([n, n, n, n]))),
  /** `v128.const` of two float64 lanes. */
  f64x2Const: (x: number) => simd(0x0c, ...lanes(new Float64Array([x, x]))),
  /** `i8x16.shuffle` of two v128s by 16 lane indices (0-15 the first, 16-31 the second). */
  i8x16Shuffle: (lanes: readonly number[]) => simd(0x0d, ...lanes),
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  i32x4Eq: simd(0x37),
  i32x4Ne: simd(0x38),
  /** Saturating narrowings to unsigned (of 0 / 1 lanes: exact). */
  i8x16NarrowI16x8U: simd(0x66),
  i16x8NarrowI32x4U: simd(0x86),
  /** Zero-extending widenings of the low half. */
  i16x8ExtendLowI8x16U: simd(0x89),
  i32x4ExtendLowI16x8U: simd(0xa9),
  f32x4Eq: simd(0x41),
  f32x4Ne: simd(0x42),
  f32x4Lt: simd(0x43),
  f32x4Gt: simd(0x44),
  f32x4Le: simd(0x45),
  f32x4Ge: simd(0x46),
  v128Not: simd(0x4d),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  /** Stack: a, b, mask -> the bits of a where the mask is set, of b elsewhere. */
  v128Bitselect: simd(0x52),
  /** 1 if any bit is set, else 0 (an i32). */
  v128AnyTrue: simd(0x53),
  /** Two float64 lanes -> float32 lanes 0 and 1 (rounded), lanes 2 and 3 zero. */
  f32x4DemoteF64x2Zero: simd(0x5e),
  /** float32 lanes 0 and 1 -> two float64 lanes (exact). */
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4Ceil: simd(0x67),
  f32x4Floor: simd(0x68),
  /** Round to nearest, ties to even. */
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4ShrS: simd(0xac),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  f32x4Abs: simd(0xe0),
  f32x4Neg: simd(0xe1),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  /** IEEE-754 minimum/maximum: NaN if either lane is NaN; -0 below +0 (as Math.min/max). */
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  f64x2Nearest: simd(0x94),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  /** float32 -> int32, truncating; NaN gives 0 and out-of-range lanes saturate. */
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa),
  /** Relaxed SIMD `a * b + c` (fused where the CPU has FMA). Stack: a, b, c. */
  f32x4RelaxedMadd: simd(0x105),
  f32Const: (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  /** Bulk memory `memory.fill`; stack: address, byte value, count. */
  memoryFill: [0xfc, 0x0b, 0x00],
};

/** One function: its parameter and result types, extra locals (type per local) and body. */
export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  locals: number[];
  body: number[];
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...new TextEncoder().encode(s)].map((b) => [b]));

/** `x -= 1`, leaving the new value on the stack (a countdown loop's `br_if` reads it). */
export const decrement = (x: number): number[] => [
  ...op.get(x),
  ...op.i32(1),
  ...op.i32Sub,
  ...op.tee(x),
];

/** `p += by` (a byte count, or the instructions that push one). */
export const advance = (p: number, by: number | number[]): number[] => [
  ...op.get(p),
  ...(typeof by === "number" ? op.i32(by) : by),
  ...op.i32Add,
  ...op.set(p),
];

/**
 * A module with the given functions, each exported under its name, working on one memory: its
 * own of `pages` initial 64 KiB pages (exported as "memory", growable), or, with
 * `importMemory`, the one passed in as `env.memory` at instantiation (see `scratch.ts`). With
 * `sharedMaxPages` too, the import is declared shared with that maximum (limits flag 0x03), as
 * a shared `WebAssembly.Memory` (worker threads, `threads.ts`) requires.
 */
export function wasmModule(
  fns: readonly WasmFunction[],
  {
    pages = 1,
    importMemory = false,
    sharedMaxPages,
  }: { pages?: number; importMemory?: boolean; sharedMaxPages?: number | undefined } = {},
): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec(f.results.map((t) => [t])),
  ]);
  const codes = fns.map((f) => {
    // Run-length encode the locals' types.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0] = (last[0] as number) + 1;
      else groups.push([1, t]);
    }
    const code = [
      ...vec(groups.map(([n, t]) => [...uleb(n as number), t as number])),
      ...f.body,
      0x0b,
    ];
    return [...uleb(code.length), ...code];
  });
  const limits = sharedMaxPages === undefined ? [0x00, 1] : [0x03, 1, ...uleb(sharedMaxPages)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...(importMemory
      ? section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]]))
      : []),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...(importMemory ? [] : section(5, vec([[0x00, ...uleb(pages)]]))),
    ...section(
      7,
      vec([
        ...(importMemory ? [] : [[...name("memory"), 0x02, 0]]),
        ...fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(codes)),
  ]);
}
