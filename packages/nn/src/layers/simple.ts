/** Shape-only layers: Identity and Flatten. */
import { flatten, type Tensor } from "@nn/tensor";
import { Module } from "../module.js";

/** Returns its input (torch.nn.Identity): a placeholder, e.g. to switch a layer off. */
export class Identity extends Module {
  /** `x` itself (the same tensor object, as PyTorch). */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Flattens dims `startDim..endDim` into one (torch.nn.Flatten; defaults 1 and -1, so a batch
 * `[N, C, H, W]` becomes `[N, C*H*W]`). A view when the strides allow.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
