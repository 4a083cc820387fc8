import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { crossEntropy } from "@nn/nn";
import { noGrad, setBackend, type Tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { parseDigits } from "../src/digits.js";
import { linearLayers } from "../src/mlp.js";
import { batchOf, buildDeepMlp, gradientNorms, layerMovement } from "../src/vanishing/lesson.js";
import { readDigits } from "./digits.js";

setBackend(cpu({ syncRead: false }));
const digits = readDigits();

async function lossAt(
  model: ReturnType<typeof buildDeepMlp>,
  x: Tensor,
  y: Tensor,
): Promise<number> {
  return Number(await noGrad(() => crossEntropy(model.forward(x), y)).item());
}

describe("vanishing gradients", () => {
  it("reads the shipped sample of real digits: 2,000, balanced, pixels in [0, 1]", () => {
    expect(digits.count).toBe(2000);
    expect(Array.from(digits.labels.subarray(0, 20))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(Math.max(...digits.images.subarray(0, 784))).toBe(1);
    expect(() => parseDigits(new ArrayBuffer(10))).toThrow(/digits.bin/);
  });

  it("each layer's gradient norm is the directional derivative along its gradient (finite differences)", async () => {
    const model = buildDeepMlp({ depth: 3, activation: "tanh", init: "default", seed: 1 });
    const { x, y } = batchOf(digits, 64);
    const norms = await gradientNorms(model, x, y);
    expect(norms).toHaveLength(3);
    for (const [i, layer] of linearLayers(model).entries()) {
      model.zeroGrad();
      backward(crossEntropy(model.forward(x), y));
      const unit = noGrad(() => (layer.weight.grad as Tensor).div(norms[i] as number));
      model.zeroGrad();
      const h = 0.05;
      noGrad(() => layer.weight.add_(unit.mul(h)));
      const up = await lossAt(model, x, y);
      noGrad(() => layer.weight.add_(unit.mul(-2 * h)));
      const down = await lossAt(model, x, y);
      noGrad(() => layer.weight.add_(unit.mul(h)));
      expect((up - down) / (2 * h), `layer ${i}`).toBeCloseTo(norms[i] as number, 2);
    }
  });

  it("sigmoid's norms shrink towards the input in a deep stack; relu with Kaiming init keeps them", async () => {
    const { x, y } = batchOf(digits);
    const sig = await gradientNorms(
      buildDeepMlp({ depth: 10, activation: "sigmoid", init: "default", seed: 0 }),
      x,
      y,
    );
    const relu = await gradientNorms(
      buildDeepMlp({ depth: 10, activation: "relu", init: "kaiming", seed: 0 }),
      x,
      y,
    );
    // first (input) layer against the last hidden one: sigmoid' <= 1/4 per layer
    expect((sig[0] as number) / (sig[8] as number)).toBeLessThan(1e-3);
    expect((relu[0] as number) / (relu[8] as number)).toBeGreaterThan(0.05);
  });

  it("in 20 SGD steps the last layers of a deep sigmoid net move, the first barely", async () => {
    const { x, y } = batchOf(digits);
    const model = buildDeepMlp({ depth: 8, activation: "sigmoid", init: "default", seed: 0 });
    const moved = await layerMovement(model, x, y);
    expect(moved).toHaveLength(8);
    expect((moved[0] as number) * 100).toBeLessThan(moved[7] as number);
  });
});
