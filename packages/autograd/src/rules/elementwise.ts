/**
 * Gradient rules of the elementwise ops (PyTorch's derivatives.yaml, same conventions at kinks:
 * abs'(0) = 0, maximum/minimum split ties in half, clamp passes the gradient at its bounds).
 */
import {
  add,
  cast,
  cos,
  div,
  eq,
  exp,
  ge,
  gt,
  isFloating,
  le,
  log,
  lt,
  mul,
  neg,
  pow,
  sign,
  sin,
  sub,
  type Tensor,
  where,
  zerosLike,
} from "@nn/tensor";
import type { GradRule } from "../registry.js";
import { forTensors, operands, unbroadcast } from "./util.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

type Unary = (x: Tensor, y: Tensor, g: Tensor) => Tensor;

function unary(saves: GradRule["saves"], f: Unary): GradRule {
  return {
    saves,
    backward: ({ inputs, outputs, grads }) => [
      f(inputs[0] as Tensor, outputs[0] as Tensor, grads[0] as Tensor),
    ],
  };
}

const zero: GradRule = { saves: "none", backward: ({ grads }) => [zerosLike(grads[0] as Tensor)] };

type Operand = Tensor | number;
function binary(
  saves: GradRule["saves"],
  f: (a: Operand, b: Operand, g: Tensor, y: Tensor) => [Tensor | null, Tensor | null],
): GradRule {
  return {
    saves,
    backward: ({ inputs, outputs, attrs, grads }) => {
      const [a, b] = operands(inputs, attrs);
      const g = grads[0] as Tensor;
      const [ga, gb] = f(a, b, g, outputs[0] as Tensor);
      const toInput = (x: Operand, gx: Tensor | null): [Operand, Tensor | null] => [
        x,
        typeof x === "object" && gx && isFloating(x.dtype)
          ? unbroadcast(gx, x.shape, x.dtype)
          : null,
      ];
      return forTensors([toInput(a, ga), toInput(b, gb)]);
    },
  };
}

/** Gradient of maximum (isMax) or minimum w.r.t. `self`: ties split in half (torch). */
function extremum(self: Operand, other: Operand, g: Tensor, isMax: boolean): Tensor | null {
  if (typeof self === "number") return null;
  const half = where(eq(self, other), div(g, 2), g);
  return where(isMax ? lt(self, other) : gt(self, other), 0, half);
}

export const elementwiseRules: Record<string, GradRule> = {
  neg: unary("none", (_x, _y, g) => neg(g)),
  abs: unary("inputs", (x, _y, g) => mul(g, sign(x))),
  sign: zero,
  floor: zero,
  ceil: zero,
  round: zero,
  exp: unary("outputs", (_x, y, g) => mul(g, y)),
  expm1: unary("outputs", (_x, y, g) => mul(g, add(y, 1))),
  log: unary("inputs", (x, _y, g) => div(g, x)),
  log1p: unary("inputs", (x, _y, g) => div(g, add(x, 1))),
  sqrt: unary("outputs", (_x, y, g) => div(g, mul(y, 2))),
  rsqrt: unary("outputs", (_x, y, g) => mul(mul(g, -0.5), pow(y, 3))),
  sin: unary("inputs", (x, _y, g) => mul(g, cos(x))),
  cos: unary("inputs", (x, _y, g) => neg(mul(g, sin(x)))),
  tanh: unary("outputs", (_x, y, g) => mul(g, sub(1, mul(y, y)))),
  erf: unary("inputs", (x, _y, g) => mul(mul(g, TWO_OVER_SQRT_PI), exp(neg(mul(x, x))))),

  add: binary("none", (_a, _b, g) => [g, g]),
  sub: binary("none", (_a, _b, g) => [g, neg(g)]),
  mul: binary("inputs", (a, b, g) => [mul(g, b), mul(g, a)]),
  div: binary("inputs", (a, b, g) => [
    div(g, b),
    typeof b === "object" ? neg(div(mul(g, a), mul(b, b))) : null,
  ]),
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
  maximum: binary("inputs", (a, b, g) => [extremum(a, b, g, true), extremum(b, a, g, true)]),
  minimum: binary("inputs", (a, b, g) => [extremum(a, b, g, false), extremum(b, a, g, false)]),

  where: {
    saves: "inputs",
    backward: ({ inputs, attrs, grads }) => {
      const cond = inputs[0] as Tensor;
      const [a, b] = operands(inputs.slice(1), attrs);
      const g = grads[0] as Tensor;
      const toInput = (x: Operand, gx: Tensor): [Operand, Tensor | null] => [
        x,
        typeof x === "object" && isFloating(x.dtype) ? unbroadcast(gx, x.shape, x.dtype) : null,
      ];
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
