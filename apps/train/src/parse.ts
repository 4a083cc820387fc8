/**
 * Parsers of option values for commander: each returns the parsed value or throws commander's
 * InvalidArgumentError, which commander reports as
 * "error: option '--lr <number>' argument 'abc' is invalid. <our reason>".
 */
import { InvalidArgumentError } from "commander";

/** A positive integer (epochs, batch size, layer widths, sample counts). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("Expected a positive integer (1, 2, 3, ...).");
  }
  return n;
}

/** An integer >= 0 (the seed: an integer in [0, 2^53), as manualSeed takes). */
export function seedValue(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("Expected an integer in [0, 2^53).");
  }
  return n;
}

/** A finite number > 0 (the learning rate). Accepts 1e-3, 0.001, .5. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("Expected a number > 0, such as 0.001 or 1e-3.");
  }
  return n;
}

/** A whole number >= 0 (--patience). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("Expected an integer >= 0 (0, 1, 2, ...).");
  }
  return n;
}

/** A finite number >= 0 (--eta-min). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("Expected a number >= 0, such as 0 or 1e-5.");
  }
  return n;
}

/** A number strictly between 0 and 1 (--factor, --pct-start). */
export function openFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n < 1)) {
    throw new InvalidArgumentError("Expected a number between 0 and 1 (exclusive), such as 0.5.");
  }
  return n;
}

/** The widest hidden layer and the deepest MLP the app builds (a 784 x 16,384 float32 layer is 51 MB). */
export const MAX_WIDTH = 16384;
export const MAX_DEPTH = 1000;

/** Layer widths, comma separated: "256,128" -> [256, 128]. Each a positive integer up to MAX_WIDTH. */
export function layerWidths(value: string): number[] {
  const parts = value.split(",").map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > MAX_WIDTH)) {
    throw new InvalidArgumentError(
      `Expected hidden layer widths as integers from 1 to ${MAX_WIDTH} separated by commas, such as 256,128.`,
    );
  }
  return parts.map(Number);
}

/** The number of hidden layers: a positive integer up to MAX_DEPTH. */
export function depthValue(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_DEPTH) throw new InvalidArgumentError(`Expected at most ${MAX_DEPTH} hidden layers.`);
  return n;
}

/** A path that is not empty (an empty --out would write into the current directory). */
export function pathValue(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("Expected a path, got an empty string.");
  return value;
}

/** What `--compare` compares, and the candidates. */
export interface Comparison {
  kind: "activation" | "optimizer";
  names: string[];
}

/** `activation=sigmoid,tanh` or `optimizer=sgd,adam` (at least two names, no duplicates). */
export function comparison(value: string): Comparison {
  const m = /^\s*(activation|optimizer)\s*=\s*(.+)$/.exec(value);
  if (!m) {
    throw new InvalidArgumentError(
      "Expected activation=NAME,NAME,... or optimizer=NAME,NAME,... (e.g. activation=sigmoid,relu).",
    );
  }
  const names = (m[2] as string).split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) {
    throw new InvalidArgumentError(
      "A name in the list is empty; separate names with single commas.",
    );
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new InvalidArgumentError(`"${duplicate}" is listed twice.`);
  if (names.length < 2) throw new InvalidArgumentError("Give at least two names to compare.");
  return { kind: m[1] as Comparison["kind"], names };
}
