/**
 * Held-out evaluation: mean cross-entropy, accuracy and the confusion matrix, computed on the
 * device in chunks (no gradients, evaluation mode) and read back once.
 */
import { noGrad } from "@nn/autograd";
import { crossEntropy, type Module } from "@nn/nn";
import {
  add,
  argmax,
  dispose,
  mul,
  narrow,
  oneHot,
  sum,
  type Tensor,
  tidy,
  zeros,
} from "@nn/tensor";
import type { Examples } from "../data/sources.js";

/** Held-out results. `confusion[t][p]` counts examples of class t predicted as p. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  confusion: number[][];
}

/** Examples per forward pass. */
const CHUNK = 1000;

/**
 * Evaluates `model` on `data` (standardised images `[N, 784]`, labels `[N]`) for `classes`
 * classes. Puts the model in evaluation mode and back in training mode afterwards.
 */
export async function evaluate(
  model: Module,
  data: Examples,
  classes: number,
): Promise<Evaluation> {
  const n = data.x.shape[0] as number;
  const backend = data.x.backend;
  let lossSum = zeros([], { backend });
  let counts = zeros([classes * classes], { dtype: "int32", backend });
  model.eval();
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      const [nextLoss, nextCounts] = noGrad(() =>
        tidy(() => {
          const y = narrow(data.y, 0, start, len);
          const logits = model.forward(narrow(data.x, 0, start, len));
          const loss = crossEntropy(logits, y, { reduction: "sum" });
          // Cell (t, p) of the flattened matrix is t * classes + p.
          const cell = add(mul(y, classes), argmax(logits, 1));
          return [add(lossSum, loss), add(counts, sum(oneHot(cell, classes * classes), 0))];
        }),
      ) as [Tensor, Tensor];
      dispose([lossSum, counts]);
      lossSum = nextLoss;
      counts = nextCounts;
    }
    const flat = Array.from(await counts.data(), Number);
    const loss = (await lossSum.item()) / n;
    const confusion = Array.from({ length: classes }, (_, t) =>
      flat.slice(t * classes, (t + 1) * classes),
    );
    const correct = confusion.reduce((s, row, t) => s + (row[t] as number), 0);
    return { loss, accuracy: n ? correct / n : Number.NaN, confusion };
  } finally {
    dispose([lossSum, counts]);
    model.train();
  }
}
