/** The configuration of a run, as saved beside a checkpoint, and the per-epoch records. */
import type { DatasetName } from "./data/sources.js";
import type { Architecture } from "./model.js";
import type { LrScheduleConfig } from "./train/schedule.js";

/** Backends `--backend` accepts. */
export const BACKENDS = ["cpu", "webgpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Everything that determines a training run. */
export interface RunConfig {
  dataset: DatasetName;
  dataDir: string;
  architecture: Architecture;
  /** The name given to `--optimizer` (a registered optimizer or a preset such as momentum). */
  optimizer: string;
  lr: number;
  epochs: number;
  batchSize: number;
  backend: BackendName;
  seed: number;
  /** Train on only the first N training examples (after the seeded shuffle). */
  trainSize?: number;
  /** Held-out (validation) examples split from the training data (default: see defaultValSize). */
  valSize?: number;
  /** --lr-schedule and its parameters (absent: a constant lr). */
  lrSchedule?: LrScheduleConfig;
  /** --early-stopping: stop after this many epochs without a better held-out loss. */
  earlyStopping?: number;
  /** Packages loaded with --plugin (a resume loads them again). */
  plugins: string[];
}

/** One finished epoch. Accuracies are fractions in [0, 1]. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}
