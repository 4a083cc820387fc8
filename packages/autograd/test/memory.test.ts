import { cpu } from "@nn/backend-cpu";
import {
  add,
  matmul,
  mean,
  memory,
  mul,
  setBackend,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  tidy,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, grad, zeroGrad } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("autograd memory", () => {
  it("1,000 forward+backward iterations keep memory() constant", () => {
    const w = tensor(
      [
        [0.5, -0.25],
        [0.125, 1],
      ],
      { dtype: "float32", requiresGrad: true },
    );
    const b = tensor([0.1, -0.1], { dtype: "float32", requiresGrad: true });
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { dtype: "float32" },
    );
    const step = () =>
      tidy(() => {
        zeroGrad([w, b]);
        const y = tanh(add(matmul(x, w), b));
        backward(mean(mul(sub(y, 0.5), sub(y, 0.5))));
      });
    step();
    const before = memory();
    for (let i = 0; i < 1000; i++) step();
    const after = memory();
    expect([after.tensors, after.buffers, after.bytes]).toEqual([
      before.tensors,
      before.buffers,
      before.bytes,
    ]);
  });

  it("the functional grad frees its tape", () => {
    const f = grad((t: Tensor) => mean(mul(t, t)));
    const x = tensor([1, 2, 3], { dtype: "float32" });
    const run = () => tidy(() => void f(x));
    run();
    const before = memory().tensors;
    for (let i = 0; i < 200; i++) run();
    expect(memory().tensors).toBe(before);
  });
});

describe("the tape releases what no live tensor needs", () => {
  it("a forward pass that is never differentiated holds no memory after tidy (no noGrad needed)", () => {
    const w = tensor(
      [
        [0.5, -0.25],
        [0.125, 1],
      ],
      { dtype: "float32", requiresGrad: true },
    );
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float32" },
    );
    const evaluate = () => tidy(() => void mean(tanh(matmul(x, w))));
    evaluate();
    const before = memory();
    for (let i = 0; i < 200; i++) evaluate();
    const after = memory();
    expect([after.tensors, after.buffers, after.bytes]).toEqual([
      before.tensors,
      before.buffers,
      before.bytes,
    ]);
  });

  it("a kept output keeps its whole history differentiable after its intermediates are disposed", async () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const loss = tidy(() => sum(mul(tanh(mul(x, 3)), 2)));
    backward(loss);
    const t = Math.tanh(3);
    const t2 = Math.tanh(6);
    const g = Array.from(await (x.grad as Tensor).data());
    expect(g[0]).toBeCloseTo(6 * (1 - t * t), 12);
    expect(g[1]).toBeCloseTo(6 * (1 - t2 * t2), 12);
  });
});
