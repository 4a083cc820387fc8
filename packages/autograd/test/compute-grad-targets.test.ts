/**
 * computeGrad runs only the part of the graph between the outputs and the requested inputs, as
 * torch.autograd.grad: the history of an intermediate input is neither computed nor freed.
 * Expected values are exact math (d/dh sum(h^2) = 2h; d/dw sum(tanh(2w)) = 2 (1 - tanh(2w)^2)).
 */
import { cpu } from "@nn/backend-cpu";
import { mul, setBackend, sum, type Tensor, tanh, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, computeGrad } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const W = [0.25, -0.5, 1];
const close = async (t: Tensor | null | undefined, expected: number[]) => {
  const got = Array.from(await (t as Tensor).data());
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, 12);
  });
};

describe("computeGrad w.r.t. an intermediate tensor", () => {
  it("leaves the graph before it intact for a later backward", async () => {
    const w = tensor(W, { dtype: "float64", requiresGrad: true });
    const h = tanh(mul(w, 2));
    const [gh] = computeGrad([sum(mul(h, h))], [h]);
    await close(
      gh,
      W.map((v) => 2 * Math.tanh(2 * v)),
    );
    expect(w.grad).toBeNull();
    backward(sum(h)); // tanh and mul(w, 2) were not run (nor freed) by computeGrad
    await close(
      w.grad,
      W.map((v) => 2 * (1 - Math.tanh(2 * v) ** 2)),
    );
  });

  it("works after a backward has freed the graph before it", async () => {
    const w = tensor(W, { dtype: "float64", requiresGrad: true });
    const h = tanh(mul(w, 2));
    backward(sum(h));
    const [gh] = computeGrad([sum(mul(h, h))], [h]);
    await close(
      gh,
      W.map((v) => 2 * Math.tanh(2 * v)),
    );
  });

  it("still reaches an input through the intermediate when both are asked for", async () => {
    const w = tensor(W, { dtype: "float64", requiresGrad: true });
    const h = tanh(mul(w, 2));
    const [gh, gw] = computeGrad([sum(mul(h, h))], [h, w]);
    await close(
      gh,
      W.map((v) => 2 * Math.tanh(2 * v)),
    );
    // d/dw sum(tanh(2w)^2) = 4 tanh(2w) (1 - tanh(2w)^2)
    await close(
      gw,
      W.map((v) => 4 * Math.tanh(2 * v) * (1 - Math.tanh(2 * v) ** 2)),
    );
  });
});

describe("computeGrad arguments (as torch.autograd.grad)", () => {
  it("takes one tensor for outputs and for inputs", async () => {
    const w = tensor(W, { dtype: "float64", requiresGrad: true });
    const [gw] = computeGrad(sum(mul(w, w)), w);
    await close(
      gw,
      W.map((v) => 2 * v),
    );
  });

  it("names a bad argument", () => {
    const w = tensor(W, { dtype: "float64", requiresGrad: true });
    const y = sum(mul(w, w));
    expect(() => computeGrad(y, [w, 3] as unknown as Tensor[])).toThrow(
      "computeGrad: inputs must be a tensor or an array of tensors, got an array holding a non-tensor",
    );
    expect(() => computeGrad("y" as unknown as Tensor, [w])).toThrow(
      "computeGrad: outputs must be a tensor or an array of tensors, got string",
    );
  });
});
