/**
 * The optax-style transformations: composed with `chain`, they reproduce the optimizer classes
 * (which the PyTorch fixtures check), and their state can be freed step by step.
 */
import { noGrad } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { clone, dispose, memory, setBackend, type Tensor, tensor, tidy } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  AdamW,
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  type GradientTransformation,
  type Optimizer,
  scale,
  scaleByAdam,
  scaleBySchedule,
} from "../src/index.js";
import { build, fixtures, lossAndGrad } from "./helpers.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

const init = () => fixtures.problems.leastSquares.init.map((t) => build(t, { requiresGrad: true }));

/** Runs `tx` for `steps` steps on the least-squares problem (gradients through `opt` for zeroGrad). */
function runTransform(
  tx: GradientTransformation<unknown[]>,
  params: Tensor[],
  zero: Optimizer,
  steps: number,
) {
  let state = tx.init(params);
  for (let k = 0; k < steps; k++) {
    lossAndGrad(zero, "leastSquares", params, false).dispose();
    const next = tidy(() => {
      const [updates, s] = tx.update(
        params.map((p) => p.grad as Tensor),
        state,
        params,
      );
      applyUpdates(params, updates);
      return s;
    });
    dispose(state);
    state = next;
  }
  dispose(state);
}

function runOptimizer(opt: Optimizer, params: Tensor[], steps: number) {
  for (let k = 0; k < steps; k++) {
    lossAndGrad(opt, "leastSquares", params, false).dispose();
    opt.step();
  }
}

async function maxDiff(a: Tensor[], b: Tensor[]): Promise<number> {
  let worst = 0;
  for (const [i, t] of a.entries()) {
    const x = await t.data();
    const y = await (b[i] as Tensor).data();
    x.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - (y[j] as number)));
    });
  }
  return worst;
}

describe("optax-style transformations", () => {
  it("chain(scaleByAdam(), scale(-lr)) is Adam", async () => {
    const a = init();
    const b = init();
    runTransform(chain(scaleByAdam(), scale(-0.01)), a, new Adam(a), 20);
    runOptimizer(new Adam(b, { lr: 0.01 }), b, 20);
    expect(await maxDiff(a, b)).toBeLessThan(1e-12);
  });

  it("chain(scaleByAdam(), addDecayedWeights(wd), scale(-lr)) is AdamW", async () => {
    const a = init();
    const b = init();
    runTransform(
      chain(scaleByAdam({ b1: 0.8 }), addDecayedWeights(0.1), scale(-0.01)),
      a,
      new Adam(a),
      20,
    );
    runOptimizer(new AdamW(b, { lr: 0.01, betas: [0.8, 0.999], weightDecay: 0.1 }), b, 20);
    expect(await maxDiff(a, b)).toBeLessThan(1e-12);
  });

  it("clipByGlobalNorm scales all updates together to the bound", async () => {
    const [u, s] = clipByGlobalNorm(1).update(
      [tensor([3], { dtype: "float64" }), tensor([4], { dtype: "float64" })],
      null,
    );
    const values = (await Promise.all(u.map((t) => t.item()))) as number[];
    expect(values[0]).toBeCloseTo(0.6, 15);
    expect(values[1]).toBeCloseTo(0.8, 15);
    expect(s).toBeNull();
    const [[small]] = clipByGlobalNorm(10).update([tensor([3, 4], { dtype: "float64" })], null);
    expect(await small?.array()).toEqual([3, 4]);
  });

  it("scaleBySchedule counts its steps", async () => {
    const tx = scaleBySchedule((count) => 0.5 ** count);
    let state = tx.init([]);
    const seen: number[] = [];
    for (let k = 0; k < 3; k++) {
      const [[u], s] = tx.update([tensor([8], { dtype: "float64" })], state);
      seen.push(Number(await (u as Tensor).item()));
      state = s;
    }
    expect(seen).toEqual([8, 4, 2]);
  });

  it("chain never hands back the caller's own tensors, and memory stays constant", () => {
    const g = tensor([1, 2], { dtype: "float64" });
    const [[u]] = chain().update([g], []);
    expect(u).not.toBe(g);
    const params = init();
    const zero = new Adam(params);
    const tx = chain(clipByGlobalNorm(1), scaleByAdam(), scale(-0.01));
    runTransform(tx, params, zero, 1);
    const before = memory().tensors;
    runTransform(tx, params, zero, 50);
    expect(memory().tensors).toBe(before);
  });

  it("addDecayedWeights needs the parameters", () => {
    expect(() => addDecayedWeights(0.1).update([tensor([1.5])], null)).toThrow(/parameters/);
    expect(() => clipByGlobalNorm(0)).toThrow(/maxNorm/);
    expect(() => noGrad(() => applyUpdates([tensor([1.5])], []))).toThrow(/updates/);
    expect(clone).toBeDefined();
  });
});
