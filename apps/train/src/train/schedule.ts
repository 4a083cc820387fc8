/**
 * `--lr-schedule`: the learning-rate schedulers of @nn/optim as the training loop drives them.
 * step and cosine advance once per epoch, onecycle after every batch (as PyTorch's OneCycleLR
 * expects), plateau once per epoch on the held-out loss. Their state is saved with the optimizer
 * state, so `--resume` continues the schedule where it stopped.
 */
import {
  CosineAnnealingLR,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  type ScheduledOptimizer,
  StepLR,
} from "@nn/optim";

/** The schedules `--lr-schedule` accepts. */
export const LR_SCHEDULES = ["step", "cosine", "onecycle", "plateau"] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/**
 * A schedule and its parameters, as saved in checkpoint.json's config. Absent parameters take
 * PyTorch's defaults (gamma 0.1, etaMin 0, pctStart 0.3, patience 10, factor 0.1), except
 * stepSize (1; PyTorch requires it) and maxLr (the run's lr; PyTorch requires it).
 */
export interface LrScheduleConfig {
  name: LrScheduleName;
  stepSize?: number;
  gamma?: number;
  etaMin?: number;
  maxLr?: number;
  pctStart?: number;
  patience?: number;
  factor?: number;
}

/** The flag of each schedule parameter, and the schedules it applies to. */
export const SCHEDULE_FLAGS: Readonly<
  Record<Exclude<keyof LrScheduleConfig, "name">, { flag: string; for: LrScheduleName[] }>
> = {
  stepSize: { flag: "--step-size", for: ["step"] },
  gamma: { flag: "--gamma", for: ["step"] },
  etaMin: { flag: "--eta-min", for: ["cosine"] },
  maxLr: { flag: "--max-lr", for: ["onecycle"] },
  pctStart: { flag: "--pct-start", for: ["onecycle"] },
  patience: { flag: "--patience", for: ["plateau"] },
  factor: { flag: "--factor", for: ["plateau"] },
};

/** A schedule as the epoch loop drives it. */
export interface Schedule {
  /** After every optimizer step (onecycle). */
  afterStep(): void;
  /** After every finished epoch, with its held-out loss (step, cosine, plateau). */
  afterEpoch(valLoss: number): void;
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
  /** "step: stepSize=2 gamma=0.5", for the banner. */
  describe(): string;
}

/**
 * Builds the scheduler of `config` over `optimizer` for a run of `epochs` epochs of
 * `stepsPerEpoch` steps (cosine anneals over all epochs; onecycle spans every step). Throws the
 * scheduler's ValueError for parameters it refuses.
 */
export function buildSchedule(
  config: LrScheduleConfig,
  optimizer: Optimizer,
  run: { epochs: number; stepsPerEpoch: number; lr: number },
): Schedule {
  const opt = optimizer as ScheduledOptimizer;
  const perEpoch = (s: {
    step(): void;
    stateDict(): Record<string, unknown>;
    loadStateDict(x: Record<string, unknown>): void;
  }) => ({
    afterStep: () => undefined,
    afterEpoch: () => s.step(),
    stateDict: () => s.stateDict(),
    loadStateDict: (x: Record<string, unknown>) => s.loadStateDict(x),
  });
  switch (config.name) {
    case "step": {
      const o = { stepSize: config.stepSize ?? 1, gamma: config.gamma ?? 0.1 };
      return {
        ...perEpoch(new StepLR(opt, o)),
        describe: () => `step: stepSize=${o.stepSize} gamma=${o.gamma}`,
      };
    }
    case "cosine": {
      const o = { tMax: run.epochs, etaMin: config.etaMin ?? 0 };
      return {
        ...perEpoch(new CosineAnnealingLR(opt, o)),
        describe: () => `cosine: tMax=${o.tMax} epochs etaMin=${o.etaMin}`,
      };
    }
    case "onecycle": {
      const o = { maxLr: config.maxLr ?? run.lr, pctStart: config.pctStart ?? 0.3 };
      const cycleMomentum = "momentum" in optimizer.defaults || "betas" in optimizer.defaults;
      const s = new OneCycleLR(opt, {
        ...o,
        epochs: run.epochs,
        stepsPerEpoch: run.stepsPerEpoch,
        cycleMomentum,
      });
      return {
        afterStep: () => s.step(),
        afterEpoch: () => undefined,
        stateDict: () => s.stateDict(),
        loadStateDict: (x) => s.loadStateDict(x),
        describe: () =>
          `onecycle: maxLr=${o.maxLr} pctStart=${o.pctStart} over ${run.epochs * run.stepsPerEpoch} steps${cycleMomentum ? ", momentum cycled" : ""}`,
      };
    }
    case "plateau": {
      const o = { patience: config.patience ?? 10, factor: config.factor ?? 0.1 };
      const s = new ReduceLROnPlateau(opt, o);
      return {
        afterStep: () => undefined,
        afterEpoch: (valLoss) => s.step(valLoss),
        stateDict: () => s.stateDict(),
        loadStateDict: (x) => s.loadStateDict(x),
        describe: () => `plateau on the held-out loss: patience=${o.patience} factor=${o.factor}`,
      };
    }
  }
}
