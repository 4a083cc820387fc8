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
import { beforeEach, describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

const backend = setBackend(cpu());
beforeEach(() => {
  setBackend(backend);
});

const f32 = { dtype: "float32" } as const;

describe("identity and version", () => {
  it("each op returns its target and bumps the version once", () => {
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
      expect(Array.from(t.dataSync()), name).toEqual(values);
    }
  });

  it("views of one storage share the version counter", () => {
    const base = zeros([2, 3]);
    const v = transpose(base, 0, 1);
    const r = reshape(base, [6]);
    const before = base.version;
    add_(v, 1);
    expect([base.version, v.version, r.version]).toEqual([before + 1, before + 1, before + 1]);
    const other = zeros([2, 3]);
    expect(other.version).toBe(0);
  });

  it("an op that throws leaves the version alone", () => {
    const t = tensor([1, 2]);
    expect(() => add_(t, 0.5)).toThrow(DTypeError);
    expect(t.version).toBe(0);
  });
});

describe("writes through non-contiguous views", () => {
  it("add_ through a transposed view updates the base", () => {
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
    expect(base.arraySync()).toEqual([
      [11, 32],
      [23, 44],
    ]);
  });

  it("zero_ through a slice of a transpose touches only its elements", () => {
    const base = reshape(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], f32), [3, 4]);
    zero_(slice(transpose(base, 0, 1), 0, 1, 3)); // columns 1 and 2
    expect(base.arraySync()).toEqual([
      [0, 0, 0, 3],
      [4, 0, 0, 7],
      [8, 0, 0, 11],
    ]);
  });

  it("copy_ into a strided slice broadcasts the source", () => {
    const base = zeros([4, 3]);
    copy_(slice(base, 0, 0, null, 2), tensor([1, 2, 3], f32));
    expect(base.arraySync()).toEqual([
      [1, 2, 3],
      [0, 0, 0],
      [1, 2, 3],
      [0, 0, 0],
    ]);
  });

  it("mul_ by an expanded (stride-0) source", () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      f32,
    );
    mul_(t, expand(tensor([[10], [100]], f32), [2, 2]));
    expect(t.arraySync()).toEqual([
      [10, 20],
      [300, 400],
    ]);
  });
});

describe("aliasing", () => {
  it("copy_(t, transpose(t)) on a square matrix gives the transpose", () => {
    const t = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      f32,
    );
    copy_(t, transpose(t, 0, 1));
    expect(t.arraySync()).toEqual([
      [1, 4, 7],
      [2, 5, 8],
      [3, 6, 9],
    ]);
  });

  it("add_(t, transpose(t)) reads the old values", () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      f32,
    );
    add_(t, transpose(t, 0, 1));
    expect(t.arraySync()).toEqual([
      [2, 5],
      [5, 8],
    ]);
  });

  it("overlapping slices of one storage: a shift by one", () => {
    const base = tensor([1, 2, 3, 4, 5], f32);
    copy_(slice(base, 0, 1), slice(base, 0, 0, 4));
    expect(Array.from(base.dataSync())).toEqual([1, 1, 2, 3, 4]);
  });

  it("mul_(t, t) squares", () => {
    const t = tensor([1, -2, 3]);
    mul_(t, t);
    expect(Array.from(t.dataSync())).toEqual([1, 4, 9]);
  });
});

describe("refusals", () => {
  it("an expanded target: ValueError, for every op", () => {
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

  it("a result dtype that does not fit the target: DTypeError naming both", () => {
    const i = tensor([1, 2]);
    expect(() => add_(i, 0.5)).toThrow(DTypeError);
    expect(() => add_(i, 0.5)).toThrow(/float32.*int32/);
    expect(() => mul_(i, tensor([1.5, 2], f32))).toThrow(DTypeError);
    expect(() => add_(i, 1, 0.5)).toThrow(DTypeError);
    expect(() => add_(tensor([true]), 1)).toThrow(DTypeError);
    expect(Array.from(i.dataSync())).toEqual([1, 2]);
  });

  it("a result of the same category casts (float64 into float32, bool into int32)", () => {
    const t = tensor([1, 2], f32);
    add_(t, tensor([0.25, 0.5], { dtype: "float64" }));
    expect(Array.from(t.dataSync())).toEqual([1.25, 2.5]);
    const i = tensor([1, 2]);
    add_(i, tensor([true, false]));
    expect(Array.from(i.dataSync())).toEqual([2, 2]);
  });

  it("a source that does not broadcast to the target: ShapeError naming both shapes", () => {
    const t = zeros([2, 3]);
    expect(() => copy_(t, zeros([3, 3]))).toThrow(ShapeError);
    expect(() => add_(t, zeros([2, 1, 3]))).toThrow(/\[2, 1, 3\]/);
    expect(() => assign(t, zeros([3]))).toThrow(
      /assign: value shape \[3\] must equal target shape \[2, 3\]/,
    );
    expect(() => assign(t, zeros([2, 3], { dtype: "float64" }))).toThrow(DTypeError);
  });

  it("a source on another backend, or a disposed target", () => {
    const t = zeros([2]);
    expect(() => copy_(t, zeros([2], { backend: cpu() }))).toThrow(BackendError);
    t.dispose();
    expect(() => add_(t, 1)).toThrow(DisposedTensorError);
  });
});
