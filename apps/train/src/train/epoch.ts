/**
 * One epoch of minibatch training. Each step runs in a `tidy` scope (forward, cross-entropy,
 * backward, optimizer step), so the number of live tensors stays constant. Nothing is read back
 * per step: the summed loss and the count of correct predictions accumulate on the device, and
 * are read every `reportEvery` steps for the progress display and the loss curve. The first
 * step whose loss is not finite is tracked on the device too, and a non-finite loss at a
 * read-back stops training with a NonFiniteLossError naming that step.
 */
import { backward, noGrad } from "@nn/autograd";
import type { DataLoader } from "@nn/data";
import { crossEntropy, type Module } from "@nn/nn";
import type { Optimizer } from "@nn/optim";
import {
  add,
  argmax,
  dispose,
  eq,
  full,
  isnan,
  minimum,
  mul,
  sub,
  sum,
  type Tensor,
  tidy,
  where,
  zeros,
} from "@nn/tensor";
import { UserError } from "../errors.js";
import { seedStep } from "./seeds.js";

/** A point of the training loss curve: the mean loss of the steps since the previous point. */
export interface CurvePoint {
  /** Fractional epoch at the end of the interval (1.5 = halfway through the second epoch). */
  epoch: number;
  loss: number;
}

/** Running totals of an epoch, kept in a checkpoint so an interrupted epoch resumes exactly. */
export interface EpochTotals {
  /** Steps done in this epoch. */
  step: number;
  /** Examples seen, summed loss (mean loss times batch size) and correct predictions. */
  seen: number;
  lossSum: number;
  correct: number;
  /** Loss curve points of this epoch so far. */
  curve: CurvePoint[];
}

/** What the progress display gets every `reportEvery` steps and at the end. */
export interface StepReport extends EpochTotals {
  steps: number;
  /** Mean loss and accuracy of the epoch so far. */
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
}

/**
 * Training diverged: a loss read back was NaN or infinite, the training loss at a step or (with
 * `step` null) the held-out loss after an epoch whose training loss was finite.
 */
export class NonFiniteLossError extends UserError {
  static override readonly kind = "NonFiniteLossError";

  constructor(
    readonly epoch: number,
    readonly step: number | null,
    readonly loss: number,
    lr: unknown,
  ) {
    const where =
      step === null
        ? `the held-out loss became ${loss} after epoch ${epoch} (the model's outputs overflow on held-out examples)`
        : `the loss became ${loss} at epoch ${epoch}, step ${step}`;
    super(
      `training diverged: ${where}; try a lower --lr (this run's: ${String(lr)}) or another --optimizer (adam adapts its steps)`,
    );
  }
}

/** What `trainEpoch` needs. */
export interface EpochOptions {
  model: Module;
  optimizer: Optimizer;
  loader: DataLoader<Tensor[]>;
  /** Epoch number from 0; the loader's shuffle and the step seeds depend on it. */
  epoch: number;
  seed: number;
  /** Totals of the part of this epoch done before a resume (start at `totals.step`). */
  totals?: EpochTotals;
  /** Read back and report every this many steps (and after the last). */
  reportEvery: number;
  onReport?: (r: StepReport) => void;
  /** After every optimizer step (a per-batch lr schedule). */
  onStep?: () => void;
  /** Checked after every step: true stops the epoch there (Ctrl-C). */
  shouldStop?: () => boolean;
}

