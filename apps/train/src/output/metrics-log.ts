/**
 * metrics.jsonl: one JSON object per line for every report of a run (each REPORT_EVERY steps,
 * each finished epoch, the final test), appended as the run goes so other tools can follow it
 * (`tail -f`, pandas' `read_json(lines=True)`). A resumed run appends to the same file. It is a
 * log, not a checkpoint: lines are not fsynced, and a run killed after a report but before its
 * next checkpoint repeats those steps' lines when resumed.
 */
import { appendFile } from "node:fs/promises";
import { join } from "node:path";

/** The file name inside `--out`. */
export const METRICS_LOG = "metrics.jsonl";

/**
 * One line. `kind` says which report: "step" (running training loss of the epoch so far),
 * "epoch" (a finished epoch with its validation loss and accuracy), "test" (the test set, once
 * at the end). `epoch` is 1-based, `step` counts steps within it; `elapsedSeconds` is wall time
 * since this invocation started. Accuracies are fractions in [0, 1].
 */
export interface MetricsLine {
  kind: "step" | "epoch" | "test";
  epoch: number;
  step: number;
  trainLoss?: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
  lr: number;
  elapsedSeconds: number;
}

/** Appends lines to `<dir>/metrics.jsonl` in order; `flush()` waits for every write so far. */
export class MetricsLog {
  readonly path: string;
  private readonly started = performance.now();
  private pending: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.path = join(dir, METRICS_LOG);
  }

  /** Queues `line` (elapsedSeconds is filled in); the write happens in call order. */
  append(line: Omit<MetricsLine, "elapsedSeconds">): void {
    const full: MetricsLine = {
      ...line,
      elapsedSeconds: (performance.now() - this.started) / 1000,
    };
    const text = `${JSON.stringify(full)}\n`;
    this.pending = this.pending.then(() => appendFile(this.path, text));
  }

  /** Resolves once every queued line is written; rejects with the first failed write. */
  flush(): Promise<void> {
    return this.pending;
  }
}
