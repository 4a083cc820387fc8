import { cpu } from "@nn/backend-cpu";
import { setBackend, tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { activationCurves } from "../src/activations/explore.js";
import { activationNames, getActivation, swishBeta } from "../src/activations/registry.js";

setBackend(cpu({ syncRead: false }));

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error("missing");
  return v;
}

describe("activation explorer", () => {
  it("offers every elementwise activation of @nn/activations and the page's own", () => {
    const names = activationNames();
    for (const n of ["relu", "sigmoid", "tanh", "gelu", "leakyRelu", "elu", "mish", "swishBeta"]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain("softmax"); // not elementwise
  });

  it("f' from autograd matches central finite differences of f, for every activation", async () => {
    for (const name of activationNames()) {
      const f = must(getActivation(name));
      const c = await activationCurves(f, {}, -3.05, 3.05, 62); // grid avoids the kinks at 0, ±1, ±3, 6
      const h = 1e-3;
      const xs = Array.from(c.x);
      const up = await f(
        tensor(
          xs.map((x) => x + h),
          { dtype: "float64" },
        ),
      ).data();
      const down = await f(
        tensor(
          xs.map((x) => x - h),
          { dtype: "float64" },
        ),
      ).data();
      xs.forEach((_, i) => {
        const fd = ((up[i] as number) - (down[i] as number)) / (2 * h);
        expect(Math.abs((c.df[i] as number) - fd), `${name} at ${xs[i]}`).toBeLessThan(
          2e-3 + 2e-3 * Math.abs(fd),
        );
      });
    }
  });

  it("shades where |f'| < 1% of its peak: tanh beyond atanh(sqrt(0.99)) = 2.9932, relu up to 0", async () => {
    const tanh = await activationCurves(must(getActivation("tanh")), {});
    expect(tanh.saturated).toHaveLength(2);
    const [[a0, a1] = [0, 0], [b0, b1] = [0, 0]] = tanh.saturated;
    expect(a0).toBe(-7);
    expect(b1).toBe(7);
    const step = 14 / 560;
    expect(Math.abs(a1 + 2.9932)).toBeLessThan(step);
    expect(Math.abs(b0 - 2.9932)).toBeLessThan(step);
    const relu = await activationCurves(must(getActivation("relu")), {});
    // PyTorch's relu'(0) is 0, and the grid has x = 0 exactly
    expect(relu.saturated).toEqual([[-7, 0]]);
  });

  it("takes parameters: swishBeta (defineActivation in the page) with beta 2 is x·σ(2x)", async () => {
    const c = await activationCurves(swishBeta as never, { beta: 2 }, -2, 2, 5);
    Array.from(c.x).forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-2 * x));
      expect(c.f[i]).toBeCloseTo(x * s, 6);
      expect(c.df[i]).toBeCloseTo(s + 2 * x * s * (1 - s), 5);
    });
    await expect(activationCurves(must(getActivation("leakyRelu")), { slope: 1 })).rejects.toThrow(
      /leakyRelu/,
    );
  });
});
