/**
 * stateDict / loadStateDict: round trips (hyperparameters, step counts, buffers), serialization
 * by position within the parameter groups, plain-JSON form, and the typed errors for a dict
 * that does not fit.
 */
import { noGrad } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import {
  clone,
  dispose,
  ShapeError,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  createOptimizer,
  ExponentialLR,
  LBFGS,
  type Optimizer,
  SGD,
  stateDictFromJSON,
  stateDictToJSON,
} from "../src/index.js";
import { build, fixtures, lossAndGrad } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const init = () => fixtures.problems.leastSquares.init.map((t) => build(t, { requiresGrad: true }));
const copyOf = (params: Tensor[]) =>
  params.map((p) => {
    const c = noGrad(() => clone(p));
    c.requiresGrad = true;
    return c;
  });

async function train(opt: Optimizer, params: Tensor[], steps: number): Promise<void> {
  for (let k = 0; k < steps; k++) {
    if (opt instanceof LBFGS) {
      (await opt.step(() => lossAndGrad(opt, "leastSquares", params, false))).dispose();
    } else {
      lossAndGrad(opt, "leastSquares", params, false).dispose();
      opt.step();
    }
  }
}

const arrays = (ts: Tensor[]) => Promise.all(ts.map((t) => t.array()));

describe("stateDict / loadStateDict round trips", () => {
  it.each([
    ["adam (amsgrad)", (p: Tensor[]) => new Adam(p, { lr: 0.01, amsgrad: true })],
    ["sgd (nesterov)", (p: Tensor[]) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true })],
    ["nadam", (p: Tensor[]) => createOptimizer("nadam", p, { lr: 0.01 })],
    ["asgd", (p: Tensor[]) => createOptimizer("asgd", p, { lr: 0.01, t0: 2 })],
    ["rprop", (p: Tensor[]) => createOptimizer("rprop", p)],
    ["lbfgs", (p: Tensor[]) => new LBFGS(p, { maxIter: 2, historySize: 3 })],
  ])("%s: a restored optimizer continues exactly as the original", async (_name, make) => {
    const a = init();
    const optA = make(a);
    await train(optA, a, 4);
    const b = copyOf(a);
    const optB = make(b);
    const saved = optA.stateDict();
    optB.loadStateDict(saved);
    dispose(saved); // the optimizer holds copies
    await train(optA, a, 4);
    await train(optB, b, 4);
    expect(await arrays(b)).toEqual(await arrays(a));
  });

  it("serializes by position within the groups, with each group's hyperparameters", () => {
    const [w, b, c] = [zeros([2, 2]), zeros([2]), zeros([3])];
    const opt = new Adam([{ params: [w, b] }, { params: [c], lr: 0.1, betas: [0.5, 0.9] }], {
      lr: 0.01,
    });
    for (const p of [w, c]) p.grad = zeros(p.shape);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.optimizer).toBe("adam");
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0, 1], [2]]);
    expect(sd.paramGroups.map((g) => [g.lr, g.betas])).toEqual([
      [0.01, [0.9, 0.999]],
      [0.1, [0.5, 0.9]],
    ]);
    expect(Object.keys(sd.state).sort()).toEqual(["0", "2"]);
    expect(sd.state[0]?.step).toBe(1);
    expect((sd.state[2]!.expAvg as Tensor).shape).toEqual([3]);
    dispose(sd);
  });

  it("restores hyperparameters a scheduler changed, and the step counts", () => {
    const p = [zeros([2], { requiresGrad: true })];
    const opt = new Adam(p, { lr: 0.1 });
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    (p[0] as Tensor).grad = tensor([1.5, 2.5]);
    opt.step();
    sched.step();
    const sd = opt.stateDict();
    const q = [zeros([2], { requiresGrad: true })];
    const fresh = new Adam(q, { lr: 0.1 });
    fresh.loadStateDict(sd);
    expect(fresh.paramGroups[0]?.lr).toBe(0.05);
    expect(fresh.paramGroups[0]?.initialLr).toBe(0.1);
    expect(fresh.state.get(q[0] as Tensor)?.step).toBe(1);
  });

  it("casts loaded state to the parameter's dtype", () => {
    const p = [zeros([2], { dtype: "float64", requiresGrad: true })];
    const opt = new Adam(p);
    opt.loadStateDict({
      optimizer: "adam",
      state: { 0: { step: 3, expAvg: tensor([1.5, 2]), expAvgSq: tensor([3.5, 4]) } },
      paramGroups: opt.stateDict().paramGroups,
    });
    expect((opt.state.get(p[0] as Tensor)!.expAvg as Tensor).dtype).toBe("float64");
  });

  it("round-trips through plain JSON", async () => {
    const a = init();
    const optA = new Adam(a, { lr: 0.01, weightDecay: 0.1 });
    await train(optA, a, 3);
    const json = JSON.parse(JSON.stringify(await stateDictToJSON(optA.stateDict())));
    const b = copyOf(a);
    const optB = new Adam(b, { lr: 0.01, weightDecay: 0.1 });
    optB.loadStateDict(stateDictFromJSON(json));
    await train(optA, a, 3);
    await train(optB, b, 3);
    expect(await arrays(b)).toEqual(await arrays(a));
  });
});

