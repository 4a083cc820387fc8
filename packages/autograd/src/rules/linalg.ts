/** Gradient rule of matmul: dA = dC B^T, dB = A^T dC, summed over broadcast batch dims. */
import { matmul, reshape, type Tensor, transpose, unsqueeze } from "@nn/tensor";
import type { GradRule } from "../rule.js";
import { unbroadcast } from "./util.js";

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
        ? reshape(unbroadcast(matmul(G, transpose(B, -1, -2)), A.shape, a.dtype), a.shape)
        : null;
      const gb = needsGrad[1]
        ? reshape(unbroadcast(matmul(transpose(A, -1, -2), G), B.shape, b.dtype), b.shape)
        : null;
      return [ga, gb];
    },
  },
};
