// Tensor methods: each is the free function of the same name with the tensor first, so the
// values must agree exactly; the elementwise ones exist for every row of the op table.
import * as nn from "@nn/tensor";
import {
  add,
  matmul,
  maximum,
  ShapeError,
  setBackend,
  sum,
  TENSOR_METHODS,
  type Tensor,
  tensor,
  ValueError,
} from "@nn/tensor";
import { BINARY, opTableSummary, UNARY } from "@nn/tensor/internal";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

setBackend(cpu());

const values = async (t: Tensor) => Array.from(await t.data(), Number);
const fns = nn as unknown as Record<string, (...args: unknown[]) => Tensor>;

describe("Tensor methods", () => {
  const x = tensor([0.5, -1.25, 2, 0], { dtype: "float32" });
  const y = tensor([1.5, 0.25, -2, 3], { dtype: "float32" });

  it("has one method per row of the op table, with the row's free function's values", async () => {
    for (const name of Object.keys(UNARY)) {
      const method = (x as unknown as Record<string, () => Tensor>)[name];
      expect(typeof method, name).toBe("function");
      expect(await values(method!.call(x)), name).toEqual(await values(fns[name]!(x)));
    }
    for (const name of Object.keys(BINARY)) {
      const method = (x as unknown as Record<string, (o: unknown) => Tensor>)[name];
      expect(await values(method!.call(x, y)), name).toEqual(await values(fns[name]!(x, y)));
      expect(await values(method!.call(x, 2)), `${name} scalar`).toEqual(
        await values(fns[name]!(x, 2)),
      );
    }
    expect(opTableSummary().map((r) => r.name)).toEqual([
      ...Object.keys(UNARY),
      ...Object.keys(BINARY),
    ]);
  });

  it("every listed method is installed", () => {
    for (const name of TENSOR_METHODS) expect(typeof (x as never)[name], name).toBe("function");
  });

  it("chains left to right as the free functions nest", async () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      { dtype: "float32" },
    );
    const chained = x.add(y).maximum(0).reshape([1, 4]).matmul(w).sum(1);
    const nested = sum(matmul(nn.reshape(maximum(add(x, y), 0), [1, 4]), w), 1);
    expect(await values(chained)).toEqual(await values(nested));
    expect(await values(chained)).toEqual([2 * 1 + 3 * 7 + (2 * 2 + 3 * 8)]);
  });

  it("reductions, views and casts take the free functions' arguments", async () => {
    const m = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float32" },
    );
    expect(await m.sum(1, true).array()).toEqual([[6], [15]]);
    expect(await m.max().item()).toBe(6);
    expect(await m.t().array()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(m.t().shape).toEqual([3, 2]);
    expect(m.view([3, 2]).shape).toEqual([3, 2]);
    expect(m.int().dtype).toBe("int32");
    expect(await m.where(m.gt(3), 0).array()).toEqual([
      [0, 0, 0],
      [4, 5, 6],
    ]);
    expect(() => m.t().view([6])).toThrow(ShapeError);
    expect(() => tensor([[[1]]]).t()).toThrow(/at most 2 dims/);
  });

  it("refuses extra or misplaced arguments with a ValueError, never dropping them", () => {
    const m = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float32" },
    );
    const loose = m as unknown as Record<string, (...args: unknown[]) => Tensor>;
    const call =
      (name: string, ...args: unknown[]) =>
      () =>
        loose[name]!.call(m, ...args);
    expect(() => (nn.add as (...a: unknown[]) => Tensor)(m, m, -0.5)).toThrow(
      /add: takes 2 operands, got 3/,
    );
    expect(call("add", m, 2)).toThrow(ValueError);
    expect(call("tan", "x")).toThrow(/tan: takes 1 tensor, got 2/);
    expect(call("sum", 1, "yes")).toThrow(/keepdim must be true or false/);
    expect(call("std", 0, "x")).toThrow(ValueError);
    expect(call("view", 2, 3)).toThrow(/view: shape must be an array/);
    expect(call("reshape", 6)).toThrow(ValueError);
    expect(call("permute", 1, 0)).toThrow(/permute: dims must be an array/);
    expect(call("expand", 2, 2, 3)).toThrow(ValueError);
    expect(() => (nn.isnan as (...a: unknown[]) => Tensor)()).toThrow(/takes 1 tensor, got 0/);
    expect(() => (nn.isnan as (...a: unknown[]) => Tensor)(undefined)).toThrow(ValueError);
  });

  it("detach is a view of the same storage that requires no grad", async () => {
    const p = tensor([1, 2], { dtype: "float32", requiresGrad: true });
    const d = p.detach();
    expect(d.storage).toBe(p.storage);
    expect(d.requiresGrad).toBe(false);
    expect(await d.array()).toEqual([1, 2]);
  });

  it("unfold is a view of the same storage, as the free function gives", async () => {
    const r = tensor([0, 1, 2, 3, 4, 5, 6], { dtype: "float32" });
    const w = r.unfold(0, 3, 2);
    expect(w.storage).toBe(r.storage);
    expect(w.shape).toEqual([3, 3]);
    expect(await values(w)).toEqual(await values(nn.unfold(r, 0, 3, 2)));
  });

  it("in-place methods keep the tensor's identity", async () => {
    const p = tensor([1, 2], { dtype: "float32" });
    expect(p.add_(tensor([1, 1], { dtype: "float32" }), 0.5).mul_(2)).toBe(p);
    expect(await p.array()).toEqual([3, 5]);
  });
});
