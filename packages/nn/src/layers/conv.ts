/**
 * Convolutions (torch.nn.functional.conv1d / conv2d, torch.nn.Conv1d / Conv2d) as
 * pad -> unfold (windows as a strided view) -> one contiguous copy (im2col) -> matmul with the
 * weight, so every backend runs them and their gradients come from the rules of those ops.
 */
import {
  add,
  contiguous,
  DTypeError,
  isFloating,
  matmul,
  pad,
  permute,
  reshape,
  ShapeError,
  slice,
  squeeze,
  type Tensor,
  unfold,
  unsqueeze,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { kaimingUniform, uniform } from "../init/fill.js";
import { fanInAndFanOut } from "../init/gain.js";
import { Module } from "../module.js";
import type { Parameter } from "../parameter.js";
import { emptyParameter, type LayerOptions } from "./linear.js";
import { perDim } from "./window-args.js";

/** Options of `conv1d` / `conv2d` (PyTorch's, with its defaults). */
export interface ConvOptions {
  /** Step between windows: one number for every spatial dim or one per dim (default 1). */
  stride?: number | readonly number[];
  /**
   * Zeros added on both sides of each spatial dim (default 0): a number, one per dim, `"valid"`
   * (none) or `"same"` (output size = input size; stride must be 1; an odd total puts the extra
   * zero after, as PyTorch).
   */
  padding?: number | readonly number[] | "same" | "valid";
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups: input and output channels split into `groups` independent convolutions (default 1; `inChannels` for depthwise). */
  groups?: number;
}

/** Per-dim stride, dilation and `[before, after]` padding, checked. */
interface ConvGeometry {
  stride: number[];
  dilation: number[];
  pads: [number, number][];
  groups: number;
}

/** The checked geometry of a convolution with kernel `kernel` (spatial sizes). */
function geometry(op: string, nd: number, kernel: readonly number[], o: ConvOptions): ConvGeometry {
  const stride = perDim(op, "stride", o.stride ?? 1, nd, 1);
  const dilation = perDim(op, "dilation", o.dilation ?? 1, nd, 1);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
  const p = o.padding ?? 0;
  let pads: [number, number][];
  if (p === "valid") pads = kernel.map(() => [0, 0]);
  else if (p === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError(
        `${op}: padding "same" is not supported for strided convolutions (stride ${fmt(stride)}); give the padding as numbers`,
      );
    }
    pads = kernel.map((k, i) => {
      const total = (dilation[i] as number) * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  } else if (typeof p === "string") {
    throw new ValueError(`${op}: padding must be a number, a list, "same" or "valid", got "${p}"`);
  } else pads = perDim(op, "padding", p, nd, 0).map((v) => [v, v]);
  return { stride, dilation, pads, groups };
}

/** Throws the typed error for inputs `convNd` cannot convolve (PyTorch's checks, by name). */
function checkShapes(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  groups: number,
): void {
  for (const [what, t] of [
    ["input", input],
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t && (!isFloating(t.dtype) || t.dtype !== input.dtype)) {
      const got = [`input ${input.dtype}`, `weight ${weight.dtype}`];
      if (bias) got.push(`bias ${bias.dtype}`);
      throw new DTypeError(
        `${op}: input, weight and bias must share one float dtype (float32 or float64), got ${got.join(", ")}; ${what === "input" ? "cast the input, e.g. x.float()" : `cast the ${what}`}`,
      );
    }
  }
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2) {
    throw new ShapeError(
      `${op}: expected a ${nd + 1}-d (unbatched) or ${nd + 2}-d (batched) input, got shape ${fmt(input.shape)}`,
    );
  }
  if (weight.ndim !== nd + 2) {
    throw new ShapeError(
      `${op}: expected a ${nd + 2}-d weight [out, in / groups, ${nd === 1 ? "k" : "kh, kw"}], got shape ${fmt(weight.shape)}`,
    );
  }
  if (weight.shape.slice(2).some((k) => k < 1)) {
    throw new ShapeError(`${op}: weight ${fmt(weight.shape)} has an empty kernel dim`);
  }
  const channels = input.shape[input.ndim - nd - 1] as number;
  const out = weight.shape[0] as number;
  if (out % groups !== 0) {
    throw new ShapeError(
      `${op}: weight ${fmt(weight.shape)} has ${out} output channels, not divisible by groups ${groups}`,
    );
  }
  if (channels % groups !== 0 || channels / groups !== weight.shape[1]) {
    throw new ShapeError(
      `${op}: input ${fmt(input.shape)} has ${channels} channels; weight ${fmt(weight.shape)} with groups ${groups} expects ${(weight.shape[1] as number) * groups}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(
      `${op}: bias must have shape [${out}] (one per output channel), got ${fmt(bias.shape)}`,
    );
  }
}

/**
 * The convolution over the last `nd` dims (see `conv2d`). Windows come from `unfold` on the padded
 * input, the im2col matrix `[groups, C/groups * prod(k), N * prod(out)]` is one contiguous copy
 * of them, a matmul with the weight `[groups, out/groups, C/groups * prod(k)]` gives
 * `[O, N, ...out]`, and adding the bias (or a copy) lays it out as `[N, O, ...out]`.
 */
function convNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvOptions,
): Tensor {
  input.assertLive(op);
  weight.assertLive(op);
  const kernel = weight.shape.slice(2);
  const { stride, dilation, pads, groups } = geometry(op, nd, kernel, options);
  checkShapes(op, nd, input, weight, bias, groups);
  const batched = input.ndim === nd + 2;
  const x = batched ? input : unsqueeze(input, 0);
  const [n, c] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const padded = spatial.map((s, i) => s + (pads[i] as number[]).reduce((a, b) => a + b));
  const spans = kernel.map((k, i) => (dilation[i] as number) * (k - 1) + 1);
  if (padded.some((s, i) => s < (spans[i] as number))) {
    throw new ShapeError(
      `${op}: padded input size ${fmt(padded)} is smaller than the (dilated) kernel ${fmt(spans)} (input ${fmt(input.shape)}, weight ${fmt(weight.shape)})`,
    );
  }
  const outSize = padded.map(
    (s, i) => Math.floor((s - (spans[i] as number)) / (stride[i] as number)) + 1,
  );
  const temps: Tensor[] = [];
  const keep = (t: Tensor) => {
    temps.push(t);
    return t;
  };
  if (!batched) temps.push(x);
  let windows = x;
  if (pads.some(([a, b]) => a > 0 || b > 0)) {
    windows = keep(pad(x, [...pads].reverse().flat()));
  }
  // [N, C, ...out, ...span]: one window dim per spatial dim; dilation keeps every d-th element.
  for (let i = 0; i < nd; i++) {
    windows = keep(unfold(windows, 2 + i, spans[i] as number, stride[i] as number));
    if ((dilation[i] as number) > 1) windows = keep(slice(windows, -1, 0, null, dilation[i]));
  }
  // im2col [groups, C/groups * prod(k), N * prod(out)]: the batch joins the columns, so each
  // product (forward, and both in backward) is one large matmul rather than N small ones.
  const order = [1, ...kernel.map((_, i) => 2 + nd + i), 0, ...kernel.map((_, i) => 2 + i)];
  const k = kernel.reduce((a, b) => a * b, 1);
  const l = outSize.reduce((a, b) => a * b, 1);
  const out = weight.shape[0] as number;
  const cols = keep(reshape(keep(permute(windows, order)), [groups, (c / groups) * k, n * l]));
  const w = keep(reshape(weight, [groups, out / groups, (c / groups) * k]));
  const y = keep(matmul(w, cols));
  // [O, N, ...out] seen as [N, O, ...out]; the bias add (or a copy) makes it contiguous.
  const yt = keep(
    permute(keep(reshape(y, [out, n, ...outSize])), [1, 0, ...outSize.map((_, i) => 2 + i)]),
  );
  let result: Tensor;
  if (bias) result = add(yt, keep(reshape(bias, [out, ...outSize.map(() => 1)])));
  else result = contiguous(yt);
  if (!batched) {
    temps.push(result);
    result = squeeze(result, 0);
  }
  for (const t of temps) t.dispose();
  return result;
}

/**
 * 2-d convolution (torch.nn.functional.conv2d), as cross-correlation:
 * `out[n, o, i, j] = bias[o] + sum over c in o's group, p, q of
 * weight[o, c, p, q] * xpad[n, c, i*sh + p*dh, j*sw + q*dw]`.
 *
 * Shapes: `input` `[N, C, H, W]` or unbatched `[C, H, W]`; `weight` `[O, C / groups, kh, kw]`;
 * `bias` `[O]` or null; the result is `[N, O, OH, OW]` (`[O, OH, OW]` unbatched) with
 * `OH = floor((H + padTop + padBottom - dh*(kh-1) - 1) / sh) + 1`, likewise OW. float32 or
 * float64, one dtype for all. Options: see `ConvOptions`. Gradients flow to input, weight and
 * bias. Built from pad, unfold, a contiguous copy and matmul, so it runs on every backend.
 *
 * Throws ShapeError for a wrong rank, channels not divisible by `groups`, a weight whose input
 * channels do not match, a bias not `[O]`, an empty kernel dim, or a kernel larger than the
 * padded input; ValueError for a stride, dilation or groups below 1, negative padding, or
 * `"same"` with a stride above 1; DTypeError for non-float or mixed dtypes.
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvOptions = {},
): Tensor {
  return convNd("conv2d", 2, input, weight, bias, options);
}

/**
 * 1-d convolution (torch.nn.functional.conv1d): `conv2d` over one spatial dim. `input`
 * `[N, C, L]` or unbatched `[C, L]`, `weight` `[O, C / groups, k]`, `bias` `[O]` or null; the
 * result is `[N, O, Lout]` with `Lout = floor((L + 2*padding - dilation*(k-1) - 1) / stride) + 1`.
 * Options, dtypes and errors as `conv2d`.
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvOptions = {},
): Tensor {
  return convNd("conv1d", 1, input, weight, bias, options);
}

/** Options of the `Conv1d` / `Conv2d` modules. */
export type ConvModuleOptions = ConvOptions &
  LayerOptions & { /** Default true. */ bias?: boolean };

/** The modules' shared parts: parameters, PyTorch's initialisation, the stored options. */
abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    op: string,
    nd: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvModuleOptions,
  ) {
    super();
    for (const [name, v] of [
      ["inChannels", inChannels],
      ["outChannels", outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
    }
    this.kernelSize = perDim(op, "kernelSize", kernelSize, nd, 1);
    const g = geometry(op, nd, this.kernelSize, options);
    if (inChannels % g.groups !== 0 || outChannels % g.groups !== 0) {
      throw new ValueError(
        `${op}: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${g.groups}`,
      );
    }
    this.stride = g.stride;
    this.dilation = g.dilation;
    this.groups = g.groups;
    const p = options.padding ?? 0;
    this.padding = p === "same" || p === "valid" ? p : g.pads.map(([a]) => a);
    this.weight = emptyParameter([outChannels, inChannels / g.groups, ...this.kernelSize], options);
    this.bias = options.bias === false ? null : emptyParameter([outChannels], options);
    this.resetParameters();
  }

  /**
   * Re-draws the parameters as PyTorch does: weight by `kaimingUniform(a = sqrt(5))`, i.e.
   * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with `fanIn = inChannels / groups * prod(kernelSize)`, and
   * bias from the same range.
   */
  resetParameters(): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = fanInAndFanOut(this.weight);
      uniform(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }

  protected options(): ConvOptions {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }
}

/**
 * A 1-d convolution layer (torch.nn.Conv1d): parameters `weight`
 * `[outChannels, inChannels / groups, kernelSize]` and `bias` `[outChannels]` (none with
 * `bias: false`), initialised as PyTorch (see `resetParameters`); `[N, C, L]` or `[C, L]` in,
 * `conv1d`'s output out. ValueError for channels or a kernel size below 1, channels not
 * divisible by `groups`, and the option errors of `conv1d`.
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    options: ConvModuleOptions = {},
  ) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.options());
  }
}

/**
 * A 2-d convolution layer (torch.nn.Conv2d): parameters `weight`
 * `[outChannels, inChannels / groups, kh, kw]` and `bias` `[outChannels]` (none with
 * `bias: false`), initialised as PyTorch (see `resetParameters`); `[N, C, H, W]` or `[C, H, W]`
 * in, `conv2d`'s output out. State-dict keys `weight`, `bias`. ValueError for channels or a
 * kernel size below 1, channels not divisible by `groups`, and the option errors of `conv2d`.
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    options: ConvModuleOptions = {},
  ) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options());
  }
}
