/**
 * The vanishing-gradient lesson, without the page: a deep MLP's per-layer gradient norms on one
 * batch of digits, and how far each layer's weights move in a few SGD steps. Through a stack of
 * sigmoids (σ' ≤ 1/4) the norms shrink layer by layer towards the input.
 */
import { backward, noGrad } from "@nn/autograd";
import { crossEntropy, type Sequential } from "@nn/nn";
import { SGD } from "@nn/optim";
import { dispose, manualSeed, sqrt, sum, type Tensor, tensor, tidy } from "@nn/tensor";
import { type Digits, PIXELS } from "../digits.js";
import { buildMlp, linearLayers } from "../mlp.js";
import type { InitName } from "../state.js";

/** Width of every hidden layer of the deep MLP. */
export const HIDDEN = 32;
/** Examples in the batch. */
export const BATCH = 128;

/** What the lesson's model is. */
export interface DeepSpec {
  /** Linear layers, 2 to 20. */
  depth: number;
  activation: string;
  init: InitName;
  seed: number;
}

/** The deep MLP of `spec`: 784 → HIDDEN × (depth − 1) → 10, seeded. */
export function buildDeepMlp(spec: DeepSpec): Sequential {
  manualSeed(spec.seed);
  return buildMlp({
    widths: [PIXELS, ...Array(spec.depth - 1).fill(HIDDEN), 10],
    activation: spec.activation,
    init: spec.init,
  });
}

/** The first `n` digits as tensors: x [n, 784] float32, y [n] int32. */
export function batchOf(d: Digits, n = BATCH): { x: Tensor; y: Tensor } {
  return {
    x: tensor(d.images.subarray(0, n * PIXELS), { shape: [n, PIXELS] }),
    y: tensor(d.labels.subarray(0, n)),
  };
}

/**
 * The L2 norm of the gradient of the mean cross-entropy on (x, y) with respect to each Linear
 * layer's weight, first layer first. Leaves the gradients cleared.
 */
export async function gradientNorms(model: Sequential, x: Tensor, y: Tensor): Promise<number[]> {
  model.zeroGrad();
  const norms = tidy(() => {
    backward(crossEntropy(model.forward(x), y));
    return noGrad(() =>
      linearLayers(model).map((l) => sqrt(sum((l.weight.grad as Tensor).square()))),
    );
  });
  model.zeroGrad();
  try {
    return await Promise.all(norms.map(async (n) => Number(await n.item())));
  } finally {
    dispose(norms);
  }
}

/**
 * Trains `model` for `steps` steps of SGD (lr) on (x, y) and returns, per Linear layer, how far
 * its weight moved relative to its size: ‖W_after − W_before‖ / ‖W_before‖.
 */
export async function layerMovement(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  steps = 20,
  lr = 0.1,
): Promise<number[]> {
  const layers = linearLayers(model);
  const before = noGrad(() => layers.map((l) => l.weight.clone()));
  const opt = new SGD(model.parameters(), { lr });
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      opt.zeroGrad();
      backward(crossEntropy(model.forward(x), y));
      opt.step();
    });
  }
  opt.zeroGrad();
  const ratios = noGrad(() =>
    tidy(() =>
      layers.map((l, i) => {
        const w0 = before[i] as Tensor;
        return sqrt(sum(l.weight.sub(w0).square())).div(sqrt(sum(w0.square())));
      }),
    ),
  );
  try {
    return await Promise.all(ratios.map(async (r) => Number(await r.item())));
  } finally {
    dispose([...before, ...ratios]);
  }
}
