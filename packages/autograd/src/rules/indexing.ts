/** Gradient rules of gather, indexSelect and scatterAdd (they are each other's transposes). */
import {
  concat,
  expand,
  gather,
  reshape,
  scatterAdd,
  type Tensor,
  zeros,
  zerosLike,
} from "@nn/tensor";
import type { GradRule } from "../rule.js";

/** Pads `g` with zeros at the end of each dim up to `shape` (for src larger than index). */
function padTo(g: Tensor, shape: readonly number[]): Tensor {
  let r = g;
  shape.forEach((n, d) => {
    const have = r.shape[d] as number;
    if (have < n) {
      const fill = [...r.shape];
      fill[d] = n - have;
      r = concat([r, zeros(fill, { dtype: r.dtype, backend: r.backend })], d);
    }
  });
  return r;
}

export const indexingRules: Record<string, GradRule> = {
  gather: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const [x, index] = inputs as [Tensor, Tensor];
      return [scatterAdd(zerosLike(x), attrs.dim as number, index, grads[0] as Tensor), null];
    },
  },
  indexSelect: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const [x, index] = inputs as [Tensor, Tensor];
      const g = grads[0] as Tensor;
      const dim = attrs.dim as number;
      if (x.ndim === 0) return [reshape(g, []), null];
      const idx = expand(
        reshape(
          index,
          g.shape.map((_, i) => (i === dim ? index.size : 1)),
        ),
        g.shape,
      );
      return [scatterAdd(zerosLike(x), dim, idx, g), null];
    },
  },
  scatterAdd: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const [, index, src] = inputs as [Tensor, Tensor, Tensor];
      const g = grads[0] as Tensor;
      return [g, null, padTo(gather(g, attrs.dim as number, index), src.shape)];
    },
  },
};
