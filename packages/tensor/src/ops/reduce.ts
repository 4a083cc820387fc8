/**
 * Reductions over any dims with `keepdim`. The backend reduces the trailing dims of a permuted
 * view; mean, variance, std and logsumexp are composed from sums and elementwise ops.
 */
import type { ReduceOp } from "../backend.js";
import { noGrad, recordOp } from "../dispatch.js";
import { type DType, isFloating } from "../dtype.js";
import { DTypeError, IndexError, ValueError } from "../errors.js";
import { tidy } from "../memory.js";
import { contiguousStrides, normalizeDim, normalizeDims, sizeOf } from "../shape.js";
import { empty, type Tensor, viewOf } from "../tensor.js";
import { full } from "./creation.js";
import {
  abs,
  add,
  cast,
  div,
  eq,
  exp,
  exp2,
  floor,
  log,
  log2,
  mul,
  sqrt,
  sub,
  where,
} from "./elementwise.js";
import { backendOf } from "./util.js";
import { reshape } from "./views.js";

/** Dims to reduce: one dim, a list, or null/undefined for all (an empty list also means all, as in PyTorch 1.13). */
export type Dims = number | readonly number[] | null | undefined;

function reductionDims(op: string, dim: Dims, ndim: number): number[] {
  return Array.isArray(dim) && dim.length === 0
    ? normalizeDims(op, null, ndim)
    : normalizeDims(op, dim, ndim);
}

function keptShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  return keepdim
    ? shape.map((d, i) => (dims.includes(i) ? 1 : d))
    : shape.filter((_, i) => !dims.includes(i));
}

function reduceRaw(
  op: ReduceOp,
  name: string,
  x: Tensor,
  dims: number[],
  keepdim: boolean,
  dtype: DType,
): Tensor {
  const backend = backendOf(name, [x]);
  if (typeof keepdim !== "boolean") {
    throw new ValueError(`${name}: keepdim must be true or false, got ${String(keepdim)}`);
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  const reduced = dims.reduce((n, d) => n * (x.shape[d] as number), 1);
  if (reduced === 0 && op !== "sum" && op !== "prod") {
    throw new IndexError(
      `${name}: cannot reduce over dims [${dims.join(", ")}] of shape [${x.shape.join(", ")}]: they hold no elements (${name} of nothing is undefined)`,
    );
  }
  const out = empty(
    kept.map((i) => x.shape[i] as number),
    dtype,
    backend,
  );
  backend.reduce(
    op,
    {
      ...x.stridedView(),
      shape: order.map((i) => x.shape[i] as number),
      strides: order.map((i) => x.strides[i] as number),
    },
    dims.length,
    out.stridedView(),
  );
  if (!keepdim) return out;
  const shape = keptShape(x.shape, dims, true);
  const v = viewOf(out, shape, contiguousStrides(shape), 0);
  out.dispose();
  return v;
}

function accumulatorType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : "int32";
}

function simple(
  op: ReduceOp,
  name: string,
  x: Tensor,
  dim: Dims,
  keepdim: boolean,
  dtype: DType,
): Tensor {
  const dims = reductionDims(name, dim, x.ndim);
  const out = reduceRaw(op, name, x, dims, keepdim, dtype);
  recordOp(name, [x], [out], { dims, keepdim });
  return out;
}

/** Sum over `dim` (all when null). bool/int32 sum to int32. An empty sum is 0. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return simple("sum", "sum", x, dim, keepdim, accumulatorType(x.dtype));
}

/** Product over `dim`. bool/int32 give int32 (wrapping on overflow). An empty product is 1. */
export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return simple("prod", "prod", x, dim, keepdim, accumulatorType(x.dtype));
}

/** Largest value over `dim` (torch.amax); NaN if any is NaN. IndexError over an empty dim. */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return simple("max", "max", x, dim, keepdim, x.dtype);
}

/** Smallest value over `dim` (torch.amin). */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return simple("min", "min", x, dim, keepdim, x.dtype);
}

function argReduce(
  op: "argmax" | "argmin",
  x: Tensor,
  dim: number | null | undefined,
  keepdim: boolean,
): Tensor {
  if (x.dtype === "bool")
    throw new DTypeError(
      `${op}: not supported for bool tensors (as in PyTorch); cast to int32 first`,
    );
  if (dim === null || dim === undefined) {
    const out = reduceRaw(op, op, x, normalizeDims(op, null, x.ndim), keepdim, "int32");
    recordOp(op, [x], [out], {});
    return out;
  }
  const d = normalizeDim(op, dim, x.ndim);
  const out = reduceRaw(op, op, x, x.ndim === 0 ? [] : [d], keepdim, "int32");
  recordOp(op, [x], [out], {});
  return out;
}

