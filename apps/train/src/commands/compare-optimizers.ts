/**
 * Lesson: optimizers (`--compare optimizer=sgd,momentum,nesterov,adagrad,rmsprop,adadelta,adam,
 * nadam`). The same model, initial weights, batches and seed with each; prints every
 * optimizer's hyperparameters (the presets' included), a table of final loss and accuracy, and
 * writes one chart of the loss curves and metrics.json.
 */

import { join } from "node:path";
import { writeFileAtomic } from "@nn/nn/node";
import { manualSeed } from "@nn/tensor";
import {
  buildOptimizer,
  formatHyperparameters,
  hyperparameters,
  resolveOptimizer,
} from "../choices/optimizers.js";
import type { EpochRecord, RunConfig } from "../config.js";
import { buildMlp, describeArchitecture } from "../model.js";
import { writeLineChart } from "../output/chart.js";
import type { Output } from "../output/console.js";
import { makeOutputDir } from "../output/files.js";
import { epochsText, percent } from "../output/progress.js";
import { plainTable } from "../output/tables.js";
import type { CurvePoint } from "../train/epoch.js";
import { runEpochs } from "../train/epochs.js";
import { setUp } from "./setup.js";
import { INTERRUPTED_EXIT } from "./train.js";

/** One optimizer's results. */
export interface OptimizerResult {
  optimizer: string;
  hyperparameters: Record<string, unknown>;
  epochs: EpochRecord[];
  lossCurve: CurvePoint[];
}

/** What the lesson needs. `lr` applies to every optimizer when given; else each has its own. */
export interface OptimizerLesson {
  config: RunConfig;
  names: string[];
  lr?: number;
  out: string;
  output: Output;
  signal: AbortSignal;
}

/** Runs the lesson; resolves to the exit code. */
export async function runOptimizerComparison(l: OptimizerLesson): Promise<number> {
  const { config, output } = l;
  await makeOutputDir(l.out);
  for (const name of l.names) resolveOptimizer(name, l.lr); // unknown names fail before training
  const { data, classes } = await setUp(config, output);
  output.log(
    `lesson   the same ${describeArchitecture(config.architecture)} MLP, initial weights and batches with each optimizer; ${epochsText(config.epochs)}, batch ${config.batchSize}, seed ${config.seed}`,
  );
  output.log();

  const width = Math.max(...l.names.map((n) => n.length));
  const results: OptimizerResult[] = [];
  let interrupted = false;
  for (const name of l.names) {
    manualSeed(config.seed);
    const model = buildMlp(config.architecture);
    const optimizer = buildOptimizer(name, model.parameters(), l.lr);
    const hyper = hyperparameters(optimizer);
    output.log(
      `${name.padEnd(width)}  ${resolveOptimizer(name).optimizer}: ${formatHyperparameters(hyper)}`,
    );
    const state = await runEpochs({
      model,
      optimizer,
      train: data.train,
      val: data.val,
      classes: classes.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      output,
      label: name.padEnd(width),
      signal: l.signal,
    });
    results.push({
      optimizer: name,
      hyperparameters: hyper,
      epochs: state.history,
      lossCurve: state.curve,
    });
    model.dispose();
    optimizer.disposeState();
    if (state.interrupted) {
      interrupted = true;
      break;
    }
  }

  output.log();
  const t = plainTable(["optimizer", "lr", "train loss", "held-out loss", "held-out acc"]);
  for (const r of results) {
    const last = r.epochs.at(-1);
    t.push([
      r.optimizer,
      String(r.hyperparameters.lr),
      last ? last.trainLoss.toFixed(4) : "-",
      last ? last.testLoss.toFixed(4) : "-",
      last ? percent(last.testAccuracy) : "-",
    ]);
  }
  output.log(`after ${epochsText(config.epochs)}`);
  output.log(t.toString());

  const chart = join(l.out, "optimizers.svg");
  await writeLineChart(
    chart,
    `optimizers on ${config.dataset}, ${describeArchitecture(config.architecture)}`,
    [
      {
        title: "training loss",
        x: "epoch",
        y: "cross-entropy (log scale)",
        logY: true,
        series: l.names,
        points: results.flatMap((r) =>
          r.lossCurve.map((p) => ({ series: r.optimizer, x: p.epoch, y: p.loss })),
        ),
      },
    ],
  );
  const metrics = join(l.out, "metrics.json");
  await writeFileAtomic(metrics, `${JSON.stringify({ config, results, interrupted }, null, 2)}\n`);
  output.log(`wrote ${metrics}, ${chart}`);
  return interrupted ? INTERRUPTED_EXIT : 0;
}
