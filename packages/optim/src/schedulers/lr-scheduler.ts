/**
 * The base of the epoch-driven LR schedulers, as PyTorch 1.13's `_LRScheduler`: constructing
 * one records each group's `initialLr` and sets the epoch-0 learning rate; each `step()`
 * advances the epoch and writes the new `lr` into every parameter group (a kernel param of the
 * fused updates, so nothing recompiles).
 */
import { ValueError } from "@nn/tensor";
import type { Hyperparameters } from "../hyperparameters.js";
import type { Optimizer } from "../optimizer.js";

/** Any optimizer, as schedulers see it. */
export type ScheduledOptimizer = Optimizer<Hyperparameters>;

/** The learning rate of a group (ValueError when it has none). */
export function groupLr(scheduler: string, group: Record<string, unknown>, key = "lr"): number {
  const v = group[key];
  if (typeof v !== "number") {
    throw new ValueError(`${scheduler}: the parameter group has no numeric ${key}`);
  }
  return v;
}

/**
 * A scheduler of the learning rate by epoch (or step). Subclasses implement `getLr()` (the
 * chainable form, from the groups' current lr) and, where one exists, `closedFormLr()`; their
 * constructors end with `this.initialStep()`, which sets the epoch-0 learning rate.
 */
export abstract class LRScheduler {
  readonly optimizer: ScheduledOptimizer;
  /** The index of the last epoch stepped (-1 before the first `step`). */
  lastEpoch: number;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  /** How many times `step` ran (PyTorch's `_step_count`). */
  stepCount = 0;
  protected lastLr: number[] = [];

  /**
   * `lastEpoch` (default -1) resumes a schedule: then every group must already have an
   * `initialLr` (ValueError otherwise), as PyTorch's KeyError.
   */
  constructor(optimizer: ScheduledOptimizer, lastEpoch = -1) {
    const name = new.target.name;
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) {
        if (group.initialLr === undefined) group.initialLr = groupLr(name, group);
      } else if (group.initialLr === undefined) {
        throw new ValueError(
          `${name}: param group ${i} has no initialLr; when resuming (lastEpoch != -1) the optimizer must come from a scheduled run`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => groupLr(name, g, "initialLr"));
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates for `lastEpoch`, one per group, from the groups' current values. */
  protected abstract getLr(): number[];

  /** The learning rates for `lastEpoch` computed from `baseLrs` alone, where a closed form exists. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  /** Sets the epoch-0 learning rate (PyTorch's `_initial_step`); subclass constructors end with it. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances one epoch and sets each group's lr. Passing `epoch` jumps there (PyTorch's
   * deprecated form, which SequentialLR uses), with the closed form where one exists.
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The learning rates the last `step` set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state (its fields but the optimizer and functions), for `loadStateDict`. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === "optimizer" || typeof v === "function") continue;
      out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  }

  /** Restores the state from `stateDict()`. */
  loadStateDict(state: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(state)) {
      if (k === "optimizer") continue;
      (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
  }
}
