/**
 * Gradient clipping, as PyTorch's `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`,
 * computed entirely with tensor ops: nothing is read back, so it never waits on a GPU.
 */
import {
  add,
  clamp,
  defineMap,
  div,
  isFloating,
  isTensor,
  noGrad,
  stack,
  type Tensor,
  tidy,
  ValueError,
  vectorNorm,
  zeros,
} from "@nn/tensor";

// g = g * coef, coef a 0-d tensor (any float dtype) broadcast over g.
const scaleGrad = /* @__PURE__ */ defineMap({
  name: "clipGradNorm",
  inputs: 2,
  build: ([g, coef]) => g.mul(coef.cast(g.dtype)),
});

// g = min(max(g, -c), c), NaN kept (as torch.clamp).
const clampGrad = /* @__PURE__ */ defineMap({
  name: "clipGradValue",
  inputs: 1,
  params: 1,
  build: ([g], [c]) => {
    const lo = g.lt(c.neg()).where(c.neg(), g);
    return lo.gt(c).where(c, lo);
  },
});

function gradsOf(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  if (
    !isTensor(params) &&
    (typeof params !== "object" || params === null || !(Symbol.iterator in params))
  ) {
    throw new ValueError(
      `${op}: params must be a tensor or a list of tensors (e.g. model.parameters()), got ${String(params)}`,
    );
  }
  const list = isTensor(params) ? [params] : [...params];
  list.forEach((p, i) => {
    if (!isTensor(p)) throw new ValueError(`${op}: params[${i}] is not a tensor`);
  });
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

/**
 * Scales the gradients of `params` in place so that their joint `normType`-norm (default 2;
 * any p > 0 or Infinity) is at most `maxNorm`: each gradient is multiplied by
 * min(1, maxNorm / (norm + 1e-6)). Returns the norm before clipping as a 0-d tensor (the
 * caller owns it), computed without reading anything back. Parameters without `.grad` are
 * ignored; with none, returns a 0-d float32 zero. Throws ValueError for a negative or NaN
 * maxNorm or a normType that is not > 0.
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
): Tensor {
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new ValueError(`clipGradNorm: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  }
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new ValueError(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}`);
  }
  const grads = gradsOf("clipGradNorm", params);
  if (grads.length === 0) return zeros([]);
  return noGrad(() =>
    tidy(() => {
      // A non-float gradient (assigned by hand) is measured in float32, as the float ops did.
      const norms = stack(
        grads.map((g) =>
          vectorNorm(g, normType, null, false, isFloating(g.dtype) ? {} : { dtype: "float32" }),
        ),
      );
      const total = vectorNorm(norms, normType);
      const coef = clamp(div(maxNorm, add(total, 1e-6)), null, 1);
      for (const g of grads) scaleGrad.applyInto([g], [g, coef]);
      return total;
    }),
  );
}

/**
 * Clamps the gradients of `params` in place to [-clipValue, clipValue] (NaN stays NaN).
 * Parameters without `.grad` are ignored. Throws ValueError for a negative or NaN clipValue.
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new ValueError(`clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  }
  noGrad(() => {
    for (const g of gradsOf("clipGradValue", params)) clampGrad.applyInto([g], [g], [clipValue]);
  });
}
