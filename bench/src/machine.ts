/**
 * The machine under the figures: CPU, cores, Node, the WebAssembly features this runtime
 * offers, and the 128-bit SIMD multiply-add peak of one core, measured by a loop of
 * independent `f32x4.mul` + `f32x4.add` chains with no memory traffic (the ceiling a Wasm SIMD
 * matmul can approach without relaxed-SIMD FMA).
 */
import { availableParallelism, cpus, totalmem } from "node:os";

const V128 = 0x7b;
const SIMD = 0xfd;
/** Unsigned LEB128. */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const simd = (op: number) => [SIMD, ...uleb(op)];
const f32 = (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** A module exporting `run` of type (i32) -> f32 whose body is `body`, with `locals` v128 locals. */
function module(locals: number, body: number[]): Uint8Array<ArrayBuffer> {
  const code = [...vec([[locals, V128]]), ...body, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, 1, 0x7f, 1, 0x7d]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[3, ...new TextEncoder().encode("run"), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

const ACC = 12; // independent chains: enough to cover mul+add latency on two ports
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];

/** `acc[i] = acc[i] * m + c` for 12 accumulators, `n` times; returns a lane so nothing is dead. */
function peakModule(): Uint8Array<ArrayBuffer> {
  const [m, c] = [ACC + 1, ACC + 2]; // local 0 is the count
  const body: number[] = [
    ...f32(0.9999999),
    ...simd(0x13),
    ...set(m),
    ...f32(1e-7),
    ...simd(0x13),
    ...set(c),
  ];
  for (let i = 1; i <= ACC; i++) body.push(...f32(i), ...simd(0x13), ...set(i));
  body.push(0x03, 0x40); // loop
  for (let i = 1; i <= ACC; i++) {
    body.push(...get(i), ...get(m), ...simd(0xe6), ...get(c), ...simd(0xe4), ...set(i));
  }
  body.push(...get(0), 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n = n - 1; br_if n != 0
  body.push(...get(1));
  for (let i = 2; i <= ACC; i++) body.push(...get(i), ...simd(0xe4));
  body.push(...simd(0x1f), 0); // f32x4.extract_lane 0
  return module(ACC + 2, body);
}

/** GFLOP/s of one core's 128-bit SIMD multiply-add (a mul and an add: 8 flops a pair): best of 5. */
export function simdPeak(): number {
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(peakModule()));
  const run = wasm.exports.run as (n: number) => number;
  const n = 2_000_000;
  // Many short calls first, so V8 tiers the function up from its baseline compiler to TurboFan.
  for (let k = 0; k < 2000; k++) run(1000);
  let best = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    run(n);
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, (n * ACC * 8) / s / 1e9);
  }
  return best;
}

const validates = (body: number[], locals = 1) => {
  try {
    return WebAssembly.validate(module(locals, body));
  } catch {
    return false;
  }
};

/** The WebAssembly features this runtime offers. */
export function wasmFeatures(): string[] {
  const splat = [...f32(1), ...simd(0x13)];
  const features: string[] = [];
  if (validates([...splat, ...simd(0x1f), 0])) features.push("SIMD");
  // f32x4.relaxed_madd (a fused multiply-add where the CPU has one)
  if (validates([...splat, ...splat, ...splat, ...simd(0x105), ...simd(0x1f), 0])) {
    features.push("relaxed SIMD");
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    features.push("threads (shared memory)");
  } catch {}
  return features;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  wasm: string[];
  simdPeakGflops: number;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    wasm: wasmFeatures(),
    simdPeakGflops: simdPeak(),
  };
}
