/**
 * 2-D pooling of `[N, C, H, W]` (or unbatched `[C, H, W]`) input, as torch.nn.functional:
 * maxPool2d, avgPool2d and adaptiveAvgPool2d, and their modules. Max and average pooling pad the
 * input (−∞ for max, 0 for average), cut it into overlapping windows with `unfold` (a strided
 * view, no copy) and reduce each window, so they run on every backend and take their gradients
 * from those ops: `unfold`'s gradient sums overlapping windows back onto the input.
 */
import {
  type Backend,
  DTypeError,
  defineMap,
  div,
  type Expr,
  gather,
  isFloating,
  isTensor,
  type MapDef,
  matmul,
  mean,
  noGrad,
  pad,
  reshape,
  ShapeError,
  slice,
  squeeze,
  sum,
  type Tensor,
  tensor,
  tidy,
  transpose,
  unfold,
  unsqueeze,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { Module } from "../module.js";
import { perDim } from "./window-args.js";

/** A size per spatial dim (height, width), or one number for both. */
export type Size2d = number | readonly [number, number];

/** Options of `maxPool2d` and `MaxPool2d`. */
export interface MaxPool2dOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: Size2d | null;
  /** Implicit −∞ added on both sides; at most half the kernel size. Default 0. */
  padding?: Size2d;
  /** Spacing between a window's elements. Default 1. */
  dilation?: Size2d;
  /** Round the output size up (a last, partial window), not down. Default false. */
  ceilMode?: boolean;
  /** Also return the indices of the maxima (int32, flat into each `H·W` plane). Default false. */
  returnIndices?: boolean;
}

/** Options of `avgPool2d` and `AvgPool2d`. */
export interface AvgPool2dOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: Size2d | null;
  /** Implicit zeros added on both sides; at most half the kernel size. Default 0. */
  padding?: Size2d;
  /** Round the output size up (a last, partial window), not down. Default false. */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this (a nonzero integer) instead of its size. */
  divisorOverride?: number | null;
}

type Pair = [number, number];

/** The geometry of one pooling call: sizes per spatial dim, and the output's. */
interface Geometry {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  out: Pair;
}

function pair(op: string, name: string, v: unknown, min: number): Pair {
  return perDim(op, name, v as number | number[], 2, min) as Pair;
}

/** The checks every pooling op shares: a float tensor of rank 3 or 4 whose only empty dim, if any, is the batch. */
function checkInput(op: string, x: Tensor): void {
  if (!isTensor(x)) throw new ValueError(`${op}: input must be a tensor, got ${String(x)}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      `${op}: expected 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${fmt(x.shape)}`,
    );
  }
  if (x.shape.slice(x.ndim - 3).includes(0)) {
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} has an empty channel, height or width dim; only the batch dim may be 0`,
    );
  }
  if (!isFloating(x.dtype))
    throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
}

/** `x` as 4-D: a `[C, H, W]` input gets a batch dim of 1 (`unbatch` removes it from the result). */
function asBatch(x: Tensor): Tensor {
  return x.ndim === 3 ? unsqueeze(x, 0) : x;
}

/** `y` without the batch dim `asBatch` gave an unbatched `input`. */
function unbatch(input: Tensor, y: Tensor): Tensor {
  return input.ndim === 3 ? squeeze(y, 0) : y;
}

/**
 * PyTorch's pooling_output_shape: `floor((size + 2p - d(k-1) - 1 [+ s - 1 in ceil mode]) / s) + 1`,
 * less one in ceil mode when the last window would start past the input and its left padding.
 */
function outputSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean) {
  const n = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  return ceil && (n - 1) * s >= size + p ? n - 1 : n;
}

