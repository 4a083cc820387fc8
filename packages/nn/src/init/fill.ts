/**
 * In-place initialisers (torch.nn.init): each overwrites a tensor's values under `noGrad`, keeps
 * its identity, and draws from the seeded counter-based generator (the global one set by
 * `manualSeed`, or `seed` for this draw alone). Each returns the tensor.
 */
import {
  add_,
  DTypeError,
  defineMap,
  isFloating,
  noGrad,
  rand,
  randn,
  type Tensor,
  ValueError,
  zero_,
} from "@nn/tensor";
import { calculateGain, fanInAndFanOut, type Nonlinearity } from "./gain.js";

/** Options of the random initialisers. */
export interface InitOptions {
  /** A seed for this draw alone; default: the global generator (`manualSeed`). */
  seed?: number;
}

/** `out = x * scale + shift`, written into the target in one kernel. */
const affine = /* @__PURE__ */ defineMap({
  name: "init.affine",
  inputs: 1,
  params: 2,
  build: ([x], [scale, shift]) => x!.mul(scale!).add(shift!),
});

function requireFloat(op: string, t: Tensor): void {
  t.assertLive(op);
  if (!isFloating(t.dtype)) {
    throw new DTypeError(`${op}: the tensor must be float32 or float64, got ${t.dtype}`);
  }
}

function fillFrom(t: Tensor, draw: Tensor, scale: number, shift: number): Tensor {
  try {
    noGrad(() => affine.applyInto([t], [draw], [scale, shift]));
  } finally {
    draw.dispose();
  }
  return t;
}

/** Fills `t` with draws from U(a, b) (default U(0, 1)). ValueError unless a <= b. */
export function uniform(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  requireFloat("init.uniform", t);
  if (!(a <= b)) throw new ValueError(`init.uniform: need a <= b, got a ${a}, b ${b}`);
  const u = rand(t.shape, { dtype: t.dtype, backend: t.backend, seed: options.seed });
  return fillFrom(t, u, b - a, a);
}

/** Fills `t` with draws from N(mean, std^2) (default N(0, 1)). ValueError for a negative std. */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  requireFloat("init.normal", t);
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be >= 0, got ${std}`);
  const z = randn(t.shape, { dtype: t.dtype, backend: t.backend, seed: options.seed });
  return fillFrom(t, z, std, mean);
}

/** Fills `t` with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  t.assertLive("init.constant");
  noGrad(() => {
    zero_(t);
    if (value !== 0) add_(t, value);
  });
  return t;
}

/** Fills `t` with zeros. */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Fills `t` with ones. */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/**
 * Glorot / Xavier uniform (Glorot & Bengio 2010): U(-a, a) with
 * `a = gain * sqrt(6 / (fanIn + fanOut))`. `t` needs at least 2 dims (ValueError).
 */
export function xavierUniform(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  requireFloat("init.xavierUniform", t);
  const { fanIn, fanOut } = fanInAndFanOut(t, "init.xavierUniform");
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a, options);
}

/** Glorot / Xavier normal: N(0, std^2) with `std = gain * sqrt(2 / (fanIn + fanOut))`. */
export function xavierNormal(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  requireFloat("init.xavierNormal", t);
  const { fanIn, fanOut } = fanInAndFanOut(t, "init.xavierNormal");
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** Options of the Kaiming initialisers (PyTorch's defaults). */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky_relu that follows (used when nonlinearity is leaky_relu). Default 0. */
  a?: number;
  /** "fanIn" (default; keeps the forward variance) or "fanOut" (the backward's); PyTorch's "fan_in"/"fan_out" too. */
  mode?: "fanIn" | "fanOut" | "fan_in" | "fan_out";
  /** Default "leaky_relu", as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  requireFloat(op, t);
  const mode = options.mode ?? "fanIn";
  if (!["fanIn", "fanOut", "fan_in", "fan_out"].includes(mode)) {
    throw new ValueError(
      `${op}: mode ${JSON.stringify(mode)} is not supported; use "fanIn" or "fanOut"`,
    );
  }
  const fans = fanInAndFanOut(t, op);
  const fan = mode === "fanIn" || mode === "fan_in" ? fans.fanIn : fans.fanOut;
  const gain = calculateGain(options.nonlinearity ?? "leaky_relu", options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He / Kaiming uniform (He et al. 2015): U(-bound, bound) with
 * `bound = gain * sqrt(3 / fan)`, gain from `calculateGain(nonlinearity, a)`.
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("init.kaimingUniform", t, options);
  return uniform(t, -bound, bound, options);
}

/** He / Kaiming normal: N(0, std^2) with `std = gain / sqrt(fan)`. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd("init.kaimingNormal", t, options), options);
}
