/** Gradient rules of the reductions (sum, prod, amax/amin with ties split evenly, logsumexp). */
import { div, eq, exp, expand, mul, prod, sub, sum, type Tensor, where } from "@nn/tensor";
import type { GradRule } from "../registry.js";
import { keepDims } from "./util.js";

type Attrs = { dims: number[]; keepdim: boolean };

function spread(g: Tensor, x: Tensor, attrs: Attrs): Tensor {
  return expand(keepDims(g, x.shape, attrs.dims, attrs.keepdim), x.shape);
}

/** amax/amin: the gradient goes to the elements equal to the result, split evenly among ties. */
const extremum: GradRule = {
  saves: "both",
  backward: ({ inputs, outputs, attrs, grads }) => {
    const x = inputs[0] as Tensor;
    const a = attrs as unknown as Attrs;
    const y = keepDims(outputs[0] as Tensor, x.shape, a.dims, a.keepdim);
    const hit = eq(x, y);
    const count = sum(hit, a.dims, true);
    return [where(hit, div(keepDims(grads[0] as Tensor, x.shape, a.dims, a.keepdim), count), 0)];
  },
};

export const reduceRules: Record<string, GradRule> = {
  sum: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const x = inputs[0] as Tensor;
      const g = spread(grads[0] as Tensor, x, attrs as unknown as Attrs);
      return [g.dtype === x.dtype ? g : null];
    },
  },
  prod: {
    saves: "both",
    backward: ({ inputs, outputs, attrs, grads }) => {
      // d prod / d x_i = product of the others. Without zeros that is y / x_i; with one zero,
      // only the zero's entry is nonzero (the product of the rest); with two or more, all are 0.
      const x = inputs[0] as Tensor;
      const a = attrs as unknown as Attrs;
      const g = keepDims(grads[0] as Tensor, x.shape, a.dims, a.keepdim);
      const y = keepDims(outputs[0] as Tensor, x.shape, a.dims, a.keepdim);
      const isZero = eq(x, 0);
      const zeros = sum(isZero, a.dims, true);
      const restProd = prod(where(isZero, 1, x), a.dims.length === 1 ? a.dims[0] : a.dims, true);
      const noZero = div(y, x);
      const oneZero = where(isZero, restProd, 0);
      const local = where(eq(zeros, 0), noZero, where(eq(zeros, 1), oneZero, 0));
      return [mul(g, local)];
    },
  },
  max: extremum,
  min: extremum,
  logsumexp: {
    saves: "both",
    backward: ({ inputs, outputs, attrs, grads }) => {
      const x = inputs[0] as Tensor;
      const a = attrs as unknown as Attrs;
      const y = keepDims(outputs[0] as Tensor, x.shape, a.dims, a.keepdim);
      const g = keepDims(grads[0] as Tensor, x.shape, a.dims, a.keepdim);
      return [mul(g, exp(sub(x, y)))];
    },
  },
};
