/**
 * conv1d / conv2d gradients against central finite differences (float64, CPU), and the Conv1d /
 * Conv2d modules: parameter shapes, PyTorch's initialisation bounds, state-dict keys, bad
 * arguments. Values and gradients against PyTorch are in conv-parity.ts.
 */
import { readFileSync } from "node:fs";
import { computeGrad, gradcheck } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import {
  DTypeError,
  getBackend,
  manualSeed,
  mul,
  ShapeError,
  setBackend,
  sum,
  type Tensor,
  tensor,
  ValueError,
} from "@nn/tensor";
import { describe, expect, it } from "vitest";
import {
  Conv1d,
  Conv2d,
  type ConvOptions,
  conv1d,
  conv2d,
  Flatten,
  Linear,
  loadStateDictFrom,
  ReLU,
  Sequential,
  saveStateDict,
} from "../src/index.js";
import { build, expectClose, fixturePath, type T } from "./helpers.js";

setBackend(cpu());

/** Deterministic float64 values in about [-1.5, 1.5]. */
const f64 = (shape: number[], seed: number) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 1.5);
  return tensor(v, { dtype: "float64", shape });
};

describe("conv gradients match finite differences (float64)", () => {
  const cases: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor, number[], number[]][] = [
    [
      "conv2d stride, padding",
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }),
      [2, 2, 5, 4],
      [3, 2, 3, 2],
    ],
    [
      "conv2d dilation, per-dim",
      (x, w, b) => conv2d(x, w, b, { dilation: [2, 1], padding: [1, 0] }),
      [1, 2, 5, 4],
      [2, 2, 2, 3],
    ],
    ["conv2d groups", (x, w, b) => conv2d(x, w, b, { groups: 2 }), [1, 4, 4, 3], [4, 2, 2, 2]],
    [
      "conv2d depthwise, same",
      (x, w, b) => conv2d(x, w, b, { groups: 3, padding: "same" }),
      [1, 3, 4, 4],
      [3, 1, 2, 3],
    ],
    ["conv2d unbatched", (x, w, b) => conv2d(x, w, b), [2, 4, 3], [2, 2, 2, 2]],
    [
      "conv1d stride, dilation",
      (x, w, b) => conv1d(x, w, b, { stride: 2, dilation: 2, padding: 1 }),
      [2, 2, 7],
      [3, 2, 3],
    ],
    [
      "conv1d groups, same",
      (x, w, b) => conv1d(x, w, b, { groups: 2, padding: "same" }),
      [1, 4, 6],
      [2, 2, 4],
    ],
  ];
  for (const [name, f, xs, ws] of cases) {
    it(name, async () => {
      await gradcheck(f, [f64(xs, 1), f64(ws, 2), f64([ws[0] as number], 3)]);
    });
  }
});

describe("conv second derivatives match finite differences (float64)", () => {
  it("the input gradient of a padded, strided, dilated conv2d, differentiated again", async () => {
    const inputGrad = (x: Tensor, w: Tensor) => {
      const y = conv2d(x, w, null, { padding: 1, stride: [1, 2], dilation: [2, 1] });
      const [g] = computeGrad([sum(mul(y, y))], [x], { createGraph: true });
      return g as Tensor;
    };
    const x = f64([1, 2, 5, 4], 5);
    x.requiresGrad = true; // f differentiates with respect to x at every point gradcheck tries
    await gradcheck(inputGrad, [x, f64([2, 2, 2, 2], 6)]);
  });
});

describe("Conv2d and Conv1d modules", () => {
  it("have PyTorch's parameter shapes, state-dict keys and initialisation bounds", async () => {
    manualSeed(0);
    const c = new Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(c.weight.shape).toEqual([6, 2, 3, 2]);
    expect(c.bias?.shape).toEqual([6]);
    expect(Object.keys(c.stateDict())).toEqual(["weight", "bias"]);
    // kaiming_uniform(a = sqrt(5)) and the bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = 2 * 3 * 2
    const bound = 1 / Math.sqrt(12);
    for (const p of [c.weight, c.bias as Tensor]) {
      const v = Array.from(await p.data(), Number);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound / 2);
    }
    const c1 = new Conv1d(3, 5, 4, { bias: false, dtype: "float64" });
    expect(c1.weight.shape).toEqual([5, 3, 4]);
    expect(c1.weight.dtype).toBe("float64");
    expect(c1.bias).toBeNull();
    expect(Object.keys(c1.stateDict())).toEqual(["weight"]);
  });

  it("forward is the functional form with the module's options", async () => {
    const c = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    const x = f64([2, 2, 6, 5], 4).float();
    const want = conv2d(x, c.weight, c.bias, { stride: 2, padding: 1 });
    expect(c.forward(x).shape).toEqual([2, 3, 3, 3]);
    expect(await c.forward(x).data()).toEqual(await want.data());
  });

  it("refuse bad arguments with typed errors naming the layer", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      /Conv2d: inChannels 3 and outChannels 4 must both be divisible by groups 2/,
    );
    expect(() => new Conv2d(2, 4, 3, { padding: "same", stride: 2 })).toThrow(ValueError);
    expect(() => new Conv2d(2, 4, [3, 3, 3] as never)).toThrow(
      /kernelSize must be an integer >= 1 or a list of 2/,
    );
    expect(() => new Conv1d(0, 4, 3)).toThrow(/inChannels must be a positive integer/);
    expect(() => new Conv2d(2, 4, 3, { padding: -1 })).toThrow(/padding must be an integer >= 0/);
  });
});

