// Odd shapes: 0-d tensors through views, size-0 dims through every op, negative dims, views of
// views, long broadcasts and huge shapes. Expected values are exact (empty results, sums of
// known series), come from PyTorch (quoted in comments), or compare two routes to one result.
import {
  add,
  arange,
  argmax,
  argmin,
  cast,
  clamp,
  clone,
  concat,
  contiguous,
  copy_,
  DTypeError,
  exp,
  expand,
  flatten,
  gather,
  gt,
  IndexError,
  indexSelect,
  logsumexp,
  matmul,
  max,
  mean,
  memory,
  min,
  mul,
  narrow,
  neg,
  oneHot,
  ones,
  permute,
  prod,
  reshape,
  ShapeError,
  scatterAdd,
  setBackend,
  slice,
  split,
  squeeze,
  stack,
  std,
  sum,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
  ValueError,
  variance,
  view,
  where,
  zeros,
} from "@nn/tensor";
import { beforeEach, expect } from "vitest";
import type { SuiteContext } from "./harness.js";

const f32 = { dtype: "float32" } as const;
const shapeOf = (t: Tensor) => t.shape;
const arr = (t: Tensor) => t.array();

/** Registers the edge-case tests. */
export function edgeCaseTests(suite: SuiteContext): void {
  const { group, test } = suite;
  beforeEach(() => {
    setBackend(suite.backend);
  });

  group("0-d tensors through views", () => {
    const s = () => tensor(5);

    test("reshape, unsqueeze, flatten and expand give the shapes torch gives", async () => {
      expect(await arr(reshape(s(), [1, 1]))).toEqual([[5]]);
      expect(await arr(reshape(reshape(s(), [1, 1, 1]), []))).toBe(5);
      expect(await arr(unsqueeze(s(), 0))).toEqual([5]);
      expect(await arr(unsqueeze(s(), -1))).toEqual([5]);
      expect(await arr(flatten(s()))).toEqual([5]); // torch.flatten(tensor(5)) -> tensor([5])
      expect(await arr(expand(s(), [2, 3]))).toEqual([
        [5, 5, 5],
        [5, 5, 5],
      ]);
      expect(await arr(view(s(), [-1]))).toEqual([5]);
    });

    test("squeeze, transpose and permute of a 0-d tensor are 0-d (dims 0 and -1 accepted)", async () => {
      for (const t of [
        squeeze(s()),
        squeeze(s(), 0),
        squeeze(s(), -1),
        transpose(s(), 0, -1),
        permute(s(), []),
        contiguous(s()),
      ]) {
        expect(t.shape).toEqual([]);
        expect(await t.item()).toBe(5);
      }
    });

    test("reductions over dim 0 / -1 of a 0-d tensor, with and without keepdim", async () => {
      expect(await arr(sum(s(), 0))).toBe(5);
      expect(await arr(sum(s(), -1, true))).toBe(5);
      expect(await arr(max(s(), [0]))).toBe(5);
      expect(await arr(argmax(s(), 0, true))).toBe(0); // torch.argmax(tensor(5), 0, True) -> tensor(0)
      expect(await arr(logsumexp(tensor(0.5), -1))).toBeCloseTo(0.5, 6);
      expect(() => sum(s(), 1)).toThrow(IndexError);
    });

    test("slice, narrow and split refuse a 0-d tensor (IndexError, as torch)", () => {
      // torch: "slice() cannot be applied to a 0-dim tensor", "narrow() cannot be applied to a
      // 0-dim tensor", "split expects at least a 1-dimensional tensor".
      for (const [name, run] of [
        ["slice", () => slice(s(), 0)],
        ["narrow", () => narrow(s(), 0, 0, 1)],
        ["split", () => split(s(), 1)],
      ] as const) {
        expect(run).toThrow(IndexError);
        expect(run).toThrow(new RegExp(`^${name}: .*0-d`));
      }
    });

    test("a view of a 0-d tensor shares its storage", async () => {
      const t = tensor(1.5);
      const v = expand(unsqueeze(t, 0), [4]);
      expect(v.storage).toBe(t.storage);
      expect(Array.from(await v.data())).toEqual([1.5, 1.5, 1.5, 1.5]);
    });
  });

  group("size-0 dims in every op", () => {
    const z = () => zeros([0, 3]);

    test("elementwise ops broadcast to empty shapes", () => {
      expect(shapeOf(add(zeros([0, 1]), ones([1, 3])))).toEqual([0, 3]);
      expect(shapeOf(exp(z()))).toEqual([0, 3]);
      expect(shapeOf(where(gt(z(), 0), z(), 1))).toEqual([0, 3]);
      expect(shapeOf(clamp(z(), 0, 1))).toEqual([0, 3]);
      expect(cast(z(), "int32").dtype).toBe("int32");
      expect(() => add(zeros([0]), ones([2]))).toThrow(ShapeError); // 0 vs 2: no broadcast
    });

    test("reductions: sum 0, prod 1, max over an empty dim refused", async () => {
      expect(Array.from(await sum(z(), 0).data())).toEqual([0, 0, 0]);
      expect(Array.from(await prod(z(), 0).data())).toEqual([1, 1, 1]);
      expect(await arr(sum(z()))).toBe(0);
      expect(await arr(prod(z()))).toBe(1);
      // torch: zeros(0, 3).amax(1) -> tensor([]); amax(0) -> IndexError
      expect(shapeOf(max(z(), 1))).toEqual([0]);
      expect(shapeOf(argmax(z(), 1))).toEqual([0]);
      expect(shapeOf(min(z(), 1, true))).toEqual([0, 1]);
      expect(() => max(z(), 0)).toThrow(IndexError);
      expect(() => argmin(z())).toThrow(IndexError);
      expect(shapeOf(variance(z(), 1))).toEqual([0]);
      expect(shapeOf(std(zeros([2, 0]), 0))).toEqual([0]);
    });

    test(
      "reductions: mean NaN, logsumexp -Infinity over an empty dim",
      async () => {
        expect(Array.from(await mean(z(), 0).data()).every(Number.isNaN)).toBe(true);
        expect(Array.from(await logsumexp(z(), 0).data())).toEqual([
          -Infinity,
          -Infinity,
          -Infinity,
        ]);
      },
      { ieeeSpecials: true },
    );

    test("matmul with an empty inner dim gives zeros; empty outer or batch dims give empty", async () => {
      expect(await arr(matmul(zeros([2, 0]), zeros([0, 3])))).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
      expect(shapeOf(matmul(zeros([0, 2, 3]), ones([3, 4])))).toEqual([0, 2, 4]);
      expect(shapeOf(matmul(zeros([5, 0]), zeros([0])))).toEqual([5]);
      expect(await arr(matmul(zeros([0]), zeros([0])))).toBe(0);
    });

    test("join, split, index and views", async () => {
      expect(await arr(concat([zeros([0]), ones([2, 2])]))).toEqual([
        [1, 1],
        [1, 1],
      ]); // torch skips 1-D empty tensors in cat
      expect(shapeOf(concat([z(), ones([2, 3])], 0))).toEqual([2, 3]);
      expect(shapeOf(stack([z(), z()], 1))).toEqual([0, 2, 3]);
      expect(split(zeros([0, 2]), 1).map(shapeOf)).toEqual([[0, 2]]); // torch: one empty piece
      expect(split(ones([3, 0]), 2).map(shapeOf)).toEqual([
        [2, 0],
        [1, 0],
      ]);
      expect(shapeOf(gather(z(), 0, zeros([0, 3], { dtype: "int32" })))).toEqual([0, 3]);
      expect(shapeOf(indexSelect(ones([2, 3]), 0, zeros([0], { dtype: "int32" })))).toEqual([0, 3]);
      expect(shapeOf(oneHot(zeros([0], { dtype: "int32" }), 4))).toEqual([0, 4]);
      expect(shapeOf(scatterAdd(z(), 0, zeros([0, 3], { dtype: "int32" }), z()))).toEqual([0, 3]);
      expect(shapeOf(reshape(z(), [3, -1]))).toEqual([3, 0]); // torch: size=(3, 0)
      expect(() => reshape(z(), [0, -1])).toThrow(ShapeError); // torch: -1 is ambiguous
      expect(shapeOf(view(transpose(z(), 0, 1), [0]))).toEqual([0]);
      expect(shapeOf(expand(ones([1, 3]), [0, 3]))).toEqual([0, 3]);
      expect(shapeOf(clone(transpose(z(), 0, 1)))).toEqual([3, 0]);
      expect(shapeOf(slice(arange(10), 0, 7, 3))).toEqual([0]);
      expect(shapeOf(copy_(zeros([0, 3]), ones([3])))).toEqual([0, 3]);
      expect(await arr(zeros([2, 0]))).toEqual([[], []]);
      expect(await arr(zeros([0, 2]))).toEqual([]);
    });
  });

  group("negative dims give the same results as their positive counterparts", () => {
    const x = () => reshape(arange(24, f32), [2, 3, 4]);
    const same = async (a: Tensor | Tensor[], b: Tensor | Tensor[]) => {
      const read = async (t: Tensor | Tensor[]) =>
        Array.isArray(t)
          ? Promise.all(t.map(async (u) => [u.shape, await u.array()]))
          : [t.shape, await t.array()];
      expect(await read(a)).toEqual(await read(b));
    };

    const ops: [string, (d: number) => Tensor | Tensor[]][] = [
      ["sum", (d: number) => sum(x(), d)],
      ["sum keepdim list", (d: number) => sum(x(), [d], true)],
      ["mean", (d: number) => mean(x(), d)],
      ["prod", (d: number) => prod(x(), d)],
      ["max", (d: number) => max(x(), d)],
      ["min", (d: number) => min(x(), d, true)],
      ["argmax", (d: number) => argmax(x(), d)],
      ["argmin", (d: number) => argmin(x(), d, true)],
      ["variance", (d: number) => variance(x(), d)],
      ["std", (d: number) => std(x(), d, true, 0)],
      ["logsumexp", (d: number) => logsumexp(x(), d)],
      ["transpose", (d: number) => transpose(x(), d, 0)],
      ["flatten", (d: number) => flatten(x(), d)],
      ["concat", (d: number) => concat([x(), x()], d)],
      ["split", (d: number) => split(x(), 2, d)],
      ["narrow", (d: number) => narrow(x(), d, 1, 1)],
      ["slice", (d: number) => slice(x(), d, 1)],
      ["indexSelect", (d: number) => indexSelect(x(), d, tensor([1, 0], { dtype: "int32" }))],
      ["gather", (d: number) => gather(x(), d, zeros([1, 1, 1], { dtype: "int32" }))],
      ["scatterAdd", (d: number) => scatterAdd(x(), d, ones([1, 1, 1], { dtype: "int32" }), x())],
    ];
    for (const [name, op] of ops) {
      test(name, async () => {
        for (const d of [0, 1, 2]) await same(op(d - 3), op(d));
      });
    }

    test("permute and squeeze", async () => {
      await same(permute(x(), [-1, -3, -2]), permute(x(), [2, 0, 1]));
      const u = reshape(x(), [2, 1, 3, 1, 4]);
      for (const d of [0, 1, 2, 3, 4]) await same(squeeze(u, d - 5), squeeze(u, d));
      await same(squeeze(u, [-2, -4]), squeeze(u, [1, 3]));
    });

    test("unsqueeze and stack take dims in [-ndim-1, ndim]", async () => {
      for (const d of [0, 1, 2, 3]) {
        await same(unsqueeze(x(), d - 4), unsqueeze(x(), d));
        await same(stack([x(), x()], d - 4), stack([x(), x()], d));
      }
      expect(() => unsqueeze(x(), -5)).toThrow(IndexError);
      expect(() => unsqueeze(x(), 4)).toThrow(IndexError);
    });

    test("dims out of range or repeated are refused", () => {
      expect(() => sum(x(), -4)).toThrow(IndexError);
      expect(() => sum(x(), [-1, 2])).toThrow(IndexError);
      expect(() => permute(x(), [0, -1, 2])).toThrow(ValueError);
      expect(() => transpose(x(), 0, 3)).toThrow(IndexError);
      expect(() => flatten(x(), -1, 0)).toThrow(ValueError);
    });
  });

  group("views of views", () => {
    // base[0][j][k] = 3j + k, shape [1, 2, 3]
    const base = () => reshape(arange(6, f32), [1, 2, 3]);
    // transpose(slice(expand(base, [4, 2, 3]), 2, 1, 3), 0, 2): v[i][j][k] = base[0][j][i + 1]
    const chain = () => transpose(slice(expand(base(), [4, 2, 3]), 2, 1, 3), 0, 2);
    const logical = [
      [
        [1, 1, 1, 1],
        [4, 4, 4, 4],
      ],
      [
        [2, 2, 2, 2],
        [5, 5, 5, 5],
      ],
    ];

    test("read back as their logical values, with a nonzero offset and stride-0 dims", async () => {
      const v = chain();
      expect(v.shape).toEqual([2, 2, 4]);
      expect(v.offset).toBe(1);
      expect(v.strides).toEqual([1, 3, 0]);
      expect(v.isContiguous).toBe(false);
      expect(await arr(v)).toEqual(logical);
    });

    test("every op gives the same result on the view as on a contiguous copy of its values", async () => {
      const ops: [string, (t: Tensor) => Tensor | Tensor[]][] = [
        ["neg", neg],
        ["add self", (t) => add(t, t)],
        ["mul by a row of itself", (t) => mul(t, slice(t, 0, 0, 1))],
        ["sum", (t) => sum(t, [0, -1])],
        ["max", (t) => max(t, -1)],
        ["argmax", (t) => argmax(t, 0)],
        ["mean", (t) => mean(t, 1, true)],
        ["variance", (t) => variance(t, -1)],
        ["logsumexp", (t) => logsumexp(t, 0)],
        ["matmul", (t) => matmul(t, transpose(t, -1, -2))],
        ["reshape", (t) => reshape(t, [4, 4])],
        ["contiguous", contiguous],
        ["clone", clone],
        ["concat", (t) => concat([t, t], 1)],
        ["stack", (t) => stack([t, t], -1)],
        ["split", (t) => split(t, 3, -1)],
        ["gather", (t) => gather(t, 2, zeros([2, 2, 1], { dtype: "int32" }))],
        ["indexSelect", (t) => indexSelect(t, -1, tensor([3, 0], { dtype: "int32" }))],
        ["where", (t) => where(gt(t, 2), t, neg(t))],
        ["scatterAdd", (t) => scatterAdd(t, 0, zeros([1, 2, 4], { dtype: "int32" }), t)],
      ];
      const copy = tensor(logical, f32);
      for (const [name, op] of ops) {
        const read = async (r: Tensor | Tensor[]) =>
          Array.isArray(r) ? Promise.all(r.map((u) => u.array())) : r.array();
        expect(await read(op(chain())), name).toEqual(await read(op(copy)));
      }
    });

    test("view() refuses what needs a copy; reshape() copies", async () => {
      expect(() => view(chain(), [2, 8])).toThrow(ShapeError);
      expect(await arr(reshape(chain(), [16]))).toEqual(logical.flat(2));
      const s = slice(reshape(arange(12), [3, 4]), 1, 0, 2); // [[0,1],[4,5],[8,9]]
      expect(() => view(s, [6])).toThrow(ShapeError);
      expect(await arr(reshape(s, [6]))).toEqual([0, 1, 4, 5, 8, 9]);
      expect(await arr(view(s, [3, 1, 2]))).toEqual([[[0, 1]], [[4, 5]], [[8, 9]]]);
    });

    test("a stepped slice of a transpose", async () => {
      // arange(12).reshape(3, 4).T[1::2] -> [[1, 5, 9], [3, 7, 11]]
      const t = slice(transpose(reshape(arange(12), [3, 4]), 0, 1), 0, 1, null, 2);
      expect(await arr(t)).toEqual([
        [1, 5, 9],
        [3, 7, 11],
      ]);
      expect(await arr(slice(arange(10), 0, -100, 100, 3))).toEqual([0, 3, 6, 9]);
    });

    test("slice bounds must be integers (no silent fractional offsets)", () => {
      expect(() => slice(arange(5), 0, 1.5)).toThrow(ValueError);
      expect(() => slice(arange(5), 0, 0, 2.5)).toThrow(ValueError);
      expect(() => slice(arange(5), 0, Number.NaN)).toThrow(ValueError);
      expect(() => narrow(arange(5), 0, 1.5, 2)).toThrow(IndexError);
    });
  });

  group("long and large", () => {
    test(
      "a long 1-D broadcast against a column",
      async () => {
        const n = 1_000_003;
        const a = arange(n, { dtype: "float64" });
        const r = add(unsqueeze(a, 0), tensor([[0], [1]], { dtype: "float64" })); // [2, n]
        expect(r.shape).toEqual([2, n]);
        // sum = 2 * n(n-1)/2 + n, exact in float64
        expect(await sum(r).item()).toBe(n * (n - 1) + n);
        expect(Array.from(await slice(r, 1, -2).data())).toEqual([n - 2, n - 1, n - 1, n]);
        expect(await argmax(arange(n)).item()).toBe(n - 1);
      },
      { dtypes: ["float64"] },
    );

    test("a huge expand is a view; an empty dim makes a huge shape empty", async () => {
      const e = expand(tensor([[2]]), [1e6, 1e6]);
      expect(e.size).toBe(1e12);
      expect(e.storage.size).toBe(1);
      expect(zeros([2 ** 20, 2 ** 20, 0]).size).toBe(0);
      expect(await sum(expand(ones([1, 1]), [0, 1e9])).item()).toBe(0);
    });

    test("an allocation too large to make throws, and leaves memory() as it was", () => {
      const before = memory(suite.backend);
      expect(() => zeros([1e6, 1e6])).toThrow();
      expect(() => arange(0, 1e10)).toThrow();
      const after = memory(suite.backend);
      expect([after.tensors, after.buffers, after.bytes]).toEqual([
        before.tensors,
        before.buffers,
        before.bytes,
      ]);
    });
  });

  group("index errors leak nothing and name the op", () => {
    const cases = [
      ["gather", () => gather(arange(3), 0, tensor([3], { dtype: "int32" }))],
      ["indexSelect", () => indexSelect(arange(3), 0, tensor([-1], { dtype: "int32" }))],
      [
        "scatterAdd",
        () =>
          scatterAdd(
            zeros([3], { dtype: "int32" }),
            0,
            tensor([3], { dtype: "int32" }),
            tensor([1], { dtype: "int32" }),
          ),
      ],
    ] as const;
    for (const [name, run] of cases)
      test(
        name,
        () => {
          const before = memory(suite.backend).tensors;
          let err: unknown;
          try {
            run();
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(IndexError);
          expect((err as Error).message).toMatch(
            new RegExp(`^${name}: index -?\\d+ is out of bounds`),
          );
          // run() itself made its inputs (2 or 3 tensors); nothing else may remain
          const made = name === "scatterAdd" ? 3 : 2;
          expect(memory(suite.backend).tensors).toBe(before + made);
        },
        { indexChecks: true },
      );

    test(
      "oneHot turns an out-of-range class into a ValueError",
      () => {
        expect(() => oneHot(tensor([3], { dtype: "int32" }), 2)).toThrow(ValueError);
        expect(() => oneHot(tensor([1.5]), 2)).toThrow(DTypeError);
        // tensor() of plain numbers is float32: the message says so and how to ask for int32.
        for (const run of [
          () => oneHot(tensor([1]), 2),
          () => gather(arange(3), 0, tensor([1])),
          () => indexSelect(arange(3), 0, tensor([1])),
        ]) {
          expect(run).toThrow(DTypeError);
          expect(run).toThrow(
            /index must be an int32 tensor, got float32 \(tensor\(\) of plain numbers is float32; pass \{ dtype: "int32" \} or an Int32Array for indices\)/,
          );
        }
      },
      { indexChecks: true },
    );
  });
}
