/** Gradient rule of matmul: dA = dC B^T, dB = A^T dC, summed over broadcast batch dims. */
import { matmul, reshape, type Tensor, transpose, unsqueeze } from "@nn/tensor";
import type { GradRule } from "../rule.js";
import { unbroadcast } from "./util.js";

/**
 * Whether `x` (at least 2-D) is the transpose of a row-major matrix in its last two dims: a
 * `W.T` such as `linear`'s weight. Its gradient is then computed transposed, `(Y^T X^T)^T`
 * instead of `X Y`, so that the transpose's own backward hands the weight a contiguous gradient
 * and nothing is copied; each element is the same sum in the same order, so the values are
 * bit-identical.
 */
function columnMajor(x: Tensor): boolean {
  const n = x.ndim;
  return (
    n >= 2 && x.strides[n - 2] === 1 && x.strides[n - 1] === x.shape[n - 2] && x.shape[n - 1] !== 1
  );
}

/** `x @ y`, written out in the layout of `like` (transposed when `like` is column-major). */
function productLike(x: Tensor, y: Tensor, like: Tensor): Tensor {
  if (!columnMajor(like)) return matmul(x, y);
  return transpose(matmul(transpose(y, -1, -2), transpose(x, -1, -2)), -1, -2);
}

export const linalgRules: Record<string, GradRule> = {
  matmul: {
    saves: "inputs",
    backward: ({ inputs, grads, needsGrad }) => {
      const a = inputs[0] as Tensor;
      const b = inputs[1] as Tensor;
      // Work on the matrix forms: a 1-D left operand is a row [1, K], a 1-D right one a column [K, 1].
      const A = a.ndim === 1 ? unsqueeze(a, 0) : a;
      const B = b.ndim === 1 ? unsqueeze(b, -1) : b;
      const g = grads[0] as Tensor;
      const outShape = [...g.shape];
      if (a.ndim === 1) outShape.splice(outShape.length - (b.ndim === 1 ? 0 : 1), 0, 1);
      if (b.ndim === 1) outShape.push(1);
      const G = reshape(g, outShape);
      const ga = needsGrad[0]
        ? reshape(unbroadcast(productLike(G, transpose(B, -1, -2), A), A.shape, a.dtype), a.shape)
        : null;
      const gb = needsGrad[1]
        ? reshape(unbroadcast(productLike(transpose(A, -1, -2), G, B), B.shape, b.dtype), b.shape)
        : null;
      return [ga, gb];
    },
  },
};
