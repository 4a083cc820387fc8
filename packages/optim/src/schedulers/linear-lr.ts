/** LinearLR, as PyTorch 1.13's: a linear ramp of the lr factor (a warm-up or a decay). */
import { ValueError } from "@nn/tensor";
import { groupLr, LRScheduler, lastEpochOf, type ScheduledOptimizer } from "./lr-scheduler.js";

/**
 * Scales each group's lr by a factor going linearly from `startFactor` (default 1/3) to
 * `endFactor` (default 1) over `totalIters` epochs (default 5), then holds it:
 * lr = initialLr * (start + (end - start) * min(epoch, totalIters) / totalIters).
 * ValueError unless both factors are in [0, 1] (startFactor > 0).
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: {
      startFactor?: number;
      endFactor?: number;
      totalIters?: number;
      lastEpoch?: number;
    } = {},
  ) {
    super(optimizer, lastEpochOf("LinearLR", options));
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) {
      throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    }
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) {
      throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    }
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups.map((g) => groupLr("LinearLR", g));
    if (this.lastEpoch === 0) return groups.map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return groups;
    const delta = this.endFactor - this.startFactor;
    const ratio = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return groups.map((lr) => lr * ratio);
  }
  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map(
      (b) => b * (this.startFactor + (this.endFactor - this.startFactor) * progress),
    );
  }
}
