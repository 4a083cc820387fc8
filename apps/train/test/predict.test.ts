/**
 * `evaluate` and `predict` through the CLI: held-out digits saved as PNG are classified by
 * `predict` as the checkpoint's model classifies them in `evaluate` (same split, same weights),
 * also when saved dark-on-white RGB (inverted back) or larger (area-scaled to 28x28).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noGrad } from "@nn/autograd";
import { argmax, narrow } from "@nn/tensor";
import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../src/checkpoint/files.js";
import { setUp } from "../src/commands/setup.js";
import { modelOf } from "../src/inference/load.js";
import type { Output } from "../src/output/console.js";
import { runCli as cli } from "./cli.js";

const N = 20;

const silent: Output = {
  log: () => undefined,
  error: () => undefined,
  interactive: false,
  barStream: process.stderr,
};

let work: string;
let run: string;
/** The model's classes for the first N held-out digits, their labels and raw pixels in [0, 1]. */
let predicted: number[];
let labels: number[];
let pixels: number[][];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "nn-train-predict-"));
  run = join(work, "run");
  const r = await cli(["--train-size", "1000", "--epochs", "1", "--quiet", "--out", run], work);
  expect(r.code).toBe(0);
  const ckpt = await readCheckpoint(run);
  const { data } = await setUp({ ...ckpt.info.config, backend: "cpu" }, silent);
  const { model } = modelOf(ckpt);
  const x = narrow(data.val.x, 0, 0, N);
  predicted = Array.from(await noGrad(() => argmax(model.forward(x), 1)).data(), Number);
  labels = Array.from(await narrow(data.val.y, 0, 0, N).data(), Number);
  const { mean, std } = ckpt.info.standardisation;
  const flat = Array.from(await x.data(), Number).map((v) => v * std + mean);
  pixels = Array.from({ length: N }, (_, i) => flat.slice(i * 784, (i + 1) * 784));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Saves digit `i` as a PNG: gray, or dark-on-white RGB, or scaled up `factor` times. */
function savePng(i: number, style: "gray" | "inverted-rgb" | "large"): string {
  const p = pixels[i] as number[];
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  const path = join(work, `digit-${i}-${style}.png`);
  if (style === "gray") {
    writeFileSync(
      path,
      encode({ width: 28, height: 28, data: Uint8Array.from(p, byte), channels: 1, depth: 8 }),
    );
  } else if (style === "inverted-rgb") {
    const rgb = new Uint8Array(28 * 28 * 3);
    p.forEach((v, j) => {
      rgb.fill(255 - byte(v), j * 3, j * 3 + 3);
    });
    writeFileSync(path, encode({ width: 28, height: 28, data: rgb, channels: 3, depth: 8 }));
  } else {
    const big = new Uint8Array(56 * 56);
    for (let y = 0; y < 56; y++)
      for (let x = 0; x < 56; x++) big[y * 56 + x] = byte(p[(y >> 1) * 28 + (x >> 1)] as number);
    writeFileSync(path, encode({ width: 56, height: 56, data: big, channels: 1, depth: 8 }));
  }
  return path;
}

/** The top-1 class name of each line `predict` printed. */
const top1 = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => line.split(/\s+/)[1]);

describe("evaluate and predict", () => {
  it("evaluate prints the held-out accuracy and confusion matrix of the checkpoint", async () => {
    const r = await cli(["evaluate", "--checkpoint", run], work);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("confusion matrix on the held-out set");
    const correct = predicted.filter((p, i) => p === labels[i]).length;
    expect(correct).toBeGreaterThan(N * 0.7);
    // The same numbers as the training run's own final evaluation (metrics.json).
    const final = JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")).final;
    expect(r.stdout).toContain(
      `held-out set accuracy ${(final.accuracy * 100).toFixed(2)}% (${Math.round(final.accuracy * 2000).toLocaleString("en-US")} / 2,000)  loss ${final.loss.toFixed(4)}`,
    );
  }, 120_000);

  it("predict classifies held-out digits saved as PNG as the model does in evaluate, with the top 3", async () => {
    const files = Array.from({ length: N }, (_, i) => savePng(i, "gray"));
    const r = await cli(["predict", "--checkpoint", run, ...files], work);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(top1(r.stdout)).toEqual(predicted.map(String));
    for (const line of r.stdout.trim().split("\n")) {
      const probs = [...line.matchAll(/ (\d+\.\d\d)%/g)].map((m) => Number(m[1]));
      expect(probs).toHaveLength(3);
      expect(probs).toEqual([...probs].sort((a, b) => b - a));
    }
  }, 120_000);

  it("inverts dark-on-white RGB images and scales larger ones to 28x28", async () => {
    const inverted = Array.from({ length: N }, (_, i) => savePng(i, "inverted-rgb"));
    const r = await cli(["predict", "--checkpoint", run, ...inverted], work);
    expect(top1(r.stdout)).toEqual(predicted.map(String));
    expect(r.stdout).toContain("(inverted: light background)");
    const large = Array.from({ length: N }, (_, i) => savePng(i, "large"));
    expect(top1((await cli(["predict", "--checkpoint", run, ...large], work)).stdout)).toEqual(
      predicted.map(String),
    );
  }, 120_000);

  it("bad input is one line: no checkpoint, a file that is not a PNG, no image", async () => {
    const none = await cli(["predict", "--checkpoint", join(work, "nowhere"), "a.png"], work);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--checkpoint .*nowhere: no such file or directory/);
    const text = join(work, "not.png");
    writeFileSync(text, "hello");
    const bad = await cli(["predict", "--checkpoint", run, text], work);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /not\.png is not a PNG image fast-png can decode .*; pass a \.png file/,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = await cli(["predict", "--checkpoint", run], work);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing required argument 'images'/);
  }, 120_000);
});
