/**
 * PyTorch parity of maxPool2d, avgPool2d, adaptiveAvgPool2d and BatchNorm2d as a function of a
 * backend factory, so the same cases run on every backend (`describePoolParity("webgpu", ...)`):
 * values, indices, input gradients, parameter gradients and running statistics. Expected values:
 * packages/testing/fixtures/pool.json, written by tools/gen_pool_fixtures.py with PyTorch 1.13
 * (format in its docstring).
 */
import { backward } from "@nn/autograd";
import { type Backend, type DType, memory, setBackend, type Tensor } from "@nn/tensor";
import { type FixtureTensor, isSpecial, loadFixtures } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adaptiveAvgPool2d, avgPool2d, BatchNorm2d, maxPool2d } from "../src/index.js";
import { build, expectClose, type LayerCase, type T } from "./helpers.js";

interface PoolCase {
  id: string;
  op: "maxPool2d" | "avgPool2d" | "adaptiveAvgPool2d";
  input: T;
  kernelSize: number | [number, number] | null;
  outputSize: number | [number | null, number | null] | null;
  options: Record<string, unknown>;
  output: T;
  indices: T | null;
  gradOutput: T;
  grad: T;
}
/** pool.json (see the generator's docstring). */
export interface PoolFixtures {
  torch: string;
  pool: PoolCase[];
  layers: LayerCase[];
  errors: {
    id: string;
    op: PoolCase["op"];
    shape: number[];
    kernelSize?: number | number[];
    outputSize?: number | number[];
    options: Record<string, unknown>;
    error: string;
  }[];
}
export const poolFixtures = loadFixtures("pool.json") as unknown as PoolFixtures;
const fixtures = poolFixtures;

function tensorsOf(x: unknown): FixtureTensor[] {
  if (Array.isArray(x)) return x.flatMap(tensorsOf);
  if (x && typeof x === "object") {
    if ("tensor" in x) return [(x as T).tensor];
    return Object.values(x).flatMap(tensorsOf);
  }
  return [];
}

/** Why `backend` cannot run a case (a dtype it lacks, or NaN/±inf where it does not promise IEEE). */
function skipReason(c: object, backend: Backend): string | undefined {
  const ts = tensorsOf(c);
  const missing = ts.map((t) => t.dtype).filter((d) => !backend.capabilities.dtypes.includes(d));
  if (missing.length) return `dtype ${missing[0]} not supported`;
  if (!backend.capabilities.ieeeSpecials && ts.some((t) => t.data.some(isSpecial)))
    return "IEEE special values not supported";
  return undefined;
}

function pool(c: PoolCase, x: Tensor): [Tensor, Tensor | null] {
  if (c.op === "maxPool2d")
    return maxPool2d(x, c.kernelSize as number, { ...c.options, returnIndices: true });
  if (c.op === "avgPool2d") return [avgPool2d(x, c.kernelSize as number, c.options), null];
  return [adaptiveAvgPool2d(x, c.outputSize as number), null];
}

async function runPoolCase(c: PoolCase, backend: Backend): Promise<void> {
  const x = build(c.input, backend);
  x.requiresGrad = true;
  const [out, indices] = pool(c, x);
  // Sums of window elements (and the adaptive path's matrix products) round in their own order.
  await expectClose(`${c.id} output`, out, c.output, "mean");
  if (c.indices) await expectClose(`${c.id} indices`, indices, c.indices);
  const g = build(c.gradOutput, backend);
  backward(out, g);
  await expectClose(`${c.id} input grad`, x.grad, c.grad, "mean");
  for (const t of [x.grad, x, out, indices, g]) t?.dispose();
}

async function runBatchNorm2dCase(c: LayerCase, backend: Backend): Promise<void> {
  const cfg = c.config as Record<string, never>;
  const layer = new BatchNorm2d(cfg.numFeatures, { ...cfg, dtype: c.dtype as DType, backend });
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, build(v, backend)]));
  expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
  layer.loadStateDict(state);
  for (const t of Object.values(state)) t.dispose();
  layer.train(c.training);
  const x = build(c.input, backend);
  x.requiresGrad = true;
  const out = layer.forward(x);
  await expectClose(`${c.id} output`, out, c.output, "mean");
  const g = build(c.gradOutput, backend);
  backward(out, g);
  await expectClose(`${c.id} input grad`, x.grad, c.inputGrad as T, "mean");
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params).sort()).toEqual(Object.keys(c.paramGrads).sort());
  for (const [k, expected] of Object.entries(c.paramGrads))
    await expectClose(`${c.id} grad of ${k}`, params[k]?.grad, expected, "mean");
  const after = layer.stateDict();
  for (const [k, expected] of Object.entries(c.stateAfter))
    await expectClose(`${c.id} ${k} after forward`, after[k] as Tensor, expected, "mean");
  for (const t of [x.grad, x, out, g]) t?.dispose();
  layer.dispose();
}

/**
 * Registers every pool.json case for the backend `makeBackend` makes; cases it cannot run (a
 * dtype it lacks, NaN/±inf where it does not promise IEEE values) are listed, not failed.
 */
export function describePoolParity(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
): void {
  describe(`pooling and BatchNorm2d against PyTorch ${fixtures.torch} on ${name}`, () => {
    let backend: Backend;
    const skipped: string[] = [];
    beforeAll(async () => {
      backend = setBackend(await makeBackend());
    });
    afterAll(() => {
      if (skipped.length) console.info(`[${name}] left out:\n  ${skipped.join("\n  ")}`);
    });

    for (const c of fixtures.pool) {
      it(c.id, async () => {
        const why = skipReason(c, backend);
        if (why) return void skipped.push(`${c.id}: ${why}`);
        await runPoolCase(c, backend);
      });
    }
    for (const c of fixtures.layers) {
      it(c.id, async () => {
        const why = skipReason(c, backend);
        if (why) return void skipped.push(`${c.id}: ${why}`);
        await runBatchNorm2dCase(c, backend);
      });
    }
    it("leaves no tensors behind", async () => {
      const before = memory(backend).tensors;
      for (const c of fixtures.pool) if (!skipReason(c, backend)) await runPoolCase(c, backend);
      expect(memory(backend).tensors).toBe(before);
    });
  });
}
