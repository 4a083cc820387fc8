import { cpu } from "@nn/backend-cpu";
import { setBackend } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { PIXELS, TRAIN } from "../src/digits.js";
import { pixelStats, Trainer } from "../src/train/trainer.js";
import { readDigits } from "./digits.js";

setBackend(cpu({ syncRead: false }));
const digits = readDigits();
const spec = { hidden: 64, activation: "relu", optimizer: "adam", lr: 1e-3, seed: 0 };

describe("training in the browser (the page's trainer, run in Node)", () => {
  it("200 steps of Adam raise held-out accuracy from chance to far above it", async () => {
    const t = Trainer.fresh(spec, digits);
    const before = await t.accuracy();
    expect(before).toBeLessThan(0.3);
    const first = await t.train(20);
    await t.train(180);
    const last = await t.train(20);
    expect(last).toBeLessThan(first / 3);
    expect(await t.accuracy()).toBeGreaterThan(0.8);
    t.dispose();
  });

  it("is deterministic for a seed, and predicts probabilities that sum to 1", async () => {
    const a = Trainer.fresh(spec, digits);
    const b = Trainer.fresh(spec, digits);
    expect(await a.train(5)).toBe(await b.train(5));
    const image = digits.images.slice(TRAIN * PIXELS, (TRAIN + 1) * PIXELS);
    const p = await a.predict(image);
    expect(p).toHaveLength(10);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    a.dispose();
    b.dispose();
  });

  it("standardises with the population statistics of the training pixels", () => {
    const { mean, std } = pixelStats(Float32Array.from([0, 1, 1, 0]));
    expect(mean).toBe(0.5);
    expect(std).toBe(0.5);
  });
});
