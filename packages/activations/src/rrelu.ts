/** RReLU: leaky ReLU with random slopes in training and their mean in evaluation. */
import { defineMap, type Expr, rand, type Tensor, tidy, ValueError } from "@nn/tensor";
import { checkInput } from "./check.js";
import { k } from "./expressions.js";
import { leakyRelu } from "./piecewise.js";

/** Options of `rrelu`. */
export interface RReLUOptions {
  /** Lower bound of the slope. Default 1/8. */
  readonly lower?: number;
  /** Upper bound of the slope. Default 1/3. */
  readonly upper?: number;
  /** Draw random slopes (training) or use their mean (evaluation). Default false. */
  readonly training?: boolean;
  /** A seed for this draw alone (an integer in [0, 2^53)); default: the global generator. */
  readonly seed?: number;
}

/** `x <= 0 ? x * (lower + (upper - lower) u) : x` for uniform draws u (PyTorch's rrelu_with_noise). */
const randomSlope = /* @__PURE__ */ defineMap({
  name: "rrelu",
  inputs: 2,
  params: 2,
  build: ([x, u], [lower, upper]) => {
    const slope = (lower as Expr).add((upper as Expr).sub(lower as Expr).mul(u as Expr));
    return (x as Expr).le(0).where((x as Expr).mul(slope), x as Expr);
  },
  derivative: ([x, u], _y, [lower, upper]) => {
    const slope = (lower as Expr).add((upper as Expr).sub(lower as Expr).mul(u as Expr));
    return [(x as Expr).le(0).where(slope, k(1, x as Expr)), null];
  },
});

const KEYS = ["lower", "upper", "training", "seed"];

function resolve(options: RReLUOptions): Required<Omit<RReLUOptions, "seed">> & {
  seed?: number;
} {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(`rrelu: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) {
      throw new ValueError(`rrelu: unknown option "${key}"; valid options: ${KEYS.join(", ")}`);
    }
  }
  const { lower = 1 / 8, upper = 1 / 3, training = false, seed } = options;
  for (const [name, v] of [
    ["lower", lower],
    ["upper", upper],
  ] as const) {
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new ValueError(`rrelu: option ${name} must be a number, got ${String(v)}`);
    }
  }
  if (lower > upper) {
    throw new ValueError(
      `rrelu: lower bound (${lower}) should be less than or equal to the upper bound (${upper})`,
    );
  }
  if (typeof training !== "boolean") {
    throw new ValueError(`rrelu: option training must be a boolean, got ${String(training)}`);
  }
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new ValueError(`rrelu: seed must be an integer in [0, 2^53), got ${String(seed)}`);
  }
  return { lower, upper, training, seed };
}

/**
 * Randomized leaky ReLU: `x` for x > 0, else `a x`. In training (`training: true`) each element
 * draws its own slope `a ~ U(lower, upper)` from the seeded generator (`seed`, or the global one
 * of `manualSeed`), and the gradient is `a` where x <= 0, else 1; in evaluation (the default)
 * `a = (lower + upper) / 2`, i.e. `leakyRelu(x, { negativeSlope: (lower + upper) / 2 })`.
 * Defaults `lower` 1/8, `upper` 1/3. The result has x's shape and dtype. Throws DTypeError for
 * a non-float x, ValueError for `lower > upper` or an invalid option.
 * Source: torch.nn.RReLU (Xu et al., 2015, arXiv:1505.00853).
 */
export function rrelu(x: Tensor, options: RReLUOptions = {}): Tensor {
  checkInput("rrelu", x);
  const { lower, upper, training, seed } = resolve(options);
  if (!training) return leakyRelu(x, { negativeSlope: (lower + upper) / 2 });
  return tidy(() => {
    const u = rand(x.shape, { dtype: x.dtype, backend: x.backend, seed });
    return randomSlope.apply([x, u], [lower, upper])[0] as Tensor;
  });
}