/** The result: the totals, whether the epoch ran to its end, and its time. */
export interface EpochResult extends EpochTotals {
  completed: boolean;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Trains `model` for one epoch (or its remainder after a resume). Batches before
 * `totals.step` are skipped without training, so a resumed epoch sees the same batches as the
 * uninterrupted run.
 */
export async function trainEpoch(o: EpochOptions): Promise<EpochResult> {
  const t: EpochTotals = o.totals
    ? { ...o.totals, curve: [...o.totals.curve] }
    : { step: 0, seen: 0, lossSum: 0, correct: 0, curve: [] };
  const skip = t.step;
  const steps = o.loader.length;
  const backend = o.model.parameters()[0]?.backend;
  let lossAcc = zeros([], { backend });
  let correctAcc = zeros([], { dtype: "int32", backend });
  // The first step (from 1) of this session whose loss was not finite; Infinity while none was.
  let firstBad = full([], Number.POSITIVE_INFINITY, { backend });
  let sessionSeen = 0;
  let read = { seen: 0, lossSum: 0 };
  const start = performance.now();
  let completed = true;
  o.model.train();
  o.loader.epoch = o.epoch;

  const report = async (): Promise<void> => {
    const lossSum = t.lossSum + Number(await lossAcc.item());
    if (!Number.isFinite(lossSum)) {
      const step = Number(await firstBad.item());
      throw new NonFiniteLossError(o.epoch + 1, step, lossSum, o.optimizer.paramGroups[0]?.lr);
    }
    const correct = t.correct + Number(await correctAcc.item());
    const seen = t.seen + sessionSeen;
    if (seen > read.seen) {
      t.curve.push({
        epoch: o.epoch + t.step / steps,
        loss: (lossSum - read.lossSum) / (seen - read.seen),
      });
    }
    read = { seen, lossSum };
    const seconds = (performance.now() - start) / 1000;
    o.onReport?.({
      ...t,
      seen,
      lossSum,
      correct,
      steps,
      loss: seen ? lossSum / seen : Number.NaN,
      accuracy: seen ? correct / seen : Number.NaN,
      samplesPerSecond: seconds > 0 ? sessionSeen / seconds : 0,
    });
  };
  read = { seen: t.seen, lossSum: t.lossSum };

  try {
    let index = 0;
    for await (const batch of o.loader) {
      const [xb, yb] = batch as [Tensor, Tensor];
      if (index++ < skip) {
        dispose(batch);
        continue;
      }
      seedStep(o.seed, o.epoch, t.step);
      const stepNumber = t.step + 1;
      const [nextLoss, nextCorrect, nextBad] = tidy(() => {
        const logits = o.model.forward(xb);
        const loss = crossEntropy(logits, yb);
        o.optimizer.zeroGrad();
        backward(loss);
        o.optimizer.step();
        return noGrad(() => [
          add(lossAcc, mul(loss, xb.shape[0] as number)),
          add(correctAcc, sum(eq(argmax(logits, 1), yb))),
          // x - x is NaN exactly when x is NaN or infinite.
          minimum(firstBad, where(isnan(sub(loss, loss)), stepNumber, Number.POSITIVE_INFINITY)),
        ]);
      }) as [Tensor, Tensor, Tensor];
      dispose([lossAcc, correctAcc, firstBad, xb, yb]);
      lossAcc = nextLoss;
      correctAcc = nextCorrect;
      firstBad = nextBad;
      sessionSeen += xb.shape[0] as number;
      t.step++;
      o.onStep?.();
      const stop = o.shouldStop?.() ?? false;
      // The run's first step is reported too, so the loss curve starts where training does.
      const first = o.epoch === 0 && t.step === 1;
      if (t.step % o.reportEvery === 0 || t.step === steps || stop || first) {
        await report();
        // On the CPU every await above resolves at once; yielding a macrotask lets Ctrl-C in.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (stop && t.step < steps) {
        completed = false;
        break;
      }
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      step: t.step,
      seen: t.seen + sessionSeen,
      lossSum: t.lossSum + Number(await lossAcc.item()),
      correct: t.correct + Number(await correctAcc.item()),
      curve: t.curve,
      completed,
      seconds,
      samplesPerSecond: seconds > 0 ? sessionSeen / seconds : 0,
    } satisfies EpochResult;
  } finally {
    dispose([lossAcc, correctAcc, firstBad]);
  }
}
