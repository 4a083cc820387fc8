// Grad mode and detach are @nn/tensor's; autograd re-exports the same functions.
import { cpu } from "@nn/backend-cpu";
import * as nnTensor from "@nn/tensor";
import { add, mul, setBackend, std, sum, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  backward,
  detach,
  enableGrad,
  gradFn,
  isGradEnabled,
  isLeaf,
  noGrad,
} from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const values = async (t: Tensor | null) => Array.from(await (t as Tensor).data());

describe("grad mode", () => {
  it("noGrad, enableGrad, isGradEnabled and detach are @nn/tensor's own functions", () => {
    expect(noGrad).toBe(nnTensor.noGrad);
    expect(enableGrad).toBe(nnTensor.enableGrad);
    expect(isGradEnabled).toBe(nnTensor.isGradEnabled);
    expect(detach).toBe(nnTensor.detach);
  });

  it("ops under noGrad are not recorded; enableGrad inside noGrad records", async () => {
    const x = tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(isLeaf(y)).toBe(true);
    expect(await values(y)).toEqual([1, 4, 9]);
    const z = noGrad(() => enableGrad(() => mul(x, x)));
    expect(gradFn(z)?.op).toBe("mul");
    backward(sum(z));
    expect(await values(x.grad)).toEqual([2, 4, 6]);
  });

  it("a composite records itself as one op, not its parts", async () => {
    const x = tensor([1, 2, 4], { dtype: "float64", requiresGrad: true });
    const s = std(x);
    const node = gradFn(s);
    expect(node?.op).toBe("std");
    // Its input is x itself: the parts (variance, sqrt) left no node between.
    expect(node?.inputs).toEqual([x]);
    backward(s);
    // d std / dx_i = (x_i - mean) / ((n - 1) std); mean 7/3, std sqrt(7/3)
    const sd = Math.sqrt(7 / 3);
    const expected = [1, 2, 4].map((v) => (v - 7 / 3) / (2 * sd));
    (await values(x.grad)).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it("detach shares the data, does not require grad, and stops the gradient", async () => {
    const x = tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    const d = detach(x);
    expect(d.storage).toBe(x.storage);
    expect(d.requiresGrad).toBe(false);
    expect(isLeaf(d)).toBe(true);
    // y = x * detach(x): the gradient is detach(x) = x, not 2x.
    backward(sum(mul(x, d)));
    expect(await values(x.grad)).toEqual([1, 2, 3]);
    // Under noGrad the same: gradients flow only through recorded ops.
    const w = tensor([1, 1], { dtype: "float32", requiresGrad: true });
    const shift = noGrad(() => add(w, 1));
    backward(sum(mul(w, shift)));
    expect(await values(w.grad)).toEqual([2, 2]);
  });
});
