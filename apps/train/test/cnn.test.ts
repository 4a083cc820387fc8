/**
 * `--model cnn` end to end: a short CNN training on the real digits (500 training examples, one
 * epoch, 500 held out; PyTorch reaches 68% with 500 examples, tools/train_reference.py --model
 * cnn --train-size 500 --epochs 1), its checkpoint (PyTorch's state-dict keys and shapes), the
 * round trip through `evaluate`, `predict` and `--resume` (the same predictions), and the
 * options the CNN refuses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noGrad } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { loadSafetensors } from "@nn/nn";
import { argmax, narrow, setBackend } from "@nn/tensor";
import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../src/checkpoint/files.js";
import { setUp } from "../src/commands/setup.js";
import { modelOf } from "../src/inference/load.js";
import type { Output } from "../src/output/console.js";
import { type CliResult, expectUserError, runCli } from "./cli.js";

setBackend(cpu({ syncRead: false }));

const SHORT = ["--model", "cnn", "--train-size", "500", "--val-size", "500", "--epochs", "1"];
/** Held-out digits classified in-process and by `predict`. */
const N = 12;

const silent: Output = {
  log: () => undefined,
  error: () => undefined,
  interactive: false,
  barStream: process.stderr,
};

type Final = { accuracy: number; loss: number; confusion: number[][] };
const finalOf = (dir: string): Final =>
  JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")).final;

let work: string;
let run: string;
let first: CliResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "nn-train-cnn-"));
  run = join(work, "run");
  first = await runCli([...SHORT, "--quiet", "--out", run], work);
}, 300_000); // a real CNN training: allow for a loaded 2-core machine

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a short CNN training on the real digits", () => {
  it("exits 0 and reaches far more than chance (10%) on the held-out digits", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("model    cnn 28x28 conv32-pool-conv64-pool-128-10 relu");
    expect(first.stdout).toContain("(421,642 parameters)");
    const final = finalOf(run);
    expect(final.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(final.accuracy).toBeGreaterThan(0.5);
  });

  it("saves PyTorch's nn.Sequential keys and shapes, and the model kind in checkpoint.json", async () => {
    const dir = join(run, "checkpoint");
    const info = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
    expect(info.config.architecture).toEqual({
      model: "cnn",
      inputs: 784,
      hidden: [128],
      classes: 10,
      activation: "relu",
    });
    const tensors = loadSafetensors(readFileSync(join(dir, "model.safetensors")));
    const shapes = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.shape]));
    expect(shapes).toEqual({
      "0.weight": [32, 1, 3, 3],
      "0.bias": [32],
      "3.weight": [64, 32, 3, 3],
      "3.bias": [64],
      "7.weight": [128, 3136],
      "7.bias": [128],
      "9.weight": [10, 128],
      "9.bias": [10],
    });
  });
});

describe("the CNN's checkpoint round trip", () => {
  it("evaluate rebuilds the CNN and prints the training run's own final held-out figures", async () => {
    const r = await runCli(["evaluate", "--checkpoint", run], work);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const final = finalOf(run);
    const correct = final.confusion.reduce((s, row, i) => s + (row[i] as number), 0);
    expect(r.stdout).toContain(
      `held-out set accuracy ${(final.accuracy * 100).toFixed(2)}% (${correct} / 500)  loss ${final.loss.toFixed(4)}`,
    );
  });

  it("predict classifies held-out digits saved as PNG as the loaded CNN does in-process", async () => {
    const ckpt = await readCheckpoint(run);
    const { data } = await setUp({ ...ckpt.info.config, backend: "cpu" }, silent);
    const { model } = modelOf(ckpt);
    const x = narrow(data.val.x, 0, 0, N);
    const predicted = Array.from(await noGrad(() => argmax(model.forward(x), 1)).data(), String);
    const { mean, std } = ckpt.info.standardisation;
    const pixels = Array.from(await x.data(), (v) => Number(v) * std + mean);
    const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
    const files = predicted.map((_, i) => {
      const path = join(work, `digit-${i}.png`);
      const data = Uint8Array.from(pixels.slice(i * 784, (i + 1) * 784), byte);
      writeFileSync(path, encode({ width: 28, height: 28, data, channels: 1, depth: 8 }));
      return path;
    });
    const r = await runCli(["predict", "--checkpoint", run, ...files], work);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const top1 = r.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[1]);
    expect(top1).toEqual(predicted);
  });

  it("--resume loads the CNN back (no --model needed): the finished run evaluates the same", async () => {
    const again = join(work, "resumed");
    const r = await runCli(["--resume", run, "--out", again, "--quiet"], work);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("the checkpoint has done all 1 epoch");
    expect(finalOf(again)).toEqual(finalOf(run));
  });
});

describe("what --model refuses: a clear message, exit code 1, no stack trace", () => {
  it("an unknown model lists the choices", async () => {
    expectUserError(
      await runCli(["--model", "resnet"], work),
      /option '--model <kind>' argument 'resnet' is invalid\. Allowed choices are mlp, cnn\./,
    );
  });

  it("--hidden, --depth and --compare with --model cnn", async () => {
    expectUserError(
      await runCli(["--model", "cnn", "--hidden", "64"], work),
      /--hidden cannot be used with --model cnn: the CNN's layers are fixed .*--model mlp/,
    );
    expectUserError(
      await runCli(["--model", "cnn", "--depth", "3"], work),
      /--depth cannot be used with --model cnn/,
    );
    expectUserError(
      await runCli(["--model", "cnn", "--compare", "activation=relu,tanh"], work),
      /--compare cannot be used with --model cnn: the lessons compare MLPs/,
    );
  });

  it("resuming the CNN as an MLP names both", async () => {
    expectUserError(
      await runCli(["--resume", run, "--model", "mlp"], work),
      /holds a CNN, but this run asks for --model mlp; resume without --model/,
    );
  });
});
