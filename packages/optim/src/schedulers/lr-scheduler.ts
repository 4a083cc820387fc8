/**
 * The base of the epoch-driven LR schedulers, as PyTorch 1.13's `_LRScheduler`: constructing
 * one records each group's `initialLr` and sets the epoch-0 learning rate; each `step()`
 * advances the epoch and writes the new `lr` into every parameter group (a kernel param of the
 * fused updates, so nothing recompiles).
 */
import { ValueError } from "@nn/tensor";
import type { Hyperparameters } from "../hyperparameters.js";
import { recordLrSource } from "../lr-source.js";
import type { Optimizer } from "../optimizer.js";
import { checkSchedulerState } from "./scheduler-state.js";

/** Any optimizer, as schedulers see it. */
export type ScheduledOptimizer = Optimizer<Hyperparameters>;

/**
 * Throws ValueError unless `optimizer` looks like an optimizer (an object with a
 * `paramGroups` list): a plain-JavaScript mistake such as `new StepLR({}, ...)` or passing the
 * model instead gets a typed error, not a TypeError later.
 */
export function checkOptimizer(scheduler: string, optimizer: unknown): ScheduledOptimizer {
  const groups = (optimizer as { paramGroups?: unknown } | null)?.paramGroups;
  if (typeof optimizer !== "object" || optimizer === null || !Array.isArray(groups)) {
    const got =
      optimizer === null
        ? "null"
        : typeof optimizer === "object"
          ? "an object without paramGroups"
          : typeof optimizer;
    throw new ValueError(
      `${scheduler}: expected an optimizer (e.g. new Adam(model.parameters())), got ${got}`,
    );
  }
  return optimizer as ScheduledOptimizer;
}

/**
 * A scheduler's options object, checked (ValueError for a missing or non-object one), and its
 * `lastEpoch`, which must be an integer >= -1 (default -1).
 */
export function lastEpochOf(scheduler: string, options: unknown): number {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(`${scheduler}: expected an options object, got ${String(options)}`);
  }
  const lastEpoch = (options as { lastEpoch?: unknown }).lastEpoch ?? -1;
  if (!Number.isInteger(lastEpoch) || (lastEpoch as number) < -1) {
    throw new ValueError(
      `${scheduler}: lastEpoch must be an integer >= -1, got ${String(lastEpoch)}`,
    );
  }
  return lastEpoch as number;
}

/**
 * Throws ValueError unless `value` is a finite number >= 0: a multiplicative factor of the
 * learning rate (gamma, factor), which would otherwise make the lr NaN or negative.
 */
export function checkFactor(scheduler: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new ValueError(
      `${scheduler}: ${name} must be a finite number >= 0, got ${String(value)}`,
    );
  }
  return value;
}

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
    this.optimizer = checkOptimizer(name, optimizer);
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
    const before = { lastEpoch: this.lastEpoch, stepCount: this.stepCount };
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    const bad = values.findIndex((v) => !(typeof v === "number" && v >= 0 && v < Infinity));
    if (bad >= 0) {
      const epochNow = this.lastEpoch;
      Object.assign(this, before);
      throw new ValueError(
        `${this.constructor.name}.step: epoch ${epochNow} gives param group ${bad} lr ${values[bad]} (${this.#settings()}); a learning rate must be a finite number >= 0`,
      );
    }
    const by = this.constructor.name;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
      recordLrSource(g, by, this.lastEpoch, g.lr);
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  // The scheduler's scalar settings ("gamma NaN, baseLrs 0.1"), for errors.
  #settings(): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(this.stateDict())) {
      if (k === "lastEpoch" || k === "stepCount" || k === "lastLr") continue;
      if (typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "number"))) {
        parts.push(`${k} ${Array.isArray(v) ? `[${v.join(", ")}]` : v}`);
      }
    }
    return parts.join(", ");
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

  /**
   * Restores the state from `stateDict()`. Throws ValueError, changing nothing, for a state that
   * is not an object, an unknown field, a counter that is not an integer (lastEpoch >= -1), a
   * NaN or infinite number, or a per-group list of the wrong length (see `checkSchedulerState`).
   */
  loadStateDict(state: Record<string, unknown>): void {
    checkSchedulerState(
      this.constructor.name,
      this.stateDict(),
      state,
      this.optimizer.paramGroups.length,
    );
    for (const [k, v] of Object.entries(state)) {
      if (k === "optimizer") continue;
      (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
  }
}
