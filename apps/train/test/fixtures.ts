/** The training app's PyTorch fixtures (tools/gen_train_fixtures.py; format documented there). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Backend, Tensor } from "@nn/tensor";
import { buildTensor, type FixtureTensor, num } from "@nn/testing";
import type { Architecture } from "../src/model.js";

type T = { tensor: FixtureTensor };

/** One training case: a small MLP trained in order (no shuffle) by PyTorch. */
export interface TrainingCase {
  id: string;
  architecture: Architecture;
  optimizer: string;
  lr: number;
  batchSize: number;
  epochs: number;
  x: T;
  y: T;
  initial: Record<string, T>;
  perEpoch: { lossSum: number; correct: number; seen: number }[];
  final: Record<string, T>;
  test: { x: T; y: T; loss: number; confusion: number[][] };
}

/** One gradient-norm case: per-layer weight-gradient norms of a deep MLP on one batch. */
export interface GradNormCase {
  id: string;
  architecture: Architecture;
  state: Record<string, T>;
  x: T;
  y: T;
  norms: number[];
}

/** Reads packages/testing/fixtures/train.json. */
export function trainFixtures(): {
  torch: string;
  training: TrainingCase[];
  gradNorms: GradNormCase[];
} {
  const root = dirname(createRequire(import.meta.url).resolve("@nn/testing/package.json"));
  const raw = JSON.parse(readFileSync(join(root, "fixtures", "train.json"), "utf8"));
  for (const c of raw.training) c.lr = num(c.lr);
  return raw;
}

/** A fixture tensor on `backend`. */
export function build(t: T, backend: Backend): Tensor {
  return buildTensor(t.tensor, backend);
}

/** A fixture state dict on `backend`. */
export function buildState(s: Record<string, T>, backend: Backend): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(v, backend)]));
}

/** Largest |a - b| / (atol + rtol |b|) over two arrays: <= 1 means within tolerance. */
export function worstRatio(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol: number,
  atol: number,
): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = b[i] as number;
    worst = Math.max(worst, Math.abs((a[i] as number) - e) / (atol + rtol * Math.abs(e)));
  }
  return worst;
}

/** The numbers of a fixture tensor. */
export function values(t: T): number[] {
  return t.tensor.data.map(num);
}
