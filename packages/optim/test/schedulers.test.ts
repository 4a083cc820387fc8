/**
 * LR schedulers: the lr (and OneCycleLR's momentum) of every group after construction and
 * after each step, against PyTorch 1.13's sequences (tools/gen_optim_fixtures.py).
 */
import { cpu } from "@nn/backend-cpu";
import { setBackend, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  createOptimizer,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiplicativeLR,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from "../src/index.js";
import { fixtures, type SchedulerCase } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const LAMBDAS: Record<string, (epoch: number) => number> = {
  inverse: (e) => 1 / (e + 1),
  exp95: (e) => 0.95 ** e,
};

type Spec = { scheduler: string; options: Record<string, unknown> };
type AnyScheduler = { step(metric?: number): void; getLastLr(): number[] };

function build(opt: Optimizer, spec: Spec): AnyScheduler {
  const o = spec.options as never;
  switch (spec.scheduler) {
    case "StepLR":
      return new StepLR(opt, o);
    case "MultiStepLR":
      return new MultiStepLR(opt, o);
    case "ExponentialLR":
      return new ExponentialLR(opt, o);
    case "ConstantLR":
      return new ConstantLR(opt, o);
    case "CosineAnnealingLR":
      return new CosineAnnealingLR(opt, o);
    case "CosineAnnealingWarmRestarts":
      return new CosineAnnealingWarmRestarts(opt, o);
    case "LinearLR":
      return new LinearLR(opt, o);
    case "LambdaLR": {
      const fn = spec.options.lrLambda as string | string[];
      const lrLambda = Array.isArray(fn)
        ? fn.map((f) => LAMBDAS[f] as never)
        : (LAMBDAS[fn] as never);
      return new LambdaLR(opt, { lrLambda });
    }
    case "MultiplicativeLR":
      return new MultiplicativeLR(opt, {
        lrLambda: LAMBDAS[spec.options.lrLambda as string] as never,
      });
    case "OneCycleLR":
      return new OneCycleLR(opt, o);
    case "ReduceLROnPlateau":
      return new ReduceLROnPlateau(opt, o) as AnyScheduler;
    case "SequentialLR": {
      const schedulers = (spec.options.schedulers as Spec[]).map((s) => build(opt, s));
      return new SequentialLR(opt, {
        schedulers: schedulers as LRScheduler[],
        milestones: spec.options.milestones as number[],
      });
    }
  }
  throw new Error(`unknown scheduler ${spec.scheduler}`);
}

function closeRows(got: number[][], expected: number[][]): string[] {
  const out: string[] = [];
  for (const [k, row] of expected.entries()) {
    for (const [i, e] of row.entries()) {
      const g = got[k]?.[i] as number;
      if (!(Math.abs(g - e) <= 1e-12 * Math.abs(e) + 1e-15)) {
        out.push(`step ${k}, group ${i}: got ${g}, expected ${e}`);
      }
    }
  }
  return out;
}

function momentumOf(opt: Optimizer): number[] {
  return opt.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0] : g.momentum) as number);
}

function run(c: SchedulerCase): { lrs: number[][]; momenta: number[][] } {
  const groups = c.optimizer.groups.map((g) => ({
    ...g,
    params: [zeros([1], { requiresGrad: true })],
  }));
  const opt = createOptimizer(c.optimizer.name, groups);
  const sched = build(opt, c);
  const lrs = [opt.paramGroups.map((g) => g.lr as number)];
  const momenta = [momentumOf(opt)];
  for (let k = 0; k < c.steps; k++) {
    opt.step();
    // PyTorch steps OneCycleLR's linear anneal one step past its end to a negative lr; we refuse it.
    if (c.lrs[k + 1]?.some((lr) => lr < 0)) {
      expect(() => sched.step(c.metrics?.[k])).toThrow(/gives param group \d lr -/);
      break;
    }
    sched.step(c.metrics?.[k]);
    lrs.push(opt.paramGroups.map((g) => g.lr as number));
    momenta.push(momentumOf(opt));
  }
  return { lrs, momenta };
}

describe(`LR schedulers against PyTorch ${fixtures.torch}`, () => {
  it.each(fixtures.schedulers.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const { lrs, momenta } = run(c);
    expect(closeRows(lrs, c.lrs.slice(0, lrs.length))).toEqual([]);
    if (c.momenta) expect(closeRows(momenta, c.momenta.slice(0, momenta.length))).toEqual([]);
  });
});

