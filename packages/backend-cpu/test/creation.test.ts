// tensor() creation rules: dtype inference (as DESIGN.md: integer literals int32, any fraction
// float32, booleans bool), TypedArrays, the shape option, requiresGrad, int32 range and
// truncation, and item()/array() round trips.
import {
  arange,
  DTypeError,
  eye,
  full,
  linspace,
  ones,
  ShapeError,
  setBackend,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

const backend = setBackend(cpu());
beforeEach(() => {
  setBackend(backend);
});

describe("dtype inference", () => {
  it("nested integer literals give int32", () => {
    const t = tensor([
      [1, 2],
      [3, -4],
    ]);
    expect(t.dtype).toBe("int32");
    expect(t.shape).toEqual([2, 2]);
    expect(t.dataSync()).toBeInstanceOf(Int32Array);
  });

  it("any fraction, NaN or infinity gives float32", () => {
    expect(
      tensor([
        [1, 2],
        [3, 4.5],
      ]).dtype,
    ).toBe("float32");
    expect(tensor([1, Number.NaN]).dtype).toBe("float32");
    expect(tensor([Number.POSITIVE_INFINITY, 2]).dtype).toBe("float32");
    expect(tensor(0.5).dtype).toBe("float32");
  });

  it("all booleans give bool; booleans mixed with numbers follow the numbers", () => {
    const b = tensor([[true], [false]]);
    expect(b.dtype).toBe("bool");
    expect(b.arraySync()).toEqual([[true], [false]]);
    expect(tensor([true, 2]).dtype).toBe("int32");
    expect(Array.from(tensor([true, 2]).dataSync())).toEqual([1, 2]);
    expect(tensor([false, 2.5]).dtype).toBe("float32");
  });

  it("integers outside int32's range infer float32", () => {
    const t = tensor([2 ** 31, 1]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.dataSync())).toEqual([2 ** 31, 1]);
    expect(tensor([-(2 ** 31) - 1]).dtype).toBe("float32");
    expect(tensor([-(2 ** 31), 2 ** 31 - 1]).dtype).toBe("int32");
  });

  it("an empty array gives float32 of shape [0]; nested empties keep their shape", () => {
    const e = tensor([]);
    expect([e.dtype, e.shape]).toEqual(["float32", [0]]);
    const e2 = tensor([[], []]);
    expect([e2.dtype, e2.shape]).toEqual(["float32", [2, 0]]);
  });

  it("a number or boolean gives a 0-d tensor", () => {
    const t = tensor(3);
    expect([t.shape, t.dtype, t.itemSync()]).toEqual([[], "int32", 3]);
    expect(tensor(false).itemSync()).toBe(false);
  });
});

describe("TypedArrays", () => {
  it.each([
    ["Float32Array", new Float32Array([1.5, 2]), "float32"],
    ["Float64Array", new Float64Array([1.5, 2]), "float64"],
    ["Int32Array", new Int32Array([-1, 2]), "int32"],
    ["Int16Array", new Int16Array([-1, 2]), "int32"],
    ["Int8Array", new Int8Array([-1, 2]), "int32"],
    ["Uint16Array", new Uint16Array([65535, 2]), "int32"],
    ["Uint8Array", new Uint8Array([255, 2]), "int32"],
    ["Uint8ClampedArray", new Uint8ClampedArray([255, 2]), "int32"],
  ] as const)("%s gives %s, with the same values", (_name, data, dtype) => {
    const t = tensor(data);
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual([2]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(data as ArrayLike<number>));
  });

  it("copies the data", () => {
    const data = new Float32Array([1, 2]);
    const t = tensor(data);
    data[0] = 99;
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
  });

  it("refuses BigInt64Array, Uint32Array and DataView (DTypeError naming the type)", () => {
    expect(() => tensor(new BigInt64Array(2) as never)).toThrow(/BigInt64Array/);
    expect(() => tensor(new Uint32Array(2) as never)).toThrow(DTypeError);
    expect(() => tensor(new DataView(new ArrayBuffer(4)) as never)).toThrow(DTypeError);
  });

  it("an explicit dtype converts", () => {
    const t = tensor(new Float64Array([1.7, -1.7]), { dtype: "int32" });
    expect(Array.from(t.dataSync())).toEqual([1, -1]);
    expect(tensor(new Uint8Array([0, 3]), { dtype: "bool" }).arraySync()).toEqual([false, true]);
  });
});

