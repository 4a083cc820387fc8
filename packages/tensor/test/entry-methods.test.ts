// The public entry alone installs the Tensor methods: this file imports nothing else (vitest
// gives each test file its own module graph), so a methods module that only another entry or
// package imports (e.g. @nn/tensor/internal) would leave `t.neg` undefined here.
import { expect, it } from "vitest";
import { TENSOR_METHODS, Tensor } from "../src/index.js";

it("installs every Tensor method from the public entry", () => {
  expect(TENSOR_METHODS).toEqual(expect.arrayContaining(["neg", "add", "matmul", "sum", "unfold"]));
  for (const name of TENSOR_METHODS) {
    expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name]).toBe("function");
  }
});
