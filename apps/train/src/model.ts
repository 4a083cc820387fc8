/**
 * The models, as Sequentials so their state dicts have PyTorch's keys and PyTorch's
 * initialisation (nn.Linear's, nn.Conv2d's):
 * - `mlp`: a multilayer perceptron `inputs - hidden... - classes`, an activation after each
 *   hidden Linear (keys `0.weight`, `0.bias`, `2.weight`, ...);
 * - `cnn`: on the 28x28 images, conv 1->32 3x3 pad 1, activation, max-pool 2, conv 32->64 3x3
 *   pad 1, activation, max-pool 2, flatten, Linear 3136->128, activation, Linear 128->classes
 *   (keys `0.*`, `3.*`, `7.*`, `9.*`: tools/train_reference.py --model cnn's `nn.Sequential`).
 */
import { Conv2d, Flatten, Linear, MaxPool2d, type Module, Sequential } from "@nn/nn";
import type { Tensor } from "@nn/tensor";
import { activationModule } from "./choices/activations.js";

/** The models `--model` builds. */
export const MODELS = ["mlp", "cnn"] as const;
export type ModelKind = (typeof MODELS)[number];

/** What fixes the shapes of the weights and the function the model computes. */
export interface Architecture {
  /** Absent in checkpoints written before `--model` existed: those hold MLPs. */
  model?: ModelKind;
  /** Pixels per image (the CNN sees them as a square 1-channel image). */
  inputs: number;
  /** The MLP's hidden widths; the CNN's fully connected hidden layer ([128]). */
  hidden: number[];
  classes: number;
  activation: string;
}

/** The CNN's convolution channels and its fully connected hidden width (the model). */
export const CNN_CHANNELS = [32, 64] as const;
export const CNN_HIDDEN = [128];

/** "784-128-10 relu" (MLP); "cnn 28x28 conv32-pool-conv64-pool-128-10 relu". */
export function describeArchitecture(a: Architecture): string {
  if (a.model === "cnn") {
    const side = Math.sqrt(a.inputs);
    const convs = CNN_CHANNELS.map((c) => `conv${c}-pool`).join("-");
    return `cnn ${side}x${side} ${[convs, ...a.hidden, a.classes].join("-")} ${a.activation}`;
  }
  return `${[a.inputs, ...a.hidden, a.classes].join("-")} ${a.activation}`;
}

/** A new model of architecture `a`, weights drawn from the global generator (seed it first). */
export function buildModel(a: Architecture): Sequential {
  return a.model === "cnn" ? buildCnn(a) : buildMlp(a);
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

/**
 * The CNN: a Sequential that takes the flat `[N, side*side]` batches the data pipeline gives
 * every model, and sees them as `[N, 1, side, side]` images (a view, no copy).
 */
class ImageCnn extends Sequential {
  constructor(
    readonly side: number,
    layers: Module[],
  ) {
    super(...layers);
  }

  override forward(x: Tensor): Tensor {
    return super.forward(x.reshape([-1, 1, this.side, this.side]));
  }
}

/** A new CNN (see the file comment), weights drawn from the global generator. */
function buildCnn(a: Architecture): Sequential {
  const side = Math.sqrt(a.inputs);
  const layers: Module[] = [];
  let channels = 1;
  for (const c of CNN_CHANNELS) {
    layers.push(
      new Conv2d(channels, c, 3, { padding: 1 }),
      activationModule(a.activation),
      new MaxPool2d(2),
    );
    channels = c;
  }
  layers.push(new Flatten());
  const pooled = Math.floor(side / 2 ** CNN_CHANNELS.length);
  let width = channels * pooled * pooled;
  for (const h of a.hidden) {
    layers.push(new Linear(width, h), activationModule(a.activation));
    width = h;
  }
  layers.push(new Linear(width, a.classes));
  return new ImageCnn(side, layers);
}

/** The Linear layers of a model built by `buildMlp`, first to last. */
export function linearLayers(model: Sequential): Linear[] {
  return [...model].filter((m): m is Linear => m instanceof Linear);
}

/** Number of trained values. */
export function parameterCount(model: Module): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}
