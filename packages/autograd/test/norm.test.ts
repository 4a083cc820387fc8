/**
 * vectorNorm and norm (@nn/tensor) against PyTorch 1.13 (packages/testing/fixtures/norm.json,
 * written by tools/gen_norm_fixtures.py): values and gradients for ord 2, 1, ±Infinity, 0 and
 * other p, float32 and float64, including PyTorch's subgradient 0 at an all-zero slice and its
 * even split among ties; gradcheck by finite differences; typed errors for bad arguments.
 */
import { cpu } from "@nn/backend-cpu";
import {
  type Backend,
  type DType,
  DTypeError,
  norm,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  vectorNorm,
} from "@nn/tensor";
import { buildTensor, type FixtureTensor, loadFixtures, mismatch, num } from "@nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, gradcheck } from "../src/index.js";

type T = { tensor: FixtureTensor };
interface NormCase {
  id: string;
  fn: "vectorNorm" | "norm";
  input: T;
  ord: number | string;
  dim: number | number[] | null;
  keepdim: boolean;
  dtype: DType | null;
  output: T;
  gradOutput: T;
  grad: T;
}
const fixtures = loadFixtures("norm.json") as unknown as { torch: string; cases: NormCase[] };

let backend: Backend;
beforeAll(() => {
  backend = setBackend(cpu({ syncRead: false }));
});

function call(c: NormCase, x: Tensor): Tensor {
  if (c.fn === "norm") return norm(x, c.ord === "fro" ? "fro" : num(c.ord), c.dim, c.keepdim);
  return vectorNorm(x, num(c.ord), c.dim, c.keepdim, c.dtype ? { dtype: c.dtype } : {});
}

describe(`vectorNorm / norm against PyTorch ${fixtures.torch}`, () => {
  it("covers every ord, both dtypes and norm's cases", () => {
    const ords = new Set(fixtures.cases.map((c) => String(c.ord)));
    for (const o of ["2", "1", "inf", "-inf", "0", "0.5", "-1", "fro"]) expect(ords).toContain(o);
    expect(fixtures.cases.length).toBeGreaterThan(100);
  });

  it.each(fixtures.cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const x = buildTensor(c.input.tensor, backend);
    x.requiresGrad = true;
    const out = call(c, x);
    expect(await mismatch("sum", out, c.output.tensor), "value").toBeUndefined();
    backward(out, buildTensor(c.gradOutput.tensor, backend));
    expect(x.grad, "a gradient").toBeTruthy();
    expect(await mismatch("sum", x.grad as Tensor, c.grad.tensor), "gradient").toBeUndefined();
  });
});

describe("vectorNorm gradients by finite differences (float64)", () => {
  // Away from zeros and ties, where the norm is smooth.
  const x = () =>
    tensor([0.5, -1.25, 2, 0.75, -0.3, 1.6], {
      dtype: "float64",
      shape: [2, 3],
      requiresGrad: true,
    });
  it.each([2, 1, 3, 0.5, 1.5, -1, Infinity, -Infinity])("ord %s", async (ord) => {
    await gradcheck((t) => vectorNorm(t, ord, 1), [x()]);
    await gradcheck((t) => vectorNorm(t, ord), [x()]);
  });
});

describe("vectorNorm edge cases and errors", () => {
  it("the 2-norm of zeros has gradient 0 (PyTorch's subgradient), not NaN", async () => {
    const z = tensor([0, 0, 0], { dtype: "float32", requiresGrad: true });
    const n = vectorNorm(z);
    expect(Array.from(await n.data())).toEqual([0]);
    backward(n);
    expect(Array.from(await (z.grad as Tensor).data())).toEqual([0, 0, 0]);
  });

  it("the Tensor method norm is torch.Tensor.norm", async () => {
    const v = tensor([3, -4], { dtype: "float32" });
    expect(Array.from(await v.norm().data())).toEqual([5]);
    expect(Array.from(await v.norm(1).data())).toEqual([7]);
  });

  it("refuses non-float input, a bad ord or p, and fro over three dims", () => {
    const i = tensor([1, 2], { dtype: "int32" });
    expect(() => vectorNorm(i)).toThrow(DTypeError);
    expect(() => vectorNorm(i)).toThrow(/^vectorNorm: expected a float32 or float64 input/);
    expect(() => vectorNorm(i, 2, null, false, { dtype: "int32" })).toThrow(DTypeError);
    const f = tensor([1, 2], { dtype: "float32" });
    expect(() => vectorNorm(f, Number.NaN)).toThrow(ValueError);
    expect(() => vectorNorm(f, "fro" as never)).toThrow(/ord must be a number/);
    expect(() => norm(f, "nuc" as never)).toThrow(/nuclear norm/);
    expect(() =>
      norm(tensor([1], { dtype: "float32", shape: [1, 1, 1] }), "fro", [0, 1, 2]),
    ).toThrow(/at most 2 dims/);
  });

  it("an int input with { dtype } is cast first", async () => {
    const n = vectorNorm(tensor([3, 4], { dtype: "int32" }), 2, null, false, { dtype: "float64" });
    expect(n.dtype).toBe("float64");
    expect(Array.from(await n.data())).toEqual([5]);
  });
});
