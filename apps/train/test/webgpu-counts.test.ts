/**
 * The main job's training step on WebGPU, counted (not timed): submits, dispatches, GPU buffers
 * created, bytes read back and pipelines compiled per step, from the backend's `stats`. Runs on
 * Dawn in Node (a software adapter in CI); skipped where Node has no WebGPU adapter.
 */
import { backward } from "@nn/autograd";
import { type WebGpuBackend, type WebGpuStats, webgpu } from "@nn/backend-webgpu";
import { DataLoader, TensorDataset } from "@nn/data";
import { crossEntropy } from "@nn/nn";
import { manualSeed, randint, randn, setBackend, type Tensor } from "@nn/tensor";
import { nodeWebGpu } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOptimizer } from "../src/choices/optimizers.js";
import { buildMlp } from "../src/model.js";
import { trainEpoch } from "../src/train/epoch.js";

const env = await nodeWebGpu();

type Counts = { [K in keyof WebGpuStats]: number };

/** Per-step differences of `stats`, taken after each optimizer step. */
function perStep(snapshots: WebGpuStats[]): Counts[] {
  return snapshots.slice(1).map((s, i) => {
    const prev = snapshots[i] as WebGpuStats;
    return {
      submits: s.submits - prev.submits,
      dispatches: s.dispatches - prev.dispatches,
      buffersCreated: s.buffersCreated - prev.buffersCreated,
      bytesRead: s.bytesRead - prev.bytesRead,
      compiles: s.compiles - prev.compiles,
    };
  });
}

describe.skipIf(!env)("training on webgpu, counted", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await (env as NonNullable<typeof env>).requestDevice();
    gpu = setBackend(await webgpu({ device }));
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  /** Trains one epoch of a 20-16-4 relu MLP with Adam, taking `stats` after every step. */
  async function epoch(
    loader: DataLoader<Tensor[]>,
    run: Parameters<typeof trainEpoch>[0],
  ): Promise<WebGpuStats[]> {
    const snapshots: WebGpuStats[] = [gpu.stats];
    const r = await trainEpoch({ ...run, loader, onStep: () => snapshots.push(gpu.stats) });
    expect(r.completed).toBe(true);
    expect(Number.isFinite(r.lossSum)).toBe(true);
    return snapshots;
  }

  it("a step submits nothing, creates no buffer and reads nothing unless asked; batch sizes compile nothing new", async () => {
    manualSeed(0);
    // 66 examples in batches of 8: eight full batches and a last one of 2.
    const data = new TensorDataset(randn([66, 20]), randint(0, 4, [66]));
    const model = buildMlp({ inputs: 20, hidden: [16], classes: 4, activation: "relu" });
    const optimizer = buildOptimizer("adam", model.parameters(), 1e-3);
    const loader = new DataLoader<Tensor[]>(data, { batchSize: 8, shuffle: true, seed: 1 });
    const run = { model, optimizer, loader, seed: 0, reportEvery: 1000 };

    // Warm-up: the first epoch compiles every kernel and fills the buffer pool.
    const first = await epoch(loader, { ...run, epoch: 0 });
    const compiledByStep1 = (first[1] as WebGpuStats).compiles;
    // The epoch's later steps, the smaller last batch included, compile nothing new.
    expect((first.at(-1) as WebGpuStats).compiles).toBe(compiledByStep1);

    const steps = perStep(await epoch(loader, { ...run, epoch: 1 }));
    expect(steps).toHaveLength(9);
    // Steps 2 to 8: full batches, no report (epoch 1 reports only after its last step).
    const middle = steps.slice(1, 8);
    const dispatches = (middle[0] as Counts).dispatches;
    for (const s of middle) {
      expect(s.buffersCreated).toBe(0);
      expect(s.bytesRead).toBe(0);
      expect(s.compiles).toBe(0);
      // The same work every step (the loader's gathers of the next batch included).
      expect(s.dispatches).toBe(dispatches);
    }
    // Nothing waits for the GPU: a batch is submitted only when it holds 512 dispatches.
    const submits = middle.reduce((n, s) => n + s.submits, 0);
    expect(submits).toBeLessThanOrEqual(Math.ceil((dispatches * middle.length) / 512));
    console.info(
      `[webgpu counts] per step: ${dispatches} dispatches, ${submits} submits in ${middle.length} steps, ` +
        `0 buffers created, 0 bytes read; ${compiledByStep1} pipelines compiled by the first step`,
    );

    // Another batch size in a second run: no new pipeline, and after its own warm-up epoch
    // (new buffer sizes), no new buffer either.
    const other = new DataLoader<Tensor[]>(data, { batchSize: 5, shuffle: true, seed: 1 });
    const compiled = gpu.compileCount;
    await epoch(other, { ...run, loader: other, epoch: 0 });
    expect(gpu.compileCount).toBe(compiled);
    const otherSteps = perStep(await epoch(other, { ...run, loader: other, epoch: 1 }));
    for (const s of otherSteps.slice(0, -1)) expect(s.buffersCreated).toBe(0);

    // Adam updates each parameter in one fused kernel.
    const [x, y] = (await data.getBatch([0, 1, 2])) as [Tensor, Tensor];
    optimizer.zeroGrad();
    backward(crossEntropy(model.forward(x), y));
    const before = gpu.stats.dispatches;
    optimizer.step();
    expect(gpu.stats.dispatches - before).toBe(model.parameters().length);
  });

  it("a step that reads its loss back submits once per read and reads only those bytes", async () => {
    manualSeed(0);
    const data = new TensorDataset(randn([40, 20]), randint(0, 4, [40]));
    const model = buildMlp({ inputs: 20, hidden: [16], classes: 4, activation: "relu" });
    const optimizer = buildOptimizer("adam", model.parameters(), 1e-3);
    const loader = new DataLoader<Tensor[]>(data, { batchSize: 8 });
    const run = { model, optimizer, loader, seed: 0, reportEvery: 1 };
    await epoch(loader, { ...run, epoch: 0 });
    const steps = perStep(await epoch(loader, { ...run, epoch: 1 }));
    // The report after each step reads two scalars (summed loss, correct count): 4 bytes each.
    for (const s of steps.slice(1, -1)) {
      expect(s.bytesRead).toBe(8);
      expect(s.submits).toBe(2);
      expect(s.buffersCreated).toBe(0);
    }
  });
});
