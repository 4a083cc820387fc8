import { cpu } from "@nn/backend-cpu";
import {
  add_,
  DTypeError,
  exp,
  mul,
  ones,
  ShapeError,
  setBackend,
  sum,
  tensor,
  ValueError,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, GradientError, grad, noGrad, valueAndGrad } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("autograd bad input", () => {
  it("names what it needed for a non-tensor loss or a non-function to differentiate", () => {
    const loose = backward as unknown as (x: unknown) => void;
    expect(() => loose(3)).toThrow(ValueError);
    expect(() => loose(undefined)).toThrow(/backward: expected the tensor/);
    const t = tensor([1], { dtype: "float32", requiresGrad: true });
    // A PyTorch user's torch.autograd.grad(loss, [t]) is computeGrad here.
    expect(() => (grad as unknown as (f: unknown, o: unknown) => unknown)(t, [t])).toThrow(
      /grad: expected a function.*computeGrad/,
    );
    expect(() => (valueAndGrad as unknown as (f: unknown) => unknown)(1)).toThrow(ValueError);
  });

  it("backward on a non-scalar without an output gradient is a ShapeError", () => {
    const x = tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    expect(() => backward(mul(x, 2))).toThrowError(ShapeError);
    expect(() => backward(mul(x, 2))).toThrowError(
      /one-element output, got shape \[3\]; pass the output gradient/,
    );
  });

  it("an output gradient of the wrong shape is a ShapeError naming both shapes", () => {
    const x = tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    expect(() => backward(mul(x, 2), ones([2]))).toThrowError(
      /gradient shape \[2\] must equal the output shape \[3\]/,
    );
  });

  it("a second backward through a freed graph is a GradientError", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const y = sum(exp(x));
    backward(y);
    expect(() => backward(y)).toThrowError(GradientError);
    expect(() => backward(y)).toThrowError(/second time.*retainGraph: true/);
  });

  it("retainGraph allows a second backward, which accumulates", async () => {
    const x = tensor([0, 1], { dtype: "float64", requiresGrad: true });
    const y = sum(exp(x));
    backward(y, undefined, { retainGraph: true });
    backward(y);
    expect(Array.from(await (x.grad as NonNullable<typeof x.grad>).data())).toEqual([
      2,
      2 * Math.E,
    ]);
  });

  it("differentiating a non-float tensor is a DTypeError", () => {
    expect(() => tensor([1, 2], { dtype: "int32", requiresGrad: true })).toThrowError(DTypeError);
    const i = tensor([1, 2], { dtype: "int32" });
    expect(() => backward(sum(i))).toThrowError(DTypeError);
  });

  it("an output that does not require grad is a GradientError", () => {
    const x = tensor([1.5, 2]);
    expect(() => backward(sum(x))).toThrowError(/does not require grad/);
  });

  it("backward through a saved tensor modified in place is a GradientError (version counter)", () => {
    const x = tensor([1, 2], { dtype: "float32", requiresGrad: true });
    const w = tensor([3, 4], { dtype: "float32" });
    const y = sum(mul(x, w)); // mul saves w
    noGrad(() => add_(w, 1));
    expect(() => backward(y)).toThrowError(GradientError);
    const x2 = tensor([1, 2], { dtype: "float32", requiresGrad: true });
    const w2 = tensor([3, 4], { dtype: "float32" });
    const y2 = sum(mul(x2, w2));
    add_(w2, 1);
    expect(() => backward(y2)).toThrowError(
      /modified by an in-place op after it was saved \(version 1, saved at 0\)/,
    );
  });

  it("an in-place op on a leaf that requires grad is refused outside noGrad", () => {
    const x = tensor([1, 2], { dtype: "float32", requiresGrad: true });
    expect(() => add_(x, 1)).toThrowError(/leaf tensor that requires grad.*noGrad/);
    noGrad(() => add_(x, 1));
  });
});
