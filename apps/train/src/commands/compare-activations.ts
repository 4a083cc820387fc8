/**
 * Lesson: activations in a deep MLP (`--compare activation=sigmoid,tanh,relu,leakyRelu
 * --depth 10`). The same architecture, seed and optimizer with each activation; prints the
 * gradient norm of every layer's weight at initialisation and after the first epoch, then the
 * final accuracies; writes a chart (gradient norms by layer, held-out accuracy by epoch) and
 * metrics.json.
 */

import { join } from "node:path";
import { writeFileAtomic } from "@nn/nn/node";
import { manualSeed, narrow } from "@nn/tensor";
import { buildOptimizer, formatHyperparameters, hyperparameters } from "../choices/optimizers.js";
import type { EpochRecord, RunConfig } from "../config.js";
import { layerGradNorms } from "../lessons/grad-norms.js";
import { buildMlp, describeArchitecture } from "../model.js";
import { type Panel, writeLineChart } from "../output/chart.js";
import type { Output } from "../output/console.js";
import { makeOutputDir } from "../output/files.js";
import { epochsText, percent } from "../output/progress.js";
import { plainTable } from "../output/tables.js";
import type { CurvePoint } from "../train/epoch.js";
import { runEpochs } from "../train/epochs.js";
import { setUp } from "./setup.js";
import { INTERRUPTED_EXIT } from "./train.js";

/** Examples of the fixed batch the gradient norms are measured on. */
export const PROBE_SIZE = 256;

/** One activation's results. */
export interface ActivationResult {
  activation: string;
  gradNormsInit: number[];
  gradNormsEpoch1: number[] | null;
  epochs: EpochRecord[];
  lossCurve: CurvePoint[];
}

/** What the lesson needs. */
export interface ActivationLesson {
  config: RunConfig;
  names: string[];
  out: string;
  output: Output;
  signal: AbortSignal;
}

/** A norm in scientific notation with 2 significant digits: 1.2e-5. */
function sci(x: number): string {
  return x === 0 ? "0" : x.toExponential(1);
}

function normsTable(
  results: readonly ActivationResult[],
  pick: (r: ActivationResult) => number[] | null,
  layers: string[],
): string {
  const t = plainTable(["layer", ...results.map((r) => r.activation)]);
  layers.forEach((name, i) => {
    t.push([
      name,
      ...results.map((r) => {
        const v = pick(r)?.[i];
        return v === undefined ? "-" : sci(v);
      }),
    ]);
  });
  return t.toString();
}

/** Runs the lesson; resolves to the exit code. */
export async function runActivationComparison(l: ActivationLesson): Promise<number> {
  const { config, output } = l;
  await makeOutputDir(l.out);
  const { device, data, classes } = await setUp(config, output);
  const n = Math.min(PROBE_SIZE, data.train.x.shape[0] as number);
  // On the device even where the training data stays on the CPU (data/prepare.ts).
  const probeX = await narrow(data.train.x, 0, 0, n).to(device);
  const probeY = await narrow(data.train.y, 0, 0, n).to(device);
  const widths = [
    config.architecture.inputs,
    ...config.architecture.hidden,
    config.architecture.classes,
  ];
  const layers = widths.slice(1).map((w, i) => `${i + 1} (${widths[i]}->${w})`);
  output.log(
    `lesson   the same ${describeArchitecture({ ...config.architecture, activation: "<activation>" })} MLP (${config.architecture.hidden.length} hidden layers) with each of ${l.names.join(", ")}`,
  );
  output.log(
    `         ${config.optimizer}, ${epochsText(config.epochs)}, batch ${config.batchSize}, seed ${config.seed}; gradient norms on the first ${probeX.shape[0]} training examples`,
  );
  output.log();

  const results: ActivationResult[] = [];
  let interrupted = false;
  for (const activation of l.names) {
    manualSeed(config.seed);
    const arch = { ...config.architecture, activation };
    const model = buildMlp(arch);
    const optimizer = buildOptimizer(config.optimizer, model.parameters(), config.lr);
    if (results.length === 0)
      output.log(
        `optim    ${config.optimizer}: ${formatHyperparameters(hyperparameters(optimizer))}\n`,
      );
    const result: ActivationResult = {
      activation,
      gradNormsInit: await layerGradNorms(model, probeX, probeY),
      gradNormsEpoch1: null,
      epochs: [],
      lossCurve: [],
    };
    results.push(result);
    const common = {
      model,
      optimizer,
      train: data.train,
      val: data.val,
      classes: classes.length,
      batchSize: config.batchSize,
      seed: config.seed,
      output,
      label: activation.padEnd(Math.max(...l.names.map((n) => n.length))),
      signal: l.signal,
    };
    let state = await runEpochs({ ...common, epochs: config.epochs, until: 1 });
    if (!state.interrupted) {
      result.gradNormsEpoch1 = await layerGradNorms(model, probeX, probeY);
      state = await runEpochs({
        ...common,
        epochs: config.epochs,
        epochsDone: 1,
        history: state.history,
        curve: state.curve,
      });
    }
    result.epochs = state.history;
    result.lossCurve = state.curve;
    model.dispose();
    optimizer.disposeState();
    if (state.interrupted) {
      interrupted = true;
      break;
    }
  }

  output.log();
  output.log(
    "gradient norm ||dL/dW|| of each layer's weight at initialisation (layer 1 is next to the input)",
  );
  output.log(normsTable(results, (r) => r.gradNormsInit, layers));
  output.log("... and after the first epoch");
  output.log(normsTable(results, (r) => r.gradNormsEpoch1, layers));
  const final = plainTable([
    "activation",
    "first/last layer grad norm at init",
    "train loss",
    "held-out acc",
  ]);
  for (const r of results) {
    const last = r.epochs.at(-1);
    const ratio = (r.gradNormsInit[0] as number) / (r.gradNormsInit.at(-1) as number);
    final.push([
      r.activation,
      sci(ratio),
      last ? last.trainLoss.toFixed(4) : "-",
      last ? percent(last.testAccuracy) : "-",
    ]);
  }
  output.log(`after ${epochsText(config.epochs)}`);
  output.log(final.toString());

  const panels: Panel[] = [
    {
      title: "gradient norm by layer at initialisation",
      x: "layer (1 = next to the input)",
      y: "||dL/dW||",
      logY: true,
      series: l.names,
      points: results.flatMap((r) =>
        r.gradNormsInit.map((y, i) => ({ series: r.activation, x: i + 1, y })),
      ),
    },
    {
      title: "held-out accuracy",
      series: l.names,
      x: "epoch",
      y: "accuracy",
      percent: true,
      points: results.flatMap((r) =>
        r.epochs.map((e) => ({ series: r.activation, x: e.epoch, y: e.testAccuracy })),
      ),
    },
  ];
  const chart = join(l.out, "activations.svg");
  await writeLineChart(
    chart,
    `activations in a ${config.architecture.hidden.length}-hidden-layer MLP (${config.dataset})`,
    panels,
  );
  const metrics = join(l.out, "metrics.json");
  await writeFileAtomic(
    metrics,
    `${JSON.stringify({ config, layers, results, interrupted }, null, 2)}\n`,
  );
  output.log(`wrote ${metrics}, ${chart}`);
  return interrupted ? INTERRUPTED_EXIT : 0;
}
