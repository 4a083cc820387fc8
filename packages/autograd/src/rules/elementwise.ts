/**
 * The elementwise gradient rules written by hand, where they beat differentiating the op
 * table's rows (`table.ts`): pass-through for `add`, `sub` and `neg` (no kernel for an identity
 * derivative), `pow` (see there), and the masks of `where`, `clamp` and `cast` (PyTorch's conventions: clamp passes
 * the gradient at its bounds).
 */
import {
  cast,
  eq,
  ge,
  isFloating,
  le,
  log,
  mul,
  neg,
  pow,
  sub,
  type Tensor,
  where,
  zerosLike,
} from "@nn/tensor";
import type { GradRule } from "../rule.js";
import { forTensors, operands, unbroadcast } from "./util.js";

type Operand = Tensor | number;

/** A binary rule from `f(a, b, g, y)` giving the operands' gradients, summed back to their shapes. */
function binary(
  saves: GradRule["saves"],
  f: (a: Operand, b: Operand, g: Tensor, y: Tensor) => [Tensor | null, Tensor | null],
): GradRule {
  return {
    saves,
    backward: ({ inputs, outputs, attrs, grads }) => {
      const [a, b] = operands(inputs, attrs);
      const [ga, gb] = f(a, b, grads[0] as Tensor, outputs[0] as Tensor);
      return forTensors([toInput(a, ga), toInput(b, gb)]);
    },
  };
}

function toInput(x: Operand, gx: Tensor | null): [Operand, Tensor | null] {
  return [
    x,
    typeof x === "object" && gx && isFloating(x.dtype) ? unbroadcast(gx, x.shape, x.dtype) : null,
  ];
}

/** A binary op whose gradients are `g` itself, or its negation, summed back to each operand. */
function passThrough(negateB: boolean): GradRule {
  return binary("none", (_a, b, g) => [g, typeof b === "object" && negateB ? neg(g) : g]);
}

export const elementwiseRules: Record<string, GradRule> = {
  neg: { saves: "none", backward: ({ grads }) => [neg(grads[0] as Tensor)] },
  add: passThrough(false),
  sub: passThrough(true),
  // By hand, as PyTorch's pow_backward: with mixed float operands it takes log(a) in a's own
  // dtype before promoting (the fused symbolic kernel would take it in the wider one).
  pow: binary("both", (a, b, g, y) => {
    // d/da = b a^(b-1), zero where b == 0; d/db = a^b log(a), zero where a == 0 and b >= 0 (torch).
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (typeof a === "object") {
      if (typeof b === "number") ga = b === 0 ? zerosLike(g) : mul(g, mul(pow(a, b - 1), b));
      else ga = where(eq(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1)))));
    }
    if (typeof b === "object") {
      const dy = mul(y, typeof a === "number" ? Math.log(a) : log(a));
      const zeroBase =
        typeof a === "number" ? (a === 0 ? ge(b, 0) : undefined) : mul(eq(a, 0), ge(b, 0));
      gb = mul(g, zeroBase ? where(zeroBase, 0, dy) : dy);
    }
    return [ga, gb];
  }),

  where: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const cond = inputs[0] as Tensor;
      const [a, b] = operands(inputs.slice(1), attrs);
      const g = grads[0] as Tensor;
      return [null, ...forTensors([toInput(a, where(cond, g, 0)), toInput(b, where(cond, 0, g))])];
    },
  },
  clamp: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const x = inputs[0] as Tensor;
      const g = grads[0] as Tensor;
      let inside: Tensor | undefined;
      if (attrs.min !== undefined) inside = ge(x, attrs.min as number);
      if (attrs.max !== undefined) {
        const below = le(x, attrs.max as number);
        inside = inside ? mul(inside, below) : below;
      }
      return [unbroadcast(where(inside as Tensor, g, 0), x.shape, x.dtype)];
    },
  },
  cast: {
    saves: "inputs",
    backward: ({ inputs, grads }) => {
      const x = inputs[0] as Tensor;
      return [isFloating(x.dtype) ? cast(grads[0] as Tensor, x.dtype) : null];
    },
  },
};
