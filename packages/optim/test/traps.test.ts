/**
 * The well-known traps of porting PyTorch's optimizers, each its own test: the PyTorch fixture
 * (tools/gen_optim_fixtures.py, "trap/..." cases) must match, and where a plausible wrong
 * formula exists, the test shows that it would NOT match, so the case really tells them apart.
 */
import { cpu } from "@nn/backend-cpu";
import { setBackend, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { Adadelta, Adam, SGD } from "../src/index.js";
import { fixtures, runStep, type StepCase } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

function trap(id: string): StepCase {
  const c = fixtures.steps.find((s) => s.id === `trap/${id}`);
  if (!c) throw new Error(`no fixture trap/${id}`);
  return c;
}

const values = (t: { tensor: { data: unknown[] } } | null | undefined): number[] =>
  (t?.tensor.data ?? []) as number[];

/** The fixture's parameters after its steps (first parameter). */
const expectedParams = (c: StepCase, i = 0) => values(c.expected.params[i]);

/** Runs a per-element rule over the case's steps on plain numbers (first parameter). */
function simulate(
  c: StepCase,
  rule: (p: number, g: number, s: number[], t: number) => number,
): number[] {
  const p = [...values(c.params[0])];
  const state = p.map(() => [0, 0, 0]);
  (c.grads ?? []).forEach((grads, k) => {
    const g = values(grads[0]);
    p.forEach((x, i) => {
      p[i] = rule(x, g[i] as number, state[i] as number[], k + 1);
    });
  });
  return p;
}

function near(a: number[], b: number[], tol = 1e-12): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - (b[i] as number)) <= tol);
}

