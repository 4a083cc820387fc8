import { IndexError, ShapeError, ValueError } from "./errors.js";

/** A tensor's dimensions, outermost first. `[]` is a 0-d (scalar) tensor. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of `shape`, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/** Formats a shape as PyTorch prints it in errors: `[2, 3]`. */
export function fmt(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/**
 * NumPy/PyTorch broadcasting of several shapes (aligned at the trailing dimension; a size-1
 * dimension stretches). Throws ShapeError naming the op and every shape when two sizes differ
 * and neither is 1.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i] as number;
      const o = out[j] as number;
      if (d === o || d === 1) continue;
      if (o === 1) out[j] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmt).join(" and ")} cannot be broadcast together ` +
            `(dimension ${j - ndim} has sizes ${o} and ${d}; each pair must be equal or one of them 1)`,
        );
      }
    }
  }
  return out;
}

/**
 * Normalizes a possibly negative dimension index into `[0, ndim)`. Throws IndexError with
 * the valid range, as PyTorch does. A 0-d tensor accepts dims -1 and 0.
 */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(
      `${op}: dimension ${dim} out of range for a ${ndim}-d tensor (expected an integer in [${-n}, ${n - 1}])`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a list of dims (or all dims when `dims` is null/undefined); rejects repeats. */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | null | undefined,
  ndim: number,
): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dims !== "number" && !Array.isArray(dims)) {
    throw new ValueError(
      `${op}: dims must be an integer, a list of integers or null, got ${JSON.stringify(dims)} (pass the dim positionally: ${op}(x, 1, true))`,
    );
  }
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) {
    throw new IndexError(`${op}: dimension list [${list.join(", ")}] names a dimension twice`);
  }
  return ndim === 0 ? [] : out;
}

/** Throws ShapeError unless `shape` is a list of non-negative integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(
      `${op}: invalid shape ${JSON.stringify(shape)}; expected a list of non-negative integers`,
    );
  }
  return shape as number[];
}
