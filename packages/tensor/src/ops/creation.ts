/**
 * Creating tensors: from nested arrays or TypedArrays, filled, ranges, identity, and seeded
 * random draws. Dtype rules (DESIGN.md): `tensor()` of plain JS numbers gives float32 (as
 * TensorFlow.js; JS cannot tell `1.0` from `1`), all booleans bool, an integer TypedArray int32;
 * `dtype` overrides. `arange` and `full` keep PyTorch's integer rules (integers give int32).
 */
import { type Backend, getBackend, type RandomDistribution } from "../backend.js";
import {
  allocArray,
  checkDType,
  type DataArray,
  type DType,
  dtypeOriginHint,
  isFloating,
} from "../dtype.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { checkAlloc } from "../memory.js";
import { nextCounters } from "../random.js";
import { checkShape, fmt, sizeOf } from "../shape.js";
import { empty, fromArray, type NestedArray, type Tensor } from "../tensor.js";
import { resultDTypeOf, type Scalar } from "./util.js";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; each function documents its default. */
  dtype?: DType;
  /** Backend instance to allocate on; default: the one set by `setBackend`. */
  backend?: Backend;
  /** Sets `requiresGrad` on the new tensor (a leaf for `@nn/autograd`). */
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) {
    if (!isFloating(t.dtype)) {
      throw new DTypeError(
        `requiresGrad: only float tensors can require gradients, got ${t.dtype}${dtypeOriginHint(t.dtype)}`,
      );
    }
    t.requiresGrad = true;
  }
  return t;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function toArray(values: ArrayLike<number | boolean>, dtype: DType, op: string): DataArray {
  const out = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (dtype === "int32" && !(v >= INT32_MIN && v <= INT32_MAX)) {
      throw new DTypeError(
        `${op}: value ${values[i]} at flat index ${i} does not fit int32 (range [${INT32_MIN}, ${INT32_MAX}]); use a float dtype`,
      );
    }
    out[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : dtype === "int32" ? Math.trunc(v) : v;
  }
  return out;
}

function typedDType(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array) return "int32";
  if (a instanceof Uint16Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray)
    return "int32";
  return undefined;
}

/**
 * Walks a nested array level by level (no recursion, so any depth works): its shape and flat
 * leaves; ShapeError if ragged, DTypeError if non-numeric.
 */
function flattenNested(data: unknown): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  for (let d: unknown = data; Array.isArray(d); d = d[0]) shape.push(d.length);
  // The path of item `i` of a level at `depth`, for errors (the mixed-radix digits of i).
  const pathOf = (i: number, depth: number) => {
    const path: number[] = [];
    for (let k = depth - 1; k >= 0; k--) {
      const n = shape[k] as number;
      path.unshift(i % n);
      i = Math.floor(i / n);
    }
    return path.join(", ");
  };
  let level: unknown[] = [data];
  for (let depth = 0; depth < shape.length; depth++) {
    const n = shape[depth] as number;
    const next: unknown[] = [];
    for (let i = 0; i < level.length; i++) {
      const d = level[i];
      if (!Array.isArray(d) || d.length !== n) {
        throw new ShapeError(
          `tensor: ragged nested array: at [${pathOf(i, depth)}] expected ${Array.isArray(d) ? "" : "an array of "}length ${n}, got ${Array.isArray(d) ? `length ${d.length}` : typeof d}; every row must have the same length`,
        );
      }
      // A plain loop, not forEach/spread, which would skip the holes of a sparse array ([1, , 3]).
      for (let j = 0; j < n; j++) next.push(d[j]);
    }
    level = next;
  }
  for (let i = 0; i < level.length; i++) {
    const d = level[i];
    if (typeof d !== "number" && typeof d !== "boolean") {
      throw new DTypeError(
        `tensor: element at [${pathOf(i, shape.length)}] is ${Array.isArray(d) ? "an array" : typeof d} (${String(d)}); expected a number or boolean`,
      );
    }
  }
  return { shape, flat: level as (number | boolean)[] };
}

// Plain numbers are float32 whatever their values: `[1.0, 2.0]` reaches us as `[1, 2]`.
function inferDType(flat: readonly (number | boolean)[]): DType {
  return flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float32";
}

