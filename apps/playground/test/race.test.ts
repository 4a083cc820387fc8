import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { createOptimizer } from "@nn/optim";
import { lion } from "@nn/optim-lion";
import { setBackend, tensor } from "@nn/tensor";
import { num } from "@nn/testing";
import { describe, expect, it } from "vitest";
import { optimizerNames } from "../src/optimizers.js";
import { runRace } from "../src/race/race.js";
import { SURFACE_NAMES, SURFACES, type SurfaceName } from "../src/race/surfaces.js";
import { loadRaceFixtures } from "./race-fixtures.js";

setBackend(cpu({ syncRead: false }));

describe("optimizer race", () => {
  it("offers every registered optimizer, the Lion plugin and SGD's presets", () => {
    const names = optimizerNames();
    for (const n of ["sgd", "momentum", "nesterov", "adam", "nadam", "adadelta", "lion"]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain("lbfgs");
  });

  it("follows PyTorch's trajectories on every surface (tools/gen_playground_fixtures.py)", async () => {
    const races = loadRaceFixtures();
    expect(races.length).toBe(SURFACE_NAMES.length * 13);
    for (const surface of SURFACE_NAMES) {
      const cases = races.filter((r) => r.surface === surface);
      const [first] = cases;
      if (!first) throw new Error(`no fixture for ${surface}`);
      const got = await runRace({
        surface,
        optimizers: cases.map((c) => c.optimizer),
        lr: first.lr,
        start: [first.start[0] as number, first.start[1] as number],
        steps: first.steps,
      });
      cases.forEach((c, i) => {
        const t = got[i];
        const where = `${surface}/${c.optimizer}`;
        expect(t?.diverged, where).toBe(false);
        expect(t?.xs.length, where).toBe(c.steps + 1);
        // float32 over 40 steps: rounding compounds, most on the curved Rosenbrock valley
        const tol = (v: number) => 1e-4 + 1e-4 * Math.abs(v);
        c.xs.forEach((x, k) => {
          expect(Math.abs((t?.xs[k] ?? Number.NaN) - num(x)), `${where} x[${k}]`).toBeLessThan(
            tol(num(x)),
          );
          expect(
            Math.abs((t?.ys[k] ?? Number.NaN) - num(c.ys[k])),
            `${where} y[${k}]`,
          ).toBeLessThan(tol(num(c.ys[k])));
          expect(
            Math.abs((t?.losses[k] ?? Number.NaN) - num(c.losses[k])),
            `${where} loss[${k}]`,
          ).toBeLessThan(tol(num(c.losses[k])));
        });
      });
    }
  });

  it("gives the final points of a direct nn loop for Lion (no PyTorch reference)", async () => {
    const surface: SurfaceName = "himmelblau";
    const s = SURFACES[surface];
    const [race] = await runRace({
      surface,
      optimizers: ["lion"],
      lr: 0.05,
      start: s.start,
      steps: 30,
    });
    const p = tensor([...s.start], { requiresGrad: true });
    const opt = createOptimizer(lion.name, [p], { lr: 0.05 });
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      backward(s.f(p.narrow(0, 0, 1), p.narrow(0, 1, 1)).sum());
      opt.step();
    }
    const [x, y] = (await p.data()) as Float32Array;
    expect(race?.xs.at(-1)).toBe(x);
    expect(race?.ys.at(-1)).toBe(y);
    // Lion moves every coordinate by exactly lr per step (sign of the update), while far from a minimum
    expect(Math.abs((race?.xs[1] ?? 0) - s.start[0])).toBeCloseTo(0.05, 6);
  });

  it("stops an optimizer whose loss stops being finite, and names bad hyperparameters", async () => {
    const [t] = await runRace({
      surface: "rosenbrock",
      optimizers: ["sgd"],
      lr: 1,
      start: [-1.5, 2.5],
      steps: 40,
    });
    expect(t?.diverged).toBe(true);
    expect(t?.xs.length).toBeLessThan(41);
    await expect(
      runRace({ surface: "rosenbrock", optimizers: ["sgd"], lr: -1, start: [0, 0], steps: 1 }),
    ).rejects.toThrow(/lr/);
  });

  it("applies momentum as SGD's momentum (presets) and as β₁ (Adam family, Lion), as a direct nn loop", async () => {
    const surface: SurfaceName = "quadratic";
    const s = SURFACES[surface];
    const names = ["momentum", "nesterov", "adam", "lion", "sgd"];
    const races = await runRace({
      surface,
      optimizers: names,
      lr: 0.01,
      momentum: 0.5,
      start: s.start,
      steps: 20,
    });
    const direct: Record<string, [string, Record<string, unknown>]> = {
      momentum: ["sgd", { momentum: 0.5 }],
      nesterov: ["sgd", { momentum: 0.5, nesterov: true }],
      adam: ["adam", { betas: [0.5, 0.999] }],
      lion: [lion.name, { betas: [0.5, 0.99] }],
      sgd: ["sgd", {}],
    };
    for (const [i, name] of names.entries()) {
      const [optimizer, options] = direct[name] as [string, Record<string, unknown>];
      const p = tensor([...s.start], { requiresGrad: true });
      const opt = createOptimizer(optimizer, [p], { lr: 0.01, ...options });
      for (let k = 0; k < 20; k++) {
        opt.zeroGrad();
        backward(s.f(p.narrow(0, 0, 1), p.narrow(0, 1, 1)).sum());
        opt.step();
      }
      const [x, y] = (await p.data()) as Float32Array;
      expect([name, races[i]?.xs.at(-1), races[i]?.ys.at(-1)]).toEqual([name, x, y]);
    }
    // β₁ 0.5 is not the default path: Adam's end point moves.
    const [adamDefault] = await runRace({
      surface,
      optimizers: ["adam"],
      lr: 0.01,
      start: s.start,
      steps: 20,
    });
    expect(adamDefault?.xs.at(-1)).not.toBe(races[2]?.xs.at(-1));
  });
});
