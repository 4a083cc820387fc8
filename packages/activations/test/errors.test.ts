/** Bad input gets a typed error naming the activation, the option or shape, and what is valid. */
import { cpu } from "@nn/backend-cpu";
import { setBackend, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  celu,
  defineActivation,
  gelu,
  glu,
  hardtanh,
  leakyRelu,
  prelu,
  relu,
  rrelu,
  sigmoid,
  softmax,
  softshrink,
} from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const x = () => tensor([-1, 0.5, 2], { dtype: "float32" });

function expectError(fn: () => unknown, name: string, ...parts: string[]) {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${name}`).toBeInstanceOf(Error);
  expect((thrown as Error).name).toBe(name);
  for (const p of parts) expect((thrown as Error).message).toContain(p);
}

describe("options", () => {
  it("rejects an unknown option, listing the valid ones", () => {
    expectError(
      () => leakyRelu(x(), { slope: 0.1 } as never),
      "ValueError",
      "leakyRelu",
      '"slope"',
      "negativeSlope",
    );
    expectError(() => relu(x(), { inplace: true } as never), "ValueError", "relu", "none");
  });

  it("rejects a non-number or NaN parameter", () => {
    expectError(
      () => leakyRelu(x(), { negativeSlope: "0.1" } as never),
      "ValueError",
      "negativeSlope",
      "must be a number",
    );
    expectError(() => leakyRelu(x(), { negativeSlope: Number.NaN }), "ValueError", "NaN");
  });

  it("rejects an invalid choice, listing the valid values", () => {
    expectError(
      () => gelu(x(), { approximate: "erf" } as never),
      "ValueError",
      "gelu",
      "approximate",
      '"none", "tanh"',
    );
  });

  it("rejects options that are not an object", () => {
    expectError(() => sigmoid(x(), 3 as never), "ValueError", "sigmoid", "object");
  });

  it("checks each activation's own constraints", () => {
    expectError(() => hardtanh(x(), { minVal: 2, maxVal: 1 }), "ValueError", "hardtanh", "minVal");
    expectError(() => celu(x(), { alpha: 0 }), "ValueError", "celu", "alpha");
    expectError(() => softshrink(x(), { lambd: -0.5 }), "ValueError", "softshrink", "lambd");
  });

  it("rrelu checks its options", () => {
    expectError(() => rrelu(x(), { lower: 0.5, upper: 0.25 }), "ValueError", "rrelu", "lower");
    expectError(() => rrelu(x(), { p: 1 } as never), "ValueError", "rrelu", '"p"');
    expectError(() => rrelu(x(), { training: 1 } as never), "ValueError", "training");
    expectError(() => rrelu(x(), { training: true, seed: -1 }), "ValueError", "seed");
  });

  it("defineActivation rejects a choice without values", () => {
    expectError(
      () =>
        defineActivation({
          name: "broken",
          choices: { mode: [] },
          forward: (v) => v,
        }),
      "ValueError",
      "broken",
      "mode",
    );
    expectError(
      () => defineActivation({ name: "broken", params: { b: "4" as never }, forward: (v) => v }),
      "ValueError",
      "broken",
      '"b"',
    );
    expectError(() => defineActivation({ name: "", forward: (v) => v }), "ValueError", "name");
  });
});

describe("inputs", () => {
  it("rejects non-float tensors and non-tensors", () => {
    expectError(
      () => relu(tensor([1, -2], { dtype: "int32" })),
      "DTypeError",
      "relu",
      "int32",
      "float32",
    );
    expectError(() => sigmoid(tensor([true])), "DTypeError", "sigmoid", "bool");
    expectError(
      () => softmax(tensor([1, 2], { dtype: "int32" }), 0),
      "DTypeError",
      "softmax",
      "int32",
    );
    expectError(() => relu([1, 2] as unknown as Tensor), "ValueError", "relu", "Tensor");
  });

  it("softmax needs a dim in range", () => {
    expectError(() => softmax(x(), 1), "IndexError", "softmax", "out of range");
    expectError(() => (softmax as (t: Tensor) => Tensor)(x()), "ValueError", "softmax", "dim");
  });

  it("glu needs an even size along dim", () => {
    expectError(() => glu(x()), "ShapeError", "glu", "even", "3");
    expectError(() => glu(tensor(1.5, { dtype: "float32" })), "ShapeError", "glu", "0-d");
    expectError(() => glu(tensor([1, 2], { dtype: "float32" }), 1), "IndexError", "glu");
  });

  it("prelu needs a weight of 1 or C elements, of the input's dtype", () => {
    const w64 = tensor([0.25], { dtype: "float64" });
    expectError(() => prelu(x(), w64), "DTypeError", "prelu", "float64", "float32");
    const x2 = tensor([[1, -1, 2]], { dtype: "float32" });
    expectError(
      () => prelu(x2, tensor([0.1, 0.2], { dtype: "float32" })),
      "ShapeError",
      "prelu",
      "2 elements",
      "3",
    );
  });
});