describe("conv errors name the op and the shapes", () => {
  const x = f64([1, 4, 5, 5], 1).float();
  const w = f64([2, 4, 3, 3], 2).float();
  const bad: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    [
      "out channels by groups",
      () => conv2d(x, f64([2, 2, 3, 3], 2).float(), null, { groups: 3 }),
      ShapeError,
      /conv2d: weight \[2, 2, 3, 3\] has 2 output channels, not divisible by groups 3/,
    ],
    [
      "in channels by groups",
      () => conv2d(x, f64([3, 1, 3, 3], 2).float(), null, { groups: 3 }),
      ShapeError,
      /conv2d: input \[1, 4, 5, 5\] has 4 channels; weight \[3, 1, 3, 3\] with groups 3 expects 3/,
    ],
    [
      "in channels",
      () => conv2d(x, f64([2, 3, 3, 3], 2).float()),
      ShapeError,
      /conv2d: input \[1, 4, 5, 5\] has 4 channels; weight \[2, 3, 3, 3\]/,
    ],
    [
      "kernel too big",
      () => conv2d(x, f64([2, 4, 6, 3], 2).float()),
      ShapeError,
      /padded input size \[5, 5\] is smaller than the \(dilated\) kernel \[6, 3\]/,
    ],
    [
      "dilated kernel too big",
      () => conv2d(x, w, null, { dilation: 3 }),
      ShapeError,
      /kernel \[7, 7\]/,
    ],
    [
      "rank",
      () => conv2d(f64([5, 5], 1).float(), w),
      ShapeError,
      /conv2d: expected a 3-d \(unbatched\) or 4-d \(batched\) input, got shape \[5, 5\]/,
    ],
    [
      "weight rank",
      () => conv1d(f64([1, 4, 5], 1).float(), w),
      ShapeError,
      /conv1d: expected a 3-d weight/,
    ],
    [
      "negative padding",
      () => conv2d(x, w, null, { padding: [1, -1] }),
      ValueError,
      /conv2d: padding must be an integer >= 0/,
    ],
    [
      "same strided",
      () => conv2d(x, w, null, { padding: "same", stride: [1, 2] }),
      ValueError,
      /not supported for strided convolutions/,
    ],
    [
      "stride list length",
      () => conv2d(x, w, null, { stride: [1, 1, 1] } as ConvOptions),
      ValueError,
      /stride must be .* a list of 2/,
    ],
    [
      "padding word",
      () => conv2d(x, w, null, { padding: "full" } as never),
      ValueError,
      /"same" or "valid"/,
    ],
    [
      "empty kernel",
      () => conv2d(x, tensor([], { shape: [2, 4, 0, 3] })),
      ShapeError,
      /conv2d: weight \[2, 4, 0, 3\] has an empty kernel dim/,
    ],
    ["bias", () => conv2d(x, w, f64([3], 3).float()), ShapeError, /bias must have shape \[2\]/],
    [
      "dtypes",
      () => conv2d(x, f64([2, 4, 3, 3], 2)),
      DTypeError,
      /got input float32, weight float64; cast the weight$/,
    ],
    [
      "int input",
      () => conv2d(tensor([1, 2, 3, 4], { dtype: "int32", shape: [1, 1, 2, 2] }), w),
      DTypeError,
      /conv2d/,
    ],
  ];
  for (const [name, f, type, message] of bad) {
    it(name, () => {
      expect(f).toThrow(type);
      expect(f).toThrow(message);
    });
  }
});

describe("a PyTorch CNN's state dict", () => {
  const fixture = JSON.parse(readFileSync(fixturePath("conv.json"), "utf8")).model as {
    file: string;
    keys: string[];
    input: T;
    output: T;
  };
  const cnn = () =>
    new Sequential(new Conv2d(1, 4, 3), new ReLU(), new Flatten(), new Linear(144, 5));

  it("loads into the same model built here, which gives PyTorch's logits", async () => {
    const model = cnn();
    expect(Object.keys(model.stateDict())).toEqual(fixture.keys);
    loadStateDictFrom(model, readFileSync(fixturePath(fixture.file)));
    const x = build(fixture.input, getBackend());
    await expectClose("logits", model.forward(x), fixture.output, "matmul");
  });

  it("saved by nn is byte for byte the file PyTorch wrote (so PyTorch loads nn's checkpoint)", async () => {
    const model = cnn();
    const bytes = readFileSync(fixturePath(fixture.file));
    loadStateDictFrom(model, bytes);
    const saved = await saveStateDict(model, {
      format: "pt",
      source: "tools/gen_conv_fixtures.py",
    });
    expect(Buffer.from(saved).equals(bytes)).toBe(true);
  });
});

describe("conv dtype errors name every operand's dtype", () => {
  it("an int32 input with a float32 weight", () => {
    setBackend(cpu());
    const x = tensor(new Int32Array(16), { shape: [1, 1, 4, 4] });
    const w = tensor(new Float32Array(9), { shape: [1, 1, 3, 3] });
    expect(() => conv2d(x, w)).toThrow(DTypeError);
    expect(() => conv2d(x, w)).toThrow(
      "conv2d: input, weight and bias must share one float dtype (float32 or float64), got input int32, weight float32; cast the input, e.g. x.float()",
    );
  });
});
