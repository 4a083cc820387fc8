/**
 * The epoch loop shared by a training run and the lessons: train an epoch, evaluate on the
 * held-out set, record, report, and hand the caller each finished (or interrupted) epoch.
 */
import { DataLoader, TensorDataset } from "@nn/data";
import type { Sequential } from "@nn/nn";
import type { Optimizer } from "@nn/optim";
import { getBackend, type Tensor } from "@nn/tensor";
import type { EpochRecord } from "../config.js";
import type { Examples } from "../data/sources.js";
import type { Output } from "../output/console.js";
import type { MetricsLog } from "../output/metrics-log.js";
import { epochProgress, percent, rate } from "../output/progress.js";
import {
  type CurvePoint,
  type EpochResult,
  type EpochTotals,
  NonFiniteLossError,
  trainEpoch,
} from "./epoch.js";
import { type Evaluation, evaluate } from "./evaluate.js";
import type { Schedule } from "./schedule.js";

/** Steps between two read-backs of the running loss (progress bar and loss curve). */
export const REPORT_EVERY = 10;

/** What `runEpochs` needs. */
export interface EpochsOptions {
  model: Sequential;
  optimizer: Optimizer;
  train: Examples;
  /** Held-out examples, evaluated after every epoch. */
  val: Examples;
  classes: number;
  /** The run's total epochs (shown as "epoch 3/10"). */
  epochs: number;
  /** Stop once this many epochs are done (default `epochs`): the lessons pause after the first. */
  until?: number;
  batchSize: number;
  seed: number;
  output: Output;
  /** Prefix of the progress bar and epoch lines (the lessons name the candidate). */
  label?: string;
  /** Where a resumed run starts: epochs done, the interrupted epoch's totals, the records so far. */
  epochsDone?: number;
  partial?: EpochTotals | null;
  history?: EpochRecord[];
  curve?: CurvePoint[];
  /** Aborted on Ctrl-C: the current step finishes, then `runEpochs` returns. */
  signal?: AbortSignal;
  /**
   * Called after each finished epoch (to save a checkpoint) and once after an interruption.
   * Resolving to "stop" ends training after that epoch (early stopping).
   */
  onEpoch?: (state: EpochsState) => Promise<"stop" | undefined>;
  /** metrics.jsonl: a "step" line per progress report and an "epoch" line per finished epoch. */
  log?: MetricsLog;
  /** --lr-schedule: stepped after every batch or epoch, as its kind needs. */
  schedule?: Schedule;
}

/** Where training stands. */
export interface EpochsState {
  epochsDone: number;
  /** The running totals of the unfinished epoch after an interruption, else null. */
  partial: EpochTotals | null;
  history: EpochRecord[];
  curve: CurvePoint[];
  /** The latest held-out evaluation (null before the first finished epoch). */
  evaluation: Evaluation | null;
  interrupted: boolean;
  /** Seconds spent training (not evaluating) in this session, and examples seen. */
  trainSeconds: number;
  trainSamples: number;
}

/** The first parameter group's learning rate (what a schedule changes). */
export function currentLr(optimizer: Optimizer): number {
  return Number(optimizer.paramGroups[0]?.lr);
}

/** Trains from `epochsDone` to `until` (default `epochs`); returns where it stopped. */
export async function runEpochs(o: EpochsOptions): Promise<EpochsState> {
  const loader = new DataLoader<Tensor[]>(new TensorDataset(o.train.x, o.train.y), {
    batchSize: o.batchSize,
    shuffle: true,
    seed: o.seed,
    // Training data too large for one device buffer stays on the CPU (data/prepare.ts).
    device: getBackend(),
  });
  const label = o.label ? `${o.label} ` : "";
  const state: EpochsState = {
    epochsDone: o.epochsDone ?? 0,
    partial: o.partial ?? null,
    history: [...(o.history ?? [])],
    curve: [...(o.curve ?? [])],
    evaluation: null,
    interrupted: false,
    trainSeconds: 0,
    trainSamples: 0,
  };
  for (let epoch = state.epochsDone; epoch < (o.until ?? o.epochs); epoch++) {
    const bar = epochProgress(
      o.output,
      label,
      epoch + 1,
      o.epochs,
      loader.length,
      state.partial?.step ?? 0,
    );
    let result: EpochResult;
    try {
      result = await trainEpoch({
        model: o.model,
        optimizer: o.optimizer,
        loader,
        epoch,
        seed: o.seed,
        totals: state.partial ?? undefined,
        reportEvery: REPORT_EVERY,
        onReport: (r) => {
          bar.update(r);
          o.log?.append({
            kind: "step",
            epoch: epoch + 1,
            step: r.step,
            trainLoss: r.loss,
            trainAccuracy: r.accuracy,
            lr: currentLr(o.optimizer),
          });
        },
        onStep: () => o.schedule?.afterStep(),
        shouldStop: () => o.signal?.aborted ?? false,
      });
    } finally {
      bar.stop();
    }
    state.trainSeconds += result.seconds;
    state.trainSamples += result.seen - (state.partial?.seen ?? 0);
    if (!result.completed) {
      const { completed: _c, seconds: _s, samplesPerSecond: _r, ...totals } = result;
      state.partial = totals;
      state.interrupted = true;
      await o.log?.flush();
      await o.onEpoch?.(state);
      return state;
    }
    const evaluation = await evaluate(o.model, o.val, o.classes);
    // A NaN record would be saved, compared by early stopping and plotted: stop here instead.
    if (!Number.isFinite(evaluation.loss)) {
      throw new NonFiniteLossError(epoch + 1, null, evaluation.loss, currentLr(o.optimizer));
    }
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: result.lossSum / result.seen,
      trainAccuracy: result.correct / result.seen,
      testLoss: evaluation.loss,
      testAccuracy: evaluation.accuracy,
      seconds: result.seconds,
      samplesPerSecond: result.samplesPerSecond,
    };
    state.history.push(record);
    o.log?.append({
      kind: "epoch",
      epoch: record.epoch,
      step: result.step,
      trainLoss: record.trainLoss,
      trainAccuracy: record.trainAccuracy,
      valLoss: record.testLoss,
      valAccuracy: record.testAccuracy,
      lr: currentLr(o.optimizer),
    });
    await o.log?.flush();
    o.schedule?.afterEpoch(evaluation.loss);
    state.curve.push(...result.curve);
    state.epochsDone = epoch + 1;
    state.partial = null;
    state.evaluation = evaluation;
    o.output.log(
      `${label}epoch ${String(epoch + 1).padStart(String(o.epochs).length)}/${o.epochs}  train loss ${record.trainLoss.toFixed(4)} acc ${percent(record.trainAccuracy)}  held-out loss ${record.testLoss.toFixed(4)} acc ${percent(record.testAccuracy)}  ${record.seconds.toFixed(1)} s  ${rate(record.samplesPerSecond)} samples/s`,
    );
    if (o.signal?.aborted) state.interrupted = true;
    if ((await o.onEpoch?.(state)) === "stop") return state;
    if (state.interrupted) return state;
  }
  return state;
}
