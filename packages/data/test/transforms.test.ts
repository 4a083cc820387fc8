import { cpu } from "@nn/backend-cpu";
import { arange, reshape, setBackend, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { normalize, oneHot, TensorDataset, trainValSplit } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("transforms", () => {
  it("normalize computes (x - mean) / std, with numbers or per-channel tensors", async () => {
    const x = tensor([0, 51, 255], { dtype: "int32" });
    const y = normalize(x, 0.5 * 255, 0.25 * 255);
    expect(y.dtype).toBe("float32");
    expect(Array.from(await y.data())).toEqual([-2, -1.2000000476837158, 2]);
    const img = reshape(arange(0, 8, 1, { dtype: "float64" }), [2, 2, 2]);
    const z = normalize(
      img,
      tensor([[[1]], [[5]]], { dtype: "float64" }),
      tensor([[[2]], [[4]]], { dtype: "float64" }),
    );
    expect(Array.from(await z.data())).toEqual([-0.5, 0, 0.5, 1, -0.25, 0, 0.25, 0.5]);
    expect(() => normalize(x, 0, 0)).toThrow(/std must be > 0/);
  });

  it("oneHot is @nn/tensor's: int32 rows by default (as PyTorch), float rows on request", async () => {
    expect(oneHot(tensor([1], { dtype: "int32" }), 2).dtype).toBe("int32");
    const h = oneHot(tensor([2, 0], { dtype: "int32" }), 3, "float32");
    expect(h.dtype).toBe("float32");
    expect(await h.array()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(() => oneHot(tensor([3], { dtype: "int32" }), 3)).toThrow(/\[0, 3\)/);
  });

  it("trainValSplit is a seeded, disjoint split covering every row", async () => {
    const ds = new TensorDataset(arange(0, 10, 1, { dtype: "float32" }), arange(0, 10));
    const [train, val] = trainValSplit(ds, 0.3, { seed: 1 });
    expect([train.length, val.length]).toEqual([7, 3]);
    // A TensorDataset splits into TensorDatasets of the same tuple type (no cast needed).
    const rows = async (d: TensorDataset<[Tensor, Tensor]>) =>
      Array.from(await d.tensors[1].data());
    const all = [...(await rows(train)), ...(await rows(val))].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [train2] = trainValSplit(ds, 3, { seed: 1 });
    expect(await rows(train2)).toEqual(await rows(train));
    const [train3] = trainValSplit(ds, 3, { seed: 2 });
    expect(await rows(train3)).not.toEqual(await rows(train));
    expect(() => trainValSplit(ds, 11)).toThrow(/count in \[0, 10\]/);
  });
});
