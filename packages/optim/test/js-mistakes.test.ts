/**
 * Plain-JavaScript mistakes get typed errors naming the function and what it expected (issue
 * 13): options passed as a number, a model or a method instead of its parameters, strings
 * where numbers go.
 */
import { cpu } from "@nn/backend-cpu";
import { setBackend, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { Adam, clipGradNorm, clipGradValue, LBFGS, SGD } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const p = () => zeros([2], { requiresGrad: true });

describe("optimizer arguments", () => {
  it("options given as a number (new Adam(params, 0.01)) are refused, not ignored", () => {
    expect(() => new Adam([p()], 0.01 as never)).toThrow(
      /^adam: options must be an object such as \{ lr: 0\.01 \}, got 0\.01/,
    );
    expect(() => new SGD([p()], null as never)).toThrow(ValueError);
    expect(() => new LBFGS([p()], [1] as never)).toThrow(
      /^lbfgs: options must be an object.*got a list/,
    );
  });

  it("a model or its parameters method instead of the parameters", () => {
    const model = { forward: () => null };
    expect(() => new Adam(model as never)).toThrow(
      /got an object that is not iterable \(a model\? pass model\.parameters\(\)\)/,
    );
    expect(() => new Adam((() => [p()]) as never)).toThrow(
      /got a function \(call it: model\.parameters\(\)\)/,
    );
    expect(() => new Adam(undefined as never)).toThrow(/got undefined/);
    expect(() => new Adam([p(), "w"] as never)).toThrow(/params\[1\]/);
  });
});

describe("step arguments", () => {
  it("a closure that is not a function is a ValueError at once", () => {
    const opt = new SGD([p()], { lr: 0.1 });
    expect(() => opt.step(0.5 as never)).toThrow(/^sgd\.step: the closure must be a function/);
  });
});

describe("clipping arguments", () => {
  it("a string bound or non-list params are ValueErrors", () => {
    const w = p();
    expect(() => clipGradNorm([w], "1" as never)).toThrow(/maxNorm must be a number >= 0, got 1/);
    expect(() => clipGradNorm([w], 1, "2" as never)).toThrow(/normType/);
    expect(() => clipGradValue([w], "0.5" as never)).toThrow(/clipValue/);
    expect(() => clipGradNorm(5 as never, 1)).toThrow(
      /params must be a tensor or a list of tensors/,
    );
  });
});
