/**
 * Pooling, BatchNorm2d and Dropout2d on the CPU backend: the PyTorch parity cases (pool.json),
 * gradients by finite differences (float64), the bad arguments PyTorch also refuses, as typed
 * errors naming the op and shapes, the modules, and Dropout2d's channel masks.
 */
import { backward, gradcheck } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { type DType, memory, ones, type Tensor, tensor, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  adaptiveAvgPool2d,
  avgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Dropout2d,
  dropout2d,
  MaxPool2d,
  maxPool2d,
} from "../src/index.js";
import { useAsyncCpu } from "./helpers.js";
import { describePoolParity, poolFixtures } from "./pool-parity.js";

// A backend without sync reads, like a GPU: library code must never read synchronously.
describePoolParity("cpu", () => cpu({ syncRead: false }));

describe("pool.json", () => {
  it("covers every op in both dtypes, and the edge cases", () => {
    const ids = poolFixtures.pool.map((c) => c.id);
    for (const op of ["maxPool2d", "avgPool2d", "adaptiveAvgPool2d"])
      for (const dt of ["float32", "float64"])
        expect(
          ids.filter((id) => id.startsWith(`${op}/`) && id.endsWith(dt)).length,
        ).toBeGreaterThan(7);
    for (const what of [
      "ceil-adds-window",
      "ceil-drops-window",
      "ties-overlap",
      "nan",
      "empty-batch",
    ])
      expect(ids).toContain(`maxPool2d/${what}/float32`);
    expect(ids).toContain("avgPool2d/ceil-p1-exclude-pad/float64");
    expect(poolFixtures.layers.map((c) => c.id)).toContain("BatchNorm2d/train/float64");
  });
});

/** Distinct values (no ties, where the max is not differentiable), float64 unless told. */
function distinct(shape: number[], dtype: DType = "float64"): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, (_, i) => ((i * 37) % size) / size - 0.5);
  return tensor(data, { dtype, shape, requiresGrad: true });
}

describe("gradients by finite differences (float64)", () => {
  beforeAll(() => {
    useAsyncCpu();
  });
  it("maxPool2d: overlapping, padded, dilated and ceil-mode windows", async () => {
    await gradcheck((x) => maxPool2d(x, 3, { stride: 1, padding: 1 }), [distinct([2, 2, 5, 5])]);
    await gradcheck(
      (x) => maxPool2d(x, [2, 3], { stride: [2, 1], dilation: [1, 2] }),
      [distinct([1, 2, 5, 7])],
    );
    await gradcheck((x) => maxPool2d(x, 2, { ceilMode: true }), [distinct([1, 1, 5, 5])]);
  });
  it("avgPool2d: padding with and without the padding counted, ceil mode, a divisor", async () => {
    await gradcheck((x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), [distinct([1, 2, 6, 5])]);
    await gradcheck(
      (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
      [distinct([1, 1, 6, 6])],
    );
    await gradcheck(
      (x) => avgPool2d(x, [2, 3], { stride: 1, divisorOverride: 4 }),
      [distinct([2, 1, 4, 5])],
    );
  });
  it("adaptiveAvgPool2d: windows that divide and windows that overlap", async () => {
    await gradcheck((x) => adaptiveAvgPool2d(x, [3, 2]), [distinct([1, 2, 7, 4])]);
    await gradcheck((x) => adaptiveAvgPool2d(x, [4, 5]), [distinct([2, 3, 3])]);
  });
});

describe("bad arguments: typed errors, as PyTorch refuses them", () => {
  beforeAll(() => {
    useAsyncCpu();
  });
  const call = {
    maxPool2d: (x: Tensor, size: never, opts: object) => maxPool2d(x, size, opts),
    avgPool2d: (x: Tensor, size: never, opts: object) => avgPool2d(x, size, opts),
    adaptiveAvgPool2d: (x: Tensor, size: never) => adaptiveAvgPool2d(x, size),
  };
  it.each(poolFixtures.errors.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const x = zeros(c.shape);
    const size = (c.kernelSize ?? c.outputSize) as never;
    let err: unknown;
    try {
      call[c.op](x, size, c.options);
    } catch (e) {
      err = e;
    }
    expect((err as Error)?.name, String(err)).toBe(c.error);
    expect((err as Error).message.startsWith(`${c.op}: `)).toBe(true);
    x.dispose();
  });
  it("name the shapes and what is valid", () => {
    expect(() => maxPool2d(zeros([1, 1, 3, 3]), 6, { padding: 1 })).toThrow(
      "maxPool2d: input [1, 1, 3, 3] is too small for kernel [6, 6] with padding [1, 1] and dilation [1, 1]: the output would be 0x0",
    );
    expect(() => avgPool2d(zeros([1, 1, 6, 6]), 3, { padding: 2 })).toThrow(
      "avgPool2d: padding [2, 2] must be at most half the kernel size [3, 3]",
    );
    expect(() => maxPool2d(zeros([4, 4]), 2)).toThrow(
      "maxPool2d: expected 3-D [C, H, W] or 4-D [N, C, H, W] input, got [4, 4]",
    );
    expect(() => maxPool2d(zeros([1, 1, 4, 4], { dtype: "int32" }), 2)).toThrow(
      "maxPool2d: input must be float32 or float64, got int32",
    );
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), 1.5 as never)).toThrow(
      "maxPool2d: kernelSize must be an integer >= 1 or a list of 2 of them, got 1.5",
    );
  });
  it("the modules check what the functions do not", () => {
    expect(() => new MaxPool2d(2, { returnIndices: true } as never)).toThrow(/returnIndices/);
    expect(() => new BatchNorm2d(3).forward(zeros([3, 4, 4]))).toThrow(
      "BatchNorm2d: expected 4-D [N, C, H, W] input, got [3, 4, 4] (3-D)",
    );
    expect(() => new BatchNorm1d(3).forward(zeros([2, 3, 4, 4]))).toThrow(
      "BatchNorm1d: expected 2-D [N, C] or 3-D [N, C, L] input, got [2, 3, 4, 4] (4-D)",
    );
    expect(() => dropout2d(zeros([4, 4]))).toThrow(
      "dropout2d: expected 4-D [N, C, H, W] (or 3-D [N, C, L]) input, got [4, 4]",
    );
    expect(() => new Dropout2d(1.5)).toThrow(/between 0 and 1/);
  });
});