/** Checks and resolves the sizes of a max or average pooling of `x` (3-D or 4-D). */
function geometry(
  op: string,
  x: Tensor,
  kernelSize: Size2d,
  options: MaxPool2dOptions | AvgPool2dOptions,
): Geometry {
  if (
    typeof options !== "object" ||
    options === null ||
    Array.isArray(options) ||
    isTensor(options)
  )
    throw new ValueError(`${op}: options must be an object, got ${String(options)}`);
  const kernel = pair(op, "kernelSize", kernelSize, 1);
  const stride = options.stride == null ? kernel : pair(op, "stride", options.stride, 1);
  const padding = pair(op, "padding", options.padding ?? 0, 0);
  const dilation = pair(op, "dilation", (options as MaxPool2dOptions).dilation ?? 1, 1);
  for (const flag of ["ceilMode", "countIncludePad", "returnIndices"] as const) {
    const v = (options as Record<string, unknown>)[flag];
    if (v !== undefined && typeof v !== "boolean")
      throw new ValueError(`${op}: ${flag} must be true or false, got ${String(v)}`);
  }
  const ceilMode = options.ceilMode ?? false;
  if (padding[0] > Math.floor(kernel[0] / 2) || padding[1] > Math.floor(kernel[1] / 2)) {
    throw new ValueError(
      `${op}: padding ${fmt(padding)} must be at most half the kernel size ${fmt(kernel)} (as PyTorch)`,
    );
  }
  const [h, w] = x.shape.slice(-2) as Pair;
  const out: Pair = [
    outputSize(h, kernel[0], stride[0], padding[0], dilation[0], ceilMode),
    outputSize(w, kernel[1], stride[1], padding[1], dilation[1], ceilMode),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} is too small for kernel ${fmt(kernel)} with padding ${fmt(padding)} and dilation ${fmt(dilation)}: the output would be ${out[0]}x${out[1]}`,
    );
  }
  return { kernel, stride, padding, dilation, out };
}

/**
 * The pooling windows of `x` (4-D) as a view `[N, C, outH, outW, kH, kW]`: `x` padded with `fill`
 * (and on the bottom/right with as much more as ceil mode's last window reaches past the
 * padding), unfolded over H then W, every `dilation`-th element of each window kept.
 */
function windows(x: Tensor, g: Geometry, fill: number): Tensor {
  const span = (i: 0 | 1) => g.dilation[i] * (g.kernel[i] - 1) + 1;
  const extra = (i: 0 | 1) =>
    Math.max(
      0,
      (g.out[i] - 1) * g.stride[i] + span(i) - ((x.shape[2 + i] as number) + 2 * g.padding[i]),
    );
  const [ph, pw] = g.padding;
  const padded =
    ph + pw + extra(0) + extra(1) > 0 ? pad(x, [pw, pw + extra(1), ph, ph + extra(0)], fill) : x;
  let win = unfold(unfold(padded, 2, span(0), g.stride[0]), 3, span(1), g.stride[1]);
  if (g.dilation[0] > 1) win = slice(win, 4, 0, span(0), g.dilation[0]);
  if (g.dilation[1] > 1) win = slice(win, 5, 0, span(1), g.dilation[1]);
  return win;
}

/** For window slot k of output (i, j): the flat index `row * W + col` of the input element it reads. */
function slotIndex(g: Geometry, w: number, i: number, j: number, k: number): number {
  const kw = g.kernel[1];
  const row = i * g.stride[0] - g.padding[0] + Math.floor(k / kw) * g.dilation[0];
  const col = j * g.stride[1] - g.padding[1] + (k % kw) * g.dilation[1];
  return row * w + col;
}

/** The first slot of a window at or right of / below the top-left of the input (PyTorch's initial argmax). */
function firstInside(g: Geometry, i: number, j: number): number {
  const first = (start: number, d: number) => Math.max(0, Math.ceil(-start / d));
  const fi = first(i * g.stride[0] - g.padding[0], g.dilation[0]);
  const fj = first(j * g.stride[1] - g.padding[1], g.dilation[1]);
  return fi * g.kernel[1] + fj;
}

/** A shape-only int32 table `[outH, outW]` from `f(i, j)`. */
function table(g: Geometry, f: (i: number, j: number) => number, backend: Backend): Tensor {
  const [oh, ow] = g.out;
  const data = new Int32Array(oh * ow);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) data[i * ow + j] = f(i, j);
  return tensor(data, { dtype: "int32", shape: [oh, ow], backend });
}

// One scan per window geometry (its slots' offsets are constants of the kernel).
const scans = new Map<string, MapDef>();

/**
 * The map that scans a window's slots as PyTorch's kernel does: inputs the `offsets.length`
 * slot values (float), then `start` (the flat input index of the first slot inside the input)
 * and `base` (that of slot 0), int32; output the flat input index of the winner. Starting from
 * max = −∞ at `start`, a slot wins where `v > max || isnan(v)`: the last NaN, else the first
 * maximum, else (every element −∞) `start`. A slot in the −∞ padding never wins.
 */
function windowScan(offsets: readonly number[]): MapDef {
  const key = offsets.join(",");
  let def = scans.get(key);
  if (!def) {
    const depth = offsets.length;
    def = defineMap({
      name: "maxPoolWinner",
      inputs: depth + 2,
      build: (ins) => {
        const base = ins[depth + 1] as Expr;
        let max = (ins[0] as Expr).fullLike(Number.NEGATIVE_INFINITY);
        let at = ins[depth] as Expr;
        offsets.forEach((offset, k) => {
          const v = ins[k] as Expr;
          const wins = v.gt(max).logicalOr(v.isnan());
          max = wins.where(v, max);
          at = wins.where(base.add(offset), at);
        });
        return at;
      },
    });
    scans.set(key, def);
  }
  return def;
}

/**
 * The flat index into each `H·W` plane (int32 `[N, C, outH, outW]`) of the element each window
 * of `x` (4-D) takes its maximum from (see `windowScan`): one pass over the window slots, each
 * a strided view of `x` (padded with −∞ where the windows reach past it).
 */
function winners(x: Tensor, g: Geometry): Tensor {
  const [n, c, , w] = x.shape as [number, number, number, number];
  const [oh, ow] = g.out;
  const win = windows(x, g, Number.NEGATIVE_INFINITY);
  const slots: Tensor[] = [];
  const offsets: number[] = [];
  for (let a = 0; a < g.kernel[0]; a++) {
    for (let b = 0; b < g.kernel[1]; b++) {
      slots.push(reshape(slice(slice(win, 4, a, a + 1), 5, b, b + 1), [n, c, oh, ow]));
      offsets.push(a * g.dilation[0] * w + b * g.dilation[1]);
    }
  }
  const start = table(g, (i, j) => slotIndex(g, w, i, j, firstInside(g, i, j)), x.backend);
  const base = table(g, (i, j) => slotIndex(g, w, i, j, 0), x.backend);
  return windowScan(offsets).apply([...slots, start, base])[0] as Tensor;
}

/**
 * 2-D max pooling (torch.nn.functional.max_pool2d): each output element is the largest of a
 * `kernelSize` window of its channel, the windows `stride` apart (default: the kernel size) over
 * the input padded with −∞ by `padding`, their elements `dilation` apart. Input `[N, C, H, W]` or
 * `[C, H, W]`, float32 or float64; output `[N, C, outH, outW]` (or `[C, outH, outW]`) with
 * `out = floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1` (rounded up in
 * `ceilMode`, where a last window must still start inside the input or its left padding).
 * As PyTorch's kernel: a window holding NaN gives NaN (its last one wins), ties go to the first
 * maximum in row-major window order, and the gradient flows to that one element (overlapping
 * windows add up). With `returnIndices`, also returns the winners' int32 indices into each
 * flattened `H·W` input plane (as PyTorch's, for maxUnpool).
 *
 * Throws ShapeError for input that is not 3-D or 4-D, has an empty channel/height/width dim, or
 * is too small for the (dilated) kernel; ValueError for non-integer or non-positive kernel,
 * stride or dilation, negative padding or padding over half the kernel size; DTypeError for
 * non-float input.
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2d,
  options?: MaxPool2dOptions & { returnIndices?: false },
): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2d,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2d,
  options?: MaxPool2dOptions,
): Tensor | [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2d,
  options: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  checkInput("maxPool2d", input);
  const g = geometry("maxPool2d", input, kernelSize, options);
  return tidy(() => {
    const x = asBatch(input);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = g.out;
    const index = noGrad(() => winners(x, g));
    // Gathered from the input itself: the gradient is one scatter onto the input's planes.
    const planes = gather(reshape(x, [n, c, h * w]), 2, reshape(index, [n, c, oh * ow]));
    const values = unbatch(input, reshape(planes, [n, c, oh, ow]));
    return options.returnIndices ? [values, unbatch(input, index)] : values;
  });
}

/** Per output position along one dim: how many window elements `avgPool2d` divides by. */
function divisors(
  size: number,
  k: number,
  s: number,
  p: number,
  out: number,
  includePad: boolean,
): number[] {
  return Array.from({ length: out }, (_, i) => {
    const start = i * s - p;
    const end = Math.min(start + k, size + p);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

/**
 * 2-D average pooling (torch.nn.functional.avg_pool2d): each output element is the mean of a
 * `kernelSize` window of its channel, the windows `stride` apart (default: the kernel size) over
 * the input padded with zeros by `padding`. Input `[N, C, H, W]` or `[C, H, W]`, float32 or
 * float64; output size as `maxPool2d`'s (without dilation). The divisor is, as PyTorch's, the
 * window's extent within the padded input (`countIncludePad`, the default) or within the input
 * alone (`countIncludePad: false`); the part of a ceil-mode window past the padding never counts.
 * `divisorOverride` replaces it. The gradient spreads each output's gradient over its window,
 * divided the same way (overlapping windows add up).
 *
 * Throws ShapeError for input that is not 3-D or 4-D, has an empty channel/height/width dim or
 * is too small for the kernel; ValueError for non-integer or non-positive kernel or stride,
 * negative padding or padding over half the kernel size, or a divisorOverride that is not a
 * nonzero integer; DTypeError for non-float input.
 */
export function avgPool2d(
  input: Tensor,
  kernelSize: Size2d,
  options: AvgPool2dOptions = {},
): Tensor {
  checkInput("avgPool2d", input);
  const g = geometry("avgPool2d", input, kernelSize, options);
  const override = options.divisorOverride ?? null;
  if (override !== null && !(Number.isInteger(override) && override !== 0)) {
    throw new ValueError(
      `avgPool2d: divisorOverride must be a nonzero integer or null, got ${String(override)}`,
    );
  }
  const includePad = options.countIncludePad ?? true;
  const [h, w] = input.shape.slice(-2) as Pair;
  return tidy(() => {
    const sums = sum(windows(asBatch(input), g, 0), [4, 5]);
    let divisor: number | Tensor;
    if (override !== null) divisor = override;
    else {
      const rows = divisors(h, g.kernel[0], g.stride[0], g.padding[0], g.out[0], includePad);
      const cols = divisors(w, g.kernel[1], g.stride[1], g.padding[1], g.out[1], includePad);
      divisor = tensor(
        rows.flatMap((r) => cols.map((c) => r * c)),
        { dtype: input.dtype, shape: g.out, backend: input.backend },
      );
    }
    return unbatch(input, div(sums, divisor));
  });
}

/**
 * The `[out, size]` matrix that averages PyTorch's adaptive windows along one dim: row i is
 * `1 / (end - start)` over `[start, end)`, `start = floor(i·size/out)`, `end = ceil((i+1)·size/out)`.
 */
function adaptiveMatrix(size: number, out: number, like: Tensor): Tensor {
  const data = new Float64Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) data[i * size + j] = 1 / (end - start);
  }
  return tensor(data, { dtype: like.dtype, shape: [out, size], backend: like.backend });
}

/** Averages `x` (4-D) over PyTorch's adaptive windows along `dim` (2 or 3), down to `out`. */
function adaptiveAlong(x: Tensor, dim: 2 | 3, out: number): Tensor {
  const size = x.shape[dim] as number;
  if (size === out) return x;
  if (size % out === 0) {
    // Equal windows: a reshape and a mean, no matrix.
    const shape = [...x.shape];
    shape.splice(dim, 1, out, size / out);
    return mean(reshape(x, shape), dim + 1);
  }
  const m = adaptiveMatrix(size, out, x);
  return dim === 3 ? matmul(x, transpose(m, 0, 1)) : matmul(m, x);
}

/**
 * 2-D adaptive average pooling (torch.nn.functional.adaptive_avg_pool2d): averages `[N, C, H, W]`
 * (or `[C, H, W]`) input down to `outputSize` (`[outH, outW]`, or one number for both; null keeps
 * that dim's size) with PyTorch's windows, `start = floor(i·H/outH)`, `end = ceil((i+1)·H/outH)`,
 * which overlap when H is not a multiple of outH. A dim whose size is a multiple of its output is
 * a reshape and a mean; another is a product with an averaging matrix. Float32 or float64.
 *
 * Throws ShapeError for input that is not 3-D or 4-D or has an empty channel/height/width dim;
 * ValueError for an output size that is not a positive integer (or null); DTypeError for
 * non-float input.
 */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  checkInput("adaptiveAvgPool2d", input);
  const [h, w] = input.shape.slice(-2) as Pair;
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const out = pair(
    "adaptiveAvgPool2d",
    "outputSize",
    Array.isArray(sizes) ? [sizes[0] ?? h, sizes[1] ?? w] : sizes,
    1,
  );
  return tidy(() => {
    return unbatch(input, adaptiveAlong(adaptiveAlong(asBatch(input), 3, out[1]), 2, out[0]));
  });
}

/**
 * A module's kernel size, stride, padding and dilation checked when it is built (ValueError, as
 * the op would throw at the first forward), so a bad layer fails where it is written.
 */
function checkWindowArgs(
  op: string,
  kernelSize: Size2d,
  o: { stride?: unknown; padding?: unknown; dilation?: unknown },
): void {
  pair(op, "kernelSize", kernelSize, 1);
  if (o.stride !== undefined && o.stride !== null) pair(op, "stride", o.stride, 1);
  if (o.padding !== undefined) pair(op, "padding", o.padding, 0);
  if (o.dilation !== undefined) pair(op, "dilation", o.dilation, 1);
}

/**
 * Max pooling as a module (torch.nn.MaxPool2d): `maxPool2d(x, kernelSize, options)`. Its forward
 * returns one tensor, so `returnIndices` is refused with a ValueError: call `maxPool2d` with
 * `{ returnIndices: true }` for the indices.
 */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size2d,
    readonly options: Omit<MaxPool2dOptions, "returnIndices"> = {},
  ) {
    super();
    checkWindowArgs("MaxPool2d", kernelSize, options);
    if ((options as MaxPool2dOptions).returnIndices) {
      throw new ValueError(
        "MaxPool2d: returnIndices is not supported by the module, whose forward returns one tensor; call maxPool2d(x, kernelSize, { returnIndices: true })",
      );
    }
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Average pooling as a module (torch.nn.AvgPool2d): `avgPool2d(x, kernelSize, options)`. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size2d,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
    checkWindowArgs("AvgPool2d", kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Adaptive average pooling as a module (torch.nn.AdaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
