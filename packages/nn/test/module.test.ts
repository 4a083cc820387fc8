/** Module mechanics: registration, names, modes, state dicts (and their bad input), moving, memory. */

import { relu } from "@nn/activations";
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import {
  BackendError,
  DisposedTensorError,
  DTypeError,
  manualSeed,
  memory,
  ones,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Activation,
  activationModule,
  BatchNorm1d,
  Dropout,
  GELU,
  LeakyReLU,
  Linear,
  LogSoftmax,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
  StateDictError,
  Tanh,
} from "../src/index.js";
import { useAsyncCpu } from "./helpers.js";

beforeAll(() => {
  useAsyncCpu();
});

class MLP extends Module {
  fc1 = new Linear(4, 3);
  act = new ReLU();
  fc2 = new Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

class Net extends Module {
  body = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
  heads = new ModuleList([new Linear(2, 1), new Linear(2, 1, { bias: false })]);
  scale = new Parameter(ones([1]));
  forward(x: Tensor): Tensor {
    return this.body.forward(x);
  }
}

describe("Module", () => {
  it("names parameters, buffers and children as PyTorch", () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      "scale",
      "body.0.weight",
      "body.0.bias",
      "body.1.weight",
      "body.1.bias",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      "scale",
      "body.0.weight",
      "body.0.bias",
      "body.1.weight",
      "body.1.bias",
      "body.1.running_mean",
      "body.1.running_var",
      "body.1.num_batches_tracked",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
    ]);
    expect([...net.namedModules()].map(([k]) => k)).toEqual([
      "",
      "body",
      "body.0",
      "body.1",
      "heads",
      "heads.0",
      "heads.1",
    ]);
    expect([...net.children()].length).toBe(2);
    expect(net.parameters().reduce((n, p) => n + p.size, 0)).toBe(1 + 6 + 4 + 3 + 2);
    net.dispose();
  });

  it("counts a shared parameter once", () => {
    const a = new Linear(2, 2);
    const tied = new Sequential(a, a);
    expect(tied.parameters().length).toBe(2);
    expect(Object.keys(tied.stateDict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    a.dispose();
  });

  it("train/eval reach every module; apply visits children first", () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    const order: string[] = [];
    net.apply((m) => order.push(m.constructor.name));
    expect(order.at(-1)).toBe("Net");
    expect(order.indexOf("Sequential")).toBeGreaterThan(order.indexOf("BatchNorm1d"));
    net.dispose();
  });

  it("parameters survive tidy; zeroGrad clears gradients", async () => {
    const mlp = tidy(() => new MLP());
    expect(mlp.fc1.weight.isDisposed).toBe(false);
    const x = tensor([[1, 2, 3, 4]], { dtype: "float32" });
    backward(tidy(() => sum(mlp.forward(x))));
    expect(mlp.parameters().every((p) => p.grad !== null)).toBe(true);
    mlp.zeroGrad();
    expect(mlp.parameters().every((p) => p.grad === null)).toBe(true);
    mlp.dispose();
    x.dispose();
  });

  it("Parameter needs a float tensor", () => {
    expect(() => new Parameter(zeros([2], { dtype: "int32" }))).toThrow(DTypeError);
  });

  it("Linear is initialised from the seeded generator within PyTorch's bounds", async () => {
    manualSeed(42);
    const a = new Linear(50, 20);
    manualSeed(42);
    const b = new Linear(50, 20);
    expect(Array.from(await a.weight.data())).toEqual(Array.from(await b.weight.data()));
    const bound = 1 / Math.sqrt(50);
    const w = await a.weight.data();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...(await (a.bias as Tensor).data()).map(Math.abs))).toBeLessThanOrEqual(bound);
    a.dispose();
    b.dispose();
  });
});

