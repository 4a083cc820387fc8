/**
 * Fused updates: every elementwise built-in updates each parameter (and its state) with ONE
 * elementwise kernel launch per step, and its hyperparameters are kernel arguments, so a
 * schedule changing lr every step compiles nothing new.
 */
import { type CpuBackend, cpu } from "@nn/backend-cpu";
import { setBackend, type Tensor } from "@nn/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { Adam, CosineAnnealingLR, createOptimizer, OneCycleLR, SGD } from "../src/index.js";
import { build, fixtures, lossAndGrad } from "./helpers.js";

let backend: CpuBackend;
let launches = 0;

beforeEach(() => {
  backend = cpu({ syncRead: false });
  const run = backend.elementwise.bind(backend);
  backend.elementwise = (...args) => {
    launches++;
    run(...args);
  };
  setBackend(backend);
});

function leastSquaresParams(): Tensor[] {
  return fixtures.problems.leastSquares.init.map((t) => build(t, { requiresGrad: true }));
}

/** Elementwise launches of `opt.step()` alone (gradients computed before counting). */
function launchesPerStep(opt: { step(): unknown }, grads: () => void): number {
  grads();
  launches = 0;
  opt.step();
  return launches;
}

// Every option set of the parity fixtures, on the two-parameter least-squares problem.
const configs = fixtures.trajectories.filter(
  (c) => c.problem === "leastSquares" && c.optimizer !== "lbfgs",
);

describe("one fused kernel per parameter per step", () => {
  it.each(configs.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const params = leastSquaresParams();
    const opt = createOptimizer(c.optimizer, params, c.options);
    const grads = () => lossAndGrad(opt, "leastSquares", params, c.negate).dispose();
    const counts = [1, 2, 3].map(() => launchesPerStep(opt, grads));
    expect(counts).toEqual([params.length, params.length, params.length]);
  });

  it("a parameter without a gradient launches nothing", () => {
    const params = leastSquaresParams();
    const opt = new Adam(params);
    const grads = () => {
      lossAndGrad(opt, "leastSquares", params, false).dispose();
      params[1]?.grad?.dispose();
      (params[1] as Tensor).grad = null;
    };
    expect(launchesPerStep(opt, grads)).toBe(1);
  });
});

describe("hyperparameters are kernel arguments", () => {
  it("changing lr (and betas, eps, weightDecay) compiles no new kernel", () => {
    const params = leastSquaresParams();
    const opt = new Adam(params, { lr: 1e-3, weightDecay: 0.1 });
    const grads = () => lossAndGrad(opt, "leastSquares", params, false).dispose();
    launchesPerStep(opt, grads);
    const compiled = backend.compiler.size;
    for (let k = 0; k < 20; k++) {
      const g = opt.paramGroups[0] as Record<string, unknown>;
      g.lr = 1e-3 * (k + 2);
      g.betas = [0.8 + k * 0.005, 0.99];
      g.eps = 1e-8 * (k + 1);
      g.weightDecay = 0.1 * (k + 1);
      launchesPerStep(opt, grads);
    }
    expect(backend.compiler.size).toBe(compiled);
  });

  it("an LR schedule over 30 steps compiles no new kernel (SGD with momentum, CosineAnnealingLR)", () => {
    const params = leastSquaresParams();
    const opt = new SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true });
    const sched = new CosineAnnealingLR(opt, { tMax: 30 });
    const grads = () => lossAndGrad(opt, "leastSquares", params, false).dispose();
    launchesPerStep(opt, grads);
    sched.step();
    const compiled = backend.compiler.size;
    const lrs = new Set<number>();
    for (let k = 0; k < 29; k++) {
      launchesPerStep(opt, grads);
      sched.step();
      lrs.add(opt.paramGroups[0]?.lr as number);
    }
    expect(lrs.size).toBe(29);
    expect(backend.compiler.size).toBe(compiled);
  });

  it("OneCycleLR cycling lr and beta1 compiles no new kernel (Adam)", () => {
    const params = leastSquaresParams();
    const opt = new Adam(params);
    const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 25 });
    const grads = () => lossAndGrad(opt, "leastSquares", params, false).dispose();
    launchesPerStep(opt, grads);
    sched.step();
    const compiled = backend.compiler.size;
    for (let k = 0; k < 23; k++) {
      launchesPerStep(opt, grads);
      sched.step();
    }
    expect(backend.compiler.size).toBe(compiled);
  });
});
