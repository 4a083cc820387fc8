/** Joining and splitting along a dim: concat, stack, split. */
import { recordOp } from "../dispatch.js";
import { ShapeError, ValueError } from "../errors.js";
import { tidy } from "../memory.js";
import { fmt, normalizeDim } from "../shape.js";
import { empty, type Tensor } from "../tensor.js";
import { backendOf, copyInto, noScalar, resultDTypeOf } from "./util.js";
import { narrow, unsqueeze } from "./views.js";

/**
 * Joins tensors along an existing `dim` (torch.cat). Dtypes promote; all other dims must match
 * (ShapeError naming the shapes). 1-D empty tensors are skipped, as torch does. ValueError for
 * an empty list.
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("concat: expected a non-empty list of tensors");
  const backend = backendOf("concat", tensors);
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const ref = parts[0] ?? (tensors[0] as Tensor);
  if (ref.ndim === 0)
    throw new ShapeError("concat: zero-dimensional tensors cannot be concatenated; use stack");
  const d = normalizeDim("concat", dim, ref.ndim);
  for (const t of parts) {
    if (t.ndim !== ref.ndim || t.shape.some((s, i) => i !== d && s !== ref.shape[i])) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((x) => fmt(x.shape)).join(", ")} differ outside dim ${dim}; all other sizes must match`,
      );
    }
  }
  const shape = [...ref.shape];
  shape[d] = parts.reduce((n, t) => n + (t.shape[d] as number), 0);
  const out = empty(shape, resultDTypeOf(tensors, "concat"), backend, "concat");
  let at = 0;
  for (const t of parts) {
    const len = t.shape[d] as number;
    if (len > 0) {
      const offset = at * (out.strides[d] as number);
      copyInto(t, { ...out.stridedView(), shape: t.shape, offset });
    }
    at += len;
  }
  recordOp("concat", tensors, [out], { dim: d });
  return out;
}

/** Joins same-shaped tensors along a new `dim` (torch.stack). ShapeError if shapes differ. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("stack: expected a non-empty list of tensors");
  const ref = tensors[0] as Tensor;
  for (const t of tensors) {
    if (t.ndim !== ref.ndim || t.shape.some((s, i) => s !== ref.shape[i])) {
      throw new ShapeError(
        `stack: all tensors must have the same shape, got ${tensors.map((x) => fmt(x.shape)).join(", ")}`,
      );
    }
  }
  const d = normalizeDim("stack", dim, ref.ndim + 1);
  return tidy(() =>
    concat(
      tensors.map((t) => unsqueeze(t, d)),
      d,
    ),
  );
}

/**
 * Splits along `dim` into views: chunks of `splitSize` (the last may be smaller), or pieces of
 * the given sizes, which must sum to the dim's size (ShapeError).
 */
export function split(
  x: Tensor,
  splitSizeOrSections: number | readonly number[],
  dim = 0,
): Tensor[] {
  noScalar("split", x);
  const d = normalizeDim("split", dim, x.ndim);
  const n = x.shape[d] as number;
  let sizes: number[];
  if (typeof splitSizeOrSections === "number") {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0 || (s === 0 && n > 0))
      throw new ValueError(`split: split size must be a positive integer, got ${s}`);
    sizes =
      n === 0 ? [0] : Array.from({ length: Math.ceil(n / s) }, (_, i) => Math.min(s, n - i * s));
  } else {
    sizes = [...splitSizeOrSections];
    if (
      !sizes.every((s) => Number.isInteger(s) && s >= 0) ||
      sizes.reduce((a, b) => a + b, 0) !== n
    ) {
      throw new ShapeError(
        `split: sizes [${sizes.join(", ")}] must be non-negative and sum to ${n}, the size of dim ${dim} of shape ${fmt(x.shape)}`,
      );
    }
  }
  let at = 0;
  return sizes.map((len) => {
    const piece = narrow(x, d, at, len);
    at += len;
    return piece;
  });
}