describe("schedulers: behaviour and bad input", () => {
  const opt = () => new SGD([zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });

  it("getLastLr follows the steps; initialLr is recorded on the groups", () => {
    const o = opt();
    const s = new StepLR(o, { stepSize: 2, gamma: 0.5 });
    expect(o.paramGroups[0]?.initialLr).toBe(0.1);
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.05]);
  });

  it("a scheduler's state dict restores its position", () => {
    const o = opt();
    const s = new ExponentialLR(o, { gamma: 0.5 });
    s.step();
    const saved = s.stateDict();
    s.step();
    s.loadStateDict(saved);
    expect(s.lastEpoch).toBe(1);
  });

  it("resuming (lastEpoch != -1) without initialLr is a ValueError", () => {
    expect(() => new StepLR(opt(), { stepSize: 2, lastEpoch: 3 })).toThrow(ValueError);
  });

  it("bad options are ValueErrors", () => {
    expect(() => new StepLR(opt(), { stepSize: 0 })).toThrow(ValueError);
    expect(() => new LinearLR(opt(), { startFactor: 2 })).toThrow(ValueError);
    expect(() => new ConstantLR(opt(), { factor: -1 })).toThrow(ValueError);
    expect(() => new CosineAnnealingWarmRestarts(opt(), { t0: 0 })).toThrow(ValueError);
    expect(() => new CosineAnnealingWarmRestarts(opt(), { t0: 2, tMult: 0 })).toThrow(ValueError);
    expect(() => new OneCycleLR(opt(), { maxLr: 1 })).toThrow(/totalSteps/);
    expect(() => new OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, pctStart: 2 })).toThrow(
      ValueError,
    );
    expect(() => new OneCycleLR(opt(), { maxLr: [1, 2], totalSteps: 10 })).toThrow(ValueError);
    expect(() => new ReduceLROnPlateau(opt(), { factor: 1 })).toThrow(ValueError);
    expect(() => new ReduceLROnPlateau(opt(), { mode: "up" as never })).toThrow(ValueError);
    expect(() => new LambdaLR(opt(), { lrLambda: [() => 1, () => 1] })).toThrow(ValueError);
    const o = opt();
    expect(
      () => new SequentialLR(o, { schedulers: [new StepLR(o, { stepSize: 1 })], milestones: [1] }),
    ).toThrow(ValueError);
    expect(
      () =>
        new SequentialLR(o, {
          schedulers: [new StepLR(opt(), { stepSize: 1 }), new StepLR(o, { stepSize: 1 })],
          milestones: [1],
        }),
    ).toThrow(ValueError);
  });

  it("OneCycleLR refuses to step past the cycle", () => {
    const s = new OneCycleLR(opt(), { maxLr: 1, totalSteps: 3 });
    s.step();
    s.step();
    s.step();
    expect(() => s.step()).toThrow(ValueError);
  });

  it("OneCycleLR refuses a phase of no steps instead of setting lr to 0/0 = NaN", () => {
    // pctStart * totalSteps = 1: the warm-up phase ends at step 0, where it starts. PyTorch
    // divides by its length (0) at construction and raises ZeroDivisionError.
    expect(() => new OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, pctStart: 0.1 })).toThrow(
      /phase 1 of the cycle has no steps/,
    );
    expect(
      () => new OneCycleLR(opt(), { maxLr: 1, epochs: 2, stepsPerEpoch: 5, pctStart: 0.1 }),
    ).toThrow(ValueError);
    // pctStart 1: the annealing phase has no steps; PyTorch fails at the cycle's last step.
    const o = opt();
    const s = new OneCycleLR(o, { maxLr: 1, totalSteps: 4, pctStart: 1 });
    s.step();
    s.step();
    s.step();
    expect(o.paramGroups.every((g) => Number.isFinite(g.lr))).toBe(true);
    expect(() => s.step()).toThrow(/phase 2 of the cycle has no steps/);
  });

  it("OneCycleLR needs momentum or betas to cycle momentum", () => {
    const o = createOptimizer("adagrad", [zeros([1], { requiresGrad: true })]);
    expect(() => new OneCycleLR(o, { maxLr: 1, totalSteps: 5 })).toThrow(/momentum/);
    expect(
      () => new OneCycleLR(o, { maxLr: 1, totalSteps: 5, cycleMomentum: false }),
    ).not.toThrow();
  });

  it("ReduceLROnPlateau takes the metric as a number", () => {
    expect(() => new ReduceLROnPlateau(opt()).step(zeros([]) as never)).toThrow(/number/);
  });
});
