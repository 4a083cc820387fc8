/**
 * OneCycleLR (Smith & Topin 2019, "Super-Convergence"), as PyTorch 1.13's: the lr rises from
 * maxLr / divFactor to maxLr, then anneals to initialLr / finalDivFactor (fastai's two phases;
 * the paper's three with `threePhase`), while momentum (or Adam's beta1) moves the other way.
 * Call `step()` after every batch.
 */
import { ValueError } from "@nn/tensor";
import {
  checkOptimizer,
  LRScheduler,
  lastEpochOf,
  type ScheduledOptimizer,
} from "./lr-scheduler.js";

/** Options of `new OneCycleLR(optimizer, options)` (PyTorch's names in camelCase). */
export interface OneCycleLROptions {
  /** The peak lr: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr. Default 0.3. */
  pctStart?: number;
  /** "cos" (default) or "linear". */
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function perGroup(name: string, n: number, v: number | readonly number[]): number[] {
  if (typeof v === "number") return new Array(n).fill(v);
  if (v.length !== n)
    throw new ValueError(`OneCycleLR: expected ${n} values for ${name}, got ${v.length}`);
  return [...v];
}

const cosine = (start: number, end: number, pct: number) =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const linear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/**
 * The 1cycle policy. Sets each group's `initialLr`, `maxLr`, `minLr` (and `maxMomentum`,
 * `baseMomentum`). Throws ValueError without totalSteps (or epochs and stepsPerEpoch), for
 * pctStart outside [0, 1], an unknown annealStrategy, momentum cycling on an optimizer with
 * neither momentum nor betas, a step past the end of the cycle, or a step that falls in a phase
 * of zero length (e.g. pctStart * totalSteps = 1; PyTorch raises ZeroDivisionError there).
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: "cos" | "linear";
  readonly cycleMomentum: boolean;
  readonly useBeta1: boolean;

  constructor(optimizer: ScheduledOptimizer, options: OneCycleLROptions) {
    lastEpochOf("OneCycleLR", options);
    checkOptimizer("OneCycleLR", optimizer);
    const {
      totalSteps,
      epochs,
      stepsPerEpoch,
      pctStart = 0.3,
      annealStrategy = "cos",
      cycleMomentum = true,
      baseMomentum = 0.85,
      maxMomentum = 0.95,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
      lastEpoch = -1,
    } = options;
    let total: number;
    if (totalSteps !== undefined) {
      if (!Number.isInteger(totalSteps) || totalSteps <= 0) {
        throw new ValueError(`OneCycleLR: totalSteps must be an integer >= 1, got ${totalSteps}`);
      }
      total = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (
        !Number.isInteger(epochs) ||
        epochs <= 0 ||
        !Number.isInteger(stepsPerEpoch) ||
        stepsPerEpoch <= 0
      ) {
        throw new ValueError(
          `OneCycleLR: epochs and stepsPerEpoch must be integers >= 1, got ${epochs} and ${stepsPerEpoch}`,
        );
      }
      total = epochs * stepsPerEpoch;
    } else {
      throw new ValueError("OneCycleLR: give totalSteps, or epochs and stepsPerEpoch");
    }
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new ValueError(`OneCycleLR: pctStart must be in [0, 1], got ${pctStart}`);
    }
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ValueError(
        `OneCycleLR: annealStrategy must be "cos" or "linear", got ${annealStrategy}`,
      );
    }
    const groups = optimizer.paramGroups;
    const n = groups.length;
    if (lastEpoch === -1) {
      perGroup("maxLr", n, options.maxLr).forEach((m, i) => {
        const g = groups[i] as Record<string, unknown>;
        g.initialLr = m / divFactor;
        g.maxLr = m;
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !useBeta1) {
        throw new ValueError(
          `OneCycleLR: optimizer ${optimizer.name} has neither momentum nor betas; pass cycleMomentum: false`,
        );
      }
      const maxM = perGroup("maxMomentum", n, maxMomentum);
      const baseM = perGroup("baseMomentum", n, baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          const m = maxM[i];
          if (useBeta1) g.betas = [m, (g.betas as number[])[1]];
          else g.momentum = m;
          g.maxMomentum = m;
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const up = pctStart * total - 1;
    this.phases = threePhase
      ? [
          {
            endStep: up,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: 2 * pctStart * total - 2,
            startLr: "maxLr",
            endLr: "initialLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
          {
            endStep: total - 1,
            startLr: "initialLr",
            endLr: "minLr",
            startMomentum: "maxMomentum",
            endMomentum: "maxMomentum",
          },
        ]
      : [
          {
            endStep: up,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: total - 1,
            startLr: "maxLr",
            endLr: "minLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
        ];
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        `OneCycleLR: tried to step ${stepNum + 1} times; the cycle has ${this.totalSteps} steps`,
      );
    }
    const anneal = this.annealStrategy === "cos" ? cosine : linear;
    return this.optimizer.paramGroups.map((group) => {
      const g = group as Record<string, unknown>;
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          if (phase.endStep === start) {
            // PyTorch divides by the phase's length here and raises ZeroDivisionError; a 0/0 lr
            // would silently turn every parameter into NaN.
            throw new ValueError(
              `OneCycleLR: phase ${i + 1} of the cycle has no steps at step ${stepNum} (totalSteps ${this.totalSteps}, phase ends at step ${phase.endStep}); choose pctStart and totalSteps so that pctStart * totalSteps > 1 and each phase spans at least one step`,
            );
          }
          const pct = (stepNum - start) / (phase.endStep - start);
          lr = anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            momentum = anneal(
              g[phase.startMomentum] as number,
              g[phase.endMomentum] as number,
              pct,
            );
          }
          break;
        }
        start = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, (g.betas as number[])[1]];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
