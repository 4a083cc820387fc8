/** Linear (fully connected) layer: y = x W^T + b, PyTorch's layout and initialisation. */
import {
  add,
  type Backend,
  type DType,
  empty,
  getBackend,
  matmul,
  ShapeError,
  type Tensor,
  transpose,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { kaimingUniform, uniform } from "../init/fill.js";
import { Module } from "../module.js";
import { type Parameter, toParameter } from "../parameter.js";

/** Where and how a layer allocates its parameters. */
export interface LayerOptions {
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Default: the backend set by `setBackend`. */
  backend?: Backend;
}

/**
 * `x W^T + b` over the last dim (torch.nn.functional.linear): `x` `[..., in]`, `weight`
 * `[out, in]`, `bias` `[out]` or null; the result is `[..., out]`. ShapeError when the last dim of
 * `x` is not `in`.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inF = weight.shape[1];
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmt(x.shape)} does not fit weight ${fmt(weight.shape)} (expected [..., ${inF ?? "in"}] input and an [out, in] weight)`,
    );
  }
  const wt = transpose(weight, 0, 1);
  const y = matmul(x, wt);
  wt.dispose();
  if (!bias) return y;
  const out = add(y, bias);
  y.dispose();
  return out;
}

/** An empty parameter of `shape` (filled by an initialiser next). */
export function emptyParameter(shape: number[], options: LayerOptions = {}): Parameter {
  return toParameter(empty(shape, options.dtype ?? "float32", options.backend ?? getBackend()));
}

function checkFeatures(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
}

/**
 * A fully connected layer (torch.nn.Linear): `weight` `[outFeatures, inFeatures]`, `bias`
 * `[outFeatures]` (null with `bias: false`). Initialised as PyTorch does, from the seeded global
 * generator: weight by `kaimingUniform(a = sqrt(5))`, i.e. U(-1/sqrt(in), 1/sqrt(in)), and bias
 * U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    inFeatures: number,
    outFeatures: number,
    options: LayerOptions & { bias?: boolean } = {},
  ) {
    super();
    checkFeatures("Linear", { inFeatures, outFeatures });
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = emptyParameter([outFeatures, inFeatures], options);
    this.bias = options.bias === false ? null : emptyParameter([outFeatures], options);
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's initialisation (see the class doc). */
  resetParameters(): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform(this.bias, -bound, bound);
    }
  }

  /** `[..., inFeatures]` -> `[..., outFeatures]`. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
