/**
 * `pnpm train predict --checkpoint DIR image.png ...`: each PNG made a 28x28 input like the
 * training images (inference/image.ts), standardised with the checkpoint's mean and std, and
 * classified: the top 3 classes with their softmax probabilities.
 */

import { softmax } from "@nn/activations";
import { noGrad } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { dispose, setBackend, tensor, tidy } from "@nn/tensor";
import { readPngInput, SIDE } from "../inference/image.js";
import { modelOf, readModelCheckpoint } from "../inference/load.js";
import type { Output } from "../output/console.js";
import { percent } from "../output/progress.js";

/** How many classes each prediction lists. */
export const TOP = 3;

/** One image's prediction: class indices and probabilities, most probable first. */
export interface Prediction {
  path: string;
  top: { index: number; name: string; probability: number }[];
  inverted: boolean;
}

/** Classifies `images` with the checkpoint at `path`; prints one line per image. */
export async function runPredict(
  path: string,
  images: string[],
  output: Output,
): Promise<Prediction[]> {
  setBackend(cpu({ syncRead: false }));
  const checkpoint = await readModelCheckpoint(path);
  const { model, classes } = modelOf(checkpoint);
  const { mean, std } = checkpoint.info.standardisation;
  const inputs = await Promise.all(images.map(readPngInput));
  const batch = new Float32Array(inputs.length * SIDE * SIDE);
  inputs.forEach((img, i) => {
    img.pixels.forEach((p, j) => {
      batch[i * SIDE * SIDE + j] = (p - mean) / std;
    });
  });
  const probs = noGrad(() =>
    tidy(() =>
      softmax(
        model.forward(tensor(batch, { dtype: "float32" }).reshape([inputs.length, SIDE * SIDE])),
        1,
      ),
    ),
  );
  const values = Array.from(await probs.data(), Number);
  dispose(probs);
  const k = classes.length;
  return images.map((image, i) => {
    const row = values.slice(i * k, (i + 1) * k);
    const top = row
      .map((probability, index) => ({ index, name: classes[index] as string, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, TOP);
    const input = inputs[i];
    const note = input?.inverted ? "  (inverted: light background)" : "";
    output.log(
      `${image}  ${top.map((t) => `${t.name} ${percent(t.probability)}`).join("  ")}${note}`,
    );
    return { path: image, top, inverted: input?.inverted ?? false };
  });
}
