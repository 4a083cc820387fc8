/**
 * Views: new shape, strides and offset over the same storage, no data moved (reshape copies
 * only when no strides can express the result, as torch.reshape). Each returns a new Tensor
 * that shares the storage; disposing one leaves the others valid.
 */
import { noGrad, recordOp } from "../dispatch.js";
import { IndexError, ShapeError, ValueError } from "../errors.js";
import {
  contiguousStrides,
  fmt,
  normalizeDim,
  normalizeDims,
  type Shape,
  sizeOf,
} from "../shape.js";
import { empty, type Tensor, viewOf } from "../tensor.js";
import { backendOf, copyInto, noScalar } from "./util.js";

/** ValueError unless `list` is an array (PyTorch also takes sizes as separate arguments; nn does not). */
function checkList(op: string, what: string, list: unknown): void {
  if (!Array.isArray(list)) {
    throw new ValueError(
      `${op}: ${what} must be an array, e.g. ${op}(x, [2, 3]) or x.${op}([2, 3]); got ${typeof list === "object" ? String(list) : typeof list}`,
    );
  }
}

function inferShape(op: string, shape: readonly number[], size: number, from: Shape): number[] {
  checkList(op, "shape", shape);
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new ShapeError(
      `${op}: invalid shape ${fmt(shape)}; sizes must be non-negative integers, with at most one -1`,
    );
  }
  if (unknown >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== unknown));
    if (rest === 0 || size % rest !== 0) {
      throw new ShapeError(
        `${op}: shape ${fmt(shape)} is invalid for a tensor of shape ${fmt(from)} (${size} elements)`,
      );
    }
    out[unknown] = size / rest;
  }
  if (sizeOf(out) !== size) {
    throw new ShapeError(
      `${op}: shape ${fmt(shape)} is invalid for a tensor of shape ${fmt(from)} (${size} elements)`,
    );
  }
  return out;
}

/** Strides that view `oldShape/oldStrides` as `newShape` without a copy, or null (PyTorch's computeStride). */
function viewStrides(
  oldShape: Shape,
  oldStrides: readonly number[],
  newShape: Shape,
): number[] | null {
  if (sizeOf(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] as number;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d] as number;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD] as number;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1] as number;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

/** A contiguous copy (always a new buffer). */
function copyOf(x: Tensor): Tensor {
  const backend = backendOf("clone", [x]);
  const out = empty(x.shape, x.dtype, backend, "clone");
  copyInto(x, out.stridedView());
  return out;
}

function recorded(op: string, x: Tensor, out: Tensor, attrs: Record<string, unknown>): Tensor {
  recordOp(op, [x], [out], attrs);
  return out;
}

/**
 * `x` with a new shape of the same size (one dim may be -1, inferred). A view when strides
 * allow, else a contiguous copy (torch.reshape). ShapeError when the sizes do not match.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertLive("reshape");
  const s = inferShape("reshape", shape, x.size, x.shape);
  const strides = viewStrides(x.shape, x.strides, s);
  let out: Tensor;
  if (strides) out = viewOf(x, s, strides, x.offset);
  else {
    const c = copyOf(x);
    out = viewOf(c, s, contiguousStrides(s), 0);
    c.dispose();
  }
  return recorded("reshape", x, out, { shape: s });
}

/** Like `reshape` but never copies: ShapeError when the strides cannot express the new shape (torch.view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  x.assertLive("view");
  const s = inferShape("view", shape, x.size, x.shape);
  const strides = viewStrides(x.shape, x.strides, s);
  if (!strides) {
    throw new ShapeError(
      `view: shape ${fmt(s)} cannot view a tensor of shape ${fmt(x.shape)} with strides ${fmt(x.strides)} without a copy; use reshape(x, shape)`,
    );
  }
  return recorded("reshape", x, viewOf(x, s, strides, x.offset), { shape: s });
}

/** Reorders dims: result dim i is input dim `dims[i]`. `dims` must be a permutation (IndexError / ValueError). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  x.assertLive("permute");
  checkList("permute", "dims", dims);
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: dims [${dims.join(", ")}] must list each of the ${x.ndim} dims of shape ${fmt(x.shape)} once`,
    );
  }
  const d = dims.map((i) => normalizeDim("permute", i, x.ndim));
  if (new Set(d).size !== d.length)
    throw new ValueError(`permute: dims [${dims.join(", ")}] repeat a dim; give a permutation`);
  const out = viewOf(
    x,
    d.map((i) => x.shape[i] as number),
    d.map((i) => x.strides[i] as number),
    x.offset,
  );
  return recorded("permute", x, out, { dims: d });
}

/** Swaps two dims (negative dims count from the end). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim("transpose", dim0, x.ndim);
  const b = normalizeDim("transpose", dim1, x.ndim);
  const order = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, order);
}

/** Removes size-1 dims: all of them, or only `dim` (one or a list; a dim whose size is not 1 is kept, as torch). */
export function squeeze(x: Tensor, dim?: number | readonly number[] | null): Tensor {
  x.assertLive("squeeze");
  const dims = dim === null || dim === undefined ? null : normalizeDims("squeeze", dim, x.ndim);
  const keep = x.shape.map((s, i) => s !== 1 || (dims !== null && !dims.includes(i)));
  const out = viewOf(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
  );
  return recorded("reshape", x, out, { shape: out.shape });
}

