/**
 * Every layer against PyTorch 1.13 (packages/testing/fixtures/nn.json, tools/gen_nn_fixtures.py):
 * the output, the input gradient, every parameter gradient and the state after the forward
 * (BatchNorm's running statistics), in float32 and float64.
 */
import { backward } from "@nn/autograd";
import { type Backend, memory, type Tensor, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import * as nn from "../src/index.js";
import {
  build,
  buildLayer,
  expectClose,
  type LayerCase,
  nnFixtures,
  type T,
  useAsyncCpu,
} from "./helpers.js";

let backend: Backend;
beforeAll(() => {
  backend = useAsyncCpu();
});

const fixtures = nnFixtures();

async function runLayerCase(c: LayerCase): Promise<void> {
  const layer = buildLayer(c.layer, c.config, c.dtype);
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, build(v, backend)]));
  expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
  layer.loadStateDict(state);
  for (const t of Object.values(state)) t.dispose();
  layer.train(c.training);
  const x = build(c.input, backend);
  if (c.inputGrad) x.requiresGrad = true;
  const out = layer.forward(x);
  await expectClose(`${c.id} output`, out, c.output, "matmul");
  const g = build(c.gradOutput, backend);
  backward(out, g);
  if (c.inputGrad) await expectClose(`${c.id} input grad`, x.grad, c.inputGrad, "matmul");
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params).sort()).toEqual(Object.keys(c.paramGrads).sort());
  for (const [k, expected] of Object.entries(c.paramGrads)) {
    await expectClose(`${c.id} grad of ${k}`, params[k]?.grad, expected, "matmul");
  }
  const after = layer.stateDict();
  for (const [k, expected] of Object.entries(c.stateAfter)) {
    await expectClose(`${c.id} state ${k} after forward`, after[k] as Tensor, expected, "matmul");
  }
  x.grad?.dispose();
  for (const t of [x, out, g]) t.dispose();
  layer.dispose();
}

describe("layers match PyTorch", () => {
  it("has cases for every layer", () => {
    const kinds = new Set(fixtures.layers.map((c) => c.layer));
    for (const k of [
      "Linear",
      "LayerNorm",
      "BatchNorm1d",
      "Embedding",
      "PReLU",
      "Flatten",
      "Identity",
      "Sequential",
    ])
      expect(kinds).toContain(k);
  });
  for (const c of fixtures.layers) {
    it(c.id, async () => {
      await runLayerCase(c);
    });
  }
  it("functional embedding: a negative paddingIdx counts from the end", async () => {
    const cases = fixtures.layers.filter(
      (c) => c.layer === "Embedding" && ((c.config.paddingIdx as number | undefined) ?? 0) < 0,
    );
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const weight = build(c.state.weight as T, backend);
      weight.requiresGrad = true;
      const ids = build(c.input, backend);
      const out = nn.embedding(ids, weight, c.config.paddingIdx as number);
      await expectClose(`${c.id} output`, out, c.output, "matmul");
      const g = build(c.gradOutput, backend);
      backward(out, g);
      await expectClose(`${c.id} grad of weight`, weight.grad, c.paramGrads.weight as T, "matmul");
      for (const t of [weight.grad, weight, ids, out, g]) t?.dispose();
    }
    expect(() => nn.embedding(build(cases[0]!.input, backend), zeros([5, 2]), -6)).toThrow(
      ValueError,
    );
  });
  it("leaves no tensors behind", async () => {
    const before = memory(backend).tensors;
    for (const c of fixtures.layers) await runLayerCase(c);
    expect(memory(backend).tensors).toBe(before);
  });
});
