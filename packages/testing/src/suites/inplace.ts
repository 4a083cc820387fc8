// In-place ops: identity, the shared version counter, writes through views, and refusals.
import {
  add_,
  assign,
  BackendError,
  copy_,
  DisposedTensorError,
  DTypeError,
  expand,
  mul_,
  reshape,
  ShapeError,
  setBackend,
  slice,
  tensor,
  transpose,
  ValueError,
  zero_,
  zeros,
} from "@nn/tensor";
import { beforeEach, expect } from "vitest";
import type { SuiteContext } from "./harness.js";

const f32 = { dtype: "float32" } as const;

/** Registers the in-place op tests. */
export function inplaceTests(s: SuiteContext): void {
  const { group, test } = s;
  beforeEach(() => {
    setBackend(s.backend);
  });

  group("identity and version", () => {
    test("each op returns its target and bumps the version once", async () => {
      const t = tensor([1, 2, 3], f32);
      const steps: [string, () => unknown, number[]][] = [
        ["add_", () => add_(t, 1), [2, 3, 4]],
        ["add_ alpha", () => add_(t, tensor([1, 1, 1], f32), -2), [0, 1, 2]],
        ["mul_", () => mul_(t, 3), [0, 3, 6]],
        ["mul_ tensor", () => mul_(t, tensor([2, 0.5, -1], f32)), [0, 1.5, -6]],
        ["copy_", () => copy_(t, tensor([7, 8, 9])), [7, 8, 9]],
        ["assign", () => assign(t, tensor([4, 5, 6], f32)), [4, 5, 6]],
        ["zero_", () => zero_(t), [0, 0, 0]],
      ];
      let version = t.version;
      for (const [name, run, values] of steps) {
        expect(run(), name).toBe(t);
        expect(t.version, name).toBe(version + 1);
        version = t.version;
        expect(Array.from(await t.data()), name).toEqual(values);
      }
    });

    test("views of one storage share the version counter", () => {
      const base = zeros([2, 3]);
      const v = transpose(base, 0, 1);
      const r = reshape(base, [6]);
      const before = base.version;
      add_(v, 1);
      expect([base.version, v.version, r.version]).toEqual([before + 1, before + 1, before + 1]);
      const other = zeros([2, 3]);
      expect(other.version).toBe(0);
    });

    test("an op that throws leaves the version alone", () => {
      const t = tensor([1, 2], { dtype: "int32" });
      expect(() => add_(t, 0.5)).toThrow(DTypeError);
      expect(t.version).toBe(0);
    });
  });

  group("writes through non-contiguous views", () => {
    test("add_ through a transposed view updates the base", async () => {
      const base = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        f32,
      );
      add_(
        transpose(base, 0, 1),
        tensor(
          [
            [10, 20],
            [30, 40],
          ],
          f32,
        ),
      );
      // t[i][j] = base[j][i], so base[j][i] += other[i][j]
      expect(await base.array()).toEqual([
        [11, 32],
        [23, 44],
      ]);
    });

    test("zero_ through a slice of a transpose touches only its elements", async () => {
      const base = reshape(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], f32), [3, 4]);
      zero_(slice(transpose(base, 0, 1), 0, 1, 3)); // columns 1 and 2
      expect(await base.array()).toEqual([
        [0, 0, 0, 3],
        [4, 0, 0, 7],
        [8, 0, 0, 11],
      ]);
    });

    test("copy_ into a strided slice broadcasts the source", async () => {
      const base = zeros([4, 3]);
      copy_(slice(base, 0, 0, null, 2), tensor([1, 2, 3], f32));
      expect(await base.array()).toEqual([
        [1, 2, 3],
        [0, 0, 0],
        [1, 2, 3],
        [0, 0, 0],
      ]);
    });

    test("mul_ by an expanded (stride-0) source", async () => {
      const t = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        f32,
      );
      mul_(t, expand(tensor([[10], [100]], f32), [2, 2]));
      expect(await t.array()).toEqual([
        [10, 20],
        [300, 400],
      ]);
    });
  });

  group("aliasing", () => {
    test("copy_(t, transpose(t)) on a square matrix gives the transpose", async () => {
      const t = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        f32,
      );
      copy_(t, transpose(t, 0, 1));
      expect(await t.array()).toEqual([
        [1, 4, 7],
        [2, 5, 8],
        [3, 6, 9],
      ]);
    });

    test("add_(t, transpose(t)) reads the old values", async () => {
      const t = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        f32,
      );
      add_(t, transpose(t, 0, 1));
      expect(await t.array()).toEqual([
        [2, 5],
        [5, 8],
      ]);
    });

    test("overlapping slices of one storage: a shift by one", async () => {
      const base = tensor([1, 2, 3, 4, 5], f32);
      copy_(slice(base, 0, 1), slice(base, 0, 0, 4));
      expect(Array.from(await base.data())).toEqual([1, 1, 2, 3, 4]);
    });

    test("mul_(t, t) squares", async () => {
      const t = tensor([1, -2, 3]);
      mul_(t, t);
      expect(Array.from(await t.data())).toEqual([1, 4, 9]);
    });
  });

  group("refusals", () => {
    test("an expanded target: ValueError, for every op", () => {
      const e = expand(tensor([[1, 2, 3]], f32), [2, 3]);
      for (const run of [
        () => add_(e, 1),
        () => mul_(e, 2),
        () => copy_(e, zeros([2, 3])),
        () => zero_(e),
        () => assign(e, zeros([2, 3])),
      ]) {
        expect(run).toThrow(ValueError);
        expect(run).toThrow(/expanded/);
      }
    });

    test("a result dtype that does not fit the target: DTypeError naming both", async () => {
      const i = tensor([1, 2], { dtype: "int32" });
      expect(() => add_(i, 0.5)).toThrow(DTypeError);
      expect(() => add_(i, 0.5)).toThrow(/float32.*int32/);
      expect(() => mul_(i, tensor([1.5, 2], f32))).toThrow(DTypeError);
      expect(() => add_(i, 1, 0.5)).toThrow(DTypeError);
      expect(() => add_(tensor([true]), 1)).toThrow(DTypeError);
      expect(Array.from(await i.data())).toEqual([1, 2]);
    });

    test(
      "a result of the same category casts: float64 into float32",
      async () => {
        const t = tensor([1, 2], f32);
        add_(t, tensor([0.25, 0.5], { dtype: "float64" }));
        expect(Array.from(await t.data())).toEqual([1.25, 2.5]);
      },
      { dtypes: ["float64"] },
    );

    test("a result of the same category casts: bool into int32", async () => {
      const i = tensor([1, 2]);
      add_(i, tensor([true, false]));
      expect(Array.from(await i.data())).toEqual([2, 2]);
    });

    test("a source that does not broadcast to the target: ShapeError naming both shapes", () => {
      const t = zeros([2, 3]);
      expect(() => copy_(t, zeros([3, 3]))).toThrow(ShapeError);
      expect(() => add_(t, zeros([2, 1, 3]))).toThrow(/\[2, 1, 3\]/);
      expect(() => assign(t, zeros([3]))).toThrow(
        /assign: value shape \[3\] must equal target shape \[2, 3\]/,
      );
      // a float64 value only where the backend stores float64
      if (s.supports("float64"))
        expect(() => assign(t, zeros([2, 3], { dtype: "float64" }))).toThrow(DTypeError);
    });

    test("a source on another backend, or a disposed target", async () => {
      const t = zeros([2]);
      const other = await s.other();
      expect(() => copy_(t, zeros([2], { backend: other }))).toThrow(BackendError);
      t.dispose();
      expect(() => add_(t, 1)).toThrow(DisposedTensorError);
    });
  });
}
