/**
 * Learning rates and scheduler factors are checked when set and at every step (issue 13, item
 * 8): a NaN, negative or infinite lr is a ValueError naming who set it, never NaN weights.
 */
import { cpu } from "@nn/backend-cpu";
import { ones, setBackend, ValueError, zeros } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  ExponentialLR,
  LambdaLR,
  LBFGS,
  MultiplicativeLR,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

function withGrad() {
  const p = zeros([2], { requiresGrad: true });
  p.grad = ones([2]);
  return p;
}

describe("optimizer hyperparameters at construction", () => {
  it("refuses lr Infinity and NaN (PyTorch takes Infinity; every weight would be NaN)", () => {
    expect(() => new Adam([withGrad()], { lr: Infinity })).toThrow(
      /^adam: lr must be a finite number >= 0, got Infinity/,
    );
    expect(() => new SGD([withGrad()], { lr: Number.NaN })).toThrow(ValueError);
    expect(() => new Adam([withGrad()], { lr: "0.1" as never })).toThrow(/got "0.1"/);
  });

  it("refuses negative or infinite eps and weightDecay", () => {
    expect(() => new Adam([withGrad()], { eps: -1 })).toThrow(/eps must be a finite number >= 0/);
    expect(() => new Adam([withGrad()], { eps: Infinity })).toThrow(ValueError);
    expect(() => new Adam([withGrad()], { weightDecay: -0.1 })).toThrow(/weightDecay/);
  });
});

describe("optimizer hyperparameters at step()", () => {
  it("group.lr = -1 set by hand: step throws naming the group, and the weights are unchanged", async () => {
    const p = withGrad();
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0].lr = -1;
    expect(() => opt.step()).toThrow(ValueError);
    expect(() => opt.step()).toThrow(
      /^sgd\.step: param group 0 has lr -1 \(set by hand or at construction\); a learning rate must be a finite number >= 0/,
    );
    expect(Array.from(await p.data())).toEqual([0, 0]);
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    expect(Array.from(await p.data())).toEqual([-0.5, -0.5]);
  });

  it("names the second group and the hyperparameter: betas, eps, NaN lr", () => {
    const opt = new Adam([{ params: [withGrad()] }, { params: [withGrad()] }]);
    opt.paramGroups[1].betas = [0.9, 1];
    expect(() => opt.step()).toThrow(/^adam\.step: param group 1 .*betas\[1\] must be in \[0, 1\)/);
    opt.paramGroups[1].betas = [0.9, 0.999];
    opt.paramGroups[1].eps = -1;
    expect(() => opt.step()).toThrow(/param group 1 .*eps/);
    opt.paramGroups[1].eps = 1e-8;
    opt.paramGroups[0].lr = Number.NaN;
    expect(() => opt.step()).toThrow(/param group 0 has lr NaN/);
  });

  it("names the scheduler that last set the lr, and says when the user changed it since", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    s.step();
    s.step();
    opt.paramGroups[0].lr = -0.025;
    expect(() => opt.step()).toThrow(
      /param group 0 has lr -0\.025 \(set by hand after ExponentialLR set it to 0\.025 at epoch 2\)/,
    );
  });

  it("LBFGS checks at step too", async () => {
    const p = withGrad();
    const opt = new LBFGS([p]);
    opt.paramGroups[0].lr = Infinity;
    await expect(opt.step(() => zeros([]))).rejects.toThrow(/^lbfgs\.step: param group 0/);
  });
});

