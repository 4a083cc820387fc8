/** PyTorch's `reduction` option, shared by every loss. */
import { mean, ShapeError, sum, type Tensor, ValueError } from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";

/** How a loss combines its elementwise values: their mean (default), their sum, or none (the values). */
export type Reduction = "mean" | "sum" | "none";

/**
 * A loss's `reduction` option (default "mean") after checking that `options` is an options
 * object: a plain-JavaScript slip such as `mseLoss(x, y, "sum")` is a ValueError, not a silent
 * mean. Throws ValueError naming `op` for `options` that is not an object.
 */
export function reductionOf<O extends { reduction?: string }>(
  op: string,
  options: O,
): NonNullable<O["reduction"]> | "mean" {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    const got = typeof options === "string" ? JSON.stringify(options) : String(options);
    throw new ValueError(
      `${op}: options must be an object such as { reduction: "sum" }, got ${Array.isArray(options) ? "a list" : got}`,
    );
  }
  return options.reduction ?? "mean";
}

/** Throws ValueError unless `reduction` is one of `valid`. */
export function checkReduction(
  op: string,
  reduction: string,
  valid: readonly string[] = ["mean", "sum", "none"],
): void {
  if (!valid.includes(reduction)) {
    throw new ValueError(
      `${op}: reduction ${JSON.stringify(reduction)} is not valid; use ${valid.map((v) => `"${v}"`).join(", ")}`,
    );
  }
}

/** Applies `reduction` to elementwise losses; the input is disposed when a new tensor results. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  const out = reduction === "sum" ? sum(loss) : mean(loss);
  loss.dispose();
  return out;
}

/** ShapeError unless `target` has `input`'s shape (nn does not broadcast a loss's operands). */
export function checkSameShape(op: string, input: Tensor, target: Tensor, what = "target"): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: ${what} shape ${fmt(target.shape)} must equal the input shape ${fmt(input.shape)} (PyTorch would broadcast with a warning; nn refuses)`,
    );
  }
}
