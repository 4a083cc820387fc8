/** Bad input to the losses and layers: typed errors naming the op, the index or shapes, and what is valid. */
import {
  DTypeError,
  IndexError,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BatchNorm1d,
  batchNorm,
  bceWithLogitsLoss,
  crossEntropy,
  Embedding,
  huberLoss,
  klDiv,
  LayerNorm,
  Linear,
  layerNorm,
  mseLoss,
  nllLoss,
} from "../src/index.js";
import { useAsyncCpu } from "./helpers.js";

beforeAll(() => {
  useAsyncCpu();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("class targets out of range", () => {
  const logits = () => zeros([3, 4]);
  it("crossEntropy names the index and the valid range (CPU check)", () => {
    const e = thrown(() => crossEntropy(logits(), tensor([0, 4, 1], { dtype: "int32" })));
    expect(e).toBeInstanceOf(IndexError);
    expect(e.message).toBe(
      "crossEntropy: target 4 is out of bounds: class indices must be in [0, 4) for 4 classes (or equal ignoreIndex -100)",
    );
    expect(
      thrown(() => crossEntropy(logits(), tensor([-1, 0, 1], { dtype: "int32" }))).message,
    ).toMatch(/target -1 is out of bounds/);
  });
  it("nllLoss likewise; ignoreIndex is never looked up", async () => {
    expect(thrown(() => nllLoss(logits(), tensor([9, 0, 0], { dtype: "int32" })))).toBeInstanceOf(
      IndexError,
    );
    const l = nllLoss(logits(), tensor([-100, 1, 2], { dtype: "int32" }), { reduction: "sum" });
    expect(await l.item()).toBe(0);
  });
  it("Embedding names the id", () => {
    const e = thrown(() => new Embedding(3, 2).forward(tensor([0, 3], { dtype: "int32" })));
    expect(e).toBeInstanceOf(IndexError);
    expect(e.message).toMatch(/embedding: index 3 is out of bounds .*\(ids must be in \[0, 3\)/);
  });
});

describe("shapes, dtypes and options", () => {
  it("a float target shaped like class indices: the message says tensor() gave float32", () => {
    for (const run of [
      () => crossEntropy(zeros([3, 4]), tensor([0, 1, 2])),
      () => nllLoss(zeros([3, 4]), tensor([0, 1, 2])),
    ]) {
      const e = thrown(run);
      expect(e).toBeInstanceOf(DTypeError);
      expect(e.message).toMatch(
        /(crossEntropy|nllLoss): target .*float32.*\(tensor\(\) of plain numbers is float32; pass \{ dtype: "int32" \} or an Int32Array for indices\)/,
      );
    }
    const emb = thrown(() => new Embedding(3, 2).forward(tensor([0, 1])));
    expect(emb.message).toMatch(
      /embedding: indices must be int32, got float32 \(tensor\(\) of plain/,
    );
  });
  it("losses refuse mismatched shapes instead of broadcasting", () => {
    const e = thrown(() => mseLoss(zeros([3, 1]), zeros([3])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/mseLoss: target shape \[3\] must equal the input shape \[3, 1\]/);
    expect(
      thrown(() => crossEntropy(zeros([3, 4]), tensor([0, 1], { dtype: "int32" }))),
    ).toBeInstanceOf(ShapeError);
    expect(
      thrown(() => crossEntropy(zeros([3, 4]), zeros([3, 4], { dtype: "bool" }))),
    ).toBeInstanceOf(DTypeError);
    expect(
      thrown(() =>
        crossEntropy(zeros([3, 4]), tensor([0, 1, 2], { dtype: "int32" }), { weight: zeros([3]) }),
      ).message,
    ).toMatch(/weight \[3\] must have one element per class, \[4\]/);
    expect(
      thrown(() => bceWithLogitsLoss(zeros([2, 3]), zeros([2, 3]), { posWeight: zeros([2]) }))
        .message,
    ).toMatch(/posWeight \[2\] must broadcast to the input shape \[2, 3\]/);
  });
  it("bad options are ValueErrors", () => {
    expect(
      thrown(() => mseLoss(zeros([2]), zeros([2]), { reduction: "avg" as never })),
    ).toBeInstanceOf(ValueError);
    expect(thrown(() => huberLoss(zeros([2]), zeros([2]), { delta: 0 })).message).toMatch(
      /delta must be > 0/,
    );
    expect(
      thrown(() => crossEntropy(zeros([2, 2]), tensor([0, 1]), { labelSmoothing: 1.5 })),
    ).toBeInstanceOf(ValueError);
  });
  it("layers name the shapes they expected", () => {
    const lin = new Linear(4, 2);
    expect(thrown(() => lin.forward(zeros([3, 5]))).message).toMatch(
      /linear: input \[3, 5\] does not fit weight \[2, 4\]/,
    );
    expect(thrown(() => new LayerNorm(3).forward(zeros([2, 4]))).message).toMatch(
      /must end with the normalized shape \[3\]/,
    );
    const bn = new BatchNorm1d(3);
    expect(thrown(() => bn.forward(zeros([1, 3]))).message).toMatch(
      /more than 1 value per channel/,
    );
    expect(thrown(() => bn.forward(zeros([4, 2]))).message).toMatch(
      /runningMean \[3\] must be \[2\]/,
    );
    expect(thrown(() => new Linear(-1, 2))).toBeInstanceOf(ValueError);
    lin.dispose();
  });
  it("a sync read is never needed: every op above ran on a backend without one", () => {
    const t: Tensor = zeros([1]);
    expect(() => t.dataSync()).toThrow(/no synchronous read/);
  });
});

describe("plain-JavaScript mistakes", () => {
  const x = () => zeros([4, 3]);

  it("batchNorm: options in the weight slot, a non-object options, bad option values", () => {
    const rm = zeros([3]);
    const rv = zeros([3]);
    expect(() => batchNorm(x(), rm, rv, { training: true } as never)).toThrow(ValueError);
    expect(() => batchNorm(x(), rm, rv, { training: true } as never)).toThrow(
      /^batchNorm: weight must be a tensor or null, got an object with keys \{ training \}; the arguments are batchNorm\(x, runningMean, runningVar, weight\?, bias\?, \{ training, momentum, eps \}\)/,
    );
    expect(() => batchNorm(x(), { training: true } as never, null)).toThrow(
      /runningMean must be a tensor or null/,
    );
    expect(() => batchNorm([1, 2] as never, null, null)).toThrow(
      /x must be a tensor, got an object/,
    );
    expect(() => batchNorm(x(), null, null, null, null, "train" as never)).toThrow(
      /options must be an object/,
    );
    expect(() => batchNorm(x(), null, null, null, null, { training: "yes" as never })).toThrow(
      /training must be true or false/,
    );
    expect(() => batchNorm(x(), null, null, null, null, { momentum: Number.NaN })).toThrow(
      /momentum/,
    );
  });

  it("layerNorm: a shape or eps in a tensor's slot", () => {
    expect(() => layerNorm(x(), [3], { eps: 1e-5 } as never)).toThrow(
      /weight must be a tensor or null/,
    );
    expect(() => layerNorm(x(), 3 as never)).toThrow(
      /normalizedShape must be a list of positive integers/,
    );
    expect(() => layerNorm(x(), [3], null, null, "1e-5" as never)).toThrow(/eps must be a number/);
  });

  it("a loss given its reduction as a string instead of { reduction } is a ValueError, not a silent mean", () => {
    const a = tensor([1, 2], { dtype: "float32" });
    const b = tensor([0, 0], { dtype: "float32" });
    expect(() => mseLoss(a, b, "sum" as never)).toThrow(
      /^mseLoss: options must be an object such as \{ reduction: "sum" \}, got "sum"/,
    );
    expect(() => huberLoss(a, b, null as never)).toThrow(/huberLoss: options must be an object/);
    expect(() => bceWithLogitsLoss(a, b, "none" as never)).toThrow(ValueError);
    expect(() => klDiv(a, b, 1 as never)).toThrow(/klDiv: options/);
    expect(() =>
      crossEntropy(zeros([2, 3]), tensor([0, 1], { dtype: "int32" }), "sum" as never),
    ).toThrow(/crossEntropy: options must be an object/);
    expect(() => nllLoss(zeros([2, 3]), tensor([0, 1], { dtype: "int32" }), [] as never)).toThrow(
      /got a list/,
    );
  });
});