describe("schedulers", () => {
  it("ExponentialLR refuses gamma NaN and -1 at construction", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    expect(() => new ExponentialLR(opt, { gamma: Number.NaN })).toThrow(
      /^ExponentialLR: gamma must be a finite number >= 0, got NaN/,
    );
    expect(() => new ExponentialLR(opt, { gamma: -1 })).toThrow(/gamma .* got -1/);
    expect(() => new StepLR(opt, { stepSize: 1, gamma: Infinity })).toThrow(ValueError);
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });

  it("a LambdaLR returning NaN at epoch 3 throws at that step, naming the epoch and group; lr unchanged", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    const s = new LambdaLR(opt, { lrLambda: (e) => (e === 3 ? Number.NaN : 1) });
    s.step();
    s.step();
    expect(() => s.step()).toThrow(
      /^LambdaLR\.step: epoch 3 gives param group 0 lr NaN \(.*baseLrs \[0\.1\]/,
    );
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect(s.lastEpoch).toBe(2);
  });

  it("a MultiplicativeLR factor of -1 is refused at its step", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    const s = new MultiplicativeLR(opt, { lrLambda: () => -1 });
    expect(() => s.step()).toThrow(/epoch 1 gives param group 0 lr -0\.1/);
  });

  it("the lrLambda must be a function", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    expect(() => new LambdaLR(opt, { lrLambda: 0.5 as never })).toThrow(
      /lrLambda must be a function/,
    );
  });

  it("a scheduler given {} or nothing instead of an optimizer is a ValueError", () => {
    expect(() => new ExponentialLR({} as never, { gamma: 0.9 })).toThrow(
      /^ExponentialLR: expected an optimizer .*got an object without paramGroups/,
    );
    expect(() => new StepLR(undefined as never, { stepSize: 1 })).toThrow(/got undefined/);
    expect(() => new ReduceLROnPlateau({} as never)).toThrow(
      /^ReduceLROnPlateau: expected an optimizer/,
    );
    expect(() => new SequentialLR({} as never, { schedulers: [], milestones: [] })).toThrow(
      ValueError,
    );
    const opt = new SGD([withGrad()], { lr: 0.1 });
    expect(() => new ExponentialLR(opt, undefined as never)).toThrow(/expected an options object/);
    expect(() => new ExponentialLR(opt, { gamma: 0.5, lastEpoch: 1.5 })).toThrow(/lastEpoch/);
  });

  it("ReduceLROnPlateau refuses a negative factor or minLr", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    expect(() => new ReduceLROnPlateau(opt, { factor: -0.5 })).toThrow(/factor/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: Number.NaN })).toThrow(/minLr\[0\]/);
  });
});

describe("scheduler state dicts", () => {
  it("loadStateDict refuses bad fields and changes nothing", () => {
    const opt = new SGD([withGrad()], { lr: 0.1 });
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    s.step();
    const good = s.stateDict();
    expect(() => s.loadStateDict({ ...good, lastEpoch: "abc" })).toThrow(
      /^ExponentialLR\.loadStateDict: lastEpoch must be an integer >= -1, got "abc"/,
    );
    expect(() => s.loadStateDict({ ...good, lastEpoch: 1.5 })).toThrow(/lastEpoch/);
    expect(() => s.loadStateDict({ ...good, gamma: Number.NaN })).toThrow(
      /gamma must be a finite number, got NaN/,
    );
    expect(() => s.loadStateDict({ ...good, baseLrs: [0.1, 0.2] })).toThrow(
      /one per parameter group/,
    );
    expect(() => s.loadStateDict({ ...good, baseLrs: ["x"] })).toThrow(/list of finite numbers/);
    expect(() => s.loadStateDict({ ...good, typo: 1 })).toThrow(/unknown field "typo"/);
    expect(() => s.loadStateDict(null as never)).toThrow(ValueError);
    expect(s.lastEpoch).toBe(1);
    expect(s.gamma).toBe(0.5);
    s.loadStateDict(good);
    expect(s.lastEpoch).toBe(1);
  });

  it("ReduceLROnPlateau keeps best = Infinity but refuses NaN counters", () => {
    const s = new ReduceLROnPlateau(new SGD([withGrad()], { lr: 0.1 }));
    s.loadStateDict(s.stateDict());
    expect(s.best).toBe(Infinity);
    expect(() => s.loadStateDict({ ...s.stateDict(), numBadEpochs: -1 })).toThrow(
      /numBadEpochs must be an integer >= 0/,
    );
    expect(() => s.loadStateDict({ ...s.stateDict(), best: Number.NaN })).toThrow(
      /best must be a number/,
    );
  });
});
