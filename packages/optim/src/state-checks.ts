/**
 * Checks of an optimizer state dict read back from a file or the wire, before anything is
 * loaded (issue 13: a `"step": "abc"` once made every weight NaN). Each failure is a typed error
 * naming the field, the value and what is valid.
 */
import { ValueError } from "@nn/tensor";
import type { SavedParamGroup } from "./optimizer.js";

/** A short description of a value for an error message: `"abc"` (a string), -5, [1, 2], an object. */
export function show(v: unknown): string {
  if (typeof v === "string") return `${JSON.stringify(v)} (a string)`;
  if (Array.isArray(v)) return "a list";
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}

/** True for an object that is neither null nor a list. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Throws ValueError unless `value` is an integer >= 0 (a step or evaluation count). */
export function checkCount(op: string, field: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValueError(`${op}: ${field} must be an integer >= 0, got ${show(value)}`);
  }
}

/**
 * Checks the saved groups' parameter positions: each group a `{ params, ... }` object whose
 * `params` are integers, together each position 0..n-1 exactly once (n = `sizes` summed), and
 * `sizes[i]` of them in group i. Returns, per position, its group and index in that group.
 */
export function checkPositions(
  op: string,
  saved: readonly unknown[],
  sizes: readonly number[],
): { group: number; index: number }[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const owner: { group: number; index: number }[] = [];
  saved.forEach((g, i) => {
    if (!isRecord(g)) {
      throw new ValueError(
        `${op}: paramGroups[${i}] must be an object { params, ...hyperparameters }, got ${show(g)}`,
      );
    }
    const params = (g as SavedParamGroup).params;
    if (!Array.isArray(params) || params.length !== sizes[i]) {
      throw new ValueError(
        `${op}: saved group ${i} has ${Array.isArray(params) ? params.length : show(params)} parameters, this optimizer's group ${i} has ${sizes[i]}`,
      );
    }
    params.forEach((pos, j) => {
      if (!Number.isInteger(pos) || pos < 0 || pos >= total) {
        throw new ValueError(
          `${op}: paramGroups[${i}].params[${j}] must be a position 0..${total - 1}, got ${show(pos)}`,
        );
      }
      if (owner[pos]) {
        throw new ValueError(`${op}: position ${pos} appears twice in paramGroups[*].params`);
      }
      owner[pos] = { group: i, index: j };
    });
  });
  return owner;
}