/** Inserts a size-1 dim at `dim` (in `[-ndim-1, ndim]`). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  x.assertLive("unsqueeze");
  const d = normalizeDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? (x.strides[d] as number) * (x.shape[d] as number) : 1);
  return recorded("reshape", x, viewOf(x, shape, strides, x.offset), { shape });
}

/**
 * Broadcasts size-1 dims to `shape` (stride 0) and may add leading dims; -1 keeps a size.
 * ShapeError for a dim whose size is neither 1 nor the target.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.assertLive("expand");
  checkList("expand", "shape", shape);
  const lead = shape.length - x.ndim;
  const bad = () =>
    new ShapeError(
      `expand: cannot expand shape ${fmt(x.shape)} to ${fmt(shape)} (only size-1 dims expand; -1 keeps a size)`,
    );
  if (lead < 0) throw bad();
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((s, i) => {
    if (i < lead) {
      if (!Number.isInteger(s) || s < 0) throw bad();
      outShape.push(s);
      strides.push(0);
      return;
    }
    const src = x.shape[i - lead] as number;
    const target = s === -1 ? src : s;
    if (!Number.isInteger(target) || target < 0 || (src !== target && src !== 1)) throw bad();
    outShape.push(target);
    strides.push(src === target ? (x.strides[i - lead] as number) : 0);
  });
  return recorded("expand", x, viewOf(x, outShape, strides, x.offset), { shape: outShape });
}

/** Python slice bounds on dim `dim`: negative indices count from the end, then clamp to `[0, n]`. */
function sliceBounds(x: Tensor, dim: number, start: number, end: number | null) {
  const d = normalizeDim("slice", dim, x.ndim);
  const n = x.shape[d] as number;
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  return { dim: d, start: clampIdx(start), end: end === null ? n : clampIdx(end) };
}

/**
 * Elements `start, start+step, ...` before `end` along `dim` (Python slice `x[start:end:step]`:
 * negative start/end count from the end, out-of-range bounds clamp). `step` must be positive.
 */
export function slice(
  x: Tensor,
  dim: number,
  start = 0,
  end: number | null = null,
  step = 1,
): Tensor {
  x.assertLive("slice");
  noScalar("slice", x);
  if (!Number.isInteger(step) || step <= 0) {
    throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  }
  if (!Number.isInteger(start) || !(end === null || Number.isInteger(end))) {
    throw new ValueError(
      `slice: start and end must be integers (end may be null), got ${start} and ${end}`,
    );
  }
  const { dim: d, start: s, end: e } = sliceBounds(x, dim, start, end);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  shape[d] = len;
  const strides = [...x.strides];
  strides[d] = (x.strides[d] as number) * step;
  const out = viewOf(x, shape, strides, x.offset + (len > 0 ? s * (x.strides[d] as number) : 0));
  return recorded("slice", x, out, { dim: d, start: s, end: e, step });
}

/** `length` elements from `start` along `dim` (start may be negative). IndexError when they do not fit. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  noScalar("narrow", x);
  const d = normalizeDim("narrow", dim, x.ndim);
  const n = x.shape[d] as number;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new IndexError(
      `narrow: start ${start} and length ${length} do not fit dim ${dim} of size ${n} (shape ${fmt(x.shape)})`,
    );
  }
  return slice(x, d, s, s + length);
}

/** Flattens dims `startDim..endDim` into one (a view when possible). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normalizeDim("flatten", startDim, x.ndim);
  const b = normalizeDim("flatten", endDim, x.ndim);
  if (a > b) throw new ValueError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, a), sizeOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)];
  return reshape(x, shape);
}

/**
 * `base` with `src` written into `base[..., start:end:step, ...]` along `dim`
 * (torch.slice_scatter): a new tensor; `src` must have the slice's shape (ShapeError).
 * It is the gradient of `slice`.
 */
export function sliceScatter(
  base: Tensor,
  src: Tensor,
  dim = 0,
  start = 0,
  end: number | null = null,
  step = 1,
): Tensor {
  backendOf("sliceScatter", [base, src]); // both live, on one backend
  const out = copyOf(base);
  const window = noGrad(() => slice(out, dim, start, end, step));
  try {
    if (window.ndim !== src.ndim || window.shape.some((d, i) => d !== src.shape[i])) {
      throw new ShapeError(
        `sliceScatter: src shape ${fmt(src.shape)} must equal the slice's shape ${fmt(window.shape)}`,
      );
    }
    copyInto(src, window.stridedView());
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    window.dispose();
  }
  const { dim: d, start: s, end: e } = sliceBounds(base, dim, start, end);
  recordOp("sliceScatter", [base, src], [out], { dim: d, start: s, end: e, step });
  return out;
}

/** A row-major tensor with `x`'s values: a new view of the same storage if already contiguous, else a copy. */
export function contiguous(x: Tensor): Tensor {
  x.assertLive("contiguous");
  const out = x.isContiguous ? viewOf(x, x.shape, x.strides, x.offset) : copyOf(x);
  return recorded("contiguous", x, out, {});
}

/** A copy in a new buffer (torch.clone). */
export function clone(x: Tensor): Tensor {
  return recorded("clone", x, copyOf(x), {});
}

/**
 * The transpose of a matrix (torch.t): dims 0 and 1 of a 2-d tensor swapped, as a view; a 0-d or
 * 1-d tensor is returned as a view of itself. ShapeError for more than 2 dims (use `transpose`).
 */
export function t(x: Tensor): Tensor {
  x.assertLive("t");
  if (x.ndim > 2) {
    throw new ShapeError(
      `t: expects a tensor with at most 2 dims, got ${fmt(x.shape)}; use transpose(x, dim0, dim1)`,
    );
  }
  if (x.ndim === 2) return transpose(x, 0, 1);
  return recorded("reshape", x, viewOf(x, x.shape, x.strides, x.offset), { shape: x.shape });
}

/**
 * A view of `x`'s data outside the graph (torch `detach`): the same storage, shape and strides,
 * not recorded, and not requiring grad, so no gradient flows through it.
 */
export function detach(x: Tensor): Tensor {
  x.assertLive("detach");
  return viewOf(x, x.shape, x.strides, x.offset);
}
