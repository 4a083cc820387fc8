// tensor() creation rules: dtype inference (as DESIGN.md: plain numbers float32, booleans
// bool, Int32Array or { dtype: "int32" } int32), TypedArrays, the shape option, requiresGrad, int32 range and
// truncation, and item()/array() round trips.
import {
  arange,
  DTypeError,
  eye,
  full,
  linspace,
  memory,
  mul,
  ones,
  ShapeError,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeEach, expect } from "vitest";
import type { SuiteContext } from "./harness.js";

/** Registers the creation tests. */
export function creationTests(s: SuiteContext): void {
  const { group, test } = s;
  beforeEach(() => {
    setBackend(s.backend);
  });

  group("dtype inference", () => {
    test("plain numbers give float32, integers included (as TensorFlow.js)", async () => {
      const t = tensor([
        [1, 2],
        [3, -4],
      ]);
      expect(t.dtype).toBe("float32");
      expect(t.shape).toEqual([2, 2]);
      expect(await t.data()).toBeInstanceOf(Float32Array);
      expect(Array.from(await t.data())).toEqual([1, 2, 3, -4]);
      expect(tensor([1.0, 2.0]).dtype).toBe("float32");
      expect(tensor([1, Number.NaN]).dtype).toBe("float32");
      expect(tensor([Number.POSITIVE_INFINITY, 2]).dtype).toBe("float32");
      expect(tensor(0.5).dtype).toBe("float32");
      // Beyond int32's range too, rounded to float32 as any float32 value is.
      expect(Array.from(await tensor([2 ** 31, 1]).data())).toEqual([2 ** 31, 1]);
    });

    test("int32 when asked or from an Int32Array", async () => {
      const t = tensor([1, -2], { dtype: "int32" });
      expect(t.dtype).toBe("int32");
      expect(await t.data()).toBeInstanceOf(Int32Array);
      expect(Array.from(await t.data())).toEqual([1, -2]);
      expect(tensor(new Int32Array([3, 4])).dtype).toBe("int32");
      expect(tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: "int32" }).dtype).toBe("int32");
      expect(() => tensor([2 ** 31], { dtype: "int32" })).toThrow(/does not fit int32/);
    });

    test("all booleans give bool; booleans mixed with numbers give float32", async () => {
      const b = tensor([[true], [false]]);
      expect(b.dtype).toBe("bool");
      expect(await b.array()).toEqual([[true], [false]]);
      expect(tensor([true, 2]).dtype).toBe("float32");
      expect(Array.from(await tensor([true, 2]).data())).toEqual([1, 2]);
      expect(tensor([true, 2], { dtype: "int32" }).dtype).toBe("int32");
    });

    test("arange, full and JS scalars keep PyTorch's integer rules", async () => {
      expect(arange(5).dtype).toBe("int32");
      expect(arange(0, 1, 0.5).dtype).toBe("float32");
      // Options after any form, as torch.arange(6, dtype=...).
      const f = arange(3, { dtype: "float32" });
      expect([f.dtype, Array.from(await f.data())]).toEqual(["float32", [0, 1, 2]]);
      const g = arange(1, 4, { dtype: "float32" });
      expect([g.dtype, Array.from(await g.data())]).toEqual(["float32", [1, 2, 3]]);
      const h = arange(0, 6, 2, { dtype: "float32" });
      expect([h.dtype, Array.from(await h.data())]).toEqual(["float32", [0, 2, 4]]);
      expect(full([2], 3).dtype).toBe("int32");
      expect(full([2], 2.5).dtype).toBe("float32");
      // A JS number is a weak type: it keeps an int32 tensor int32.
      const i = tensor([1, 2], { dtype: "int32" });
      const m = mul(i, 2);
      expect(m.dtype).toBe("int32");
      expect(Array.from(await m.data())).toEqual([2, 4]);
      expect(mul(i, 0.5).dtype).toBe("float32");
    });

    test("an empty array gives float32 of shape [0]; nested empties keep their shape", () => {
      const e = tensor([]);
      expect([e.dtype, e.shape]).toEqual(["float32", [0]]);
      const e2 = tensor([[], []]);
      expect([e2.dtype, e2.shape]).toEqual(["float32", [2, 0]]);
    });

    test("a number or boolean gives a 0-d tensor", async () => {
      const t = tensor(3);
      expect([t.shape, t.dtype, await t.item()]).toEqual([[], "float32", 3]);
      expect(await tensor(false).item()).toBe(0);
    });
  });

  group("TypedArrays", () => {
    const cases = [
      ["Float32Array", new Float32Array([1.5, 2]), "float32"],
      ["Float64Array", new Float64Array([1.5, 2]), "float64"],
      ["Int32Array", new Int32Array([-1, 2]), "int32"],
      ["Int16Array", new Int16Array([-1, 2]), "int32"],
      ["Int8Array", new Int8Array([-1, 2]), "int32"],
      ["Uint16Array", new Uint16Array([65535, 2]), "int32"],
      ["Uint8Array", new Uint8Array([255, 2]), "int32"],
      ["Uint8ClampedArray", new Uint8ClampedArray([255, 2]), "int32"],
    ] as const;
    for (const [name, data, dtype] of cases) {
      test(
        `${name} gives ${dtype}, with the same values`,
        async () => {
          const t = tensor(data);
          expect(t.dtype).toBe(dtype);
          expect(t.shape).toEqual([2]);
          expect(Array.from(await t.data())).toEqual(Array.from(data as ArrayLike<number>));
        },
        { dtypes: [dtype] },
      );
    }

    test("copies the data", async () => {
      const data = new Float32Array([1, 2]);
      const t = tensor(data);
      data[0] = 99;
      expect(Array.from(await t.data())).toEqual([1, 2]);
    });

    test("refuses BigInt64Array, Uint32Array and DataView (DTypeError naming the type)", () => {
      expect(() => tensor(new BigInt64Array(2) as never)).toThrow(/BigInt64Array/);
      expect(() => tensor(new Uint32Array(2) as never)).toThrow(DTypeError);
      expect(() => tensor(new DataView(new ArrayBuffer(4)) as never)).toThrow(DTypeError);
    });

    test("an explicit dtype converts", async () => {
      const t = tensor(new Float64Array([1.7, -1.7]), { dtype: "int32" });
      expect(Array.from(await t.data())).toEqual([1, -1]);
      expect(await tensor(new Uint8Array([0, 3]), { dtype: "bool" }).array()).toEqual([
        false,
        true,
      ]);
    });
  });

  group("options", () => {
    test("shape reshapes flat data; a size mismatch is a ShapeError naming both sizes", async () => {
      const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
      expect(await t.array()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(tensor([1, 2, 3, 4], { shape: [2, 1, 2] }).shape).toEqual([2, 1, 2]);
      expect(await tensor(7, { shape: [1, 1] }).array()).toEqual([[7]]);
      expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
      expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/\[2, 2\].*4.*3/);
      expect(() => tensor([1, 2], { shape: [-1, 2] as never })).toThrow(ShapeError);
    });

    test("requiresGrad marks float tensors and refuses the others", () => {
      expect(tensor([1.5], { requiresGrad: true }).requiresGrad).toBe(true);
      // float64 only where the backend stores it
      if (s.supports("float64"))
        expect(tensor([1], { dtype: "float64", requiresGrad: true }).requiresGrad).toBe(true);
      expect(tensor([1]).requiresGrad).toBe(false);
      expect(tensor([1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
      const int = () => tensor([1, 2], { dtype: "int32", requiresGrad: true });
      expect(int).toThrow(DTypeError);
      expect(int).toThrow(/got int32 \(int32 comes from .*pass \{ dtype: "float32" \}/);
      expect(() => tensor([true], { requiresGrad: true })).toThrow(DTypeError);
      expect(() => zeros([2], { dtype: "int32", requiresGrad: true })).toThrow(DTypeError);
    });

    test("the backend option allocates there", async () => {
      const other = await s.other();
      expect(tensor([1], { backend: other }).backend).toBe(other);
    });
  });

  group("explicit int32", () => {
    test("truncates fractions toward zero, as torch.tensor(..., dtype=torch.int32)", async () => {
      // torch.tensor([2.7, -2.7, 0.5, -0.5], dtype=torch.int32) -> [2, -2, 0, 0]
      expect(Array.from(await tensor([2.7, -2.7, 0.5, -0.5], { dtype: "int32" }).data())).toEqual([
        2, -2, 0, 0,
      ]);
      // torch.full([2], 2.5, dtype=torch.int32) -> [2, 2]
      expect(Array.from(await full([2], 2.5, { dtype: "int32" }).data())).toEqual([2, 2]);
    });

    test("refuses values it cannot hold (DTypeError with the value and its index)", () => {
      expect(() => tensor([1, 3e9], { dtype: "int32" })).toThrow(DTypeError);
      expect(() => tensor([1, 3e9], { dtype: "int32" })).toThrow(/3000000000.*index 1/);
      expect(() => tensor([Number.NaN], { dtype: "int32" })).toThrow(DTypeError);
    });

    test("bool from numbers is x != 0 (NaN is true)", async () => {
      expect(await tensor([0, -0, 2, Number.NaN], { dtype: "bool" }).array()).toEqual([
        false,
        false,
        true,
        true,
      ]);
    });
  });

  group("bad nested data", () => {
    test("a sparse array (a hole) is a non-numeric element, not a silent 0", () => {
      const holey: number[] = [];
      holey[0] = 1;
      holey[2] = 3; // [1, <hole>, 3]
      expect(() => tensor(holey)).toThrow(DTypeError);
      expect(() => tensor(holey)).toThrow(/\[1\] is undefined/);
      const row: number[] = [];
      row[1] = 4;
      expect(() => tensor([[1, 2], row])).toThrow(/\[1, 0\]/);
    });

    test("strings, undefined, objects and bigints are refused", () => {
      for (const bad of ["abc", undefined, {}, [1n], [[1], ["2"]]]) {
        expect(() => tensor(bad as never)).toThrow(DTypeError);
      }
    });
  });

  group("read back", () => {
    // The sync forms are checked where the backend reads synchronously.
    const syncRead = () => s.backend.capabilities.syncRead;

    test("array() and arraySync() give back the nested input", async () => {
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
      if (syncRead()) expect(t.arraySync()).toEqual(data);
      expect(await t.array()).toEqual(data);
      const b = [[true, false, true]];
      expect(await tensor(b).array()).toEqual(b);
      expect(await tensor([[], []]).array()).toEqual([[], []]);
      if (syncRead()) {
        expect(tensor(b).arraySync()).toEqual(b);
        expect(tensor([[], []]).arraySync()).toEqual([[], []]);
      }
    });

    test("item() gives the value of any one-element tensor, whatever its rank", async () => {
      // itemSync() where the backend has it, else item()
      const item = async (t: Tensor) => (syncRead() ? t.itemSync() : await t.item());
      expect(await item(tensor(2.5))).toBe(2.5);
      expect(await item(tensor([[3.5]]))).toBe(3.5);
      expect(await tensor([[[7]]]).item()).toBe(7);
      expect(await item(tensor([[true]]))).toBe(1);
      expect(await tensor([false]).item()).toBe(0);
      // float32 rounding shows: 0.1 is stored as the nearest float32
      expect(await item(tensor([0.1]))).toBe(Math.fround(0.1));
    });

    test("item() of a tensor with several or no elements is a ValueError", async () => {
      // itemSync checks the size before it reads, so it throws ValueError on every backend
      expect(() => tensor([1, 2]).itemSync()).toThrow(ValueError);
      expect(() => zeros([0]).itemSync()).toThrow(ValueError);
      await expect(ones([2, 1]).item()).rejects.toBeInstanceOf(ValueError);
    });
  });

  group("the other creation functions check their dtype", () => {
    const cases = [
      ["zeros", () => zeros([2], { dtype: "int64" as never })],
      ["ones", () => ones([2], { dtype: "uint8" as never })],
      ["full", () => full([2], 1, { dtype: "int64" as never })],
      ["arange", () => arange(0, 3, 1, { dtype: "int64" as never })],
      ["linspace", () => linspace(0, 1, 3, { dtype: "float16" as never })],
      ["eye", () => eye(2, 2, { dtype: "int64" as never })],
    ] as const;
    for (const [name, make] of cases) {
      test(`${name} refuses an unknown dtype with a DTypeError`, () => {
        expect(make).toThrow(DTypeError);
        expect(make).toThrow(new RegExp(`^${name}: unknown dtype`));
      });
    }

    test("a refused dtype leaves memory() counts intact", () => {
      const before = memory(s.backend);
      expect(() => zeros([3], { dtype: "int64" as never })).toThrow(DTypeError);
      const after = memory(s.backend);
      expect(after.bytes).toBe(before.bytes);
      expect(Number.isNaN(after.bytes)).toBe(false);
    });
  });
}
