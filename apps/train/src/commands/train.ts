/**
 * A training run: set up, build the model and optimizer (or restore them from a checkpoint),
 * train, and write the checkpoint after every epoch (and on Ctrl-C), metrics.json, curves.svg and
 * the final tables.
 */
import { join } from "node:path";
import { manualSeed } from "@nn/tensor";
import {
  BEST_DIR,
  CHECKPOINT_DIR,
  type Checkpoint,
  type CheckpointInfo,
  FILES,
  loadOptimizerState,
  loadWeights,
  saveCheckpoint,
} from "../checkpoint/files.js";
import { CheckpointFileError } from "../checkpoint/schema.js";
import { buildOptimizer, formatHyperparameters, hyperparameters } from "../choices/optimizers.js";
import type { RunConfig } from "../config.js";
import { asUserError, UserError } from "../errors.js";
import { buildModel, describeArchitecture, parameterCount } from "../model.js";
import type { Output } from "../output/console.js";
import { MetricsLog } from "../output/metrics-log.js";
import { epochsText, percent, rate } from "../output/progress.js";
import { type Metrics, writeCurves, writeMetrics } from "../output/report.js";
import { confusionTable, epochsTable } from "../output/tables.js";
import { type EarlyStoppingVerdict, earlyStopping, stoppedText } from "../train/early-stopping.js";
import { NonFiniteLossError } from "../train/epoch.js";
import { currentLr, type EpochsState, runEpochs } from "../train/epochs.js";
import { type Evaluation, evaluate } from "../train/evaluate.js";
import { buildSchedule, type LrScheduleConfig } from "../train/schedule.js";
import { setUp } from "./setup.js";

/** What a training run needs. */
export interface TrainRun {
  config: RunConfig;
  /** The output directory, created and locked by the caller (output/run-dir.ts). */
  out: string;
  resume?: Checkpoint;
  output: Output;
  signal: AbortSignal;
}

/** Exit code after a Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130;

/**
 * A resumed epoch's step must lie inside the epoch (`steps` per epoch with this data and batch
 * size): CheckpointFileError naming checkpoint.json's partial.step otherwise.
 */
function checkPartialStep(resume: Checkpoint, steps: number): void {
  const step = resume.info.partial?.step;
  if (step !== undefined && step >= steps) {
    throw new CheckpointFileError(
      join(resume.dir, FILES.info),
      "partial.step",
      step,
      `an integer from 1 to ${steps - 1} (an epoch of this run has ${steps} steps)`,
    );
  }
}

/** "94.45% (1,889 / 2,000)  loss 0.2121" */
function accuracyLine(e: Evaluation): string {
  const n = e.confusion.flat().reduce((a, b) => a + b, 0);
  const correct = e.confusion.reduce((s, row, i) => s + (row[i] as number), 0);
  return `${percent(e.accuracy)} (${correct.toLocaleString("en-US")} / ${n.toLocaleString("en-US")})  loss ${e.loss.toFixed(4)}`;
}

/**
 * Runs the training; resolves to the exit code (0, or 130 after Ctrl-C). A diverging run
 * (non-finite loss) throws NonFiniteLossError saying which checkpoint is kept.
 */
