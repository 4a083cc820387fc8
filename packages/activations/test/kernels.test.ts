/**
 * Kernels compile once per structure: parameters are kernel arguments, so changing
 * negativeSlope (or beta, alpha, ...) never recompiles, forward or backward; a string option
 * (gelu's approximate) selects another structure.
 */
import { backward } from "@nn/autograd";
import { type CpuBackend, cpu } from "@nn/backend-cpu";
import { setBackend, sum, type Tensor, tensor, tidy } from "@nn/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { elu, gelu, hardtanh, leakyRelu, softplus, threshold } from "../src/index.js";

let backend: CpuBackend;
beforeEach(() => {
  backend = setBackend(cpu({ syncRead: false }));
});

/** Forward and backward of `f` on a fresh float32 leaf. */
function step(f: (x: Tensor) => Tensor): void {
  tidy(() => {
    const x = tensor([-2, -0.5, 0.25, 3], { dtype: "float32", requiresGrad: true });
    backward(sum(f(x)));
    x.grad?.dispose();
  });
}

describe("kernels compile once per structure", () => {
  const cases: [string, (v: number) => (x: Tensor) => Tensor][] = [
    ["leakyRelu negativeSlope", (v) => (x) => leakyRelu(x, { negativeSlope: v })],
    ["elu alpha", (v) => (x) => elu(x, { alpha: v })],
    ["softplus beta, threshold", (v) => (x) => softplus(x, { beta: v, threshold: 10 * v })],
    ["hardtanh minVal, maxVal", (v) => (x) => hardtanh(x, { minVal: -v, maxVal: v })],
    ["threshold threshold, value", (v) => (x) => threshold(x, { threshold: v, value: -v })],
  ];
  for (const [label, make] of cases) {
    it(`changing ${label} does not recompile (forward and backward)`, () => {
      step(make(0.1));
      const compiled = backend.compiler.size;
      expect(compiled).toBeGreaterThan(0);
      for (const v of [0.2, 0.3, 1.5, 2]) step(make(v));
      expect(backend.compiler.size).toBe(compiled);
    });
  }

  it("a string option is another structure, compiled once", () => {
    step((x) => gelu(x));
    const one = backend.compiler.size;
    step((x) => gelu(x, { approximate: "tanh" }));
    const two = backend.compiler.size;
    expect(two).toBeGreaterThan(one);
    step((x) => gelu(x, { approximate: "tanh" }));
    step((x) => gelu(x, { approximate: "none" }));
    expect(backend.compiler.size).toBe(two);
    expect(gelu.definition.mapFor({ approximate: "tanh" })).toBe(
      gelu.definition.mapFor({ approximate: "tanh" }),
    );
    expect(gelu.definition.mapFor()).toBe(gelu.definition.map);
  });
});
