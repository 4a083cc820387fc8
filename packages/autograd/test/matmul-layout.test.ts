import { cpu } from "@nn/backend-cpu";
import { matmul, mul, randn, setBackend, sum, transpose } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, computeGrad } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu());
});

// Linear layers multiply by `W.T`: the gradient of that column-major operand is computed
// transposed, so the weight receives a contiguous gradient with no copy, and the values are the
// same sums in the same order as the plain product.
describe("matmul gradient layout", () => {
  for (const [name, transposeA] of [
    ["x @ W.T (weight gradient)", false],
    ["X.T @ y (input gradient)", true],
  ] as const) {
    it(`${name}: contiguous and bit-identical to the plain product`, () => {
      const w = randn([7, 13], { seed: 1, requiresGrad: true });
      const x = randn([5, 13], { seed: 2, requiresGrad: true });
      const g = randn([5, 7], { seed: 3 });
      // transposeA: w.T is the left operand ([13, 7] col-major) of w.T @ g.T-like product.
      const y = transposeA
        ? matmul(transpose(w, 0, 1), transpose(g, 0, 1))
        : matmul(x, transpose(w, 0, 1));
      const seed = transposeA ? randn([13, 5], { seed: 4 }) : g;
      backward(sum(mul(y, seed)));
      const gw = w.grad!;
      expect(gw.isContiguous).toBe(true);
      // d(sum(seed * (x W^T)))/dW = seed^T x; d(sum(seed * (W^T g^T)))/dW = (seed g)^T = g^T seed^T.
      const expected = transposeA
        ? matmul(transpose(g, 0, 1), transpose(seed, 0, 1))
        : matmul(transpose(seed, 0, 1), x);
      // The gradient of the transposed view itself keeps the view's (column-major) strides.
      const wt = transpose(w, 0, 1);
      const y2 = transposeA ? matmul(wt, transpose(g, 0, 1)) : matmul(x, wt);
      const [gwt] = computeGrad(sum(mul(y2, seed)), [wt]);
      expect(gwt!.strides).toEqual(wt.strides);
      expect(Array.from(gw.dataSync() as Float32Array)).toEqual(
        Array.from(expected.dataSync() as Float32Array),
      );
    });
  }
});
