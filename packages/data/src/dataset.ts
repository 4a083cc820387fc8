/** Datasets: anything with a length and an async `get(i)`; TensorDataset over tensors; Subset. */
import {
  IndexError,
  indexSelect,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";

/**
 * A dataset (torch.utils.data.Dataset): `length` items, item `i` from `await get(i)`. Items are
 * usually a tensor or a list of tensors (features, label). An optional `getBatch(indices)` returns
 * a whole batch at once (already stacked), which DataLoader prefers.
 */
export interface Dataset<T = Tensor[]> {
  readonly length: number;
  get(index: number): Promise<T>;
  getBatch?(indices: readonly number[]): Promise<T>;
}

/** Throws IndexError unless `index` is an integer in [0, length). */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new IndexError(
      `${op}: index ${index} is out of range for a dataset of ${length} items (valid: 0 to ${length - 1})`,
    );
  }
}

/** An int32 index tensor on `t`'s backend. */
function indexTensor(indices: readonly number[], like: Tensor): Tensor {
  return tensor(Int32Array.from(indices), { dtype: "int32", backend: like.backend });
}

/**
 * A dataset of tensors that share their first dim (torch.utils.data.TensorDataset): item `i` is
 * `[t0[i], t1[i], ...]`. ShapeError when the first dims differ. The dataset does not own the
 * tensors (it never disposes them); items and batches are new tensors the caller disposes.
 * `T` is inferred as a tuple (`new TensorDataset(x, y)` gives `[Tensor, Tensor]` items), so
 * `const [x, y] = batch` types without `!` under `noUncheckedIndexedAccess`.
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: Readonly<T>;
  readonly length: number;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: needs at least one tensor");
    const n = tensors[0]!.shape[0];
    for (const t of tensors) {
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new ShapeError(
          `TensorDataset: every tensor needs the same first dim; got ${tensors.map((x) => fmt(x.shape)).join(", ")}`,
        );
      }
    }
    this.tensors = tensors;
    this.length = n ?? 0;
  }

  /** `[t0[i], t1[i], ...]` (each a new tensor without the first dim). */
  async get(index: number): Promise<T> {
    checkIndex("TensorDataset.get", index, this.length);
    // map keeps the length, so the tuple type holds.
    return this.tensors.map((t) => {
      const idx = indexTensor([index], t);
      const rows = indexSelect(t, 0, idx);
      const row = reshape(rows, t.shape.slice(1));
      idx.dispose();
      rows.dispose();
      return row;
    }) as T;
  }

  /** The rows `indices` of each tensor, as one gather per tensor. */
  async getBatch(indices: readonly number[]): Promise<T> {
    for (const i of indices) checkIndex("TensorDataset.getBatch", i, this.length);
    return this.tensors.map((t) => {
      const idx = indexTensor(indices, t);
      const out = indexSelect(t, 0, idx);
      idx.dispose();
      return out;
    }) as T;
  }
}

/** The items `indices` of another dataset (torch.utils.data.Subset), in that order. */
export class Subset<T> implements Dataset<T> {
  readonly length: number;
  readonly getBatch?: (indices: readonly number[]) => Promise<T>;

  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    for (const i of indices) checkIndex("Subset", i, dataset.length);
    this.length = indices.length;
    const batch = dataset.getBatch?.bind(dataset);
    if (batch) {
      this.getBatch = (idx) => {
        for (const i of idx) checkIndex("Subset.getBatch", i, this.length);
        return batch(idx.map((i) => this.indices[i] as number));
      };
    }
  }

  get(index: number): Promise<T> {
    checkIndex("Subset.get", index, this.length);
    return this.dataset.get(this.indices[index] as number);
  }
}
