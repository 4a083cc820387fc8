/** Gradient rules of views and joins: each moves the gradient back to the input's layout. */
import {
  cast,
  isFloating,
  narrow,
  pad,
  permute,
  reshape,
  slice,
  sliceScatter,
  type Tensor,
  unfold,
  unfoldBackward,
  zeros,
  zerosLike,
} from "@nn/tensor";
import type { GradRule } from "../rule.js";
import { unbroadcast } from "./util.js";

const identity: GradRule = { saves: "none", backward: ({ grads }) => [grads[0] as Tensor] };

export const shapeRules: Record<string, GradRule> = {
  reshape: {
    saves: "inputs",
    backward: ({ inputs, grads }) => [reshape(grads[0] as Tensor, (inputs[0] as Tensor).shape)],
  },
  permute: {
    saves: "none",
    backward: ({ attrs, grads }) => {
      const dims = attrs.dims as number[];
      const inverse = dims.map((_, i) => dims.indexOf(i));
      return [permute(grads[0] as Tensor, inverse)];
    },
  },
  expand: {
    saves: "inputs",
    backward: ({ inputs, grads }) => {
      const x = inputs[0] as Tensor;
      return [unbroadcast(grads[0] as Tensor, x.shape, x.dtype)];
    },
  },
  slice: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const { dim, start, end, step } = attrs as {
        dim: number;
        start: number;
        end: number;
        step: number;
      };
      return [
        sliceScatter(zerosLike(inputs[0] as Tensor), grads[0] as Tensor, dim, start, end, step),
      ];
    },
  },
  sliceScatter: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const { dim, start, end, step } = attrs as {
        dim: number;
        start: number;
        end: number;
        step: number;
      };
      const g = grads[0] as Tensor;
      return [
        sliceScatter(g, zerosLike(inputs[1] as Tensor), dim, start, end, step),
        slice(g, dim, start, end, step),
      ];
    },
  },
  pad: {
    saves: "none",
    backward: ({ attrs, grads }) => [
      pad(
        grads[0] as Tensor,
        (attrs.pad as number[]).map((p) => -p),
      ),
    ],
  },
  unfold: {
    saves: "none",
    backward: ({ inputs, attrs, grads }) => {
      const { dim, size, step } = attrs as { dim: number; size: number; step: number };
      return [unfoldBackward(grads[0] as Tensor, (inputs[0] as Tensor).shape, dim, size, step)];
    },
  },
  unfoldBackward: {
    saves: "none",
    backward: ({ attrs, grads }) => {
      const { dim, size, step } = attrs as { dim: number; size: number; step: number };
      return [unfold(grads[0] as Tensor, dim, size, step)];
    },
  },
  contiguous: identity,
  clone: identity,
  concat: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const dim = attrs.dim as number;
      const g = grads[0] as Tensor;
      let at = 0;
      return inputs.map((t) => {
        if (t.ndim === 1 && t.shape[0] === 0 && g.ndim !== 1)
          return zeros([0], { dtype: t.dtype, backend: t.backend });
        const len = t.shape[dim] as number;
        const piece = narrow(g, dim, at, len);
        at += len;
        if (!isFloating(t.dtype)) return null;
        return piece.dtype === t.dtype ? piece : cast(piece, t.dtype);
      });
    },
  },
};
