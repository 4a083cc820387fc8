/**
 * Classification losses (torch.nn.functional): nllLoss on log-probabilities and crossEntropy on
 * logits, with class-index targets (int32) or class-probability targets, per-class weights,
 * ignoreIndex and label smoothing.
 */

import { logSoftmax } from "@nn/activations";
import {
  add,
  cast,
  type DType,
  DTypeError,
  div,
  eq,
  gather,
  IndexError,
  indexSelect,
  isFloating,
  mul,
  neg,
  reshape,
  ShapeError,
  squeeze,
  sum,
  type Tensor,
  tidy,
  unsqueeze,
  ValueError,
  where,
} from "@nn/tensor";
import { dtypeOriginHint, fmt } from "@nn/tensor/internal";
import { checkReduction, type Reduction, reductionOf } from "./reduction.js";

/** Options of nllLoss (and of crossEntropy with class-index targets). */
export interface NLLOptions {
  /** A rescaling weight per class, `[C]`. */
  weight?: Tensor | null;
  /** A target value that is ignored (contributes no loss or gradient). Default -100, as PyTorch. */
  ignoreIndex?: number;
  /** "mean" (default: the weighted mean over non-ignored targets), "sum" or "none". */
  reduction?: Reduction;
}

/** The class dim (1, or 0 for a 1-D input) and the class count, after checking the shapes. */
function classLayout(
  op: string,
  input: Tensor,
  target: Tensor,
  indices: boolean,
): { dim: number; c: number } {
  if (!isFloating(input.dtype))
    throw new DTypeError(
      `${op}: input must be float32 or float64, got ${input.dtype}${dtypeOriginHint(input.dtype)}`,
    );
  if (input.ndim === 0)
    throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  const dim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[dim] as number;
  const indexShape = input.shape.filter((_, i) => i !== dim);
  const expected = indices ? indexShape : [...input.shape];
  const fits = (shape: readonly number[]) =>
    target.ndim === shape.length && target.shape.every((d, i) => d === shape[i]);
  // A float target shaped like class indices is almost always `tensor([1, 2])` meant as indices.
  if (!indices && !fits(expected) && fits(indexShape)) {
    throw new DTypeError(
      `${op}: target ${fmt(target.shape)} has the shape of class indices but dtype ${target.dtype}; class indices must be int32${dtypeOriginHint(target.dtype)}`,
    );
  }
  if (!fits(expected)) {
    throw new ShapeError(
      `${op}: target ${fmt(target.shape)} does not fit input ${fmt(input.shape)}: expected ${indices ? "class indices of" : "class probabilities of"} shape ${fmt(expected)}`,
    );
  }
  return { dim, c };
}

function checkWeight(op: string, weight: Tensor | null | undefined, c: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== c)) {
    throw new ShapeError(
      `${op}: weight ${fmt(weight.shape)} must have one element per class, [${c}]`,
    );
  }
}

/**
 * Picks `input[.., target, ..]` along `dim` (a gather). An out-of-range target raises IndexError
 * naming it (CPU; a GPU backend cannot check without reading back, and may pick 0).
 */
function pick(
  op: string,
  input: Tensor,
  dim: number,
  target: Tensor,
  c: number,
  ignoreIndex: number,
): Tensor {
  try {
    return squeeze(gather(input, dim, unsqueeze(target, dim)), dim);
  } catch (e) {
    if (e instanceof Error && e.name === "IndexError") {
      const bad = /index (-?\d+)/.exec(e.message)?.[1] ?? "?";
      throw new IndexError(
        `${op}: target ${bad} is out of bounds: class indices must be in [0, ${c}) for ${c} classes (or equal ignoreIndex ${ignoreIndex})`,
      );
    }
    throw e;
  }
}

/**
 * Negative log-likelihood (torch.nn.functional.nll_loss): `-weight[t] * input[n, t]` for
 * log-probabilities `input` `[N, C]`, `[N, C, d1, ...]` or `[C]` and int32 class indices `target`
 * `[N]`, `[N, d1, ...]` or `[]`. "mean" divides by the summed weights of the non-ignored targets
 * (NaN when all are ignored, as PyTorch). IndexError naming the target for an index outside
 * `[0, C)` (other than ignoreIndex); DTypeError for a non-int32 target. An ignored target adds
 * exactly 0 and gets no gradient (so all ignored gives a NaN loss but zero gradients, as PyTorch).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  return nll("nllLoss", input, target, options);
}

/** nllLoss reporting errors as `op` (crossEntropy runs it on its log-softmax). */
function nll(op: string, input: Tensor, target: Tensor, options: NLLOptions): Tensor {
  const reduction = reductionOf(op, options);
  checkReduction(op, reduction);
  if (target.dtype !== "int32") {
    throw new DTypeError(
      `${op}: target must hold int32 class indices, got ${target.dtype}${dtypeOriginHint(target.dtype)}; for class probabilities use crossEntropy`,
    );
  }
  const { dim, c } = classLayout(op, input, target, true);
  checkWeight(op, options.weight, c);
  const ignoreIndex = options.ignoreIndex ?? -100;
  return tidy(() => {
    const ignored = eq(target, ignoreIndex);
    const safe = where(ignored, 0, target);
    const picked = pick(op, input, dim, safe, c, ignoreIndex);
    const w = targetWeights(options.weight, safe, input.dtype);
    // An ignored target is selected away, not multiplied by 0: its loss is exactly 0 and it
    // sends no gradient back, even where its log-probability is -inf or NaN (as PyTorch).
    const loss = where(ignored, 0, neg(w ? mul(picked, w) : picked));
    if (reduction === "none") return loss;
    if (reduction === "sum") return sum(loss);
    return div(sum(loss), sum(where(ignored, 0, w ?? 1)));
  });
}