describe("modules", () => {
  beforeAll(() => {
    useAsyncCpu();
  });
  it("are their functions, hold no state, and the stride defaults to the kernel size", async () => {
    const x = distinct([2, 3, 6, 6]);
    const pairs: [Tensor, Tensor][] = [
      [new MaxPool2d(3).forward(x), maxPool2d(x, 3, { stride: 3 })],
      [new AvgPool2d(2, { padding: 1 }).forward(x), avgPool2d(x, 2, { stride: 2, padding: 1 })],
      [new AdaptiveAvgPool2d([2, null]).forward(x), adaptiveAvgPool2d(x, [2, 6])],
    ];
    for (const [a, b] of pairs) {
      expect(a.shape).toEqual(b.shape);
      expect(await a.array()).toEqual(await b.array());
    }
    expect(pairs[0]?.[0].shape).toEqual([2, 3, 2, 2]);
    expect(Object.keys(new MaxPool2d(2).stateDict())).toEqual([]);
  });
  it("BatchNorm2d has BatchNorm1d's state-dict keys and counts its batches", async () => {
    const bn = new BatchNorm2d(2);
    expect(Object.keys(bn.stateDict())).toEqual([
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
    bn.forward(distinct([2, 2, 3, 3], "float32")).dispose();
    expect(await (bn.num_batches_tracked as Tensor).item()).toBe(1);
    bn.dispose();
  });
});

describe("Dropout2d", () => {
  beforeAll(() => {
    useAsyncCpu();
  });
  it("zeroes whole channels with probability p and scales the others by 1/(1-p)", async () => {
    const [n, c, p] = [40, 50, 0.3];
    const x = ones([n, c, 3, 2], { requiresGrad: true });
    const y = dropout2d(x, p, { seed: 7 });
    const v = (await y.data()) as Float32Array;
    let dropped = 0;
    for (let ch = 0; ch < n * c; ch++) {
      const plane = Array.from(v.subarray(ch * 6, ch * 6 + 6));
      const first = plane[0] as number;
      expect(plane.every((e) => e === first)).toBe(true);
      if (first === 0) dropped++;
      else expect(first).toBeCloseTo(1 / (1 - p), 6);
    }
    // 2,000 channels: the dropped fraction's standard deviation is about 0.01.
    expect(Math.abs(dropped / (n * c) - p)).toBeLessThan(0.05);
    backward(y, ones(y.shape));
    expect(Array.from((await (x.grad as Tensor).data()) as Float32Array)).toEqual(Array.from(v));
    // The same seed draws the same channels.
    expect(Array.from((await dropout2d(x, p, { seed: 7 }).data()) as Float32Array)).toEqual(
      Array.from(v),
    );
  });
  it("takes 3-D input as [N, C, L], as PyTorch does, and is the identity after eval()", async () => {
    const x = ones([20, 30, 4]);
    const v = (await dropout2d(x, 0.5, { seed: 3 }).data()) as Float32Array;
    for (let row = 0; row < 600; row++) {
      const r = Array.from(v.subarray(row * 4, row * 4 + 4));
      expect(r.every((e) => e === r[0])).toBe(true);
    }
    const m = new Dropout2d(0.5);
    m.eval();
    expect(m.forward(x)).toBe(x);
  });
  it("leaves no tensors behind", () => {
    const x = ones([2, 3, 4, 4]);
    const before = memory().tensors;
    dropout2d(x, 0.5).dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe("pooling modules check their window when built", () => {
  it("refuses a zero kernel, stride or negative padding in the constructor, as Conv2d does", () => {
    expect(() => new MaxPool2d(0)).toThrow(
      "MaxPool2d: kernelSize must be an integer >= 1 or a list of 2 of them, got 0",
    );
    expect(() => new AvgPool2d(2, { stride: 0 })).toThrow(
      "AvgPool2d: stride must be an integer >= 1 or a list of 2 of them, got 0",
    );
    expect(() => new MaxPool2d(2, { padding: -1 })).toThrow(
      /MaxPool2d: padding must be an integer >= 0/,
    );
    expect(new MaxPool2d([2, 3], { stride: null }).kernelSize).toEqual([2, 3]);
  });
});
