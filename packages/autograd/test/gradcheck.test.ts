/**
 * Every op with a gradient rule is checked against central finite differences in float64 on
 * the CPU backend. A rule without a case here fails the "covers the registry" test.
 */
import { cpu } from "@nn/backend-cpu";
import * as nn from "@nn/tensor";
import { setBackend, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { defineCustomOp, grad, gradcheck, listGradients } from "../src/index.js";

const f64 = (values: number[], shape: number[]) => tensor(values, { dtype: "float64", shape });
/** Deterministic values in roughly [-1.5, 1.5], kept 0.1 away from 0 and from integers and halves. */
const vals = (n: number, seed = 1) =>
  Array.from({ length: n }, (_, i) => {
    const v = Math.sin(seed * 12.9898 + i * 78.233) * 1.5;
    const frac = Math.abs(v) % 0.5;
    return frac < 0.1 || frac > 0.4 ? v + 0.2 : v;
  });
const pos = (n: number, seed = 1) => vals(n, seed).map((v) => Math.abs(v) + 0.3);
/** Values in (-0.8, 0.8), 0 included: asin, acos, atanh's domain. */
const unit = (n: number, seed = 1) => [0, ...vals(n - 1, seed).map((v) => v / 2)];

type Case = { f: (...xs: Tensor[]) => Tensor; inputs: () => Tensor[]; eps?: number };
const on = (op: (x: Tensor) => Tensor, values: number[]): Case => ({
  f: op,
  inputs: () => [f64(values, [values.length])],
});
const unary = (op: (x: Tensor) => Tensor, positive = false): Case => ({
  f: op,
  inputs: () => [f64(positive ? pos(6) : vals(6), [2, 3])],
});
const binary = (op: (a: Tensor, b: Tensor) => Tensor, positive = false): Case => ({
  f: op,
  inputs: () => [
    f64(positive ? pos(6, 2) : vals(6, 2), [2, 3]),
    f64(positive ? pos(3, 3) : vals(3, 3), [3]),
  ],
});
const idx = (values: number[], shape: number[]) => tensor(values, { dtype: "int32", shape });

/** A fused map whose gradient comes from symbolic differentiation of its expression. */
const fused = nn.defineMap({
  name: "test.fused",
  inputs: 2,
  params: 1,
  build: ([x, y], [a]) =>
    (x as nn.Expr)
      .mul(y as nn.Expr)
      .tanh()
      .mul(a as nn.Expr)
      .add((x as nn.Expr).exp())
      .add((x as nn.Expr).maximum(y as nn.Expr)),
});

const cube = defineCustomOp({
  name: "test.cube",
  forward: (x: Tensor) => nn.mul(nn.mul(x, x), x),
  backward: ({ inputs, grad }) => [
    nn.mul(grad, nn.mul(nn.mul(inputs[0] as Tensor, inputs[0] as Tensor), 3)),
  ],
});

const CASES: Record<string, Case> = {
  custom: { f: (x) => cube(x), inputs: () => [f64(vals(6, 17), [2, 3])] },
  map: {
    f: (x, y) => fused.apply([x, y], [1.5])[0] as Tensor,
    inputs: () => [f64(vals(6, 13), [2, 3]), f64(vals(3, 14), [3])],
  },
  neg: unary(nn.neg),
  abs: unary(nn.abs),
  sign: unary(nn.sign),
  floor: unary(nn.floor),
  ceil: unary(nn.ceil),
  round: unary(nn.round),
  exp: unary(nn.exp),
  expm1: unary(nn.expm1),
  log: unary(nn.log, true),
  log1p: unary(nn.log1p, true),
  sqrt: unary(nn.sqrt, true),
  rsqrt: unary(nn.rsqrt, true),
  sin: unary(nn.sin),
  cos: unary(nn.cos),
  tanh: unary(nn.tanh),
  erf: unary(nn.erf),
  add: binary(nn.add),
  sub: binary((a, b) => nn.sub(b, a)),
  mul: binary(nn.mul),
  div: binary(nn.div, true),
  pow: binary(nn.pow, true),
  maximum: binary(nn.maximum),
  minimum: binary(nn.minimum),
  atan2: binary(nn.atan2),
  fmod: binary(nn.fmod),
  remainder: binary(nn.remainder),
  copysign: binary(nn.copysign),
  hypot: binary(nn.hypot),
  logaddexp: binary(nn.logaddexp),
  xlogy: binary(nn.xlogy, true),
  tan: unary(nn.tan),
  asin: on(nn.asin, unit(6)),
  acos: on(nn.acos, unit(6)),
  atan: unary(nn.atan),
  sinh: on(nn.sinh, [0, ...vals(5), 3.5, -20]),
  cosh: on(nn.cosh, [0, ...vals(5), 3.5, -20]),
  asinh: on(nn.asinh, [0, ...vals(5), 30]),
  acosh: on(nn.acosh, [...pos(5).map((v) => v + 1), 30]),
  atanh: on(nn.atanh, unit(6)),
  log2: unary(nn.log2, true),
  log10: unary(nn.log10, true),
  exp2: unary(nn.exp2),
  trunc: unary(nn.trunc),
  frac: unary(nn.frac),
  reciprocal: unary(nn.reciprocal),
  square: unary(nn.square),
  where: {
    f: (a, b) => nn.where(nn.gt(a, 0), a, b),
    inputs: () => [f64(vals(6, 4), [2, 3]), f64(vals(3, 5), [3])],
  },
  clamp: { f: (x) => nn.clamp(x, -0.5, 0.7), inputs: () => [f64(vals(6, 6), [2, 3])] },
  // float32 rounding makes a 1e-6 step meaningless; the function is linear, so a large step is exact.
  cast: {
    f: (x) => nn.cast(nn.cast(x, "float32"), "float64"),
    inputs: () => [f64([0.5, -0.25, 2], [3])],
    eps: 1 / 64,
  },
  sum: { f: (x) => nn.sum(x, [0, 2], true), inputs: () => [f64(vals(24, 7), [2, 3, 4])] },
  prod: {
    f: (x) => nn.prod(x, 1),
    inputs: () => [f64([0.5, -1.25, 2, 1.5, 0, 0.75, 0, 0, 1.25], [3, 3])],
  },
  max: { f: (x) => nn.maximum(x, 1), inputs: () => [f64(vals(12, 8), [3, 4])] },
  min: { f: (x) => nn.min(x, -1, true), inputs: () => [f64(vals(12, 9), [3, 4])] },
  logsumexp: { f: (x) => nn.logsumexp(x, 1), inputs: () => [f64(vals(12, 10), [3, 4])] },
  std: { f: (x) => nn.std(x, [0, 2], true, 0), inputs: () => [f64(vals(24, 18), [2, 3, 4])] },
  reshape: {
    f: (x) => nn.mul(nn.reshape(x, [3, 2]), f64([1, 2, 3, 4, 5, 6], [3, 2])),
    inputs: () => [f64(vals(6), [2, 3])],
  },
  permute: {
    f: (x) => nn.mul(nn.permute(x, [2, 0, 1]), f64(vals(24, 11), [4, 2, 3])),
    inputs: () => [f64(vals(24), [2, 3, 4])],
  },
  expand: {
    f: (x) => nn.mul(nn.expand(x, [2, 3, 4]), f64(vals(24, 12), [2, 3, 4])),
    inputs: () => [f64(vals(4), [1, 4])],
  },
  slice: { f: (x) => nn.slice(x, 1, 1, null, 2), inputs: () => [f64(vals(10), [2, 5])] },
  sliceScatter: {
    f: (b, s) => nn.mul(nn.sliceScatter(b, s, 1, 0, 5, 2), b),
    inputs: () => [f64(vals(10), [2, 5]), f64(vals(6, 3), [2, 3])],
  },
  pad: {
    f: (x) => nn.mul(nn.pad(x, [2, -1, 1, 0], 0.5), nn.pad(x, [2, -1, 1, 0], 0.5)),
    inputs: () => [f64(vals(12), [3, 4])],
  },
  unfold: {
    // overlapping windows (step < size), squared so the fold's second derivative is checked
    f: (x) => {
      const w = nn.unfold(nn.transpose(x, 0, 1), 0, 3, 2);
      return nn.mul(w, w);
    },
    inputs: () => [f64(vals(14), [2, 7])],
  },
  unfoldBackward: {
    f: (g) => {
      const y = nn.unfoldBackward(g, [2, 7], 1, 3, 2);
      return nn.mul(y, y);
    },
    inputs: () => [f64(vals(18), [2, 3, 3])],
  },
  contiguous: {
    f: (x) => nn.contiguous(nn.transpose(x, 0, 1)),
    inputs: () => [f64(vals(6), [2, 3])],
  },
  clone: { f: (x) => nn.mul(nn.clone(x), x), inputs: () => [f64(vals(6), [2, 3])] },
  concat: {
    f: (a, b) => nn.concat([a, b], 1),
    inputs: () => [f64(vals(4), [2, 2]), f64(vals(6, 2), [2, 3])],
  },
  matmul: {
    f: (a, b) => nn.matmul(a, b),
    inputs: () => [f64(vals(12), [2, 2, 3]), f64(vals(6, 2), [3, 2])],
  },
  gather: {
    f: (x) => nn.gather(x, 1, idx([0, 0, 2, 1], [2, 2])),
    inputs: () => [f64(vals(6), [2, 3])],
  },
  indexSelect: {
    f: (x) => nn.indexSelect(x, 0, idx([1, 1, 0], [3])),
    inputs: () => [f64(vals(6), [2, 3])],
  },
  scatterAdd: {
    f: (x, s) => nn.scatterAdd(x, 0, idx([1, 0, 1], [1, 3]), s),
    inputs: () => [f64(vals(6), [2, 3]), f64(vals(6, 5), [2, 3])],
  },
};

describe("gradcheck (float64, central differences)", () => {
  it("map is twice differentiable (gradient of its symbolic gradient)", async () => {
    const y = f64(vals(3, 15), [3]);
    const inner = grad((x: Tensor) => nn.sum(fused.apply([x, y], [0.75])[0] as Tensor)) as (
      x: Tensor,
    ) => Tensor;
    await gradcheck((x) => inner(x), [f64(vals(3, 16), [3])]);
  });
  it("the op table's composite forwards differentiate right at 0 (no abs'(0) = 0 on the way)", async () => {
    // The rows' own jvps give their gradients; a composite inside another expression (here a
    // fused map) is differentiated through its forward, twice over for the second derivative.
    const odd = nn.defineMap({
      name: "test.composites",
      inputs: 1,
      build: ([x]) => {
        const e = x as nn.Expr;
        return e.sinh().add(e.asinh()).add(e.atanh()).add(e.tan()).add(e.asin()).add(e.cosh());
      },
    });
    const x = f64([0, -0, 0.25, -0.5, 0.75], [5]);
    await gradcheck((x) => odd.apply([x])[0] as Tensor, [x]);
    const inner = grad((x: Tensor) => nn.sum(odd.apply([x])[0] as Tensor)) as (x: Tensor) => Tensor;
    await gradcheck((x) => inner(x), [x]);
  });
  it("prod is twice differentiable at zeros (no, one, two and three zeros per row)", async () => {
    // The gradient of prod at a zero is a product of the other entries: its own gradient is not
    // 0 (d^2 prod / dx_i dx_j at a zero x_i is the product of the rest). Before, it was NaN (from
    // y / 0 in an unselected branch) or 0.
    const w = f64(vals(4, 21), [4]);
    const inner = grad((x: Tensor) => nn.sum(nn.mul(nn.prod(x, 1), w))) as (x: Tensor) => Tensor;
    const x = f64([0.5, -1.25, 2, 1.5, 0, 0.75, -1.5, 2, 0, 1.25, 0, -0.5, 0, 0, 0.75, 0], [4, 4]);
    await gradcheck((x) => inner(x), [x]);
  });
  beforeAll(() => {
    setBackend(cpu({ syncRead: false }));
  });
  it("covers every op in the gradient registry", () => {
    expect(listGradients().filter((op) => !(op in CASES))).toEqual([]);
  });
  for (const [op, c] of Object.entries(CASES)) {
    it(op, async () => {
      await gradcheck(c.f, c.inputs(), { eps: c.eps });
    });
  }
});
