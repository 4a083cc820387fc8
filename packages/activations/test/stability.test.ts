/**
 * Large finite inputs give finite values and gradients in float32 and float64 (the stable
 * forms: no exp overflow, no inf - inf), e.g. softplus with a threshold PyTorch's float32 kernel
 * overflows at.
 */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { setBackend, sum, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import * as act from "../src/index.js";
import { GRADCHECK } from "./gradcheck-cases.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const LARGE = [-1e4, -100, -90, -20, 20, 90, 100, 1e4];

describe("finite for large finite inputs", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [name, cases] of Object.entries(GRADCHECK)) {
      for (const c of cases) {
        it(`${name} (${c.label}), ${dtype}`, async () => {
          // The first input takes the large values (in the case's shape); others (prelu's
          // weight) keep theirs.
          const inputs = await Promise.all(
            c.inputs().map(async (t, i) => {
              const values =
                i === 0
                  ? Array.from({ length: t.size }, (_, j) => LARGE[j % LARGE.length] as number)
                  : Array.from(await t.data());
              return tensor(values, { dtype, shape: t.shape, requiresGrad: true });
            }),
          );
          const y = c.fn(...inputs);
          backward(sum(y));
          for (const v of await y.data()) expect(Number.isFinite(v), `value ${v}`).toBe(true);
          for (const t of inputs) {
            for (const g of await (t.grad as Tensor).data()) {
              expect(Number.isFinite(g), `gradient ${g}`).toBe(true);
            }
          }
        });
      }
    }
  }

  it("softplus with threshold 100 at x = 90 (float32): 90 and gradient 1, not inf and NaN", async () => {
    const x = tensor([90, -90], { dtype: "float32", requiresGrad: true });
    const y = act.softplus(x, { threshold: 100 });
    backward(sum(y));
    const v = await y.data();
    expect(v[0]).toBe(90);
    expect(Math.abs((v[1] as number) - Math.exp(-90))).toBeLessThan(1e-44); // float32 subnormal
    const g = await (x.grad as Tensor).data();
    expect(g[0]).toBe(1);
    expect(g[1]).toBeGreaterThanOrEqual(0);
    expect(g[1]).toBeLessThan(1e-38);
  });
});
