// Too-large tensors and deep nested arrays (issue 13, item 7): a size over the backend's
// `capabilities.maxBufferBytes` is refused with AllocationError before anything is allocated,
// naming the op, shape, element count, bytes and the limit; nested arrays of any depth flatten.
import {
  AllocationError,
  add,
  arange,
  concat,
  expand,
  eye,
  linspace,
  matmul,
  ones,
  rand,
  ShapeError,
  setBackend,
  std,
  type Tensor,
  tensor,
  ValueError,
  variance,
  zeros,
} from "@nn/tensor";
import { beforeEach, expect } from "vitest";
import type { SuiteContext } from "./harness.js";

/** Registers the allocation-limit and nesting tests. */
export function limitTests(s: SuiteContext): void {
  const { test } = s;
  beforeEach(() => {
    setBackend(s.backend);
  });
  const limit = () => s.backend.capabilities.maxBufferBytes;
  const refused = (fn: () => unknown, message: RegExp) => {
    expect(fn).toThrow(AllocationError);
    expect(fn).toThrow(message);
  };

  test("the backend declares a positive maxBufferBytes", () => {
    expect(limit()).toBeGreaterThan(2 ** 20);
  });

  test("creation ops over the limit throw AllocationError naming op, shape, elements, bytes, limit", () => {
    const lim = String(limit());
    refused(
      () => zeros([1e9, 1e9]),
      new RegExp(
        `^zeros: a float32 tensor of shape \\[1000000000, 1000000000\\] \\(1000000000000000000 elements, 4000000000000000000 bytes\\) exceeds the ${lim} bytes a buffer on ${s.backend.label} can hold`,
      ),
    );
    refused(
      () => ones([2 ** 32]),
      /^ones: .*\[4294967296\] \(4294967296 elements, 17179869184 bytes\)/,
    );
    refused(() => arange(0, 1e10), /^arange: .*\[10000000000\]/);
    refused(() => eye(1e5), /^eye: a float32 tensor of shape \[100000, 100000\]/);
    refused(() => linspace(0, 1, 2 ** 33), /^linspace: /);
    refused(() => rand([2 ** 20, 2 ** 20]), /^rand: /);
  });

  test("ops whose output is over the limit throw before allocating: matmul, concat, broadcast", () => {
    const col = ones([100_000, 1]);
    const row = ones([1, 100_000]);
    refused(() => matmul(col, row), /^matmul: a float32 tensor of shape \[100000, 100000\]/);
    refused(() => add(col, row), /^add: a float32 tensor of shape \[100000, 100000\]/);
    // Views cost nothing; their concatenation would need more than the limit.
    const half = Math.ceil(limit() / 4 / 2) + 1;
    const big = expand(ones([1]), [half]);
    refused(
      () => concat([big, big]),
      new RegExp(`^concat: a float32 tensor of shape \\[${2 * half}\\]`),
    );
    for (const t of [col, row, big]) t.dispose();
  });

  test("bad dims are ShapeError / ValueError, not an allocation attempt", () => {
    for (const shape of [[Number.NaN], [-1], [1.5], [Infinity]]) {
      expect(() => zeros(shape)).toThrow(ShapeError);
    }
    expect(() => arange(0, Number.NaN)).toThrow(ValueError);
    expect(() => eye(1.5)).toThrow(ValueError);
    expect(() => eye(-1)).toThrow(ValueError);
  });

  test("tensor() of a 20,000-deep nested array flattens without overflowing the stack", async () => {
    let deep: unknown = 7;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const t: Tensor = tensor(deep as number[]);
    expect(t.shape.length).toBe(20_000);
    expect(t.size).toBe(1);
    expect(await t.data()).toEqual(new Float32Array([7]));
    let back = await t.array();
    for (let i = 0; i < 20_000; i++) back = (back as unknown[])[0] as typeof back;
    expect(back).toBe(7);
    t.dispose();
    // Ragged and non-numeric errors still name the path.
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /ragged nested array: at \[1\] expected length 2, got length 1/,
    );
    expect(() =>
      tensor([
        [1, 2],
        [3, "x" as never],
      ]),
    ).toThrow(/element at \[1, 1\] is string/);
  });

  test(
    "std is finite where representable though the squares overflow (float64: 1e160)",
    async () => {
      // PyTorch 1.13 gives inf here (it squares unscaled); the exact answer is sqrt(2) * 1e160.
      const x = tensor([1e160, -1e160], { dtype: "float64" });
      expect(await std(x).item()).toBeCloseTo(Math.SQRT2 * 1e160, -146);
      expect(await variance(x).item()).toBe(Infinity);
      expect(await std(x, null, false, 0).item()).toBe(1e160);
      x.dispose();
    },
    { dtypes: ["float64"], ieeeSpecials: true },
  );
}
