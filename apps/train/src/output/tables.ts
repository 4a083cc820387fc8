/**
 * Tables (cli-table3) of the results: epochs, the held-out confusion matrix, and the lessons'
 * comparisons. No colours, so they read the same in a terminal and in a CI log.
 */
import Table from "cli-table3";
import type { EpochRecord } from "../config.js";
import { percent, rate } from "./progress.js";

/** A table without colour codes. */
export function plainTable(head: string[], align?: ("left" | "right")[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: align ?? head.map((_, i) => (i === 0 ? "left" : "right")),
  });
}

/** One row per epoch: losses, accuracies, time and throughput. */
export function epochsTable(history: readonly EpochRecord[]): string {
  const t = plainTable([
    "epoch",
    "train loss",
    "train acc",
    "held-out loss",
    "held-out acc",
    "seconds",
    "samples/s",
  ]);
  for (const r of history) {
    t.push([
      String(r.epoch),
      r.trainLoss.toFixed(4),
      percent(r.trainAccuracy),
      r.testLoss.toFixed(4),
      percent(r.testAccuracy),
      r.seconds.toFixed(1),
      rate(r.samplesPerSecond),
    ]);
  }
  return t.toString();
}

/**
 * The confusion matrix: one row per true class, one column per predicted class, and each
 * row's recall (correct / examples of that class).
 */
export function confusionTable(confusion: readonly number[][], classes: readonly string[]): string {
  const short = classes.map((c) => (c.length > 7 ? `${c.slice(0, 6)}.` : c));
  const t = plainTable(["true \\ predicted", ...short, "recall"]);
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    t.push([
      classes[i] as string,
      ...row.map(String),
      total ? percent((row[i] as number) / total) : "-",
    ]);
  });
  return t.toString();
}
