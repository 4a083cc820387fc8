/**
 * CSV tables as tensors, parsed with the csv-parse library (Node: it uses Buffer, so this module
 * is part of `@nn/data/node`). Numbers become a float tensor; an optional label column of
 * strings becomes int32 class indices.
 */
import { readFile } from "node:fs/promises";
import {
  type Backend,
  type DType,
  fromArray,
  getBackend,
  ShapeError,
  type Tensor,
  ValueError,
} from "@nn/tensor";
import { fileError } from "@nn/tensor/internal";
import { CsvError, parse } from "csv-parse/sync";
import { DataFormatError } from "./errors.js";

/** Options of parseCsv / readCsvFile. */
export interface CsvOptions {
  /** The first row names the columns. Default true. */
  header?: boolean;
  /** Field delimiter. Default ",". */
  delimiter?: string;
  /** dtype of the feature tensor: float32 (default) or float64. */
  dtype?: "float32" | "float64";
  /**
   * A column (name, with a header, or index) holding class labels: it is left out of the
   * features and returned as int32 indices into `classes` (in order of first appearance).
   */
  labelColumn?: string | number;
  /** Names the data in errors (a file path). Default "CSV data". */
  name?: string;
  /** Where the tensors go. Default: the backend set by `setBackend`. */
  backend?: Backend;
}

/** A parsed table. */
export interface CsvTable {
  /** Feature column names (null without a header). */
  columns: string[] | null;
  /** `[rows, featureColumns]` numbers. */
  data: Tensor;
  /** `[rows]` int32 class indices, when `labelColumn` was given. */
  labels?: Tensor;
  /** The label strings, index = class. */
  classes?: string[];
}

function parseRecords(text: string, delimiter: string, file: string): string[][] {
  try {
    return parse(text, {
      delimiter,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as string[][];
  } catch (e) {
    if (e instanceof CsvError && e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new ShapeError(
        `${file}: ragged row on line ${line}: ${e.message.replace(/^Invalid Record Length: /, "")}; every row needs the same number of fields`,
      );
    }
    throw new DataFormatError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Parses CSV text into a float tensor (and optional labels). Throws ShapeError naming the line
 * for a ragged row, DataFormatError naming the line and column for a cell that is not a number
 * (or other malformed CSV), ValueError for an unknown label column.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const file = options.name ?? "CSV data";
  const records = parseRecords(text, options.delimiter ?? ",", file);
  const header = options.header ?? true;
  const names = header ? (records[0] ?? []) : null;
  const rows = header ? records.slice(1) : records;
  const width = records[0]?.length ?? 0;
  let labelAt = -1;
  if (options.labelColumn !== undefined) {
    labelAt =
      typeof options.labelColumn === "number"
        ? options.labelColumn
        : (names?.indexOf(options.labelColumn) ?? -1);
    if (!Number.isInteger(labelAt) || labelAt < 0 || labelAt >= width) {
      throw new ValueError(
        `${file}: label column ${JSON.stringify(options.labelColumn)} is not one of the ${width} columns${names ? ` (${names.join(", ")})` : ""}`,
      );
    }
  }
  const dtype: DType = options.dtype ?? "float32";
  const features = width - (labelAt >= 0 ? 1 : 0);
  const values =
    dtype === "float64"
      ? new Float64Array(rows.length * features)
      : new Float32Array(rows.length * features);
  const classes: string[] = [];
  const labels = new Int32Array(rows.length);
  const firstLine = header ? 2 : 1;
  rows.forEach((row, r) => {
    let k = 0;
    row.forEach((cell, c) => {
      if (c === labelAt) {
        let i = classes.indexOf(cell);
        if (i < 0) i = classes.push(cell) - 1;
        labels[r] = i;
        return;
      }
      const v = cell === "" ? Number.NaN : Number(cell);
      if (Number.isNaN(v) && !/^nan$/i.test(cell)) {
        throw new DataFormatError(
          `${file}: line ${firstLine + r}, column ${names ? `"${names[c]}"` : c + 1}: ${JSON.stringify(cell)} is not a number`,
        );
      }
      values[r * features + k++] = v;
    });
  });
  const backend = options.backend ?? getBackend();
  const table: CsvTable = {
    columns: names ? names.filter((_, i) => i !== labelAt) : null,
    data: fromArray(values, [rows.length, features], dtype, backend),
  };
  if (labelAt >= 0) {
    table.labels = fromArray(labels, [rows.length], "int32", backend);
    table.classes = classes;
  }
  return table;
}

/**
 * Reads a CSV file (UTF-8) with `parseCsv`; errors name the file; FileError naming the path
 * when it cannot be read (missing, a directory, no permission).
 */
export async function readCsvFile(
  path: string,
  options: Omit<CsvOptions, "name"> = {},
): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw fileError("readCsvFile", "read", path, e);
  }
  return parseCsv(text, { ...options, name: path });
}
