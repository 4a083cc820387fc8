/**
 * The model: a multilayer perceptron `inputs - hidden... - classes` as a Sequential of Linear
 * layers with an activation after each hidden one, so its state dict has PyTorch's keys
 * (`0.weight`, `0.bias`, `2.weight`, ...) and PyTorch's initialisation (nn.Linear's).
 */
import { Linear, type Module, Sequential } from "@nn/nn";
import { activationModule } from "./choices/activations.js";

/** What fixes the shapes of the weights and the function the model computes. */
export interface Architecture {
  inputs: number;
  hidden: number[];
  classes: number;
  activation: string;
}

/** "784-128-10 relu". */
export function describeArchitecture(a: Architecture): string {
  return `${[a.inputs, ...a.hidden, a.classes].join("-")} ${a.activation}`;
}

/** A new MLP with weights drawn from the global generator (seed it first with manualSeed). */
export function buildMlp(a: Architecture): Sequential {
  const layers: Module[] = [];
  let width = a.inputs;
  for (const h of a.hidden) {
    layers.push(new Linear(width, h), activationModule(a.activation));
    width = h;
  }
  layers.push(new Linear(width, a.classes));
  return new Sequential(...layers);
}

/** The Linear layers of a model built by `buildMlp`, first to last. */
export function linearLayers(model: Sequential): Linear[] {
  return [...model].filter((m): m is Linear => m instanceof Linear);
}

/** Number of trained values. */
export function parameterCount(model: Module): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}
