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
  /** `block` with no result; `br` 0 inside it jumps past its `end`. */
  block: [0x02, 0x40],
  /** `loop` with no result; `br` 0 inside it jumps back to its start. */
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  v128Load: (offset = 0) => simd(0x00, ...mem(4, offset)),
  v128Load32Splat: (offset = 0) => simd(0x09, ...mem(2, offset)),
  v128Store: (offset = 0) => simd(0x0b, ...mem(4, offset)),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  /** Relaxed SIMD `a * b + c` (fused where the CPU has FMA). Stack: a, b, c. */
  f32x4RelaxedMadd: simd(0x105),
  f32Const: (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
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

/**
 * A module with one memory of `pages` initial 64 KiB pages (exported as "memory", growable) and
 * the given functions, each exported under its name.
 */
export function wasmModule(fns: readonly WasmFunction[], pages = 1): Uint8Array<ArrayBuffer> {
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
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name("memory"), 0x02, 0],
        ...fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(codes)),
  ]);
}
