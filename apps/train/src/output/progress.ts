/**
 * Progress of an epoch: a live bar (cli-progress) with loss, accuracy and samples/s when the
 * output is a terminal; otherwise (CI logs, pipes, --quiet) nothing while it runs and one plain
 * line per epoch, which keeps logs readable.
 */
import { SingleBar } from "cli-progress";
import type { StepReport } from "../train/epoch.js";
import type { Output } from "./console.js";

/** Formats a fraction as a percentage with two decimals: 0.9532 -> "95.32%". */
export function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Formats a count per second: 2712.4 -> "2,712". */
export function rate(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

/** "1 epoch", "3 epochs". */
export function epochsText(n: number): string {
  return `${n} epoch${n === 1 ? "" : "s"}`;
}

/** One epoch's display. */
export interface EpochProgress {
  update(r: StepReport): void;
  stop(): void;
}

/** A bar for epoch `epoch` (from 1) of `epochs`, over `steps` batches; `label` prefixes it. */
export function epochProgress(
  out: Output,
  label: string,
  epoch: number,
  epochs: number,
  steps: number,
  startStep = 0,
): EpochProgress {
  if (!out.interactive) return { update() {}, stop() {} };
  const width = String(epochs).length;
  const bar = new SingleBar({
    stream: out.barStream,
    format: `${label}epoch ${String(epoch).padStart(width)}/${epochs} {bar} {percentage}% | loss {loss} | acc {acc} | {rate} samples/s | ETA {eta}s`,
    barCompleteChar: "\u2588",
    barIncompleteChar: "\u2591",
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
    noTTYOutput: false,
  });
  bar.start(steps, startStep, { loss: "-", acc: "-", rate: "-" });
  return {
    update(r) {
      bar.update(r.step, {
        loss: r.loss.toFixed(4),
        acc: percent(r.accuracy),
        rate: rate(r.samplesPerSecond),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
