/** SequentialLR, as PyTorch 1.13's: hands the schedule from one scheduler to the next at milestones. */
import { ValueError } from "@nn/tensor";
import {
  checkOptimizer,
  LRScheduler,
  lastEpochOf,
  type ScheduledOptimizer,
} from "./lr-scheduler.js";

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (restarted at its epoch 0)
 * until `milestones[1]`, and so on; e.g. a LinearLR warm-up followed by CosineAnnealingLR.
 * Throws ValueError when a scheduler drives another optimizer or the milestones are not one
 * fewer than the schedulers.
 */
export class SequentialLR {
  readonly optimizer: ScheduledOptimizer;
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  lastEpoch: number;
  #lastLr: number[];

  constructor(
    optimizer: ScheduledOptimizer,
    options: {
      schedulers: readonly LRScheduler[];
      milestones: readonly number[];
      lastEpoch?: number;
    },
  ) {
    checkOptimizer("SequentialLR", optimizer);
    lastEpochOf("SequentialLR", options);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || !Array.isArray(milestones) || schedulers.length === 0) {
      throw new ValueError(
        "SequentialLR: options.schedulers must be a non-empty list of schedulers and options.milestones a list of epochs",
      );
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler) || s.optimizer !== optimizer) {
        throw new ValueError(`SequentialLR: schedulers[${i}] does not drive this optimizer`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.#lastLr = this.schedulers[0].getLastLr();
  }

  /** Advances one epoch with the scheduler whose stage this is. */
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.#lastLr = scheduler.getLastLr();
  }

  /** The learning rates the last `step` set, one per group. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }
}
