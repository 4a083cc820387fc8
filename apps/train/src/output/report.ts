/** The files and tables at the end of a training run: metrics.json, curves.svg, the tables. */

import { join } from "node:path";
import { writeFileAtomic } from "@nn/nn/node";
import type { EpochRecord, RunConfig } from "../config.js";
import type { CurvePoint } from "../train/epoch.js";
import type { Evaluation } from "../train/evaluate.js";
import { type Panel, writeLineChart } from "./chart.js";

/** metrics.json. Accuracies are fractions in [0, 1]. */
export interface Metrics {
  config: RunConfig;
  hyperparameters: Record<string, unknown>;
  parameters: number;
  standardisation: { mean: number; std: number };
  epochs: EpochRecord[];
  /** Training loss every few steps (see REPORT_EVERY). */
  lossCurve: CurvePoint[];
  /** The last held-out (validation) evaluation. */
  final: (Evaluation & { classes: readonly string[] }) | null;
  /** The data set's test set, evaluated once at the end (null: none, or the run was interrupted). */
  test: Evaluation | null;
  /** Wall time of this invocation (data loading included) and of its training steps. */
  wallSeconds: number;
  trainSeconds: number;
  samplesPerSecond: number;
  interrupted: boolean;
  /** Set when --early-stopping ended the run before its last epoch. */
  earlyStopping: { bestEpoch: number; bestLoss: number; stoppedAfter: number } | null;
}

/** Writes metrics.json into `dir`. */
export async function writeMetrics(dir: string, metrics: Metrics): Promise<string> {
  const path = join(dir, "metrics.json");
  await writeFileAtomic(path, `${JSON.stringify(metrics, null, 2)}\n`);
  return path;
}

/** The loss and accuracy panels of a run. */
export function curvePanels(
  history: readonly EpochRecord[],
  curve: readonly CurvePoint[],
): Panel[] {
  return [
    {
      title: "loss",
      x: "epoch",
      y: "cross-entropy",
      points: [
        ...curve.map((p) => ({ series: "train (running)", x: p.epoch, y: p.loss })),
        ...history.map((r) => ({ series: "held-out", x: r.epoch, y: r.testLoss })),
      ],
    },
    {
      title: "accuracy",
      x: "epoch",
      y: "accuracy",
      percent: true,
      points: [
        ...history.map((r) => ({ series: "train", x: r.epoch, y: r.trainAccuracy })),
        ...history.map((r) => ({ series: "held-out", x: r.epoch, y: r.testAccuracy })),
      ],
    },
  ];
}

/** Writes curves.svg into `dir`. */
export async function writeCurves(
  dir: string,
  title: string,
  history: readonly EpochRecord[],
  curve: readonly CurvePoint[],
): Promise<string> {
  const path = join(dir, "curves.svg");
  await writeLineChart(path, title, curvePanels(history, curve));
  return path;
}
