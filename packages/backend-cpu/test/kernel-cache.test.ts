// The elementwise kernel cache: one compiled kernel per expression structure and dtypes;
// scalars that change are kernel arguments, so changing them never recompiles.
import { add, cast, gt, mul, slice, tensor, transpose, where } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../src/index.js";

describe("the elementwise kernel cache", () => {
  it("a scalar that changes is a kernel argument: add(x, 1.5) and add(x, 2.5) compile once", () => {
    const b = new CpuBackend();
    const x = tensor([1, 2], { dtype: "float32", backend: b });
    expect(b.compiler.size).toBe(0);
    const r1 = add(x, 1.5);
    expect(b.compiler.size).toBe(1);
    const r2 = add(x, 2.5);
    const r3 = add(x, -7);
    expect(b.compiler.size).toBe(1);
    expect(Array.from(r1.dataSync())).toEqual([2.5, 3.5]);
    expect(Array.from(r2.dataSync())).toEqual([3.5, 4.5]);
    expect(Array.from(r3.dataSync())).toEqual([-6, -5]);
  });

  it("another layout of the same dtypes reuses the kernel", () => {
    const b = new CpuBackend();
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float32", backend: b },
    );
    add(x, 1);
    const n = b.compiler.size;
    add(transpose(x, 0, 1), 3);
    add(slice(x, 1, 1), 0.5);
    expect(b.compiler.size).toBe(n);
  });

  it("different dtypes and different ops compile separately", () => {
    const b = new CpuBackend();
    const f = tensor([1.5], { backend: b });
    const d = tensor([1.5], { dtype: "float64", backend: b });
    const i = tensor([1], { dtype: "int32", backend: b });
    add(f, 1.5);
    add(d, 1.5);
    add(i, 1);
    expect(b.compiler.size).toBe(3);
    mul(f, 2);
    expect(b.compiler.size).toBe(4);
    mul(f, 3);
    expect(b.compiler.size).toBe(4);
  });

  it("each backend instance keeps its own cache", () => {
    const b1 = new CpuBackend();
    const b2 = new CpuBackend();
    where(gt(tensor([1, -1], { backend: b1 }), 0), 1, 2);
    expect(b1.compiler.size).toBeGreaterThan(0);
    expect(b2.compiler.size).toBe(0);
    cast(tensor([1], { backend: b2 }), "float64");
    expect(b2.compiler.size).toBe(1);
  });
});