/**
 * A tensor from a number, boolean, nested array or TypedArray (copied).
 * Dtype: explicit `dtype`, else the TypedArray's (Float32Array -> float32, Float64Array ->
 * float64, integer arrays -> int32), else bool when every element is a boolean, else float32 —
 * also for integer values (`tensor([1, 2])` is float32; pass `{ dtype: "int32" }` or an
 * Int32Array for indices). An empty array gives float32 shape [0].
 * `shape` reshapes flat data (ShapeError if the sizes differ).
 * Throws ShapeError for ragged arrays, DTypeError for non-numeric elements, an unsupported
 * TypedArray, or a value that does not fit an explicit int32.
 */
export function tensor(
  data: NestedArray | ArrayBufferView,
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  let shape: number[];
  let flat: ArrayLike<number | boolean>;
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    const d = typedDType(data);
    if (!d) {
      throw new DTypeError(
        `tensor: unsupported ${data.constructor.name}; pass a Float32Array, Float64Array, Int32Array, (U)Int8/16Array or a nested array`,
      );
    }
    flat = data as unknown as ArrayLike<number>;
    shape = [flat.length];
    dtype = opts.dtype ? checkDType("tensor", opts.dtype) : d;
  } else {
    const n = flattenNested(data);
    shape = n.shape;
    flat = n.flat;
    dtype = opts.dtype
      ? checkDType("tensor", opts.dtype)
      : n.flat.length === 0
        ? "float32"
        : inferDType(n.flat);
  }
  if (opts.shape) {
    const s = checkShape("tensor", opts.shape);
    if (sizeOf(s) !== flat.length) {
      throw new ShapeError(
        `tensor: shape ${fmt(s)} holds ${sizeOf(s)} elements but the data has ${flat.length}`,
      );
    }
    shape = s;
  }
  const backend = opts.backend ?? getBackend();
  checkAlloc("tensor", shape, dtype, backend);
  const values = toArray(flat, dtype, "tensor");
  return finish(fromArray(values, shape, dtype, backend, "tensor"), opts);
}

function filled(
  op: string,
  shape: readonly number[],
  value: Scalar,
  dtype: DType,
  opts: CreateOptions,
): Tensor {
  const s = checkShape(op, shape);
  checkDType(op, dtype);
  const backend = opts.backend ?? getBackend();
  const t = empty(s, dtype, backend, op);
  if (t.size > 0 && Number(value) !== 0) {
    const values = allocArray(dtype, t.size);
    values.fill(toArray([value], dtype, op)[0] as number);
    backend.write(t.storage.buffer, values);
  }
  return finish(t, opts);
}

/** Zeros of `shape` (default float32). */
export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return filled("zeros", shape, 0, opts.dtype ?? "float32", opts);
}

/** Ones of `shape` (default float32). */
export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return filled("ones", shape, 1, opts.dtype ?? "float32", opts);
}

/** `shape` filled with `value`; default dtype from the value (integer -> int32, fraction -> float32, boolean -> bool). */
export function full(shape: readonly number[], value: Scalar, opts: CreateOptions = {}): Tensor {
  return filled("full", shape, value, opts.dtype ?? resultDTypeOf([value], "full"), opts);
}

/** Zeros with `like`'s shape, dtype and backend (each overridable). */
export function zerosLike(like: Tensor, opts: CreateOptions = {}): Tensor {
  return zeros(like.shape, { dtype: like.dtype, backend: like.backend, ...opts });
}

/** Ones with `like`'s shape, dtype and backend. */
export function onesLike(like: Tensor, opts: CreateOptions = {}): Tensor {
  return ones(like.shape, { dtype: like.dtype, backend: like.backend, ...opts });
}

/** `value` with `like`'s shape, dtype and backend. */
export function fullLike(like: Tensor, value: Scalar, opts: CreateOptions = {}): Tensor {
  return full(like.shape, value, { dtype: like.dtype, backend: like.backend, ...opts });
}

/**
 * `start, start+step, ...` up to but excluding `end` (`arange(n)` is 0..n-1). Length
 * `ceil((end - start) / step)`. Integers give int32, any fraction float32. As torch.arange, the
 * options may follow any of the forms: `arange(6, { dtype: "float32" })`,
 * `arange(1, 4, { dtype })`, `arange(0, 1, 0.25, { dtype })`. ValueError for a zero step or a
 * step pointing away from `end`.
 */
