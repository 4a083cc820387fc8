import { NNError } from "@nn/tensor";

/**
 * A backward that cannot run: a non-scalar output without a gradient, a graph already freed,
 * a saved tensor modified in place, an op with no gradient rule.
 */
export class GradientError extends NNError {
  static override readonly kind = "GradientError";
  override name = "GradientError";
}
