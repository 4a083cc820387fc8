/**
 * rrelu in training draws one slope per element from the seeded generator: the slopes lie in
 * [lower, upper], a seed reproduces them, and the gradient is the drawn slope. (Evaluation mode
 * is checked against PyTorch in the parity suite.)
 */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { arange, manualSeed, neg, setBackend, sum, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { rrelu } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const N = 4096;
/** -1, -2, ..., -N: every element negative, so y / x is its slope. */
const negatives = (dtype: "float32" | "float64") => neg(arange(1, N + 1, 1, { dtype }));

async function slopes(x: Tensor, y: Tensor): Promise<number[]> {
  const [xs, ys] = [await x.data(), await y.data()];
  return Array.from(ys, (v, i) => v / (xs[i] as number));
}

describe("rrelu (training)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`draws slopes within [lower, upper], mean near the middle (${dtype})`, async () => {
      const x = negatives(dtype);
      const s = await slopes(x, rrelu(x, { training: true, lower: 0.1, upper: 0.3, seed: 11 }));
      const tol = dtype === "float32" ? 1e-6 : 1e-12;
      expect(Math.min(...s)).toBeGreaterThanOrEqual(0.1 - tol);
      expect(Math.max(...s)).toBeLessThanOrEqual(0.3 + tol);
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      // U(0.1, 0.3) has sd 0.0577: the mean of 4096 draws is within 0.01 of 0.2 (> 10 sigma).
      expect(Math.abs(mean - 0.2)).toBeLessThan(0.01);
      expect(new Set(s).size).toBeGreaterThan(N / 2);
    });
  }

  it("is reproducible by seed, and by manualSeed", async () => {
    const x = negatives("float32");
    const a = await rrelu(x, { training: true, seed: 5 }).data();
    const b = await rrelu(x, { training: true, seed: 5 }).data();
    const c = await rrelu(x, { training: true, seed: 6 }).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    manualSeed(123);
    const g1 = await rrelu(x, { training: true }).data();
    const g2 = await rrelu(x, { training: true }).data();
    manualSeed(123);
    const g1again = await rrelu(x, { training: true }).data();
    expect(Array.from(g2)).not.toEqual(Array.from(g1));
    expect(Array.from(g1again)).toEqual(Array.from(g1));
  });

  it("passes positive inputs through, and its gradient is the drawn slope", async () => {
    const x = tensor([-3, -1.5, -0.25, 0.5, 2, 7], { dtype: "float64", requiresGrad: true });
    const y = rrelu(x, { training: true, seed: 9 });
    backward(sum(y));
    const [xs, ys, gs] = [await x.data(), await y.data(), await (x.grad as Tensor).data()];
    for (let i = 0; i < xs.length; i++) {
      const xi = xs[i] as number;
      if (xi > 0) {
        expect(ys[i]).toBe(xi);
        expect(gs[i]).toBe(1);
      } else {
        expect(gs[i]).toBeCloseTo((ys[i] as number) / xi, 14);
        expect(gs[i]).toBeGreaterThanOrEqual(1 / 8);
        expect(gs[i]).toBeLessThanOrEqual(1 / 3);
      }
    }
  });
});
