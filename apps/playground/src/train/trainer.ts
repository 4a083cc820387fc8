/**
 * Training in the browser, without the page: an MLP 784 → hidden → 10 on the shipped digits
 * (the first TRAIN examples train, the rest are held out), minibatches of BATCH in a fixed order,
 * inputs standardised with the training pixels' mean and standard deviation (as `pnpm train`
 * does), cross-entropy loss. The same code runs in the page and in the Node tests.
 */

import { softmax } from "@nn/activations";
import { backward, noGrad } from "@nn/autograd";
import { crossEntropy, type Sequential } from "@nn/nn";
import type { Optimizer } from "@nn/optim";
import { add, argmax, dispose, eq, manualSeed, sum, type Tensor, tensor, tidy } from "@nn/tensor";
import { type Digits, PIXELS, sliceDigits, TRAIN } from "../digits.js";
import { buildMlp } from "../mlp.js";
import { buildOptimizer } from "../optimizers.js";

/** Examples per step. */
export const BATCH = 64;

/** How a model is trained. */
export interface OptimizerSpec {
  optimizer: string;
  lr: number;
  /** Seeds the initial weights (of a fresh model). */
  seed: number;
}

/** A fresh model and how it is trained. */
export interface TrainSpec extends OptimizerSpec {
  hidden: number;
  activation: string;
}

/** Mean and population standard deviation of `images` (one scalar each, numpy's x.std()). */
export function pixelStats(images: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const v of images) s += v;
  const mean = s / images.length;
  let q = 0;
  for (const v of images) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / images.length) };
}

/** (images − mean) / std as a [n, 784] tensor. */
function standardised(images: Float32Array, mean: number, std: number): Tensor {
  const n = images.length / PIXELS;
  return tensor(
    Float32Array.from(images, (v) => (v - mean) / std),
    { shape: [n, PIXELS] },
  );
}

/** A model, its optimizer and the data it trains on, stepped a few steps at a time. */
export class Trainer {
  readonly optimizer: Optimizer;
  /** Steps taken. */
  step = 0;
  private readonly trainX: Tensor;
  private readonly trainY: Tensor;
  private readonly testX: Tensor;
  private readonly testY: Tensor;

  /**
   * Trains `model` on `digits` with `spec`'s optimizer; `stats` standardises the inputs (default:
   * the training pixels'). Throws ValueError for an unknown optimizer or an invalid lr.
   */
  constructor(
    readonly model: Sequential,
    spec: OptimizerSpec,
    digits: Digits,
    readonly stats = pixelStats(sliceDigits(digits, 0, TRAIN).images),
  ) {
    this.optimizer = buildOptimizer(spec.optimizer, this.model.parameters(), spec.lr);
    const train = sliceDigits(digits, 0, TRAIN);
    const test = sliceDigits(digits, TRAIN, digits.count);
    this.trainX = standardised(train.images, stats.mean, stats.std);
    this.trainY = tensor(train.labels);
    this.testX = standardised(test.images, stats.mean, stats.std);
    this.testY = tensor(test.labels);
  }

  /** A trainer of a fresh, seeded MLP 784 → hidden → 10. Throws for an unknown activation too. */
  static fresh(spec: TrainSpec, digits: Digits): Trainer {
    manualSeed(spec.seed);
    const model = buildMlp({
      widths: [PIXELS, spec.hidden, 10],
      activation: spec.activation,
      init: "default",
    });
    return new Trainer(model, spec, digits);
  }

  /** Takes `n` optimizer steps; returns their mean loss (summed on the device, read back once). */
  async train(n: number): Promise<number> {
    let total: Tensor | undefined;
    for (let i = 0; i < n; i++) {
      const from = (this.step * BATCH) % TRAIN;
      const count = Math.min(BATCH, TRAIN - from);
      const sum: Tensor = tidy(() => {
        const loss = crossEntropy(
          this.model.forward(this.trainX.narrow(0, from, count)),
          this.trainY.narrow(0, from, count),
        );
        this.optimizer.zeroGrad();
        backward(loss);
        this.optimizer.step();
        return total ? add(total, loss.detach()) : loss.detach();
      });
      total?.dispose();
      total = sum;
      this.step++;
    }
    if (!total) return Number.NaN;
    try {
      return Number(await total.item()) / n;
    } finally {
      total.dispose();
    }
  }

  /** Accuracy on the held-out digits, in [0, 1]. */
  async accuracy(): Promise<number> {
    const correct = noGrad(() =>
      tidy(() => sum(eq(argmax(this.model.forward(this.testX), 1), this.testY))),
    );
    try {
      return Number(await correct.item()) / (this.testY.shape[0] as number);
    } finally {
      correct.dispose();
    }
  }

  /** The predicted class of each held-out digit. */
  async predictions(): Promise<number[]> {
    const classes = noGrad(() => tidy(() => argmax(this.model.forward(this.testX), 1)));
    try {
      return Array.from(await classes.data(), Number);
    } finally {
      classes.dispose();
    }
  }

  /** Class probabilities of one 28x28 image (784 values in [0, 1], not standardised). */
  async predict(image: Float32Array): Promise<number[]> {
    const p = noGrad(() =>
      tidy(() =>
        softmax(this.model.forward(standardised(image, this.stats.mean, this.stats.std)), 1),
      ),
    );
    try {
      return Array.from(await p.data(), Number);
    } finally {
      p.dispose();
    }
  }

  /** Frees the model, the optimizer's state and the data. */
  dispose(): void {
    this.optimizer.zeroGrad();
    this.optimizer.disposeState();
    this.model.dispose();
    dispose([this.trainX, this.trainY, this.testX, this.testY]);
  }
}
