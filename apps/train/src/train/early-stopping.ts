/**
 * `--early-stopping PATIENCE`, decided from the epoch records alone (as Keras's EarlyStopping on
 * val_loss with min_delta 0): the best epoch is the first with the lowest held-out loss, and
 * training stops once PATIENCE epochs have passed without a lower one. Derived from the history,
 * it needs no state of its own in the checkpoint, and a resumed run decides as the
 * uninterrupted one.
 */
import type { EpochRecord } from "../config.js";

/** Where early stopping stands after the last record. */
export interface EarlyStoppingVerdict {
  bestEpoch: number;
  bestLoss: number;
  /** Epochs since the best one. */
  badEpochs: number;
  /** The last epoch is the best so far (its checkpoint becomes the best one). */
  improved: boolean;
  stop: boolean;
}

/** The verdict for `history` (at least one record) and `patience` (>= 1). */
export function earlyStopping(
  history: readonly EpochRecord[],
  patience: number,
): EarlyStoppingVerdict | null {
  const last = history.at(-1);
  if (!last) return null;
  let best = history[0] as EpochRecord;
  for (const r of history) if (r.testLoss < best.testLoss) best = r;
  const badEpochs = last.epoch - best.epoch;
  return {
    bestEpoch: best.epoch,
    bestLoss: best.testLoss,
    badEpochs,
    improved: badEpochs === 0,
    stop: badEpochs >= patience,
  };
}

/** The line a stopped run prints. */
export function stoppedText(v: EarlyStoppingVerdict, epochs: number, bestDir: string): string {
  return `early stopping: the held-out loss has not improved for ${v.badEpochs} epoch${v.badEpochs === 1 ? "" : "s"} since epoch ${v.bestEpoch} (${v.bestLoss.toFixed(4)}); stopped after epoch ${v.bestEpoch + v.badEpochs} of ${epochs}. The best epoch's checkpoint is in ${bestDir}`;
}
