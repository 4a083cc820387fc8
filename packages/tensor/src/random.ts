/**
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy
 * as 1, 2, 3", SC 2011). Element `i` of a draw uses the block with key = seed (low, high 32-bit
 * words) and counter = (offset + i as two 32-bit words, 0, 0), so every backend produces the same
 * bits. This file is the reference the backends implement; the global seed and offset live here.
 */
import { ValueError } from "./errors.js";
import { shared } from "./global.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32s, exactly (split into 16-bit halves). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const cross = (lolo >>> 16) + (hilo & 0xffff) + lohi;
  return (aHi * bHi + (hilo >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/**
 * Philox4x32-10 block: writes four uint32 words for counter (c0, c1, c2, c3) and key (k0, k1)
 * into `out`.
 */
export function philox4x32(
  c0: number,
  c1: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  c2 = 0,
  c3 = 0,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let a = k0 >>> 0;
  let b = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ a) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ b) >>> 0;
    x3 = lo0;
    a = (a + W0) >>> 0;
    b = (b + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** The two 32-bit key words of a seed in `[0, 2^53)`. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/** Uniform in [0, 1) from one word with 24 bits, exact in float32 (what float32 draws use). */
export function uniform24(w: number): number {
  return (w >>> 8) * 2 ** -24;
}

/** Uniform in [0, 1) with 53 bits from two words (float64 draws). */
export function uniform53(w0: number, w1: number): number {
  return ((w0 >>> 5) * 2 ** 26 + (w1 >>> 6)) * 2 ** -53;
}

/** Standard normal by Box–Muller from two words: sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1]. */
export function boxMuller(w0: number, w1: number): number {
  const u1 = (w0 + 1) * 2 ** -32;
  const u2 = w1 * 2 ** -32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The default seed before any `manualSeed` (PyTorch's default initial seed). */
export const DEFAULT_SEED = 67280421310721;

const rng = () => shared("rng", () => ({ seed: DEFAULT_SEED, offset: 0 }));

/** Sets the global seed (an integer in `[0, 2^53)`) and restarts its counter. */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ValueError(`manualSeed: seed must be an integer in [0, 2^53), got ${seed}`);
  }
  const s = rng();
  s.seed = seed;
  s.offset = 0;
}

/** The global seed (`torch.initial_seed`). */
export function initialSeed(): number {
  return rng().seed;
}

/**
 * Reserves `count` counters: with an explicit seed the draw starts at counter 0 and leaves the
 * global state alone; otherwise it takes the next `count` counters of the global seed.
 */
export function nextCounters(count: number, seed?: number): { seed: number; offset: number } {
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new ValueError(`seed must be an integer in [0, 2^53), got ${seed}`);
    return { seed, offset: 0 };
  }
  const s = rng();
  const offset = s.offset;
  s.offset += count;
  return { seed: s.seed, offset };
}
