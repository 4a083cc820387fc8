/**
 * Schedulers that multiply the learning rate by a factor at set epochs, as PyTorch 1.13's
 * StepLR, MultiStepLR, ExponentialLR and ConstantLR.
 */
import { ValueError } from "@nn/tensor";
import {
  checkFactor,
  groupLr,
  LRScheduler,
  lastEpochOf,
  type ScheduledOptimizer,
} from "./lr-scheduler.js";

function lrs(s: LRScheduler, f: (lr: number, i: number) => number): number[] {
  return s.optimizer.paramGroups.map((g, i) => f(groupLr(s.constructor.name, g), i));
}

/**
 * Multiplies each group's lr by `gamma` (default 0.1) every `stepSize` epochs:
 * lr = initialLr * gamma^floor(epoch / stepSize). ValueError unless stepSize is an integer >= 1
 * and gamma a finite number >= 0.
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: { stepSize: number; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("StepLR", options));
    if (!Number.isInteger(options.stepSize) || options.stepSize < 1) {
      throw new ValueError(`StepLR: stepSize must be an integer >= 1, got ${options.stepSize}`);
    }
    this.stepSize = options.stepSize;
    this.gamma = checkFactor("StepLR", "gamma", options.gamma ?? 0.1);
    this.initialStep();
  }
  protected getLr(): number[] {
    const hold = this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0;
    return lrs(this, (lr) => (hold ? lr : lr * this.gamma));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies each group's lr by `gamma` (default 0.1) at each milestone epoch (a milestone
 * listed k times multiplies by gamma^k). ValueError unless gamma is a finite number >= 0.
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: { milestones: readonly number[]; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("MultiStepLR", options));
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = checkFactor("MultiStepLR", "gamma", options.gamma ?? 0.1);
    this.initialStep();
  }
  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return lrs(this, (lr) => (hits === 0 ? lr : lr * this.gamma ** hits));
  }
  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/**
 * Multiplies each group's lr by `gamma` every epoch: lr = initialLr * gamma^epoch. ValueError
 * unless gamma is a finite number >= 0.
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: ScheduledOptimizer, options: { gamma: number; lastEpoch?: number }) {
    super(optimizer, lastEpochOf("ExponentialLR", options));
    this.gamma = checkFactor("ExponentialLR", "gamma", options.gamma);
    this.initialStep();
  }
  protected getLr(): number[] {
    return lrs(this, (lr) => (this.lastEpoch === 0 ? lr : lr * this.gamma));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * Multiplies each group's lr by `factor` (default 1/3) until epoch `totalIters` (default 5),
 * then restores it. ValueError unless 0 <= factor <= 1.
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: { factor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpochOf("ConstantLR", options));
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    if (!(this.factor >= 0 && this.factor <= 1)) {
      throw new ValueError(`ConstantLR: factor must be in [0, 1], got ${this.factor}`);
    }
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return lrs(this, (lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs(this, (lr) => lr);
    return lrs(this, (lr) => lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const done = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + done * (1 - this.factor)));
  }
}