export function arange(end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, step: number, opts?: CreateOptions): Tensor;
export function arange(
  start: number,
  end?: number | CreateOptions,
  step: number | CreateOptions = 1,
  opts: CreateOptions = {},
): Tensor {
  if (typeof end === "object" && end !== null) [end, opts] = [undefined, end];
  if (typeof step === "object" && step !== null) [step, opts] = [1, step];
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (![start, end, step].every(Number.isFinite))
    throw new ValueError(`arange: start, end and step must be finite numbers`);
  if (step === 0) throw new ValueError("arange: step must be nonzero");
  if ((end - start) / step < 0) {
    throw new ValueError(`arange: step ${step} moves away from end (start ${start}, end ${end})`);
  }
  const n = Math.ceil((end - start) / step);
  const dtype = checkDType(
    "arange",
    opts.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32"),
  );
  const backend = opts.backend ?? getBackend();
  checkAlloc("arange", [n], dtype, backend);
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return finish(fromArray(values, [n], dtype, backend, "arange"), opts);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive (default float32), computed as
 * torch.linspace does: the first half from `start`, the second half back from `end`.
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  opts: CreateOptions = {},
): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = checkDType("linspace", opts.dtype ?? "float32");
  const backend = opts.backend ?? getBackend();
  checkAlloc("linspace", [steps], dtype, backend);
  const values = allocArray(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    values[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  if (steps === 1) values[0] = start;
  return finish(fromArray(values, [steps], dtype, backend, "linspace"), opts);
}

/** An `n x m` identity matrix (m defaults to n; default float32). */
export function eye(n: number, m?: number | null, opts: CreateOptions = {}): Tensor {
  m ??= n;
  if (![n, m].every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(`eye: n and m must be non-negative integers, got ${n} and ${m}`);
  }
  const dtype = checkDType("eye", opts.dtype ?? "float32");
  const backend = opts.backend ?? getBackend();
  checkAlloc("eye", [n, m], dtype, backend);
  const values = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return finish(fromArray(values, [n, m], dtype, backend, "eye"), opts);
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** A seed for this draw alone (counter 0); default: the global generator (`manualSeed`). */
  seed?: number;
}

function draw(
  op: string,
  shape: readonly number[],
  dist: RandomDistribution,
  dtype: DType,
  opts: RandomOptions,
): Tensor {
  const s = checkShape(op, shape);
  checkDType(op, dtype);
  const backend = opts.backend ?? getBackend();
  const t = empty(s, dtype, backend, op);
  const { seed, offset } = nextCounters(t.size, opts.seed);
  if (t.size > 0) backend.random(dist, t.stridedView(), seed, offset);
  return finish(t, opts);
}

/** Uniform draws in [0, 1) (float32 by default; float dtypes only), from Philox4x32-10. */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const dtype = opts.dtype ?? "float32";
  if (!isFloating(dtype))
    throw new DTypeError(`rand: dtype must be float32 or float64, got ${dtype}`);
  return draw("rand", shape, { kind: "uniform" }, dtype, opts);
}

/** Standard normal draws (Box–Muller over Philox4x32-10), float32 by default. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const dtype = opts.dtype ?? "float32";
  if (!isFloating(dtype))
    throw new DTypeError(`randn: dtype must be float32 or float64, got ${dtype}`);
  return draw("randn", shape, { kind: "normal" }, dtype, opts);
}

/** Integers uniform in `[low, high)` (int32 by default). ValueError unless low < high. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high || high - low > 2 ** 32) {
    throw new ValueError(
      `randint: need integers low < high (at most 2^32 apart), got low ${low}, high ${high}`,
    );
  }
  const dtype = opts.dtype ?? "int32";
  const [lo, hi] =
    dtype === "int32" ? [INT32_MIN, INT32_MAX] : dtype === "bool" ? [0, 1] : [-Infinity, Infinity];
  if (low < lo || high - 1 > hi) {
    throw new ValueError(
      `randint: range [${low}, ${high}) does not fit ${dtype} (values in [${lo}, ${hi}])`,
    );
  }
  return draw("randint", shape, { kind: "randint", low, high }, dtype, opts);
}
