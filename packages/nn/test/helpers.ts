/** Shared test helpers: the nn fixtures (tools/gen_nn_fixtures.py) and layer construction from their configs. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpu } from "@nn/backend-cpu";
import { type Backend, type DType, setBackend, type Tensor } from "@nn/tensor";
import { buildTensor, type FixtureTensor, mismatch } from "@nn/testing";
import { expect } from "vitest";
import {
  BatchNorm1d,
  Embedding,
  Flatten,
  Identity,
  LayerNorm,
  Linear,
  type Module,
  PReLU,
  Sequential,
} from "../src/index.js";

export type T = { tensor: FixtureTensor };

/** A backend without sync reads, like a GPU: library code must never read synchronously. */
export function useAsyncCpu(): Backend {
  return setBackend(cpu({ syncRead: false }));
}

/** The path of a file in packages/testing/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../testing/fixtures/${name}`, import.meta.url));
}

/** nn.json, parsed. */
export function nnFixtures(): NNFixtures {
  return JSON.parse(readFileSync(fixturePath("nn.json"), "utf8"));
}

export interface LayerCase {
  id: string;
  layer: string;
  config: Record<string, unknown>;
  dtype: DType;
  training: boolean;
  state: Record<string, T>;
  input: T;
  gradOutput: T;
  output: T;
  inputGrad: T | null;
  paramGrads: Record<string, T>;
  stateAfter: Record<string, T>;
}

export interface LossCase {
  id: string;
  loss: string;
  input: T;
  target: T;
  options: Record<string, unknown>;
  output: T;
  gradOutput: T;
  grads: { input: T; target: T | null };
}

export interface NNFixtures {
  torch: string;
  layers: LayerCase[];
  losses: LossCase[];
  init: {
    fn: string;
    shape: number[];
    options: Record<string, unknown>;
    fanIn: number;
    fanOut: number;
    gain: number;
    bound: number;
    std: number;
  }[];
  gains: { nonlinearity: string; param: number | null; gain: number }[];
  safetensors: {
    tensors: { file: string; metadata: Record<string, string>; values: Record<string, T> };
    model: {
      file: string;
      layers: { layer: string; config: Record<string, unknown> }[];
      input: T;
      output: T;
    };
  };
}

/** Builds a layer from a fixture config (the TS constructor options). */
export function buildLayer(
  kind: string,
  config: Record<string, unknown>,
  dtype: DType = "float32",
): Module {
  const c = config as Record<string, never>;
  switch (kind) {
    case "Linear":
      return new Linear(c.inFeatures, c.outFeatures, { bias: c.bias, dtype });
    case "LayerNorm":
      return new LayerNorm(c.normalizedShape, {
        eps: c.eps,
        elementwiseAffine: c.elementwiseAffine,
        dtype,
      });
    case "BatchNorm1d":
      return new BatchNorm1d(c.numFeatures, {
        eps: c.eps,
        momentum: c.momentum,
        affine: c.affine,
        trackRunningStats: c.trackRunningStats,
        dtype,
      });
    case "Embedding":
      return new Embedding(c.numEmbeddings, c.embeddingDim, { paddingIdx: c.paddingIdx, dtype });
    case "PReLU":
      return new PReLU({ numParameters: c.numParameters, init: c.init, dtype });
    case "Flatten":
      return new Flatten(c.startDim, c.endDim);
    case "Identity":
      return new Identity();
    case "Sequential":
      return new Sequential(
        ...(config.layers as { layer: string; config: Record<string, unknown> }[]).map((l) =>
          buildLayer(l.layer, l.config, dtype),
        ),
      );
  }
  throw new Error(`unknown layer ${kind}`);
}

/** Builds a fixture tensor on the current backend. */
export function build(t: T, backend: Backend): Tensor {
  return buildTensor(t.tensor, backend);
}

/** Expects `actual` to match the fixture tensor (tolerances per dtype, as the conformance suite). */
export async function expectClose(
  what: string,
  actual: Tensor | null | undefined,
  expected: T,
  op = "nn",
): Promise<void> {
  expect(actual, `${what}: missing`).toBeTruthy();
  const msg = await mismatch(op, actual as Tensor, expected.tensor);
  expect(msg, what).toBeUndefined();
}
