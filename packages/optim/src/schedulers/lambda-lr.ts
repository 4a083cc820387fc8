/** LambdaLR and MultiplicativeLR, as PyTorch 1.13's: the lr factor is a user function of the epoch. */
import { ValueError } from "@nn/tensor";
import { groupLr, LRScheduler, lastEpochOf, type ScheduledOptimizer } from "./lr-scheduler.js";

/** A function of the epoch giving a multiplicative factor. */
export type LrLambda = (epoch: number) => number;

function perGroup(
  name: string,
  optimizer: ScheduledOptimizer,
  fn: LrLambda | readonly LrLambda[],
): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (typeof fn === "function") return new Array(n).fill(fn);
  if (!Array.isArray(fn) || fn.some((f) => typeof f !== "function")) {
    throw new ValueError(
      `${name}: lrLambda must be a function of the epoch, or a list of them (one per group), got ${typeof fn}`,
    );
  }
  if (fn.length !== n)
    throw new ValueError(`${name}: expected ${n} lrLambdas (one per group), got ${fn.length}`);
  return [...fn];
}

/**
 * Sets each group's lr to initialLr * lrLambda(epoch); `lrLambda` is one function or one per
 * group (ValueError when the count differs from the number of groups). A lambda that returns
 * NaN, a negative or an infinite factor makes `step` throw a ValueError naming the epoch.
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];
  constructor(
    optimizer: ScheduledOptimizer,
    options: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("LambdaLR", options));
    this.lrLambdas = perGroup("LambdaLR", optimizer, options.lrLambda);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Multiplies each group's lr by lrLambda(epoch) every epoch after the first. A lambda that
 * returns NaN, a negative or an infinite factor makes `step` throw a ValueError naming the epoch.
 */
export class MultiplicativeLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];
  constructor(
    optimizer: ScheduledOptimizer,
    options: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number },
  ) {
    super(optimizer, lastEpochOf("MultiplicativeLR", options));
    this.lrLambdas = perGroup("MultiplicativeLR", optimizer, options.lrLambda);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g, i) => {
      const lr = groupLr("MultiplicativeLR", g);
      return this.lastEpoch > 0 ? lr * this.lrLambdas[i](this.lastEpoch) : lr;
    });
  }
}
