/**
 * Initialisers against PyTorch's rules (nn.json: fans, gains, bounds and standard deviations from
 * torch.nn.init's own functions): uniform draws stay within the bound and fill it, normal draws
 * have the expected spread; the same seed gives the same values.
 */
import { empty, type Tensor, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { calculateGain, init } from "../src/index.js";
import { nnFixtures, useAsyncCpu } from "./helpers.js";

beforeAll(() => {
  useAsyncCpu();
});

const fixtures = nnFixtures();

function stats(v: ArrayLike<number>): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    s += x;
    s2 += x * x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), maxAbs: m };
}

type InitFn = (t: Tensor, ...args: unknown[]) => Tensor;

describe("init", () => {
  it("calculateGain gives PyTorch's gains", () => {
    for (const g of fixtures.gains) {
      expect(calculateGain(g.nonlinearity as never, g.param), g.nonlinearity).toBeCloseTo(
        g.gain,
        12,
      );
    }
    expect(() => calculateGain("swish" as never)).toThrow(ValueError);
  });

  for (const c of fixtures.init) {
    it(`${c.fn} ${JSON.stringify(c.shape)} ${JSON.stringify(c.options)}`, async () => {
      const t = empty(c.shape, "float64");
      expect(init.fanInAndFanOut(t)).toEqual({ fanIn: c.fanIn, fanOut: c.fanOut });
      const fn = (init as unknown as Record<string, InitFn>)[c.fn] as InitFn;
      const args = c.fn.startsWith("xavier")
        ? [c.options.gain ?? 1, { seed: 5 }]
        : [{ ...c.options, seed: 5 }];
      fn(t, ...args);
      const v = await t.data();
      const s = stats(v);
      const n = v.length;
      // The sample std of n draws is within a few standard errors of the distribution's.
      expect(Math.abs(s.std - c.std) / c.std).toBeLessThan(5 / Math.sqrt(2 * n) + 0.01);
      expect(Math.abs(s.mean)).toBeLessThan((5 * c.std) / Math.sqrt(n));
      if (c.fn.endsWith("Uniform")) {
        expect(s.maxAbs).toBeLessThanOrEqual(c.bound);
        expect(s.maxAbs).toBeGreaterThan(c.bound * (1 - 20 / n));
      }
      const again = empty(c.shape, "float64");
      fn(again, ...args);
      expect(Array.from(await again.data())).toEqual(Array.from(v));
      t.dispose();
      again.dispose();
    });
  }

  it("uniform, normal, constant, zeros and ones fill in place", async () => {
    const t = zeros([1000]);
    expect(init.uniform(t, -2, 3, { seed: 1 })).toBe(t);
    const u = stats(await t.data());
    expect(u.maxAbs).toBeLessThanOrEqual(3);
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(0.25);
    init.normal(t, 4, 0.5, { seed: 1 });
    const z = stats(await t.data());
    expect(Math.abs(z.mean - 4)).toBeLessThan(0.1);
    expect(Math.abs(z.std - 0.5)).toBeLessThan(0.05);
    init.constant(t, 0.25);
    expect(new Set(await t.data())).toEqual(new Set([0.25]));
    init.ones(t);
    expect(new Set(await t.data())).toEqual(new Set([1]));
    init.zeros(t);
    expect(new Set(await t.data())).toEqual(new Set([0]));
    t.dispose();
  });

  it("rejects what PyTorch rejects", () => {
    const v = zeros([3]);
    expect(() => init.xavierUniform(v)).toThrow(/fewer than 2 dimensions/);
    expect(() => init.kaimingNormal(zeros([2, 2]), { mode: "fan_middle" as never })).toThrow(
      /mode/,
    );
    expect(() => init.uniform(zeros([2], { dtype: "int32" }))).toThrow(/float32 or float64/);
    expect(() => init.uniform(v, 1, 0)).toThrow(/a <= b/);
  });
});
