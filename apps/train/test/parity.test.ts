/**
 * The app's training loop, held-out evaluation, optimizer presets and gradient-norm lesson
 * against PyTorch 1.13 (fixtures from tools/gen_train_fixtures.py): the same initial weights and
 * batches must give the same per-epoch losses and correct counts, the same final weights, the
 * same held-out loss and confusion matrix, and the same per-layer gradient norms.
 */
import { cpu } from "@nn/backend-cpu";
import { DataLoader, TensorDataset } from "@nn/data";
import { setBackend, type Tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { buildOptimizer } from "../src/choices/optimizers.js";
import { layerGradNorms } from "../src/lessons/grad-norms.js";
import { buildMlp } from "../src/model.js";
import { trainEpoch } from "../src/train/epoch.js";
import { evaluate } from "../src/train/evaluate.js";
import { build, buildState, trainFixtures, values, worstRatio } from "./fixtures.js";

const backend = setBackend(cpu({ syncRead: false }));
const fixtures = trainFixtures();

describe("training matches PyTorch", () => {
  for (const c of fixtures.training) {
    it(`${c.id}: ${c.optimizer} lr ${c.lr}, ${c.epochs} epochs of ${c.perEpoch[0]?.seen} examples`, async () => {
      const model = buildMlp(c.architecture);
      model.loadStateDict(buildState(c.initial, backend));
      const optimizer = buildOptimizer(c.optimizer, model.parameters(), c.lr);
      const x = build(c.x, backend);
      const y = build(c.y, backend);
      const loader = new DataLoader<Tensor[]>(new TensorDataset(x, y), { batchSize: c.batchSize });
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        const r = await trainEpoch({ model, optimizer, loader, epoch, seed: 0, reportEvery: 1000 });
        const expected = c.perEpoch[epoch]!;
        expect(r.completed).toBe(true);
        expect(r.seen).toBe(expected.seen);
        expect(r.correct).toBe(expected.correct);
        expect(worstRatio([r.lossSum], [expected.lossSum], 1e-5, 1e-6)).toBeLessThanOrEqual(1);
      }
      for (const [key, t] of Object.entries(model.stateDict())) {
        const got = Array.from(await t.data());
        expect(worstRatio(got, values(c.final[key]!), 1e-4, 1e-6), key).toBeLessThanOrEqual(1);
      }
      const ev = await evaluate(
        model,
        { x: build(c.test.x, backend), y: build(c.test.y, backend) },
        c.architecture.classes,
      );
      expect(ev.confusion).toEqual(c.test.confusion);
      expect(worstRatio([ev.loss], [c.test.loss], 1e-5, 1e-6)).toBeLessThanOrEqual(1);
    });
  }
});

describe("per-layer gradient norms (the activation lesson) match PyTorch", () => {
  for (const c of fixtures.gradNorms) {
    it(`${c.id}: ${c.architecture.hidden.length} hidden layers`, async () => {
      const model = buildMlp(c.architecture);
      model.loadStateDict(buildState(c.state, backend));
      const norms = await layerGradNorms(model, build(c.x, backend), build(c.y, backend));
      expect(norms).toHaveLength(c.norms.length);
      expect(worstRatio(norms, c.norms, 1e-4, 1e-12)).toBeLessThanOrEqual(1);
      for (const p of model.parameters()) expect(p.grad).toBeNull();
    });
  }

  it("through sigmoids the first layer's gradient is orders of magnitude below the last's", () => {
    const sigmoid = fixtures.gradNorms.find((c) => c.architecture.activation === "sigmoid")!;
    expect(sigmoid.norms[0]! / sigmoid.norms.at(-1)!).toBeLessThan(1e-3);
  });
});
