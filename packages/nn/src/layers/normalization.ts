/**
 * Normalisation layers: LayerNorm (Ba et al. 2016), BatchNorm1d and BatchNorm2d (Ioffe & Szegedy
 * 2015), with
 * PyTorch's conventions (biased variance to normalise, unbiased variance in the running
 * estimate, momentum 0.1, eps 1e-5).
 */
import {
  add_,
  DTypeError,
  defineMap,
  isFloating,
  isTensor,
  mean,
  noGrad,
  ones,
  reshape,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  variance,
  zeros,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { Module } from "../module.js";
import { type Parameter, toParameter } from "../parameter.js";
import type { LayerOptions } from "./linear.js";

/**
 * Throws ValueError unless each of `slots` is a tensor or null/undefined: an options object
 * passed in a tensor's place (`batchNorm(x, mean, var, { training: true })`) is a typed error
 * that says where the options go, not a TypeError later.
 */
function checkTensorSlots(op: string, slots: Record<string, unknown>, usage: string): void {
  for (const [name, v] of Object.entries(slots)) {
    const optional = name !== "x";
    if (isTensor(v) || (optional && (v === null || v === undefined))) continue;
    const got =
      typeof v === "object" && v !== null
        ? `an object with keys { ${Object.keys(v).join(", ")} }`
        : `${typeof v} ${String(v)}`;
    throw new ValueError(
      `${op}: ${name} must be a tensor${optional ? " or null" : ""}, got ${got}; the arguments are ${usage}`,
    );
  }
}

function checkOptionsObject(op: string, options: unknown, usage: string): void {
  if (
    typeof options !== "object" ||
    options === null ||
    Array.isArray(options) ||
    isTensor(options)
  ) {
    throw new ValueError(
      `${op}: options must be an object, got ${isTensor(options) ? "a tensor" : String(options)}; the arguments are ${usage}`,
    );
  }
}

const BATCH_NORM_USAGE =
  "batchNorm(x, runningMean, runningVar, weight?, bias?, { training, momentum, eps })";
const LAYER_NORM_USAGE = "layerNorm(x, normalizedShape, weight?, bias?, eps?)";

/** `(x - mean) / sqrt(var + eps)`, one kernel (differentiable in x, mean and var). */
const normalize = /* @__PURE__ */ defineMap({
  name: "normalize",
  inputs: 3,
  params: 1,
  build: ([x, m, v], [eps]) => x!.sub(m!).mul(v!.add(eps!).rsqrt()),
});

/** `y * w + b`, one kernel. */
const scaleShift = /* @__PURE__ */ defineMap({
  name: "scaleShift",
  inputs: 3,
  build: ([y, w, b]) => y!.mul(w!).add(b!),
});

/** `running * (1 - momentum) + stat * momentum * correction`, written into `running`. */
const movingAverage = /* @__PURE__ */ defineMap({
  name: "movingAverage",
  inputs: 2,
  params: 2,
  build: ([r, s], [keep, take]) => r!.mul(keep!).add(s!.mul(take!)),
});

function requireFloat(op: string, x: Tensor): void {
  if (!isFloating(x.dtype))
    throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
}

function affine(op: string, y: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  if (!weight && !bias) return y;
  const w = weight ?? ones([], { dtype: y.dtype, backend: y.backend });
  const b = bias ?? zeros([], { dtype: y.dtype, backend: y.backend });
  void op;
  const out = scaleShift.apply([y, w, b])[0] as Tensor;
  if (!weight) w.dispose();
  if (!bias) b.dispose();
  y.dispose();
  return out;
}

/**
 * Layer normalisation over the trailing dims `normalizedShape` (torch.nn.functional.layer_norm):
 * `(x - mean) / sqrt(var + eps) * weight + bias`, mean and biased variance taken over those dims.
 * `weight` and `bias` (optional) have shape `normalizedShape`. ShapeError when `x` does not end
 * with `normalizedShape`; ValueError for a non-tensor in a tensor's slot, a normalizedShape that
 * is not a list of positive integers or a negative eps.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkTensorSlots("layerNorm", { x, weight, bias }, LAYER_NORM_USAGE);
  if (
    !Array.isArray(normalizedShape) ||
    !normalizedShape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ValueError(
      `layerNorm: normalizedShape must be a list of positive integers (the trailing dims), got ${String(normalizedShape)}; the arguments are ${LAYER_NORM_USAGE}`,
    );
  }
  if (typeof eps !== "number" || !(eps >= 0)) {
    throw new ValueError(
      `layerNorm: eps must be a number >= 0, got ${String(eps)}; the arguments are ${LAYER_NORM_USAGE}`,
    );
  }
  requireFloat("layerNorm", x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(
      `layerNorm: input ${fmt(x.shape)} must end with the normalized shape ${fmt(normalizedShape)}`,
    );
  }
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const y = tidy(() => {
    const m = mean(x, dims, true);
    const v = variance(x, dims, true, 0);
    return normalize.apply([x, m, v], [eps])[0] as Tensor;
  });
  return affine("layerNorm", y, weight, bias);
}

/** Options of LayerNorm. */
export interface LayerNormOptions extends LayerOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn a per-element weight (ones) and bias (zeros). Default true. */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation as a module (torch.nn.LayerNorm): normalises over the trailing
 * `normalizedShape` dims; `weight` (ones) and `bias` (zeros) of that shape unless
 * `elementwiseAffine: false`.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape =
      typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    const opts = { dtype: options.dtype ?? "float32", backend: options.backend };
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? toParameter(ones(this.normalizedShape, opts)) : null;
    this.bias = affine ? toParameter(zeros(this.normalizedShape, opts)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Use (and update) batch statistics; false uses the running ones. Default false. */
  training?: boolean;
  /** Weight of the new batch in the running estimate. Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation of `[N, C, *]` input (`[N, C]`, `[N, C, L]`, `[N, C, H, W]`, ...) over every
 * dim but the channels (torch.nn.functional.batch_norm). In training the batch mean and biased variance normalise the
 * input, and the running statistics (when given) are updated in place under noGrad:
 * `running = (1 - momentum) * running + momentum * stat`, the variance unbiased (n / (n - 1)).
 * Otherwise the running statistics normalise it. `weight`/`bias` `[C]` are optional. ShapeError
 * for fewer than 2 dims or another channel count; ValueError for one value per channel in training, for a
 * non-tensor in a tensor's slot (options passed as `weight`, say), for options that are not an
 * object, and for a non-boolean training, a momentum outside [0, 1] or a negative eps.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  checkTensorSlots("batchNorm", { x, runningMean, runningVar, weight, bias }, BATCH_NORM_USAGE);
  checkOptionsObject("batchNorm", options, BATCH_NORM_USAGE);
  requireFloat("batchNorm", x);
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  if (typeof training !== "boolean") {
    throw new ValueError(
      `batchNorm: options.training must be true or false, got ${String(training)}`,
    );
  }
  if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
    throw new ValueError(
      `batchNorm: options.momentum must be a number in [0, 1], got ${String(momentum)}`,
    );
  }
  if (typeof eps !== "number" || !(eps >= 0)) {
    throw new ValueError(`batchNorm: options.eps must be a number >= 0, got ${String(eps)}`);
  }
  if (x.ndim < 2) {
    throw new ShapeError(
      `batchNorm: expected input [N, C, *] (2 dims or more), got ${fmt(x.shape)}`,
    );
  }
  const c = x.shape[1] as number;
  for (const [name, t] of [
    ["runningMean", runningMean],
    ["runningVar", runningVar],
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(
        `batchNorm: ${name} ${fmt(t.shape)} must be [${c}] for input ${fmt(x.shape)}`,
      );
    }
  }
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const n = x.size / Math.max(c, 1);
  const statShape = [c, ...Array<number>(x.ndim - 2).fill(1)];
  const useBatch = training || !runningMean || !runningVar;
  if (training && n <= 1) {
    throw new ValueError(
      `batchNorm: expected more than 1 value per channel when training, got input ${fmt(x.shape)}`,
    );
  }
  const y = tidy(() => {
    if (!useBatch) {
      return normalize.apply(
        [x, reshape(runningMean as Tensor, statShape), reshape(runningVar as Tensor, statShape)],
        [eps],
      )[0] as Tensor;
    }
    const m = mean(x, dims, true);
    const v = variance(x, dims, true, 0);
    if (training && runningMean && runningVar) {
      noGrad(() => {
        movingAverage.applyInto(
          [runningMean],
          [runningMean, reshape(m, [c])],
          [1 - momentum, momentum],
        );
        movingAverage.applyInto(
          [runningVar],
          [runningVar, reshape(v, [c])],
          [1 - momentum, (momentum * n) / (n - 1)],
        );
      });
    }
    return normalize.apply([x, m, v], [eps])[0] as Tensor;
  });
  const w = weight && x.ndim > 2 ? reshape(weight, statShape) : weight;
  const b = bias && x.ndim > 2 ? reshape(bias, statShape) : bias;
  const out = affine("batchNorm", y, w, b);
  if (w !== weight) w?.dispose();
  if (b !== bias) b?.dispose();
  return out;
}

/** Options of BatchNorm1d and BatchNorm2d. */
export interface BatchNorm1dOptions extends LayerOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running statistics. Default 0.1. */
  momentum?: number;
  /** Learn `weight` (ones) and `bias` (zeros). Default true. */
  affine?: boolean;
  /** Keep running_mean / running_var / num_batches_tracked buffers. Default true. */
  trackRunningStats?: boolean;
}

/** Options of BatchNorm2d: those of BatchNorm1d. */
export type BatchNorm2dOptions = BatchNorm1dOptions;

/**
 * What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm): parameters, buffers and the
 * forward; each subclass only says which input ranks it takes.
 */
class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  weight: Parameter | null;
  bias: Parameter | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;

  /**
   * `name` is the layer's own (for errors); `ranks` the input ranks it takes, described by
   * `layout` in the error for another rank.
   */
  readonly #name: string;
  readonly #ranks: readonly number[];
  readonly #layout: string;

  constructor(
    name: string,
    ranks: readonly number[],
    layout: string,
    numFeatures: number,
    options: BatchNorm1dOptions,
  ) {
    super();
    this.#name = name;
    this.#ranks = ranks;
    this.#layout = layout;
    if (!Number.isInteger(numFeatures) || numFeatures < 0)
      throw new ValueError(
        `${name}: numFeatures must be a non-negative integer, got ${numFeatures}`,
      );
    const momentum = options.momentum ?? 0.1;
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      throw new ValueError(
        `${name}: momentum must be a number in [0, 1], got ${String(momentum)} (a cumulative average, PyTorch's momentum=None, is not supported)`,
      );
    }
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = momentum;
    const opts = { dtype: options.dtype ?? "float32", backend: options.backend };
    const affine = options.affine ?? true;
    this.weight = affine ? toParameter(ones([numFeatures], opts)) : null;
    this.bias = affine ? toParameter(zeros([numFeatures], opts)) : null;
    const track = options.trackRunningStats ?? true;
    this.running_mean = this.registerBuffer(
      "running_mean",
      track ? zeros([numFeatures], opts) : null,
    );
    this.running_var = this.registerBuffer("running_var", track ? ones([numFeatures], opts) : null);
    this.num_batches_tracked = this.registerBuffer(
      "num_batches_tracked",
      track ? zeros([], { dtype: "int32", backend: options.backend }) : null,
    );
  }

  forward(x: Tensor): Tensor {
    if (isTensor(x) && !this.#ranks.includes(x.ndim)) {
      throw new ShapeError(
        `${this.#name}: expected ${this.#layout} input, got ${fmt(x.shape)} (${x.ndim}-D)`,
      );
    }
    const out = batchNorm(x, this.running_mean, this.running_var, this.weight, this.bias, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
    const counter = this.num_batches_tracked;
    if (this.training && counter) noGrad(() => add_(counter, 1));
    return out;
  }
}

/**
 * Batch normalisation for `[N, C]` or `[N, C, L]` input (torch.nn.BatchNorm1d). Buffers
 * `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (int32; int64 in
 * PyTorch) are updated in place in training mode and used after `eval()`. ShapeError for input
 * of another rank; the other errors are `batchNorm`'s.
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super("BatchNorm1d", [2, 3], "2-D [N, C] or 3-D [N, C, L]", numFeatures, options);
  }
}

/**
 * Batch normalisation for `[N, C, H, W]` input (torch.nn.BatchNorm2d): per channel, over N, H
 * and W. Same options, buffers and state-dict keys as BatchNorm1d (`weight`, `bias`,
 * `running_mean`, `running_var`, `num_batches_tracked`). ShapeError for input that is not 4-D
 * (as PyTorch, an unbatched `[C, H, W]` is refused); the other errors are `batchNorm`'s.
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super("BatchNorm2d", [4], "4-D [N, C, H, W]", numFeatures, options);
  }
}
