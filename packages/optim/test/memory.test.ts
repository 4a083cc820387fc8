/**
 * A training loop holds a constant number of live tensors and bytes (DESIGN.md "Memory"):
 * optimizer steps allocate nothing that outlives them once their state exists.
 */
import { cpu } from "@nn/backend-cpu";
import { memory, setBackend, type Tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { clipGradNorm, createOptimizer, type Optimizer, StepLR } from "../src/index.js";
import { build, fixtures, lossAndGrad } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const snapshot = () => {
  const m = memory();
  return [m.tensors, m.buffers, m.bytes];
};

describe("memory stays constant over many steps", () => {
  it.each([
    ["adam", { amsgrad: true, weightDecay: 0.1 }],
    ["sgd", { lr: 0.01, momentum: 0.9 }],
    ["rmsprop", { centered: true, momentum: 0.5 }],
    ["nadam", {}],
    ["asgd", { t0: 10 }],
  ] as const)("%s: 1,000 steps with clipping and a scheduler", (name, options) => {
    const params = fixtures.problems.leastSquares.init.map((t) => build(t, { requiresGrad: true }));
    const opt: Optimizer = createOptimizer(name, params, options);
    const sched = new StepLR(opt, { stepSize: 100, gamma: 0.9 });
    const iteration = () => {
      lossAndGrad(opt, "leastSquares", params, false).dispose();
      clipGradNorm(params, 1).dispose();
      opt.step();
      sched.step();
    };
    iteration();
    const before = snapshot();
    for (let k = 0; k < 1000; k++) iteration();
    expect(snapshot()).toEqual(before);
  });

  it("lbfgs with strong-Wolfe line search: 30 steps", async () => {
    const params = fixtures.problems.rosenbrock.init.map((t) => build(t, { requiresGrad: true }));
    const opt = createOptimizer("lbfgs", params, {
      lineSearchFn: "strong_wolfe",
      maxIter: 4,
      historySize: 3,
    });
    const closure = () => lossAndGrad(opt, "rosenbrock", params, false);
    // The history fills over the first steps; after that the count is steady.
    for (let k = 0; k < 5; k++) ((await opt.step(closure)) as Tensor).dispose();
    const before = snapshot();
    const evals = () => opt.state.get(params[0] as Tensor)?.funcEvals as number;
    const evalsBefore = evals();
    for (let k = 0; k < 30; k++) ((await opt.step(closure)) as Tensor).dispose();
    expect(snapshot()).toEqual(before);
    expect(evals() - evalsBefore).toBeGreaterThan(30); // it kept iterating
  });
});
