/** Transforms: normalise, one-hot, and a seeded train/validation split. */
import {
  cast,
  type DType,
  defineMap,
  indexSelect,
  isFloating,
  type Tensor,
  tensor,
  ValueError,
} from "@nn/tensor";
import { type Dataset, Subset, TensorDataset } from "./dataset.js";
import { randomPermutation } from "./permutation.js";

const standardize = /* @__PURE__ */ defineMap({
  name: "normalize",
  inputs: 3,
  build: ([x, m, s]) => x!.sub(m!).div(s!),
});

/**
 * `(x - mean) / std`, one kernel (torchvision's Normalize). `mean` and `std` are numbers or
 * tensors that broadcast to `x` (e.g. `[C, 1, 1]` per channel). Integer input (pixels) gives
 * float32. ValueError for a zero or negative number std.
 */
export function normalize(x: Tensor, mean: number | Tensor, std: number | Tensor): Tensor {
  if (typeof std === "number" && !(std > 0))
    throw new ValueError(`normalize: std must be > 0, got ${std}`);
  const dtype: DType = isFloating(x.dtype) ? x.dtype : "float32";
  const owned: Tensor[] = [];
  const asTensor = (v: number | Tensor) => {
    if (typeof v !== "number") return v;
    const t = tensor(v, { dtype, backend: x.backend });
    owned.push(t);
    return t;
  };
  const xf = isFloating(x.dtype) ? x : cast(x, "float32");
  if (xf !== x) owned.push(xf);
  try {
    return standardize.apply([xf, asTensor(mean), asTensor(std)])[0] as Tensor;
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Options of trainValSplit. */
export interface SplitOptions {
  /** Seed of the shuffle before splitting. Default 0 (a split is reproducible unless asked otherwise). */
  seed?: number;
}

/**
 * Splits a dataset into training and validation parts after a seeded shuffle (like
 * torch.utils.data.random_split with a generator): `val` is a fraction in (0, 1) or a count.
 * A TensorDataset gives two TensorDatasets (rows gathered once, so batches are one gather);
 * any other dataset gives two Subsets. The TensorDatasets' tensors are new: free them with
 * `dispose(ds.tensors)` when done. ValueError for a size outside the dataset.
 */
export function trainValSplit<T extends Tensor[]>(
  dataset: TensorDataset<T>,
  val: number,
  options?: SplitOptions,
): [TensorDataset<T>, TensorDataset<T>];
export function trainValSplit<T>(
  dataset: Dataset<T>,
  val: number,
  options?: SplitOptions,
): [Dataset<T>, Dataset<T>];
export function trainValSplit<T>(
  dataset: Dataset<T>,
  val: number,
  options: SplitOptions = {},
): [Dataset<T>, Dataset<T>] {
  const n = dataset.length;
  const nVal = val > 0 && val < 1 ? Math.round(n * val) : val;
  if (!Number.isInteger(nVal) || nVal < 0 || nVal > n) {
    throw new ValueError(
      `trainValSplit: val must be a fraction in (0, 1) or a count in [0, ${n}], got ${val}`,
    );
  }
  const order = randomPermutation(n, options.seed ?? 0);
  const trainIdx = order.slice(0, n - nVal);
  const valIdx = order.slice(n - nVal);
  if (dataset instanceof TensorDataset) {
    return [gatherRows(dataset, trainIdx), gatherRows(dataset, valIdx)] as unknown as [
      Dataset<T>,
      Dataset<T>,
    ];
  }
  return [new Subset(dataset, trainIdx), new Subset(dataset, valIdx)];
}

function gatherRows<T extends Tensor[]>(d: TensorDataset<T>, indices: number[]): TensorDataset<T> {
  const parts = d.tensors.map((t) => {
    const idx = tensor(Int32Array.from(indices), { dtype: "int32", backend: t.backend });
    const rows = indexSelect(t, 0, idx);
    idx.dispose();
    return rows;
  }) as unknown as T;
  return new TensorDataset(...parts);
}
