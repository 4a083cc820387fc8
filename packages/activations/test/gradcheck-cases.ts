/**
 * The gradcheck table: for every exported activation, functions of float64 inputs away from its
 * kinks, checked against central finite differences. The coverage test walks the package's
 * exports against this table.
 */
import type { Tensor } from "@nn/tensor";
import { tensor } from "@nn/tensor";
import * as act from "../src/index.js";

/** One gradcheck: `fn(...inputs())`. */
export interface GradcheckCase {
  readonly label: string;
  readonly fn: (...inputs: Tensor[]) => Tensor;
  readonly inputs: () => Tensor[];
}

/**
 * Odd multiples of 1/32 in (-8, 8): never 0, an integer or a half-integer, so at least 1/32
 * from every kink (0, ±0.5, ±1, ±3, 6, the thresholds below); includes both sides of softplus's
 * threshold/beta = 5 and of hardtanh's [-2, 3].
 */
export const AWAY = [
  -7.53125, -4.21875, -3.03125, -2.71875, -1.28125, -0.59375, -0.21875, 0.03125, 0.34375, 0.96875,
  2.15625, 2.96875, 3.09375, 5.84375, 6.15625, 7.40625,
];

const f64 = (values: number[], shape?: number[]) =>
  tensor(values, { dtype: "float64", ...(shape ? { shape } : {}) });
const away = () => [f64(AWAY)];
const grid2d = () => [
  f64(
    AWAY.slice(0, 12).map((v) => v / 2),
    [3, 4],
  ),
];

type Elementwise = (x: Tensor, options?: Record<string, unknown>) => Tensor;
function elementwise(name: string, ...optionSets: Record<string, unknown>[]): GradcheckCase[] {
  const fn = (act as unknown as Record<string, Elementwise>)[name] as Elementwise;
  return [{}, ...optionSets].map((o) => ({
    label: Object.keys(o).length ? JSON.stringify(o) : "default",
    fn: (x: Tensor) => fn(x, o),
    inputs: away,
  }));
}

const byDim = (fn: (x: Tensor, dim: number) => Tensor, dims: number[]): GradcheckCase[] =>
  dims.map((d) => ({ label: `dim ${d}`, fn: (x: Tensor) => fn(x, d), inputs: grid2d }));

/** Export name -> its gradcheck cases. */
export const GRADCHECK: Readonly<Record<string, readonly GradcheckCase[]>> = {
  sigmoid: elementwise("sigmoid"),
  tanh: elementwise("tanh"),
  relu: elementwise("relu"),
  leakyRelu: elementwise("leakyRelu", { negativeSlope: 0.2 }),
  relu6: elementwise("relu6"),
  elu: elementwise("elu", { alpha: 2.5 }),
  selu: elementwise("selu"),
  celu: elementwise("celu", { alpha: 0.5 }),
  gelu: elementwise("gelu", { approximate: "tanh" }),
  silu: elementwise("silu"),
  mish: elementwise("mish"),
  softplus: elementwise("softplus", { beta: 2, threshold: 10 }, { beta: -0.5, threshold: 1 }),
  softsign: elementwise("softsign"),
  hardtanh: elementwise("hardtanh", { minVal: -2, maxVal: 3 }),
  hardsigmoid: elementwise("hardsigmoid"),
  hardswish: elementwise("hardswish"),
  logSigmoid: elementwise("logSigmoid"),
  tanhshrink: elementwise("tanhshrink"),
  softshrink: elementwise("softshrink", { lambd: 1.5 }),
  hardshrink: elementwise("hardshrink", { lambd: 1.5 }),
  threshold: elementwise("threshold", { threshold: 0.75, value: -3 }),
  rrelu: [
    ...elementwise("rrelu", { lower: 0.1, upper: 0.3 }),
    // A fixed seed draws the same slopes on every call, so training mode is a function too.
    {
      label: "training, seed 7",
      fn: (x) => act.rrelu(x, { training: true, seed: 7 }),
      inputs: away,
    },
  ],
  prelu: [
    {
      label: "per-channel weight",
      fn: (x, w) => act.prelu(x, w as Tensor),
      inputs: () => [f64(AWAY.slice(0, 12), [2, 3, 2]), f64([0.25, -0.5, 1.5])],
    },
    {
      label: "one weight",
      fn: (x, w) => act.prelu(x, w as Tensor),
      inputs: () => [f64(AWAY), f64([0.25])],
    },
  ],
  glu: [
    { label: "dim -1", fn: (x) => act.glu(x), inputs: grid2d },
    { label: "dim 0", fn: (x) => act.glu(x, 0), inputs: () => [f64(AWAY, [4, 4])] },
  ],
  softmax: byDim(act.softmax, [0, 1, -1]),
  logSoftmax: byDim(act.logSoftmax, [0, 1, -1]),
  softmin: byDim(act.softmin, [0, 1, -1]),
};
