/**
 * The MLPs of the page: `784 - hidden x (depth - 1) - 10` as a Sequential of Linear layers with
 * an activation after each hidden one (PyTorch's keys: `0.weight`, `0.bias`, `2.weight`, ...,
 * as `pnpm train` writes them), with a choice of initialiser for the weights.
 */
import { Activation, init, Linear, type Module, Sequential } from "@nn/nn";
import { getActivation } from "./activations/registry.js";
import type { InitName } from "./state.js";

/** What fixes an MLP. */
export interface MlpSpec {
  /** Widths from input to output, e.g. [784, 64, 10]. */
  widths: number[];
  activation: string;
  init: InitName;
}

/**
 * A new MLP with weights drawn from the global generator (seed it with manualSeed first).
 * "default" is nn.Linear's own initialisation (Kaiming uniform with a = √5, PyTorch's); the others
 * re-draw the weights (biases zero): Xavier uniform, Kaiming normal (fan in, ReLU gain), or
 * N(0, 0.01²). Throws Error for an unknown activation.
 */
export function buildMlp(spec: MlpSpec): Sequential {
  const f = getActivation(spec.activation);
  if (!f) throw new Error(`unknown activation "${spec.activation}"`);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < spec.widths.length; i++) {
    const layer = new Linear(spec.widths[i] as number, spec.widths[i + 1] as number);
    if (spec.init !== "default") {
      reinit(layer, spec.init);
    }
    layers.push(layer);
    if (i + 2 < spec.widths.length) layers.push(new Activation(f));
  }
  return new Sequential(...layers);
}

function reinit(layer: Linear, how: Exclude<InitName, "default">): void {
  if (how === "xavier") init.xavierUniform(layer.weight);
  else if (how === "kaiming") init.kaimingNormal(layer.weight, { nonlinearity: "relu" });
  else init.normal(layer.weight, 0, 0.01);
  if (layer.bias) init.zeros(layer.bias);
}

/** The Linear layers of a model built by `buildMlp`, first to last. */
export function linearLayers(model: Sequential): Linear[] {
  return [...model].filter((m): m is Linear => m instanceof Linear);
}