describe("optimizer traps (PyTorch 1.13 fixtures)", () => {
  it("RMSprop adds eps outside the square root: p -= lr g / (sqrt(v) + eps)", async () => {
    const c = trap("rmspropEpsOutsideSqrt");
    expect(await runStep(c)).toEqual([]);
    const [lr, alpha, eps] = [0.1, 0.99, 0.5];
    const rule = (inside: boolean) => (p: number, g: number, s: number[]) => {
      s[0] = alpha * (s[0] as number) + (1 - alpha) * g * g;
      const v = s[0] as number;
      return p - (lr * g) / (inside ? Math.sqrt(v + eps) : Math.sqrt(v) + eps);
    };
    expect(near(simulate(c, rule(false)), expectedParams(c))).toBe(true);
    expect(near(simulate(c, rule(true)), expectedParams(c), 1e-3)).toBe(false);
  });

  it("Adam adds eps after the bias-corrected square root: sqrt(v / (1 - beta2^t)) + eps", async () => {
    const c = trap("adamEpsAfterBiasCorrection");
    expect(await runStep(c)).toEqual([]);
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 0.5];
    const rule = (beforeCorrection: boolean) => (p: number, g: number, s: number[], t: number) => {
      s[0] = b1 * (s[0] as number) + (1 - b1) * g;
      s[1] = b2 * (s[1] as number) + (1 - b2) * g * g;
      const mHat = (s[0] as number) / (1 - b1 ** t);
      const bc2 = 1 - b2 ** t;
      const denom = beforeCorrection
        ? (Math.sqrt(s[1] as number) + eps) / Math.sqrt(bc2)
        : Math.sqrt(s[1] as number) / Math.sqrt(bc2) + eps;
      return p - (lr * mHat) / denom;
    };
    expect(near(simulate(c, rule(false)), expectedParams(c))).toBe(true);
    expect(near(simulate(c, rule(true)), expectedParams(c), 1e-3)).toBe(false);
  });

  it("SGD's Nesterov form is PyTorch's: p -= lr (g + momentum buf), buf = momentum buf + g", async () => {
    const c = trap("sgdNesterov");
    expect(await runStep(c)).toEqual([]);
    const [lr, mu] = [0.1, 0.9];
    const rule = (nesterov: boolean) => (p: number, g: number, s: number[], t: number) => {
      s[0] = t === 1 ? g : mu * (s[0] as number) + g;
      return p - lr * (nesterov ? g + mu * (s[0] as number) : (s[0] as number));
    };
    expect(near(simulate(c, rule(true)), expectedParams(c))).toBe(true);
    expect(near(simulate(c, rule(false)), expectedParams(c), 1e-3)).toBe(false);
  });

  it("SGD's first momentum step copies the gradient (no dampening on step 1)", async () => {
    const c = trap("sgdFirstMomentumStep");
    expect(await runStep(c)).toEqual([]);
    const [lr, mu, damp] = [0.1, 0.9, 0.5];
    const rule = (copyFirst: boolean) => (p: number, g: number, s: number[], t: number) => {
      s[0] = copyFirst && t === 1 ? g : mu * (s[0] as number) + (1 - damp) * g;
      return p - lr * (s[0] as number);
    };
    expect(near(simulate(c, rule(true)), expectedParams(c))).toBe(true);
    expect(near(simulate(c, rule(false)), expectedParams(c), 1e-3)).toBe(false);
  });

  it("Adagrad's accumulator starts at 0: the first step is lr g / (|g| + eps), about lr sign(g)", async () => {
    const c = trap("adagradInitialAccumulatorZero");
    expect(await runStep(c)).toEqual([]);
    const p0 = values(c.params[0]);
    const g = values((c.grads?.[0] ?? [])[0]);
    expect(
      near(
        expectedParams(c),
        p0.map((p, i) => p - 0.1 * Math.sign(g[i] as number)),
        1e-9,
      ),
    ).toBe(true);
  });

  it("Adadelta's lr defaults to 1.0", async () => {
    const c = trap("adadeltaDefaultLr");
    expect(c.options).toEqual({});
    expect(await runStep(c)).toEqual([]);
    const opt = new Adadelta([tensor([1, 2], { dtype: "float64" })]);
    expect(opt.paramGroups[0]?.lr).toBe(1);
  });

  it("AdamW multiplies the decay by lr: p *= 1 - lr * weightDecay (zero gradient)", async () => {
    const c = trap("adamwDecayTimesLr");
    expect(await runStep(c)).toEqual([]);
    const p0 = values(c.params[0]);
    expect(
      near(
        expectedParams(c),
        p0.map((p) => p * (1 - 0.01 * 0.1)),
      ),
    ).toBe(true);
    expect(
      near(
        expectedParams(c),
        p0.map((p) => p * (1 - 0.1)),
        1e-3,
      ),
    ).toBe(false);
  });

  it("weight decay applies when a gradient is zero (but present): SGD", async () => {
    const c = trap("weightDecayZeroGrad");
    expect(await runStep(c)).toEqual([]);
    const p0 = values(c.params[0]);
    expect(
      near(
        expectedParams(c),
        p0.map((p) => p * (1 - 0.1 * 0.5)),
      ),
    ).toBe(true);
  });

  it("weight decay applies when a gradient is zero (but present): Adam", async () => {
    const c = trap("adamWeightDecayZeroGrad");
    expect(await runStep(c)).toEqual([]);
    expect(near(expectedParams(c), values(c.params[0]), 1e-3)).toBe(false);
  });

  it("a parameter without .grad is skipped: unchanged, no state, no decay (Adam)", async () => {
    const c = trap("noGradSkipped");
    expect(await runStep(c)).toEqual([]);
    expect(expectedParams(c, 1)).toEqual(values(c.params[1]));
    expect(Object.keys(c.expected.state)).toEqual(["0"]);
  });

  it("a parameter without .grad is skipped: unchanged, no state, no decay (SGD, first of two)", async () => {
    const c = trap("noGradSkippedSgd");
    expect(await runStep(c)).toEqual([]);
    expect(expectedParams(c, 0)).toEqual(values(c.params[0]));
    expect(Object.keys(c.expected.state)).toEqual(["1"]);
  });

  it("zeroGrad sets .grad to null by default, so the next step skips the parameter", () => {
    const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    p.grad = tensor([0, 0], { dtype: "float64" });
    const opt = new SGD([p], { lr: 0.1, weightDecay: 0.5 });
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    opt.step();
    expect(opt.state.size).toBe(0);
  });

  it("zeroGrad(false) keeps a zero gradient, so weight decay still applies", async () => {
    const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    p.grad = tensor([3, 4], { dtype: "float64" });
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    opt.zeroGrad(false);
    expect(await p.grad?.array()).toEqual([0, 0]);
    opt.step();
    expect(opt.state.size).toBe(1);
  });
});
