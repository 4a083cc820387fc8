/**
 * ReduceLROnPlateau, as PyTorch 1.13's: lowers the lr when a metric the user reports stops
 * improving. The metric is a number: read a loss tensor first (`await loss.item()`), so the
 * scheduler never reads back from a device itself.
 */
import { ValueError } from "@nn/tensor";
import { recordLrSource } from "../lr-source.js";
import {
  checkFactor,
  checkOptimizer,
  lastEpochOf,
  type ScheduledOptimizer,
} from "./lr-scheduler.js";
import { checkSchedulerState } from "./scheduler-state.js";

/** Options of `new ReduceLROnPlateau(optimizer, options)` (PyTorch's names in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** "min" (default): a lower metric is better; "max": higher is better. */
  mode?: "min" | "max";
  /** new lr = lr * factor. Default 0.1; must be < 1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Improvement needed to count as better. Default 1e-4. */
  threshold?: number;
  /** "rel" (default): relative to the best; "abs": absolute. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr: one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped. Default 1e-8. */
  eps?: number;
}

/**
 * Multiplies each group's lr by `factor` once the metric has not improved for more than
 * `patience` epochs. Throws ValueError for something other than an optimizer, a factor outside
 * [0, 1), a negative or non-finite minLr, an unknown mode or thresholdMode, or a
 * minLr list of the wrong length.
 */
export class ReduceLROnPlateau {
  readonly optimizer: ScheduledOptimizer;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  #lastLr: number[] = [];

  constructor(optimizer: ScheduledOptimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = checkOptimizer("ReduceLROnPlateau", optimizer);
    lastEpochOf("ReduceLROnPlateau", options);
    this.factor = checkFactor("ReduceLROnPlateau", "factor", options.factor ?? 0.1);
    if (!(this.factor < 1))
      throw new ValueError(`ReduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    this.mode = options.mode ?? "min";
    this.thresholdMode = options.thresholdMode ?? "rel";
    if (this.mode !== "min" && this.mode !== "max") {
      throw new ValueError(`ReduceLROnPlateau: mode must be "min" or "max", got ${this.mode}`);
    }
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") {
      throw new ValueError(
        `ReduceLROnPlateau: thresholdMode must be "rel" or "abs", got ${this.thresholdMode}`,
      );
    }
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== "number" && minLr.length !== n) {
      throw new ValueError(`ReduceLROnPlateau: expected ${n} minLr values, got ${minLr.length}`);
    }
    this.minLrs = typeof minLr === "number" ? new Array(n).fill(minLr) : [...minLr];
    for (const [i, m] of this.minLrs.entries()) checkFactor("ReduceLROnPlateau", `minLr[${i}]`, m);
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min") {
      return this.thresholdMode === "rel"
        ? a < best * (1 - this.threshold)
        : a < best - this.threshold;
    }
    return this.thresholdMode === "rel"
      ? a > best * (this.threshold + 1)
      : a > best + this.threshold;
  }

  /** Reports this epoch's metric (a number); may reduce each group's lr. ValueError for a non-number. */
  step(metric: number): void {
    if (typeof metric !== "number") {
      throw new ValueError(
        "ReduceLROnPlateau: step takes the metric as a number; read a tensor first: step(await loss.item())",
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const next = Math.max(old * this.factor, this.minLrs[i]);
        if (old - next > this.eps) {
          g.lr = next;
          recordLrSource(g, "ReduceLROnPlateau", this.lastEpoch, next);
        }
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The learning rates after the last `step`. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  /** The counters and best value, for `loadStateDict`. */
  stateDict(): Record<string, unknown> {
    return {
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
    };
  }

  /** Restores the state from `stateDict()`; ValueError, changing nothing, for bad fields (see LRScheduler's). */
  loadStateDict(state: Record<string, unknown>): void {
    checkSchedulerState(
      "ReduceLROnPlateau",
      this.stateDict(),
      state,
      this.optimizer.paramGroups.length,
    );
    this.best = state.best as number;
    this.numBadEpochs = state.numBadEpochs as number;
    this.cooldownCounter = state.cooldownCounter as number;
    this.lastEpoch = state.lastEpoch as number;
  }
}