describe("loadStateDict: bad input", () => {
  const adamWithState = () => {
    const p = [zeros([2, 3], { requiresGrad: true }), zeros([3], { requiresGrad: true })];
    const opt = new Adam(p);
    for (const x of p) x.grad = zeros(x.shape);
    opt.step();
    return opt;
  };

  it("a state dict from another optimizer is a ValueError", () => {
    const sd = new SGD([zeros([2, 3]), zeros([3])], { lr: 0.1, momentum: 0.9 }).stateDict();
    expect(() => adamWithState().loadStateDict(sd)).toThrow(ValueError);
    expect(() => adamWithState().loadStateDict(sd)).toThrow(/written by optimizer "sgd"/);
  });

  it("state of a mismatched shape is a ShapeError", () => {
    const sd = adamWithState().stateDict();
    const opt = new Adam([zeros([3, 2]), zeros([3])]);
    expect(() => opt.loadStateDict(sd)).toThrow(ShapeError);
    expect(() => opt.loadStateDict(sd)).toThrow(/expAvg.*\[2, 3\].*\[3, 2\]/);
  });

  it("a different number of groups or of parameters in a group is a ValueError", () => {
    const sd = adamWithState().stateDict();
    expect(() => new Adam([zeros([2, 3])]).loadStateDict(sd)).toThrow(/has 2 parameters/);
    const two = new Adam([{ params: [zeros([2, 3])] }, { params: [zeros([3])] }]);
    expect(() => two.loadStateDict(sd)).toThrow(/1 parameter groups/);
  });

  it("state missing a buffer, or with an unexpected one, is a ValueError; nothing changes", () => {
    const opt = adamWithState();
    const sd = opt.stateDict();
    delete sd.state[0]?.expAvgSq;
    const before = opt.state.get(opt.params[0] as Tensor);
    expect(() => opt.loadStateDict(sd)).toThrow(/lacks tensor "expAvgSq"/);
    expect(opt.state.get(opt.params[0] as Tensor)).toBe(before);
    const sd2 = opt.stateDict();
    (sd2.state[0] as Record<string, unknown>).maxExpAvgSq = zeros([2, 3]);
    expect(() => opt.loadStateDict(sd2)).toThrow(/unexpected state tensor "maxExpAvgSq"/);
  });

  it("invalid hyperparameters in the dict are ValueErrors", () => {
    const opt = adamWithState();
    const sd = opt.stateDict();
    (sd.paramGroups[0] as Record<string, unknown>).lr = -1;
    expect(() => opt.loadStateDict(sd)).toThrow(ValueError);
  });

  it("state on another backend is a BackendError", () => {
    const opt = adamWithState();
    const sd = opt.stateDict();
    const other = cpu({ syncRead: false });
    (sd.state[1] as Record<string, unknown>).expAvg = zeros([3], { backend: other });
    expect(() => opt.loadStateDict(sd)).toThrow(/lives on/);
  });

  it("LBFGS state whose vectors do not fit the parameters is a ShapeError", async () => {
    const a = init();
    const opt = new LBFGS(a, { maxIter: 2 });
    await train(opt, a, 1);
    const sd = opt.stateDict();
    const small = new LBFGS([zeros([4, 3], { requiresGrad: true })]);
    expect(() => small.loadStateDict(sd)).toThrow(/has 2 parameters/);
    const wrong = new LBFGS([
      zeros([5, 3], { requiresGrad: true }),
      zeros([3], { requiresGrad: true }),
    ]);
    expect(() => wrong.loadStateDict(sd)).toThrow(ShapeError);
  });
});
