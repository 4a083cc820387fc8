/**
 * From raw data to what training uses: the seeded split of the training data into training and
 * held-out (validation) examples (mnist: 8,000 / 2,000 of the 10,000 digits; Fashion-MNIST:
 * 54,000 / 6,000 of its 60,000 training images, its 10,000 test images kept apart as the test
 * set), an optional cut of the training part (`--train-size`), and standardisation with the
 * training part's mean and standard deviation (one scalar each, population std as numpy's
 * `x.std()`), applied to every part.
 */
import { normalize, TensorDataset, trainValSplit } from "@nn/data";
import { type Backend, dispose, max, mean, min, narrow, std, type Tensor } from "@nn/tensor";
import { UserError } from "../errors.js";
import type { Examples, RawData } from "./sources.js";

/** Held-out digits of the mnist pool (the rest train). */
export const MNIST_HELD_OUT = 2000;

/** The share of a data set's training images held out for validation when it has a test set. */
export const VAL_FRACTION = 0.1;

/**
 * Held-out (validation) examples by default: mnist's 2,000; otherwise VAL_FRACTION of the
 * training images, rounded.
 */
export function defaultValSize(raw: RawData): number {
  return raw.kind === "pool"
    ? MNIST_HELD_OUT
    : Math.round((raw.train.x.shape[0] as number) * VAL_FRACTION);
}

/** Standardised training, held-out and test examples on the training backend. */
export interface PreparedData {
  train: Examples;
  /** Held out from the training data: evaluated after every epoch. */
  val: Examples;
  /** The data set's own test set (Fashion-MNIST), evaluated once at the end; null for mnist. */
  test: Examples | null;
  /** Mean and standard deviation of the training pixels (before standardising). */
  mean: number;
  std: number;
}

/** Checks that every label is a class index in [0, classes). Reads two scalars back. */
async function checkLabels(what: string, y: Tensor, classes: number): Promise<void> {
  const lo = min(y);
  const hi = max(y);
  const [a, b] = [await lo.item(), await hi.item()];
  dispose([lo, hi]);
  if (a < 0 || b >= classes) {
    throw new UserError(
      `${what}: labels must be class indices in [0, ${classes - 1}], found values from ${a} to ${b}; is the file corrupt?`,
    );
  }
}

/**
 * Splits the training data (with `seed`) into `valSize` held-out examples (default
 * `defaultValSize`) and the rest, cuts the training part to `trainSize` examples (the first ones
 * after the shuffle) and standardises every part; the result lives on `device`, except training
 * images larger than the device's largest buffer (`capabilities.maxBufferBytes`), which stay on
 * the CPU for the loader to move per batch. Frees `raw`.
 * UserError when `valSize` leaves no training example, `trainSize` exceeds the training
 * examples, or a label is out of range.
 */
export async function prepareData(
  raw: RawData,
  options: { seed: number; trainSize?: number; valSize?: number; classes: number; device: Backend },
): Promise<PreparedData> {
  const pool = raw.kind === "pool" ? raw.all : raw.train;
  const test = raw.kind === "pool" ? null : raw.test;
  const total = pool.x.shape[0] as number;
  const valSize = options.valSize ?? defaultValSize(raw);
  if (valSize >= total) {
    throw new UserError(
      `--val-size ${valSize} leaves no training example: the data set has ${total} training examples; pass at most ${total - 1}`,
    );
  }
  const [tr, va] = trainValSplit(new TensorDataset(pool.x, pool.y), valSize, {
    seed: options.seed,
  }) as [TensorDataset<[Tensor, Tensor]>, TensorDataset<[Tensor, Tensor]>];
  dispose([pool.x, pool.y]);
  let train: Examples = { x: tr.tensors[0] as Tensor, y: tr.tensors[1] as Tensor };
  const val: Examples = { x: va.tensors[0] as Tensor, y: va.tensors[1] as Tensor };
  await checkLabels("training labels", train.y, options.classes);
  await checkLabels("held-out labels", val.y, options.classes);
  if (test) await checkLabels("test labels", test.y, options.classes);

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
  const [meanValue, stdValue] = [await m.item(), await s.item()];
  const maxBytes = options.device.capabilities.maxBufferBytes;
  const standardise = async (e: Examples, mayStayOnHost = false): Promise<Examples> => {
    const x = normalize(e.x, m, s);
    if (x.backend === options.device) return { x, y: e.y };
    // Training images larger than one device buffer (a browser's 128 MiB WebGPU binding; the
    // 54,000 Fashion-MNIST images are 169 MB) stay here: the loader moves them batch by batch.
    if (mayStayOnHost && x.size * Float32Array.BYTES_PER_ELEMENT > maxBytes) return { x, y: e.y };
    const moved = { x: await x.to(options.device), y: await e.y.to(options.device) };
    dispose([x, e.y]);
    return moved;
  };
  const out = {
    train: await standardise(train, true),
    val: await standardise(val),
    test: test ? await standardise(test) : null,
    mean: meanValue,
    std: stdValue,
  };
  dispose([m, s, train.x, val.x, ...(test ? [test.x] : [])]);
  return out;
}
