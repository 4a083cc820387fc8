/**
 * Fashion-MNIST-sized training under a browser's default WebGPU limits: the 54,000 training
 * images (169 MB as float32) exceed one storage binding (128 MiB), so they stay on the CPU and
 * the loader moves each batch to the device; the held-out images (19 MB) move whole. Twenty
 * steps of the train app's epoch loop run on a device requested at default limits and give the
 * CPU's losses. The images are synthetic, [60000, 784] plus a [10000, 784] test set, labelled
 * by the largest of their first ten pixels so that the losses fall.
 */
import { cpu } from "@nn/backend-cpu";
import { type WebGpuBackend, webgpu } from "@nn/backend-webgpu";
import {
  argmax,
  type Backend,
  contiguous,
  expand,
  manualSeed,
  narrow,
  randn,
  reshape,
  setBackend,
} from "@nn/tensor";
import { nodeWebGpu } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOptimizer } from "../src/choices/optimizers.js";
import { prepareData } from "../src/data/prepare.js";
import type { Examples } from "../src/data/sources.js";
import { buildMlp } from "../src/model.js";
import { processOutput } from "../src/output/console.js";
import { runEpochs } from "../src/train/epochs.js";
import type { Schedule } from "../src/train/schedule.js";

const env = await nodeWebGpu();
const STEPS = 20;

/**
 * Synthetic images on `host`: 1,000 random ones repeated (drawing 47 million normals would
 * dominate the test's time), labelled by the largest of their first ten pixels.
 */
function examples(n: number, host: Backend): Examples {
  const base = randn([1000, 784], { backend: host });
  const x = reshape(contiguous(expand(reshape(base, [1, 1000, 784]), [n / 1000, 1000, 784])), [
    n,
    784,
  ]);
  return { x, y: argmax(narrow(x, 1, 0, 10), 1) };
}

/** Prepares the data for `device` and trains STEPS steps; the losses of steps 1, 10 and 20. */
async function twentySteps(device: Backend) {
  const host = cpu({ syncRead: false });
  manualSeed(0);
  const raw = { kind: "split" as const, train: examples(60000, host), test: examples(10000, host) };
  setBackend(device);
  const data = await prepareData(raw, { seed: 0, classes: 10, device });
  manualSeed(0);
  const model = buildMlp({ inputs: 784, hidden: [32], classes: 10, activation: "relu" });
  const optimizer = buildOptimizer("adam", model.parameters(), 1e-2);
  const stop = new AbortController();
  let steps = 0;
  // The epoch loop's per-step hook: abort after STEPS steps (as Ctrl-C would).
  const counter = {
    afterStep: () => ++steps === STEPS && stop.abort(),
    afterEpoch: () => {},
  } as unknown as Schedule;
  const state = await runEpochs({
    model,
    optimizer,
    train: data.train,
    val: data.val,
    classes: 10,
    epochs: 1,
    batchSize: 64,
    seed: 0,
    output: processOutput(true),
    signal: stop.signal,
    schedule: counter,
  });
  return { data, state };
}

describe.skipIf(!env)("Fashion-MNIST-sized data at WebGPU's default limits", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await (env as NonNullable<typeof env>).adapter.requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  it("keeps the training images on the CPU, trains 20 steps and gives the CPU's losses", async () => {
    expect(device.limits.maxStorageBufferBindingSize).toBe(128 * 2 ** 20);
    const { data, state } = await twentySteps(gpu);
    expect(data.train.x.shape).toEqual([54000, 784]);
    expect(data.train.x.backend.name).toBe("cpu");
    expect(data.val.x.backend).toBe(gpu);
    expect(data.test?.x.backend).toBe(gpu);
    expect(state.interrupted).toBe(true);
    expect(state.partial?.step).toBe(STEPS);
    const losses = state.partial?.curve.map((p) => p.loss) ?? [];

    const onCpu = await twentySteps(cpu({ syncRead: false }));
    const cpuLosses = onCpu.state.partial?.curve.map((p) => p.loss) ?? [];
    expect(cpuLosses).toHaveLength(3); // steps 1, 10 and 20
    expect(cpuLosses[2]).toBeLessThan((cpuLosses[0] as number) - 0.5); // it learns
    expect(losses).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(losses[i]).toBeCloseTo(cpuLosses[i] as number, 4);
  }, 120_000);
});
