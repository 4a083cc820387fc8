/** DataLoader: batches of a dataset, optionally shuffled with a seed, as an async iterable. */
import {
  type Backend,
  dispose,
  initialSeed,
  isTensor,
  stack,
  type Tensor,
  ValueError,
} from "@nn/tensor";
import type { Dataset } from "./dataset.js";
import { randomPermutation } from "./permutation.js";

/** Options of DataLoader (PyTorch's names). */
export interface DataLoaderOptions<T, B> {
  /** Items per batch. Default 1. */
  batchSize?: number;
  /** Visit the items in a new random order each epoch. Default false. */
  shuffle?: boolean;
  /**
   * Seed of the shuffle: epoch `e` uses the permutation for (seed, e), so a new loader with the
   * same seed repeats the same sequence of epochs. Default: the global seed (`manualSeed`).
   */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Combines items into a batch. Default: `stack` per position (see `defaultCollate`). */
  collate?: (items: T[]) => B;
  /**
   * Backend each batch's tensors are moved to (`tensor.to`) once gathered, as PyTorch's loop
   * does `x.to(device)`: the dataset may stay on the CPU when it is larger than the device
   * allows in one buffer (a browser's WebGPU binds at most 128 MiB by default), and only
   * batches cross. The move of the next batch overlaps the current step. Default: batches stay
   * on the dataset's backend.
   */
  device?: Backend;
}

/**
 * Stacks items into a batch: a list of tensors per item gives a list of stacked tensors (one per
 * position); a tensor per item gives one stacked tensor. The items are disposed.
 */
export function defaultCollate<T>(items: T[]): T {
  const first = items[0];
  if (Array.isArray(first)) {
    const out = first.map((_, j) => stack(items.map((it) => (it as Tensor[])[j] as Tensor)));
    for (const it of items) for (const t of it as Tensor[]) t.dispose();
    return out as T;
  }
  const out = stack(items as Tensor[]);
  for (const t of items as Tensor[]) t.dispose();
  return out as T;
}

/**
 * A batch (a tensor, or a list of tensors) moved to `device`; the originals are disposed.
 * ValueError for another batch (a custom collate's), which the loader cannot move.
 */
async function moveBatch<B>(batch: B, device: Backend): Promise<B> {
  const move = async (t: Tensor): Promise<Tensor> => {
    const moved = await t.to(device);
    t.dispose();
    return moved;
  };
  if (isTensor(batch)) return (await move(batch)) as B;
  if (Array.isArray(batch) && batch.every(isTensor)) {
    return (await Promise.all(batch.map(move))) as B;
  }
  dispose(batch);
  throw new ValueError(
    `DataLoader: the device option moves batches of tensors (a tensor or a list of tensors), but collate returned ${Array.isArray(batch) ? "a list with non-tensors" : typeof batch}; move the batch yourself or drop device`,
  );
}

/**
 * Iterates a dataset in batches (torch.utils.data.DataLoader), as `for await (const [x, y] of
 * loader)`. While you work on one batch the next is being loaded, never more than one ahead.
 * Each batch is new tensors: dispose them (or run the step in `tidy`). Uses the dataset's
 * `getBatch` when it has one (TensorDataset: one gather per tensor), else `get` + `collate`.
 * Leaving the loop early (`break`) disposes the batch loaded ahead, so nothing leaks.
 */
export class DataLoader<T = Tensor[], B = T> implements AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  /** Epochs started so far (the shuffle of epoch e is fixed by seed and e). */
  epoch = 0;
  readonly #collate: (items: T[]) => B;
  readonly #device: Backend | undefined;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    const ds = dataset as Partial<Dataset<T>> | null;
    if (
      typeof ds !== "object" ||
      ds === null ||
      !Number.isInteger(ds.length) ||
      typeof ds.get !== "function"
    ) {
      throw new ValueError(
        "DataLoader: dataset must be a Dataset ({ length, get(i) }), e.g. new TensorDataset(x, y); wrap tensors in a TensorDataset",
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new ValueError(
        `DataLoader: options must be an object such as { batchSize: 64 }, got ${String(options)}`,
      );
    }
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.seed = options.seed ?? initialSeed();
    this.#collate = options.collate ?? (defaultCollate as unknown as (items: T[]) => B);
    this.#device = options.device;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The item order of epoch `epoch` (a seeded permutation when shuffling). */
  order(epoch: number): number[] {
    const n = this.dataset.length;
    return this.shuffle
      ? randomPermutation(n, this.seed, epoch)
      : Array.from({ length: n }, (_, i) => i);
  }

  async #load(indices: number[]): Promise<B> {
    const batch = await this.#gather(indices);
    return this.#device ? moveBatch(batch, this.#device) : batch;
  }

  async #gather(indices: number[]): Promise<B> {
    if (this.dataset.getBatch && this.#collate === (defaultCollate as unknown)) {
      return (await this.dataset.getBatch(indices)) as unknown as B;
    }
    const items = await Promise.all(indices.map((i) => this.dataset.get(i)));
    return this.#collate(items);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const order = this.order(this.epoch++);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += this.batchSize) {
      const b = order.slice(i, i + this.batchSize);
      if (b.length < this.batchSize && this.dropLast) break;
      batches.push(b);
    }
    let next: Promise<B> | undefined = batches.length
      ? this.#load(batches[0] as number[])
      : undefined;
    try {
      for (let i = 0; i < batches.length; i++) {
        const batch = await (next as Promise<B>);
        // Start loading the following batch (at most one ahead) while the caller uses this one.
        next = i + 1 < batches.length ? this.#load(batches[i + 1] as number[]) : undefined;
        // A failed prefetch surfaces when awaited, not as an unhandled rejection.
        next?.catch(() => undefined);
        yield batch;
      }
    } finally {
      // The loop stopped early (break, return or a throw in its body runs the iterator's
      // return()): nobody will receive the prefetched batch, so free it here.
      if (next) await next.then(dispose, () => undefined);
    }
  }
}
