/**
 * From raw data to what training uses: the seeded train / held-out split (mnist: 8,000 / 2,000
 * of the 10,000 digits; Fashion-MNIST: its own 60,000 / 10,000), an optional cut of the training
 * part (`--train-size`), and standardisation with the training part's mean and standard
 * deviation (one scalar each, population std as numpy's `x.std()`), applied to both parts.
 */
import { normalize, TensorDataset, trainValSplit } from "@nn/data";
import { type Backend, dispose, max, mean, min, narrow, std, type Tensor } from "@nn/tensor";
import { UserError } from "../errors.js";
import type { Examples, RawData } from "./sources.js";

/** Held-out digits of the mnist pool (the rest train). */
export const MNIST_HELD_OUT = 2000;

/** Standardised training and held-out examples on the training backend. */
export interface PreparedData {
  train: Examples;
  test: Examples;
  /** Mean and standard deviation of the training pixels (before standardising). */
  mean: number;
  std: number;
}

/** Checks that every label is a class index in [0, classes). Reads two scalars back. */
async function checkLabels(what: string, y: Tensor, classes: number): Promise<void> {
  const lo = min(y);
  const hi = max(y);
  const [a, b] = [Number(await lo.item()), Number(await hi.item())];
  dispose([lo, hi]);
  if (a < 0 || b >= classes) {
    throw new UserError(
      `${what}: labels must be class indices in [0, ${classes - 1}], found values from ${a} to ${b}; is the file corrupt?`,
    );
  }
}

/**
 * Splits (mnist, with `seed`), cuts the training part to `trainSize` examples (the first ones
 * after the shuffle) and standardises both parts; the result lives on `device`. Frees `raw`.
 * UserError when `trainSize` exceeds the training examples or a label is out of range.
 */
export async function prepareData(
  raw: RawData,
  options: { seed: number; trainSize?: number; classes: number; device: Backend },
): Promise<PreparedData> {
  let train: Examples;
  let test: Examples;
  if (raw.kind === "pool") {
    const [tr, te] = trainValSplit(new TensorDataset(raw.all.x, raw.all.y), MNIST_HELD_OUT, {
      seed: options.seed,
    }) as [TensorDataset<[Tensor, Tensor]>, TensorDataset<[Tensor, Tensor]>];
    dispose([raw.all.x, raw.all.y]);
    train = { x: tr.tensors[0] as Tensor, y: tr.tensors[1] as Tensor };
    test = { x: te.tensors[0] as Tensor, y: te.tensors[1] as Tensor };
  } else {
    ({ train, test } = raw);
  }
  await checkLabels("training labels", train.y, options.classes);
  await checkLabels("held-out labels", test.y, options.classes);

  const available = train.x.shape[0] as number;
  if (options.trainSize !== undefined) {
    if (options.trainSize > available) {
      throw new UserError(
        `--train-size ${options.trainSize} is more than the ${available} training examples; pass at most ${available}`,
      );
    }
    const cut = {
      x: narrow(train.x, 0, 0, options.trainSize),
      y: narrow(train.y, 0, 0, options.trainSize),
    };
    train = cut;
  }

  const m = mean(train.x);
  const s = std(train.x, undefined, false, 0);
  const [meanValue, stdValue] = [Number(await m.item()), Number(await s.item())];
  const standardise = async (e: Examples): Promise<Examples> => {
    const x = normalize(e.x, m, s);
    if (x.backend === options.device) return { x, y: e.y };
    const moved = { x: await x.to(options.device), y: await e.y.to(options.device) };
    dispose([x, e.y]);
    return moved;
  };
  const out = {
    train: await standardise(train),
    test: await standardise(test),
    mean: meanValue,
    std: stdValue,
  };
  dispose([m, s, train.x, test.x]);
  return out;
}