describe("options", () => {
  it("shape reshapes flat data; a size mismatch is a ShapeError naming both sizes", () => {
    const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(t.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([1, 2, 3, 4], { shape: [2, 1, 2] }).shape).toEqual([2, 1, 2]);
    expect(tensor(7, { shape: [1, 1] }).arraySync()).toEqual([[7]]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/\[2, 2\].*4.*3/);
    expect(() => tensor([1, 2], { shape: [-1, 2] as never })).toThrow(ShapeError);
  });

  it("requiresGrad marks float tensors and refuses the others", () => {
    expect(tensor([1.5], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([1], { dtype: "float64", requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([1]).requiresGrad).toBe(false);
    expect(() => tensor([1, 2], { requiresGrad: true })).toThrow(DTypeError);
    expect(() => tensor([1, 2], { requiresGrad: true })).toThrow(/int32/);
    expect(() => tensor([true], { requiresGrad: true })).toThrow(DTypeError);
    expect(() => zeros([2], { dtype: "int32", requiresGrad: true })).toThrow(DTypeError);
  });

  it("the backend option allocates there", () => {
    const other = cpu();
    expect(tensor([1], { backend: other }).backend).toBe(other);
  });
});

describe("explicit int32", () => {
  it("truncates fractions toward zero, as torch.tensor(..., dtype=torch.int32)", () => {
    // torch.tensor([2.7, -2.7, 0.5, -0.5], dtype=torch.int32) -> [2, -2, 0, 0]
    expect(Array.from(tensor([2.7, -2.7, 0.5, -0.5], { dtype: "int32" }).dataSync())).toEqual([
      2, -2, 0, 0,
    ]);
    // torch.full([2], 2.5, dtype=torch.int32) -> [2, 2]
    expect(Array.from(full([2], 2.5, { dtype: "int32" }).dataSync())).toEqual([2, 2]);
  });

  it("refuses values it cannot hold (DTypeError with the value and its index)", () => {
    expect(() => tensor([1, 3e9], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => tensor([1, 3e9], { dtype: "int32" })).toThrow(/3000000000.*index 1/);
    expect(() => tensor([Number.NaN], { dtype: "int32" })).toThrow(DTypeError);
  });

  it("bool from numbers is x != 0 (NaN is true)", () => {
    expect(tensor([0, -0, 2, Number.NaN], { dtype: "bool" }).arraySync()).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});

describe("bad nested data", () => {
  it("a sparse array (a hole) is a non-numeric element, not a silent 0", () => {
    const holey: number[] = [];
    holey[0] = 1;
    holey[2] = 3; // [1, <hole>, 3]
    expect(() => tensor(holey)).toThrow(DTypeError);
    expect(() => tensor(holey)).toThrow(/\[1\] is undefined/);
    const row: number[] = [];
    row[1] = 4;
    expect(() => tensor([[1, 2], row])).toThrow(/\[1, 0\]/);
  });

  it("strings, undefined, objects and bigints are refused", () => {
    for (const bad of ["abc", undefined, {}, [1n], [[1], ["2"]]]) {
      expect(() => tensor(bad as never)).toThrow(DTypeError);
    }
  });
});

describe("read back", () => {
  it("array() and arraySync() give back the nested input", async () => {
    const data = [
      [
        [1.5, -2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8.25],
      ],
    ];
    const t = tensor(data);
    expect(t.arraySync()).toEqual(data);
    expect(await t.array()).toEqual(data);
    const b = [[true, false, true]];
    expect(tensor(b).arraySync()).toEqual(b);
    expect(tensor([[], []]).arraySync()).toEqual([[], []]);
  });

  it("item() gives the value of any one-element tensor, whatever its rank", async () => {
    expect(tensor(2.5).itemSync()).toBe(2.5);
    expect(tensor([[3.5]]).itemSync()).toBe(3.5);
    expect(await tensor([[[7]]]).item()).toBe(7);
    expect(tensor([[true]]).itemSync()).toBe(true);
    expect(await tensor([false]).item()).toBe(false);
    // float32 rounding shows: 0.1 is stored as the nearest float32
    expect(tensor([0.1]).itemSync()).toBe(Math.fround(0.1));
  });

  it("item() of a tensor with several or no elements is a ValueError", async () => {
    expect(() => tensor([1, 2]).itemSync()).toThrow(ValueError);
    expect(() => zeros([0]).itemSync()).toThrow(ValueError);
    await expect(ones([2, 1]).item()).rejects.toBeInstanceOf(ValueError);
  });
});

describe("the other creation functions check their dtype", () => {
  it.each([
    ["zeros", () => zeros([2], { dtype: "int64" as never })],
    ["ones", () => ones([2], { dtype: "uint8" as never })],
    ["full", () => full([2], 1, { dtype: "int64" as never })],
    ["arange", () => arange(0, 3, 1, { dtype: "int64" as never })],
    ["linspace", () => linspace(0, 1, 3, { dtype: "float16" as never })],
    ["eye", () => eye(2, 2, { dtype: "int64" as never })],
  ])("%s refuses an unknown dtype with a DTypeError", (name, make) => {
    expect(make).toThrow(DTypeError);
    expect(make).toThrow(new RegExp(`^${name}: unknown dtype`));
  });

  it("a refused dtype leaves memory() counts intact", async () => {
    const { memory } = await import("@nn/tensor");
    const before = memory(backend);
    expect(() => zeros([3], { dtype: "int64" as never })).toThrow(DTypeError);
    const after = memory(backend);
    expect(after.bytes).toBe(before.bytes);
    expect(Number.isNaN(after.bytes)).toBe(false);
  });
});
