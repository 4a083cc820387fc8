import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sequential } from "@nn/nn";
import { argmax, noGrad, tensor } from "@nn/tensor";
import { type Digits, PIXELS, sliceDigits, TRAIN } from "../src/digits.js";

const TRAIN_CLI = fileURLToPath(new URL("../../train/bin/train.mjs", import.meta.url));

/**
 * Runs `pnpm train` (apps/train's CLI) for one short epoch on the CPU and returns its run
 * directory; its weights are `checkpoint/model.safetensors`.
 */
export function trainCheckpoint(): string {
  const out = join(mkdtempSync(join(tmpdir(), "nn-playground-")), "run");
  execFileSync(
    process.execPath,
    [TRAIN_CLI, "--epochs", "1", "--train-size", "1000", "--hidden", "32", "--quiet", "--out", out],
    { stdio: "pipe" },
  );
  return out;
}

/** apps/train's own loader (what `pnpm train predict` uses): the reference the page must match. */
export async function loadWithTrainApp(dir: string): Promise<{
  model: Sequential;
  standardisation: { mean: number; std: number };
}> {
  const url = new URL("../../train/src/inference/load.ts", import.meta.url).href;
  const load = (await import(/* @vite-ignore */ url)) as {
    readModelCheckpoint(
      path: string,
    ): Promise<{ info: { standardisation: { mean: number; std: number } } }>;
    modelOf(c: unknown): { model: Sequential };
  };
  const checkpoint = await load.readModelCheckpoint(dir);
  return {
    model: load.modelOf(checkpoint).model,
    standardisation: checkpoint.info.standardisation,
  };
}

/**
 * apps/train's own classes for the held-out digits (`digits` from TRAIN on), standardised as its
 * checkpoint in `dir` says: what the page's predictions must equal.
 */
export async function trainAppPredictions(
  dir: string,
  digits: Digits,
): Promise<{ predictions: number[]; standardisation: { mean: number; std: number } }> {
  const reference = await loadWithTrainApp(dir);
  const { mean, std } = reference.standardisation;
  const held = sliceDigits(digits, TRAIN, digits.count);
  const x = tensor(
    Float32Array.from(held.images, (v) => (v - mean) / std),
    { shape: [held.count, PIXELS] },
  );
  const predictions = Array.from(
    await noGrad(() => argmax(reference.model.forward(x), 1)).data(),
    Number,
  );
  return { predictions, standardisation: reference.standardisation };
}
