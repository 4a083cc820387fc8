/** PReLU: leaky ReLU with a learnable slope per channel, one fused two-input kernel. */
import {
  DTypeError,
  defineMap,
  type Expr,
  reshape,
  ShapeError,
  type Tensor,
  tidy,
} from "@nn/tensor";
import { checkInput } from "./check.js";
import { k } from "./expressions.js";

const preluMap = /* @__PURE__ */ defineMap({
  name: "prelu",
  inputs: 2,
  build: ([x, w]) => (x as Expr).gt(0).where(x as Expr, (w as Expr).mul(x as Expr)),
  derivative: ([x, w]) => {
    const pos = (x as Expr).gt(0);
    return [pos.where(k(1, x as Expr), w as Expr), pos.where(k(0, x as Expr), x as Expr)];
  },
});

/**
 * Parametric ReLU, `x` for x > 0, else `weight * x`, with `weight` one slope (0-d or 1
 * element) or one per channel (`x.shape[1]` elements, broadcast along dim 1, as PyTorch; a 1-d x
 * has one channel). Gradients: 1 or weight for x; 0 or x for the weight (summed over every
 * element it applies to). The result has x's shape and dtype. Throws DTypeError unless x and
 * weight are float tensors of one dtype, ShapeError if weight has more than 1 dim or the wrong
 * number of elements. Source: torch.nn.PReLU (He et al., 2015, arXiv:1502.01852).
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkInput("prelu", x);
  checkInput("prelu", weight, "weight");
  if (weight.dtype !== x.dtype) {
    throw new DTypeError(
      `prelu: weight is ${weight.dtype} but input is ${x.dtype}; give both the same float dtype`,
    );
  }
  if (weight.ndim > 1) {
    throw new ShapeError(
      `prelu: weight must be 0-d or 1-d, got shape [${weight.shape.join(", ")}]`,
    );
  }
  const n = weight.size;
  if (n !== 1) {
    const channels = x.ndim >= 2 ? (x.shape[1] as number) : 1;
    if (x.ndim === 0 || n !== channels) {
      throw new ShapeError(
        `prelu: weight has ${n} elements but input of shape [${x.shape.join(", ")}] has ${x.ndim === 0 ? "no channel dim" : `${channels} channel(s) (dim 1)`}; give 1 or ${channels} elements`,
      );
    }
  }
  return tidy(() => {
    const w =
      n === 1 ? reshape(weight, []) : reshape(weight, [n, ...x.shape.slice(2).map(() => 1)]);
    return preluMap.apply([x, w])[0] as Tensor;
  });
}