/**
 * `weight[t]` for each (non-ignored, made safe) target `t`, in the target's shape; null without
 * a weight.
 */
function targetWeights(
  weight: Tensor | null | undefined,
  safe: Tensor,
  dtype: DType,
): Tensor | null {
  if (!weight) return null;
  const w = reshape(indexSelect(weight, 0, reshape(safe, [safe.size])), safe.shape);
  return w.dtype === dtype ? w : cast(w, dtype);
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends NLLOptions {
  /**
   * Mixes the target with the uniform distribution: `(1 - s) * target + s / C` (Szegedy et al.
   * 2016, "Rethinking the Inception Architecture"). In [0, 1]; default 0.
   */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits and targets (torch.nn.functional.cross_entropy), through a stable
 * log-softmax over the class dim (dim 1, or 0 for a 1-D input):
 * - int32 class indices `target` (`[N]`, `[N, d1, ...]` or `[]`): as `nllLoss(logSoftmax(input))`,
 *   with `weight` and `ignoreIndex`; with `labelSmoothing` s, `(1 - s) * nll + s / C * smooth`
 *   where smooth is `-sum_c weight[c] logp[c]` (PyTorch's formula, reduced the same way).
 * - float class probabilities `target` of `input`'s shape: `-sum_c weight[c] target[c] logp[c]`,
 *   "mean" dividing by the number of samples (ignoreIndex does not apply).
 * IndexError naming an out-of-range class index (checked on the CPU; a GPU cannot check without
 * reading back); ShapeError for shapes that do not fit; ValueError for labelSmoothing outside [0, 1].
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const reduction = reductionOf("crossEntropy", options);
  checkReduction("crossEntropy", reduction);
  const s = options.labelSmoothing ?? 0;
  if (!(s >= 0 && s <= 1))
    throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${s}`);
  const indices = !isFloating(target.dtype);
  if (indices && target.dtype !== "int32") {
    throw new DTypeError(
      `crossEntropy: target must be int32 class indices or float class probabilities, got ${target.dtype}${dtypeOriginHint(target.dtype)}`,
    );
  }
  const { dim, c } = classLayout("crossEntropy", input, target, indices);
  checkWeight("crossEntropy", options.weight, c);
  // The weight broadcast along the class dim: [C] or [C, 1, ...].
  const classWeight = () =>
    options.weight && input.ndim > 2
      ? reshape(options.weight, [c, ...Array<number>(input.ndim - 2).fill(1)])
      : (options.weight ?? null);
  return tidy(() => {
    const logp = logSoftmax(input, dim);
    if (!indices) {
      const t = s > 0 ? add(mul(target, 1 - s), s / c) : target;
      const w = classWeight();
      const terms = w ? mul(mul(logp, t), w) : mul(logp, t);
      const loss = neg(sum(terms, dim));
      if (reduction === "none") return loss;
      if (reduction === "sum") return sum(loss);
      return div(sum(loss), input.size / Math.max(c, 1));
    }
    const ignoreIndex = options.ignoreIndex ?? -100;
    const nllTerm = nll("crossEntropy", logp, target, {
      weight: options.weight,
      ignoreIndex,
      reduction,
    });
    if (s === 0) return nllTerm;
    const w = classWeight();
    const ignored = eq(target, ignoreIndex);
    const smooth = where(ignored, 0, neg(sum(w ? mul(logp, w) : logp, dim)));
    let smoothReduced: Tensor;
    if (reduction === "none") smoothReduced = smooth;
    else if (reduction === "sum") smoothReduced = sum(smooth);
    else {
      // Divided like the nll term: by the summed weights (or the count) of non-ignored targets.
      const safe = where(ignored, 0, target);
      const w = targetWeights(options.weight, safe, input.dtype);
      smoothReduced = div(sum(smooth), sum(where(ignored, 0, w ?? 1)));
    }
    return add(mul(nllTerm, 1 - s), mul(smoothReduced, s / c));
  });
}
