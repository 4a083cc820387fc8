/** Kullback–Leibler divergence (torch.nn.functional.kl_div). */

import { defineMap, div, mean, sum, type Tensor } from "@nn/tensor";
import { reductionOf } from "./reduction.js";
import { checkPair } from "./regression.js";

// target * (log(target) - input), 0 where target is 0 (xlogy's convention).
const klPoint = /* @__PURE__ */ defineMap({
  name: "klDiv",
  inputs: 2,
  build: ([x, t]) => t!.eq(0).where(0, t!.mul(t!.log())).sub(t!.mul(x!)),
});

// exp(target) * (target - input): the target given as log-probabilities.
const klPointLog = /* @__PURE__ */ defineMap({
  name: "klDivLogTarget",
  inputs: 2,
  build: ([x, t]) => t!.exp().mul(t!.sub(x!)),
});

/** Options of klDiv. */
export interface KLDivOptions {
  /**
   * "mean" (default: over every element, as PyTorch, which warns that it is not the KL
   * divergence), "batchmean" (sum / batch size: the true KL divergence per sample), "sum" or "none".
   */
  reduction?: "mean" | "batchmean" | "sum" | "none";
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * KL divergence `sum target * (log target - input)` between log-probabilities `input` and a
 * target distribution of the same shape (probabilities, or log-probabilities with `logTarget`).
 * Where the target is 0 the term is 0. Float inputs; ShapeError for differing shapes.
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const reduction = reductionOf("klDiv", options);
  checkPair("klDiv", input, target, reduction === "batchmean" ? "mean" : reduction);
  const loss = (
    (options.logTarget ? klPointLog : klPoint).apply([input, target]) as Tensor[]
  )[0] as Tensor;
  if (reduction === "none") return loss;
  let out: Tensor;
  if (reduction === "sum") out = sum(loss);
  else if (reduction === "mean") out = mean(loss);
  else {
    const total = sum(loss);
    out = div(total, input.ndim > 0 ? (input.shape[0] as number) : 1);
    total.dispose();
  }
  loss.dispose();
  return out;
}
