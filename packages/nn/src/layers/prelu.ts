/** PReLU (He et al. 2015): max(0, x) + weight * min(0, x), with a learned slope per channel. */
import { prelu } from "@nn/activations";
import { type Tensor, ValueError } from "@nn/tensor";
import { constant } from "../init/fill.js";
import { Module } from "../module.js";
import type { Parameter } from "../parameter.js";
import { emptyParameter, type LayerOptions } from "./linear.js";

/** Options of PReLU. */
export interface PReLUOptions extends LayerOptions {
  /** 1 (one shared slope, the default) or the number of channels. */
  numParameters?: number;
  /** Initial slope. Default 0.25. */
  init?: number;
}

/**
 * PReLU as a module (torch.nn.PReLU): owns `weight` `[numParameters]`, initialised to `init`;
 * the forward is @nn/activations' `prelu(x, weight)` (one slope, or one per channel: dim 1).
 */
export class PReLU extends Module {
  readonly numParameters: number;
  weight: Parameter;

  constructor(options: PReLUOptions = {}) {
    super();
    const n = options.numParameters ?? 1;
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(`PReLU: numParameters must be a positive integer, got ${n}`);
    this.numParameters = n;
    this.weight = emptyParameter([n], options);
    constant(this.weight, options.init ?? 0.25);
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
}
