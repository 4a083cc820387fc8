/**
 * clipGradNorm / clipGradValue against torch.nn.utils.clip_grad_norm_ / clip_grad_value_
 * (tools/gen_optim_fixtures.py), run on a backend without synchronous reads: they never read
 * anything back.
 */
import { cpu } from "@nn/backend-cpu";
import { setBackend, tensor, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { clipGradNorm, clipGradValue } from "../src/index.js";
import { build, fixtures, tensorMismatch } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe(`gradient clipping against PyTorch ${fixtures.torch}`, () => {
  it.each(fixtures.clip.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const params = c.grads.map((g) => {
      const p = zeros(g.tensor.shape, { dtype: g.tensor.dtype, requiresGrad: true });
      p.grad = build(g);
      return p;
    });
    const tol = c.id.endsWith("float32")
      ? { rtol: 1e-5, atol: 1e-7 }
      : { rtol: 1e-12, atol: 1e-15 };
    if (c.op === "clipGradNorm") {
      const normType = c.normType === "inf" ? Infinity : (c.normType as number);
      const norm = clipGradNorm(params, c.maxNorm as number, normType);
      expect(norm.ndim).toBe(0);
      expect(await tensorMismatch(norm, c.expected.norm as never, tol)).toBeUndefined();
    } else clipGradValue(params, c.clipValue as number);
    for (const [i, p] of params.entries()) {
      expect(
        await tensorMismatch(p.grad as never, c.expected.grads[i] as never, tol),
      ).toBeUndefined();
    }
  });
});

describe("clipping: edge cases and bad input", () => {
  it("parameters without gradients are ignored; none at all gives a zero norm", async () => {
    const p = zeros([2], { requiresGrad: true });
    const q = zeros([2], { requiresGrad: true });
    q.grad = tensor([3, 4]);
    expect(await clipGradNorm([p, q], 1).item()).toBeCloseTo(5, 5);
    expect(p.grad).toBeNull();
    expect(await clipGradNorm([p], 1).item()).toBe(0);
  });

  it("a gradient already inside the bound is unchanged (up to 1e-6 in the coefficient)", async () => {
    const p = zeros([2], { dtype: "float64", requiresGrad: true });
    p.grad = tensor([0.3, 0.4], { dtype: "float64" });
    clipGradNorm(p, 10);
    expect(await p.grad?.array()).toEqual([0.3, 0.4]);
  });

  it("NaN gradients stay NaN under clipGradValue", async () => {
    const p = zeros([3], { requiresGrad: true });
    p.grad = tensor([Number.NaN, -5, 5]);
    clipGradValue(p, 1);
    const v = (await p.grad?.array()) as number[];
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v.slice(1)).toEqual([-1, 1]);
  });

  it("bad bounds and norm types are ValueErrors", () => {
    const p = zeros([2], { requiresGrad: true });
    expect(() => clipGradNorm([p], -1)).toThrow(ValueError);
    expect(() => clipGradNorm([p], 1, 0)).toThrow(ValueError);
    expect(() => clipGradValue([p], Number.NaN)).toThrow(ValueError);
    expect(() => clipGradNorm([1 as never], 1)).toThrow(ValueError);
  });
});
