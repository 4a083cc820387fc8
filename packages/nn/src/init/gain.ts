/** Fan sizes and PyTorch's recommended gains (torch.nn.init.calculate_gain, _calculate_fan_in_and_fan_out). */
import { type Tensor, ValueError } from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";

/** The nonlinearities `calculateGain` knows, with PyTorch's spellings (and camelCase aliases). */
export type Nonlinearity =
  | "linear"
  | "identity"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "leakyRelu"
  | "selu";

const UNIT = new Set([
  "linear",
  "identity",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "sigmoid",
]);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear,
 * convolutions and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for
 * leaky_relu (`param` is the negative slope, default 0.01); 3/4 for selu (Klambauer et al. 2017,
 * as PyTorch). ValueError for an unknown name or a non-numeric slope.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (UNIT.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu":
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) {
        throw new ValueError(
          `calculateGain: negative slope ${String(param)} is not a valid number`,
        );
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
  }
  throw new ValueError(
    `calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}; expected one of ${[...UNIT, "tanh", "relu", "leaky_relu", "selu"].join(", ")}`,
  );
}

/**
 * Fan-in and fan-out of a weight (PyTorch's rule): for shape `[out, in, ...k]`,
 * `fanIn = in * prod(k)` and `fanOut = out * prod(k)`. ValueError for fewer than 2 dims.
 */
export function fanInAndFanOut(
  t: Tensor,
  op = "fanInAndFanOut",
): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) {
    throw new ValueError(
      `${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmt(t.shape)})`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return {
    fanIn: (t.shape[1] as number) * receptive,
    fanOut: (t.shape[0] as number) * receptive,
  };
}
