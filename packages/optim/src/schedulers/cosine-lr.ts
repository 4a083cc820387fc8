/**
 * Cosine annealing (Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts"), as PyTorch 1.13's CosineAnnealingLR and CosineAnnealingWarmRestarts.
 */
import { ValueError } from "@nn/tensor";
import { groupLr, LRScheduler, lastEpochOf, type ScheduledOptimizer } from "./lr-scheduler.js";

/**
 * lr = etaMin + (initialLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2, computed recursively
 * from the current lr as PyTorch does (so it composes with other changes to lr); past tMax it
 * rises again (a cosine with period 2 tMax). `etaMin` defaults to 0.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: { tMax: number; etaMin?: number; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("CosineAnnealingLR", options));
    if (!(options.tMax > 0))
      throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups.map((g) => groupLr("CosineAnnealingLR", g));
    if (e === 0) return groups;
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map(
        (b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2,
      );
    }
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map(
        (lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2,
      );
    }
    return groups.map(
      (lr) =>
        ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) *
          (lr - etaMin) +
        etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (b) =>
        this.etaMin +
        ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }
}

/**
 * SGDR: cosine annealing restarted every tI epochs, tI starting at `t0` and multiplied by
 * `tMult` (default 1) at each restart: lr = etaMin + (initialLr - etaMin)(1 + cos(pi tCur / tI)) / 2.
 * `step(epoch)` accepts fractional epochs (e.g. epoch + batch / batches). ValueError unless
 * t0 is an integer >= 1 and tMult an integer >= 1.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  tI: number;
  readonly tMult: number;
  readonly etaMin: number;
  tCur: number;
  constructor(
    optimizer: ScheduledOptimizer,
    options: { t0: number; tMult?: number; etaMin?: number; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("CosineAnnealingWarmRestarts", options));
    const tMult = options.tMult ?? 1;
    if (!Number.isInteger(options.t0) || options.t0 <= 0) {
      throw new ValueError(
        `CosineAnnealingWarmRestarts: t0 must be an integer >= 1, got ${options.t0}`,
      );
    }
    if (!Number.isInteger(tMult) || tMult < 1) {
      throw new ValueError(
        `CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got ${tMult}`,
      );
    }
    this.t0 = options.t0;
    this.tI = options.t0;
    this.tMult = tMult;
    this.etaMin = options.etaMin ?? 0;
    this.tCur = this.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map(
      (b) =>
        this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2,
    );
  }
  /**
   * Advances one epoch, or jumps to `epoch` (fractions allowed, e.g. `epoch + batch / batches`).
   * ValueError for a negative epoch.
   */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur - this.tI;
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (epoch < 0)
        throw new ValueError(`CosineAnnealingWarmRestarts: epoch must be >= 0, got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) this.tCur = epoch % this.t0;
        else {
          const n = Math.floor(
            Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult),
          );
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }
}
