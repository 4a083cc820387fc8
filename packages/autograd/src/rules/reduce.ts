/** Gradient rules of the reductions (sum, prod, amax/amin with ties split evenly, logsumexp, std). */
import {
  div,
  eq,
  exp,
  expand,
  mean,
  mul,
  prod,
  sizeOf,
  sub,
  sum,
  type Tensor,
  where,
} from "@nn/tensor";
import type { GradRule } from "../rule.js";
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
      // d prod / d x_j = the product of the others. With R the product of the nonzero entries
      // and S the sum of the zero ones (0, but its gradient is 1 at each zero), by the number
      // of zeros in the slice: none: y / x_j; one: R at the zero, S R / x_j elsewhere; two:
      // (S - x_j) R at the zeros, 0 elsewhere; more: 0. Each is the product of the others in
      // value AND in gradient (so gradients of this gradient are right at zeros too, as
      // PyTorch's prod_safe_zeros_backward); x is replaced by 1 where it is 0 before dividing,
      // since a NaN from y / 0 in an unselected branch would leak through `where` into those
      // gradients.
      const x = inputs[0] as Tensor;
      const a = attrs as unknown as Attrs;
      const g = keepDims(grads[0] as Tensor, x.shape, a.dims, a.keepdim);
      const y = keepDims(outputs[0] as Tensor, x.shape, a.dims, a.keepdim);
      const isZero = eq(x, 0);
      const zeros = sum(isZero, a.dims, true);
      const safe = where(isZero, 1, x);
      const rest = prod(safe, a.dims.length === 1 ? a.dims[0] : a.dims, true);
      const zeroSum = sum(where(isZero, x, 0), a.dims, true);
      const noZero = div(y, safe);
      const oneZero = where(isZero, rest, div(mul(zeroSum, rest), safe));
      const twoZeros = where(isZero, mul(sub(zeroSum, x), rest), 0);
      const local = where(
        eq(zeros, 0),
        noZero,
        where(eq(zeros, 1), oneZero, where(eq(zeros, 2), twoZeros, 0)),
      );
      return [mul(g, local)];
    },
  },
  max: extremum,
  min: extremum,
  std: {
    saves: "both",
    backward: ({ inputs, outputs, attrs, grads }) => {
      // PyTorch's std_backward: the variance's gradient 2 (x - mean) / (N - correction), times
      // g / (2 std), masked to 0 where std is 0 (every value equal: 0 is a valid subgradient).
      const x = inputs[0] as Tensor;
      const a = attrs as unknown as Attrs & { correction: number };
      const y = keepDims(outputs[0] as Tensor, x.shape, a.dims, a.keepdim);
      const g = keepDims(grads[0] as Tensor, x.shape, a.dims, a.keepdim);
      const dof = sizeOf(a.dims.map((d) => x.shape[d] as number)) - a.correction;
      const scaled = where(eq(y, 0), 0, div(g, mul(y, dof)));
      return [mul(scaled, sub(x, mean(x, a.dims, true)))];
    },
  },
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