describe("state dicts", () => {
  it("load in place (identity kept) and round-trip", async () => {
    const src = new MLP();
    const dst = new MLP();
    const w = dst.fc1.weight;
    const result = dst.loadStateDict(src.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(dst.fc1.weight).toBe(w);
    expect(Array.from(await w.data())).toEqual(Array.from(await src.fc1.weight.data()));
    src.dispose();
    dst.dispose();
  });

  it("missing, unexpected and mis-shaped keys are typed errors naming the keys; nothing is copied", async () => {
    const mlp = new MLP();
    const before = Array.from(await mlp.fc1.weight.data());
    const dict = { ...mlp.stateDict() } as Record<string, Tensor>;
    const extra = zeros([3]);
    delete dict["fc2.bias"];
    dict["fc3.weight"] = extra;
    const err = (() => {
      try {
        mlp.loadStateDict(dict);
      } catch (e) {
        return e;
      }
    })() as StateDictError;
    expect(err).toBeInstanceOf(StateDictError);
    expect(err.message).toMatch(/missing keys: fc2\.bias; unexpected keys: fc3\.weight/);
    expect(err.missingKeys).toEqual(["fc2.bias"]);
    expect(err.unexpectedKeys).toEqual(["fc3.weight"]);
    expect(mlp.loadStateDict(dict, { strict: false })).toEqual({
      missingKeys: ["fc2.bias"],
      unexpectedKeys: ["fc3.weight"],
    });

    const wrong = { ...mlp.stateDict(), "fc1.weight": zeros([4, 3]) };
    expect(() => mlp.loadStateDict(wrong)).toThrow(ShapeError);
    expect(() => mlp.loadStateDict(wrong)).toThrow(
      /size mismatch for "fc1\.weight": the dict has shape \[4, 3\], the module has \[3, 4\]/,
    );
    expect(Array.from(await mlp.fc1.weight.data())).toEqual(before);
    mlp.dispose();
    extra.dispose();
  });

  it("non-object dicts, non-tensor values, int values, disposed or foreign tensors: typed errors, nothing copied", async () => {
    const mlp = new MLP();
    const other = new MLP(); // its values differ: a partial copy before an error would show
    const before = Array.from(await mlp.fc1.weight.data());
    expect(() => mlp.loadStateDict(null as never)).toThrow(
      /^loadStateDict: expected a state dict .*got null/,
    );
    expect(() => mlp.loadStateDict([] as never)).toThrow(ValueError);
    expect(() => mlp.loadStateDict(mlp.fc1.weight as never)).toThrow(/got a float32 tensor/);
    const asString = { ...mlp.stateDict(), "fc1.bias": "abc" as never };
    expect(() => mlp.loadStateDict(asString)).toThrow(
      /"fc1\.bias" is a string \("abc"\), not a Tensor \(the module's is float32 \[3\]\)/,
    );
    const asArray = { ...mlp.stateDict(), "fc2.bias": [0, 0] as never };
    expect(() => mlp.loadStateDict(asArray)).toThrow(/"fc2\.bias" is an array/);
    const ints = zeros([3, 4], { dtype: "int32" });
    expect(() => mlp.loadStateDict({ ...mlp.stateDict(), "fc1.weight": ints })).toThrow(DTypeError);
    const gone = zeros([2]);
    gone.dispose();
    expect(() => mlp.loadStateDict({ ...other.stateDict(), "fc2.bias": gone })).toThrow(
      DisposedTensorError,
    );
    const elsewhere = zeros([2], { backend: cpu() });
    expect(() => mlp.loadStateDict({ ...other.stateDict(), "fc2.bias": elsewhere })).toThrow(
      BackendError,
    );
    expect(() => mlp.loadStateDict(mlp.stateDict(), { strict: "no" as never })).toThrow(/strict/);
    expect(Array.from(await mlp.fc1.weight.data())).toEqual(before);
    mlp.dispose();
    other.dispose();
    ints.dispose();
  });

  it("BatchNorm1d updates its running statistics in place and uses them after eval()", async () => {
    const bn = new BatchNorm1d(2);
    const rm = bn.running_mean as Tensor;
    const x = tensor(
      [
        [1, 10],
        [3, 30],
        [5, 20],
      ],
      { dtype: "float32" },
    );
    const y = bn.forward(x);
    expect(bn.running_mean).toBe(rm);
    // momentum 0.1: 0.1 * batch mean; running var: 0.9 + 0.1 * unbiased variance.
    expect(Array.from(await rm.data())).toEqual(Array.from(new Float32Array([0.3, 2])));
    expect(Array.from(await (bn.running_var as Tensor).data())).toEqual(
      Array.from(new Float32Array([1.3, 10.9])),
    );
    expect(await (bn.num_batches_tracked as Tensor).item()).toBe(1);
    bn.eval();
    const z = bn.forward(x);
    expect(await (bn.num_batches_tracked as Tensor).item()).toBe(1);
    expect((await z.data())[0]).toBeCloseTo((1 - 0.3) / Math.sqrt(1.3 + 1e-5), 5);
    for (const t of [x, y, z]) t.dispose();
    bn.dispose();
  });

  it("to(backend) moves every parameter and buffer", async () => {
    const other = cpu({ syncRead: false });
    const net = new Net();
    const values = Array.from(await net.body.at(0).stateDict().weight!.data());
    await net.to(other);
    expect(Object.values(net.stateDict()).every((t) => t.backend === other)).toBe(true);
    expect(Array.from(await net.body.at(0).stateDict().weight!.data())).toEqual(values);
    net.dispose();
    expect(memory(other).tensors).toBe(0);
  });
});

describe("containers and small layers", () => {
  it("Sequential takes named modules; ModuleList indexes", () => {
    const seq = new Sequential({ fc: new Linear(2, 2), act: new Tanh() });
    expect(Object.keys(seq.stateDict())).toEqual(["fc.weight", "fc.bias"]);
    expect(seq.length).toBe(2);
    const list = new ModuleList([new ReLU()]).append(new Tanh());
    expect(list.at(-1)).toBeInstanceOf(Activation);
    expect(() => list.at(2)).toThrow(/index 2 is out of range for 2 modules/);
    seq.dispose();
  });

  it("activation modules apply their function with options; any definition becomes a module", async () => {
    const x = tensor([-2, 0.5], { dtype: "float32" });
    const leaky = new LeakyReLU({ negativeSlope: 0.2 });
    expect(Array.from(await leaky.forward(x).data())).toEqual(
      Array.from(new Float32Array([-0.4, 0.5])),
    );
    expect(leaky.activationName).toBe("leakyRelu");
    expect(new GELU({ approximate: "tanh" }).forward(x).shape).toEqual([2]);
    const MyRelu = activationModule(relu);
    expect(MyRelu.name).toBe("Relu");
    expect(Array.from(await new MyRelu().forward(x).data())).toEqual([0, 0.5]);
    const lsm = new LogSoftmax(0).forward(x);
    expect(
      Math.exp((await lsm.data())[0] as number) + Math.exp((await lsm.data())[1] as number),
    ).toBeCloseTo(1, 6);
  });

  it("Dropout: seeded mask, kept values scaled by 1/(1-p), identity in eval", async () => {
    manualSeed(3);
    const drop = new Dropout(0.25);
    const x = ones([4000]);
    x.requiresGrad = true;
    const y = drop.forward(x);
    const v = await y.data();
    const kept = v.filter((e) => e !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.03);
    backward(sum(y));
    expect(Array.from(await (x.grad as Tensor).data())).toEqual(Array.from(v));
    manualSeed(3);
    expect(Array.from(await new Dropout(0.25).forward(x).data())).toEqual(Array.from(v));
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(() => new Dropout(1.5)).toThrow(/between 0 and 1/);
  });
});