export async function runTraining({
  config,
  out,
  resume,
  output,
  signal,
}: TrainRun): Promise<number> {
  const started = performance.now();
  const { data, classes, device } = await setUp(config, output);
  if (resume) checkPartialStep(resume, Math.ceil(data.train.x.shape[0]! / config.batchSize));

  manualSeed(config.seed);
  const model = buildModel(config.architecture);
  const optimizer = buildOptimizer(config.optimizer, model.parameters(), config.lr);
  const hyper = hyperparameters(optimizer);
  if (
    resume &&
    config.lrSchedule?.name === "onecycle" &&
    config.epochs !== resume.info.config.epochs
  ) {
    throw new UserError(
      `checkpoint ${resume.dir} follows a one-cycle schedule over ${resume.info.config.epochs} epochs, which cannot be stretched to --epochs ${config.epochs}; resume without --epochs, or start a new run`,
    );
  }
  const stepsPerEpoch = Math.ceil(data.train.x.shape[0]! / config.batchSize);
  const schedule = config.lrSchedule
    ? await asUserError(`--lr-schedule ${config.lrSchedule.name}`, () =>
        buildSchedule(config.lrSchedule as LrScheduleConfig, optimizer, {
          epochs: config.epochs,
          stepsPerEpoch,
          lr: config.lr,
        }),
      )
    : undefined;
  if (resume) {
    loadWeights(resume, model, config.architecture);
    loadOptimizerState(resume, optimizer, device, schedule);
    // The state dict brings the checkpoint's lr; the run's (--lr if given) wins, as its banner
    // says, unless a schedule sets it.
    if (!schedule) for (const group of optimizer.paramGroups) group.lr = config.lr;
  }
  const arch = describeArchitecture(config.architecture);
  output.log(`model    ${arch} (${parameterCount(model).toLocaleString("en-US")} parameters)`);
  output.log(`optim    ${config.optimizer}: ${formatHyperparameters(hyper)}`);
  if (schedule) output.log(`schedule ${schedule.describe()}`);
  output.log(
    `run      ${epochsText(config.epochs)}, batch ${config.batchSize}, seed ${config.seed}, backend ${config.backend}, output ${out}`,
  );
  if (resume) {
    const at = resume.info.partial
      ? `epoch ${resume.info.epochsDone + 1}, step ${resume.info.partial.step}`
      : `the end of epoch ${resume.info.epochsDone}`;
    output.log(`resume   from ${resume.runDir} at ${at}`);
    if (resume.info.epochsDone >= config.epochs) {
      output.log(
        `         the checkpoint has done all ${epochsText(config.epochs)}: evaluating it (pass --epochs N to train on)`,
      );
    }
  }
  output.log();

  const standardisation = { mean: data.mean, std: data.std };
  const info = (s: { epochsDone: number; partial: CheckpointInfo["partial"] }) => ({
    config,
    hyperparameters: hyper,
    standardisation,
    classes: [...classes],
    epochsDone: s.epochsDone,
    partial: s.partial,
  });
  let saved: string | undefined;
  let stopped: EarlyStoppingVerdict | undefined;
  const save = async (s: EpochsState): Promise<"stop" | undefined> => {
    const content = {
      ...info(s),
      history: s.history,
      curve: s.curve,
      reason: s.partial ? ("interrupt" as const) : ("epoch" as const),
    };
    await saveCheckpoint(out, model, optimizer, content, { scheduler: schedule });
    saved = `epoch ${s.epochsDone}${s.partial ? `, step ${s.partial.step}` : ""}`;
    const verdict =
      config.earlyStopping && !s.partial ? earlyStopping(s.history, config.earlyStopping) : null;
    if (!verdict) return;
    if (verdict.improved) {
      await saveCheckpoint(out, model, optimizer, content, { scheduler: schedule, name: BEST_DIR });
    }
    if (verdict.stop && s.epochsDone < config.epochs) {
      stopped = verdict;
      return "stop";
    }
  };
  // A resumed run that had already stopped early trains no further.
  const alreadyStopped =
    resume && config.earlyStopping
      ? earlyStopping(resume.info.history, config.earlyStopping)?.stop
      : false;
  const kept = () =>
    saved
      ? `the checkpoint of ${saved} is kept in ${join(out, CHECKPOINT_DIR)}`
      : resume
        ? `the checkpoint ${resume.dir} is kept as it was`
        : "no checkpoint was saved";
  const log = new MetricsLog(out);
  const state = await runEpochs({
    model,
    optimizer,
    train: data.train,
    val: data.val,
    classes: classes.length,
    epochs: config.epochs,
    until: alreadyStopped ? resume?.info.epochsDone : undefined,
    batchSize: config.batchSize,
    seed: config.seed,
    output,
    epochsDone: resume?.info.epochsDone,
    partial: resume?.info.partial,
    history: resume?.info.history,
    curve: resume?.info.curve,
    signal,
    onEpoch: save,
    log,
    schedule,
  }).catch((e: unknown) => {
    // Nothing non-finite is saved: the last checkpoint stays the last finite one.
    if (e instanceof NonFiniteLossError) throw new UserError(`${e.message}; ${kept()}`);
    throw e;
  });
  // A resumed run with no epoch left still leaves a whole checkpoint in its --out.
  if (!saved) await save(state);
  if (alreadyStopped)
    stopped = earlyStopping(state.history, config.earlyStopping as number) ?? undefined;

  const evaluation = state.evaluation ?? (await evaluate(model, data.val, classes.length));
  const test =
    data.test && !state.interrupted ? await evaluate(model, data.test, classes.length) : null;
  if (test) {
    log.append({
      kind: "test",
      epoch: state.epochsDone,
      step: 0,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      lr: currentLr(optimizer),
    });
    await log.flush();
  }
  const metrics: Metrics = {
    config,
    hyperparameters: hyper,
    parameters: parameterCount(model),
    standardisation,
    epochs: state.history,
    lossCurve: state.curve,
    final: { ...evaluation, classes },
    test,
    wallSeconds: (performance.now() - started) / 1000,
    trainSeconds: state.trainSeconds,
    samplesPerSecond: state.trainSeconds > 0 ? state.trainSamples / state.trainSeconds : 0,
    interrupted: state.interrupted,
    earlyStopping: stopped
      ? { bestEpoch: stopped.bestEpoch, bestLoss: stopped.bestLoss, stoppedAfter: state.epochsDone }
      : null,
  };
  const metricsPath = await writeMetrics(out, metrics);
  const chartPath = await writeCurves(
    out,
    `${config.dataset} ${arch}, ${config.optimizer}`,
    state.history,
    state.curve,
  );

  if (state.interrupted) {
    output.log();
    output.log(
      `interrupted: checkpoint saved in ${out} (${state.partial ? `epoch ${state.epochsDone + 1}, step ${state.partial.step}` : `after epoch ${state.epochsDone}`}); continue with --resume ${out}`,
    );
    return INTERRUPTED_EXIT;
  }
  output.log();
  if (stopped) output.log(`${stoppedText(stopped, config.epochs, join(out, BEST_DIR))}\n`);
  if (state.history.length) output.log(epochsTable(state.history));
  output.log("confusion matrix on the held-out set (rows: true class, columns: predicted)");
  output.log(confusionTable(evaluation.confusion, classes));
  output.log(`held-out accuracy ${accuracyLine(evaluation)}`);
  if (test)
    output.log(
      `test set accuracy ${accuracyLine(test)} (the data set's test images, evaluated once)`,
    );
  output.log(
    metrics.trainSeconds > 0
      ? `time ${metrics.wallSeconds.toFixed(1)} s in all, ${metrics.trainSeconds.toFixed(1)} s training at ${rate(metrics.samplesPerSecond)} samples/s`
      : `time ${metrics.wallSeconds.toFixed(1)} s (no training steps in this run)`,
  );
  output.log(
    `wrote ${join(out, CHECKPOINT_DIR)}/ (${FILES.model}, ${FILES.optimizerTensors}, ${FILES.optimizerJson}, ${FILES.info}), ${metricsPath}, ${log.path}, ${chartPath}`,
  );
  return 0;
}
