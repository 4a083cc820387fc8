/**
 * The Lion plugin: registered explicitly, constructed by name like a built-in, matching the
 * paper's rule (computed independently here on plain numbers), one fused kernel per parameter,
 * and training a small model whose loss falls.
 */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { createOptimizer, listOptimizers, registerOptimizer, unregisterOptimizer } from "@nn/optim";
import {
  add,
  matmul,
  mean,
  mul,
  randn,
  setBackend,
  sub,
  type Tensor,
  tanh,
  tensor,
  tidy,
  ValueError,
} from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lion, lion } from "../src/index.js";

const backend = cpu({ syncRead: false });

beforeAll(() => {
  setBackend(backend);
  registerOptimizer(lion);
});

afterAll(() => {
  unregisterOptimizer("lion");
});

/** Lion on plain numbers, straight from Algorithm 2 of the paper. */
function reference(p: number[], grads: number[][], lr: number, b1: number, b2: number, wd: number) {
  const x = [...p];
  const m = p.map(() => 0);
  for (const g of grads) {
    x.forEach((v, i) => {
      const c = b1 * (m[i] as number) + (1 - b1) * (g[i] as number);
      x[i] = v * (1 - lr * wd) - lr * Math.sign(c);
      m[i] = b2 * (m[i] as number) + (1 - b2) * (g[i] as number);
    });
  }
  return { x, m };
}

describe("@nn/optim-lion", () => {
  it("is registered by the application, then constructed by name", () => {
    expect(listOptimizers()).toContain("lion");
    const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    expect(createOptimizer("lion", [p], { lr: 0.01 })).toBeInstanceOf(Lion);
  });

  it("follows the paper's update, decoupled weight decay included", async () => {
    const p0 = [0.5, -1, 2, 0.25];
    const grads = [
      [0.3, -0.2, 0.1, 0],
      [-0.4, -0.1, 0.2, 0.5],
      [0.05, 0.3, -0.6, -0.5],
    ];
    const p = tensor(p0, { dtype: "float64", requiresGrad: true });
    const opt = createOptimizer("lion", [p], { lr: 0.01, betas: [0.9, 0.99], weightDecay: 0.1 });
    for (const g of grads) {
      p.grad = tensor(g, { dtype: "float64" });
      opt.step();
    }
    const want = reference(p0, grads, 0.01, 0.9, 0.99, 0.1);
    const got = (await p.array()) as number[];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want.x[i] as number, 14);
    });
    const m = (await (opt.state.get(p)!.expAvg as Tensor).array()) as number[];
    m.forEach((v, i) => {
      expect(v).toBeCloseTo(want.m[i] as number, 14);
    });
  });

  it("runs one fused kernel per parameter per step", () => {
    const params = [randn([3, 4], { seed: 1 }), randn([4], { seed: 2 })];
    const opt = new Lion(params, { lr: 1e-3 });
    const run = backend.elementwise.bind(backend);
    let launches = 0;
    backend.elementwise = (...args) => {
      launches++;
      run(...args);
    };
    try {
      for (const p of params) p.grad = randn(p.shape, { seed: 3 });
      opt.step();
      expect(launches).toBe(2);
    } finally {
      backend.elementwise = run;
    }
  });

  it("trains a small model: the loss falls", async () => {
    // A 2-8-1 tanh network fitting y = x0 * x1 on 64 seeded points.
    const x = randn([64, 2], { seed: 11 });
    const y = mul(
      tidy(() => matmul(x, tensor([[1], [0]], { dtype: "float32" }))),
      tidy(() => matmul(x, tensor([[0], [1]], { dtype: "float32" }))),
    );
    const w1 = mul(randn([2, 8], { seed: 12 }), 0.5);
    const b1 = mul(randn([8], { seed: 13 }), 0.1);
    const w2 = mul(randn([8, 1], { seed: 14 }), 0.5);
    const params = [w1, b1, w2];
    for (const p of params) p.requiresGrad = true;
    const opt = createOptimizer("lion", params, { lr: 0.01, weightDecay: 0.01 });
    const lossOf = () => {
      const h = tanh(add(matmul(x, w1), b1));
      const r = sub(matmul(h, w2), y);
      return mean(mul(r, r));
    };
    const first = await tidy(lossOf).item();
    for (let k = 0; k < 300; k++) {
      tidy(() => {
        opt.zeroGrad();
        backward(lossOf());
      });
      opt.step();
    }
    const last = await tidy(lossOf).item();
    expect(last).toBeLessThan(first * 0.25);
  });

  it("checks its hyperparameters with typed errors", () => {
    const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    expect(() => new Lion([p], { lr: -1 })).toThrow(ValueError);
    expect(() => new Lion([p], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
  });
});
