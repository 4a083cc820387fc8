/**
 * Per-layer gradient norms: the L2 norm of the loss gradient with respect to each Linear
 * layer's weight, on one fixed batch. Through a deep stack of sigmoids the norms shrink layer
 * by layer towards the input (sigmoid' <= 1/4): the vanishing gradient, as numbers.
 */
import { backward, noGrad } from "@nn/autograd";
import { crossEntropy, type Sequential } from "@nn/nn";
import { dispose, mul, sqrt, sum, type Tensor, tidy } from "@nn/tensor";
import { linearLayers } from "../model.js";

/**
 * The gradient norm of each Linear layer's weight (first layer first) for the mean
 * cross-entropy of `model` on `(x, y)`. Leaves the model's gradients cleared. Reads back one
 * scalar per layer.
 */
export async function layerGradNorms(model: Sequential, x: Tensor, y: Tensor): Promise<number[]> {
  model.zeroGrad();
  const norms = tidy(() => {
    backward(crossEntropy(model.forward(x), y));
    return noGrad(() =>
      linearLayers(model).map((layer) => {
        const g = layer.weight.grad as Tensor;
        return sqrt(sum(mul(g, g)));
      }),
    );
  });
  model.zeroGrad();
  try {
    return await Promise.all(norms.map(async (n) => await n.item()));
  } finally {
    dispose(norms);
  }
}