/**
 * Index (int32) of the largest value along `dim`, the first one on ties, or the first NaN.
 * With `dim` null: the index into the flattened tensor.
 */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce("argmax", x, dim, keepdim);
}

/** Index (int32) of the smallest value along `dim`; see `argmax`. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce("argmin", x, dim, keepdim);
}

function requireFloat(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      `${op}: input must be float32 or float64, got ${x.dtype}; cast it first, e.g. cast(x, "float32")`,
    );
  }
}

function count(x: Tensor, dims: number[]): number {
  return sizeOf(dims.map((d) => x.shape[d] as number));
}

/** Mean over `dim` (float inputs only: DTypeError otherwise, as torch.mean). Empty gives NaN. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireFloat("mean", x);
  const dims = reductionDims("mean", dim, x.ndim);
  return tidy(() => div(sum(x, dims, keepdim), count(x, dims)));
}

/**
 * The variance as `v * scale^2` (both of the output's shape): the centered values are divided by
 * `scale`, a power of two near their largest magnitude, before squaring, so neither the squares nor their sum overflow
 * or underflow when the result is representable (`std([3e19, -3e19])` in float32 is 4.24e19, not
 * Infinity). `scale` is computed without recording: the result does not depend on it, so
 * autograd treats it as a constant and differentiates the rest exactly. An empty reduction (or
 * an all-zero one) uses scale 1.
 */
function scaledVariance(
  x: Tensor,
  dims: number[],
  keepdim: boolean,
  correction: number,
): { v: Tensor; scale: Tensor | undefined } {
  const n = count(x, dims);
  const centered = sub(x, mean(x, dims, true));
  const kept =
    n === 0
      ? undefined
      : noGrad(() => {
          // A power of two near the largest |centered|: dividing by it and multiplying back
          // are exact, so results are unchanged wherever nothing overflowed.
          const m = max(abs(centered), dims, true);
          return where(eq(m, 0), 1, exp2(floor(log2(m))));
        });
  const scaled = kept ? div(centered, kept) : centered;
  const v = div(sum(mul(scaled, scaled), dims, keepdim), Math.max(0, n - correction));
  const scale = kept && (keepdim ? kept : reshape(kept, keptShape(x.shape, dims, false)));
  return { v, scale };
}

/**
 * Variance over `dim` with Bessel's `correction` (default 1: unbiased, torch.var), dividing by
 * `max(0, N - correction)`. Float inputs only (DTypeError otherwise). Computed scaled (see
 * `scaledVariance`), so it is finite whenever the variance is representable.
 */
export function variance(x: Tensor, dim?: Dims, keepdim = false, correction = 1): Tensor {
  requireFloat("variance", x);
  const dims = reductionDims("variance", dim, x.ndim);
  return tidy(() => {
    const { v, scale } = scaledVariance(x, dims, keepdim, correction);
    return scale ? mul(mul(v, scale), scale) : v;
  });
}

/**
 * Standard deviation: `sqrt(variance(x, dim, keepdim, correction))`, computed as
 * `sqrt(v) * scale` (see `scaledVariance`) so that it is finite whenever it is representable,
 * even where the variance is not. Recorded as one op, whose gradient (PyTorch's std_backward) is
 * 0 where the result is 0 (all values equal), not the NaN that differentiating the square root
 * at 0 would give.
 */
export function std(x: Tensor, dim?: Dims, keepdim = false, correction = 1): Tensor {
  requireFloat("std", x);
  const dims = reductionDims("std", dim, x.ndim);
  const out = noGrad(() =>
    tidy(() => {
      const { v, scale } = scaledVariance(x, dims, keepdim, correction);
      return scale ? mul(sqrt(v), scale) : sqrt(v);
    }),
  );
  recordOp("std", [x], [out], { dims, keepdim, correction });
  return out;
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably as `m + log(sum(exp(x - m)))` with `m` the max
 * (replaced by 0 where it is infinite, so all -inf gives -inf and +inf gives +inf). Int inputs
 * are cast to float32. An empty reduction gives -inf.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const dims = reductionDims("logsumexp", dim, x.ndim);
  const out = noGrad(() =>
    tidy(() => {
      const xf = isFloating(x.dtype) ? x : cast(x, "float32");
      const outShape = keptShape(x.shape, dims, keepdim);
      if (count(x, dims) === 0)
        return full(outShape, -Infinity, { dtype: xf.dtype, backend: x.backend });
      const m = max(xf, dims, true);
      const shift = where(eq(abs(m), Infinity), 0, m);
      return reshape(add(log(sum(exp(sub(xf, shift)), dims, true)), shift), outShape);
    }),
  );
  recordOp("logsumexp", [x], [out], { dims, keepdim });
  return out;
}
