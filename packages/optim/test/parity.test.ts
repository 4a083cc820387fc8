/**
 * PyTorch parity: every optimizer and option against the fixtures of
 * tools/gen_optim_fixtures.py. float64: 100 free-running steps on the Rosenbrock function and
 * a least-squares model, compared at checkpoints within 1e-6 relative (plus a small absolute
 * tolerance near zero). float32: single steps from PyTorch's own state, within 1e-4.
 */
import { cpu } from "@nn/backend-cpu";
import { setBackend, type Tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { createOptimizer } from "../src/index.js";
import {
  build,
  FLOAT64,
  fixtures,
  lossAndGrad,
  optimizerStateMismatches,
  runStep,
  type Trajectory,
  tensorMismatch,
} from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

async function runTrajectory(c: Trajectory): Promise<string[]> {
  const params = fixtures.problems[c.problem].init.map((t) => build(t, { requiresGrad: true }));
  const opt = createOptimizer(c.optimizer, params, c.options);
  const closure = () => lossAndGrad(opt, c.problem, params, c.negate);
  const problems: string[] = [];
  let next = 0;
  for (let k = 1; k <= c.steps; k++) {
    if (c.optimizer === "lbfgs") ((await opt.step(closure)) as Tensor).dispose();
    else {
      closure().dispose();
      opt.step();
    }
    const checkpoint = c.checkpoints[next];
    if (checkpoint?.step === k) {
      next++;
      for (const [i, p] of params.entries()) {
        const m = await tensorMismatch(p, checkpoint.params[i] as never, FLOAT64);
        if (m) problems.push(`step ${k}, param ${i}: ${m}`);
      }
      if (problems.length) return problems;
    }
  }
  problems.push(...(await optimizerStateMismatches(opt, c.finalState, FLOAT64)));
  return problems;
}

describe(`PyTorch ${fixtures.torch} trajectories, float64, 100 steps`, () => {
  it.each(fixtures.trajectories.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    expect(await runTrajectory(c)).toEqual([]);
  });
});

describe("PyTorch single steps from PyTorch's state, float32", () => {
  const cases = fixtures.steps.filter((c) => !c.id.startsWith("trap/"));
  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    expect(await runStep(c)).toEqual([]);
  });
});
