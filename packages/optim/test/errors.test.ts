/**
 * Bad input gets a typed error naming the optimizer, the value and what would be valid:
 * negative lr, betas outside [0, 1), a parameter given twice or in two groups, and the other
 * checks PyTorch 1.13 makes.
 */
import { cpu } from "@nn/backend-cpu";
import { DTypeError, ShapeError, setBackend, tensor, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  AdamW,
  createOptimizer,
  LBFGS,
  listOptimizers,
  NAdam,
  RAdam,
  Rprop,
  SGD,
} from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const p = () => zeros([2], { requiresGrad: true });

describe("hyperparameters", () => {
  it.each(listOptimizers())("%s: negative lr is a ValueError naming the optimizer", (name) => {
    expect(() => createOptimizer(name, [p()], { lr: -0.1 })).toThrow(ValueError);
    expect(() => createOptimizer(name, [p()], { lr: -0.1 })).toThrow(
      new RegExp(`^${name}: lr must be a finite number >= 0, got -0.1`),
    );
  });

  it.each([
    ["adam", Adam],
    ["adamw", AdamW],
    ["nadam", NAdam],
    ["radam", RAdam],
  ] as const)("%s: betas outside [0, 1) are ValueErrors", (_name, Opt) => {
    for (const betas of [
      [1, 0.999],
      [0.9, 1],
      [-0.1, 0.9],
      [0.9, 1.5],
    ] as [number, number][]) {
      expect(() => new Opt([p()], { betas })).toThrow(ValueError);
    }
    expect(() => new Opt([p()], { betas: [0.9, 1] })).toThrow(
      /betas\[1\] must be in \[0, 1\), got 1/,
    );
    expect(() => new Opt([p()], { betas: [0.9] as never })).toThrow(/pair/);
  });

  it("adamax: betas outside [0, 1) are ValueErrors", () => {
    expect(() => createOptimizer("adamax", [p()], { betas: [0.9, 1] })).toThrow(ValueError);
  });

  it("negative eps, weightDecay, momentum, lrDecay are ValueErrors", () => {
    expect(() => new Adam([p()], { eps: -1e-8 })).toThrow(/eps/);
    expect(() => new Adam([p()], { weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => new SGD([p()], { lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => createOptimizer("adagrad", [p()], { lrDecay: -1 })).toThrow(/lrDecay/);
    expect(() => createOptimizer("rmsprop", [p()], { alpha: -1 })).toThrow(/alpha/);
    expect(() => createOptimizer("adadelta", [p()], { rho: 1.5 })).toThrow(/rho/);
    expect(() => createOptimizer("nadam", [p()], { momentumDecay: -1 })).toThrow(/momentumDecay/);
  });

  it("SGD needs lr, and Nesterov needs momentum and no dampening", () => {
    expect(() => new SGD([p()], {} as never)).toThrow(/does not give lr/);
    expect(() => new SGD([p()], { lr: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(
      () => new SGD([p()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
    ).toThrow(/nesterov/);
  });

  it("Rprop's etas must satisfy 0 < etaminus < 1 < etaplus", () => {
    expect(() => new Rprop([p()], { etas: [1.2, 0.5] })).toThrow(/etas/);
    expect(() => new Rprop([p()], { etas: [0, 1.2] })).toThrow(ValueError);
  });

  it("LBFGS: integer counts, a known line search, one group", () => {
    expect(() => new LBFGS([p()], { maxIter: 0 })).toThrow(/maxIter/);
    expect(() => new LBFGS([p()], { historySize: 1.5 })).toThrow(/historySize/);
    expect(() => new LBFGS([p()], { lineSearchFn: "armijo" as never })).toThrow(/lineSearchFn/);
    expect(() => new LBFGS([{ params: [p()] }, { params: [p()] }])).toThrow(/parameter groups/);
  });

  it("an unknown option is a ValueError listing the known ones", () => {
    expect(() => new Adam([p()], { learningRate: 0.1 } as never)).toThrow(
      /unknown option "learningRate"/,
    );
  });

  it("a group's own hyperparameters are checked too", () => {
    expect(() => new Adam([{ params: [p()] }, { params: [p()], lr: -1 }])).toThrow(ValueError);
    const opt = new Adam([p()]);
    expect(() => opt.addParamGroup({ params: [p()], betas: [1, 1] })).toThrow(ValueError);
    expect(opt.paramGroups.length).toBe(1);
  });
});

describe("parameters", () => {
  it("a parameter given twice is a ValueError", () => {
    const x = p();
    expect(() => new Adam([x, x])).toThrow(/given twice/);
  });

  it("a parameter in two groups is a ValueError, also through addParamGroup", () => {
    const x = p();
    expect(() => new Adam([{ params: [x] }, { params: [p(), x] }])).toThrow(
      /more than one parameter group/,
    );
    const opt = new Adam([x]);
    expect(() => opt.addParamGroup({ params: [x] })).toThrow(ValueError);
  });

  it("empty, non-tensor, single-tensor and non-float parameters are refused", () => {
    expect(() => new Adam([])).toThrow(/empty parameter list/);
    expect(() => new Adam([1 as never])).toThrow(ValueError);
    expect(() => new Adam(p() as never)).toThrow(/single tensor/);
    expect(() => new Adam([tensor([1, 2], { dtype: "int32" })])).toThrow(DTypeError);
  });

  it("a gradient of another shape or dtype is refused at step", () => {
    const x = p();
    const opt = new Adam([x]);
    x.grad = zeros([3]);
    expect(() => opt.step()).toThrow(ShapeError);
    x.grad = zeros([2], { dtype: "float64" });
    expect(() => opt.step()).toThrow(DTypeError);
  });

  it("LBFGS's step needs a closure", async () => {
    await expect((new LBFGS([p()]).step as (c?: unknown) => Promise<unknown>)()).rejects.toThrow(
      /closure/,
    );
  });
});
