/** A training loop that runs many steps holds a constant number of live tensors (DESIGN.md "Memory"). */
import { cpu } from "@nn/backend-cpu";
import { DataLoader, TensorDataset } from "@nn/data";
import { memory, randint, randn, setBackend, type Tensor } from "@nn/tensor";
import { expect, it } from "vitest";
import { buildOptimizer } from "../src/choices/optimizers.js";
import { buildMlp } from "../src/model.js";
import { trainEpoch } from "../src/train/epoch.js";
import { evaluate } from "../src/train/evaluate.js";

it("live tensors and bytes stay constant from epoch to epoch (tidy per step)", async () => {
  const backend = setBackend(cpu({ syncRead: false }));
  const x = randn([200, 12], { seed: 1 });
  const y = randint(0, 5, [200], { seed: 2 });
  const model = buildMlp({ inputs: 12, hidden: [16, 8], classes: 5, activation: "tanh" });
  const optimizer = buildOptimizer("adam", model.parameters());
  const loader = new DataLoader<Tensor[]>(new TensorDataset(x, y), {
    batchSize: 16,
    shuffle: true,
    seed: 3,
  });
  const snapshots: { tensors: number; bytes: number }[] = [];
  for (let epoch = 0; epoch < 4; epoch++) {
    await trainEpoch({ model, optimizer, loader, epoch, seed: 0, reportEvery: 5 });
    await evaluate(model, { x, y }, 5);
    const m = memory(backend);
    snapshots.push({ tensors: m.tensors, bytes: m.bytes });
  }
  // The first epoch creates the optimizer state; from then on nothing accumulates.
  expect(snapshots[2]).toEqual(snapshots[1]);
  expect(snapshots[3]).toEqual(snapshots[1]);
});
