/**
 * The backend conformance suite: one set of vitest cases, run against any backend. Expected
 * values come from PyTorch through committed fixtures (tools/gen_fixtures.py). A case runs only
 * where the backend declares support for its dtypes and, if it holds NaN or ±inf, for IEEE
 * special values; the skipped cases are listed in a final test.
 */
import * as nn from "@nn/tensor";
import { type Backend, type DataArray, isTensor, setBackend, type Tensor } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildTensor,
  type FixtureCase,
  type FixtureTensor,
  isSpecial,
  loadFixtures,
  num,
} from "./fixtures.js";

/** Tolerances per dtype: |actual - expected| <= atol + rtol * |expected|. */
export const TOLERANCE = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
} as const;

/** A fixture case where nn differs from PyTorch on purpose: why, and where. */
export interface DeliberateDifference {
  reason: string;
  /** The backends (`Backend.name`) that differ; every backend when absent. */
  backends?: readonly string[];
}

/**
 * Fixture cases where nn differs from PyTorch on purpose, with the reason. They are reported
 * with the skipped cases, never silently dropped.
 */
export const DELIBERATE_DIFFERENCES: Readonly<Record<string, DeliberateDifference>> = {
  "sum/precision/float32": {
    backends: ["webgpu"],
    reason:
      "the WebGPU backend sums float32 with Neumaier's compensation (exact 2 for [1e8, 1, -1e8, 1]); PyTorch's float32 accumulator, like the CPU backend's, loses a 1",
  },
  "oneHot/infer": {
    reason:
      "numClasses -1 would infer the count by reading data back, which nn does only where a user asks; pass numClasses",
  },
};

/**
 * Ops whose float32 results are sums of many terms get a looser bound: PyTorch accumulates in
 * float32, and so do the CPU backend's Wasm matmul, its float32 sums (and so mean, variance,
 * std, logsumexp) and the WebGPU matmul, each in its own order. A float32 sum of K terms in order
 * is within about K · 2^-24 · Σ|a·b| of the exact one, a tree of depth d within d · 2^-24 · Σ|a|;
 * the matmul fixtures reduce at most K = 8 terms and the reduction fixtures at most 24 (about
 * 1.5e-6 of Σ|a| for either order), so 1e-4 relative holds unless terms cancel, and the CPU's
 * float32 matmul passes it on both its plain- and relaxed-SIMD kernels. Larger reductions are
 * checked against these bounds in backend-cpu's own tests.
 */
const ACCUMULATING = new Set(["matmul", "variance", "std", "logsumexp", "mean", "sum", "prod"]);

function tensorsIn(x: unknown, out: FixtureTensor[] = []): FixtureTensor[] {
  if (Array.isArray(x)) for (const v of x) tensorsIn(v, out);
  else if (x && typeof x === "object" && "tensor" in x)
    out.push((x as { tensor: FixtureTensor }).tensor);
  return out;
}

function hasSpecial(c: FixtureCase): boolean {
  const scalars = JSON.stringify(c.args).includes('"number"');
  return scalars || tensorsIn([c.args, c.expected]).some((t) => t.data.some(isSpecial));
}

/** Why `backend` cannot run case `c`, or undefined when it can. */
export function skipReason(c: FixtureCase, backend: Backend): string | undefined {
  const deliberate = DELIBERATE_DIFFERENCES[c.id];
  if (deliberate && (deliberate.backends?.includes(backend.name) ?? true)) {
    return `deliberate difference: ${deliberate.reason}`;
  }
  const dtypes = new Set(tensorsIn([c.args, c.expected]).map((t) => t.dtype));
  for (const a of c.args)
    if (typeof a === "string" && ["float32", "float64", "int32", "bool"].includes(a))
      dtypes.add(a as never);
  const missing = [...dtypes].filter((d) => !backend.capabilities.dtypes.includes(d));
  if (missing.length) return `dtype ${missing.join(", ")} not supported`;
  if (!backend.capabilities.ieeeSpecials && hasSpecial(c))
    return "IEEE special values not supported";
  const caps = backend.capabilities as unknown as Record<string, unknown>;
  const unmet = (c.requires ?? []).filter((r) => caps[r] !== true);
  if (unmet.length) return `needs capability ${unmet.join(", ")}`;
  return undefined;
}

function buildArg(a: unknown, backend: Backend): unknown {
  if (Array.isArray(a)) return a.map((x) => buildArg(x, backend));
  if (a && typeof a === "object") {
    if ("tensor" in a) return buildTensor((a as { tensor: FixtureTensor }).tensor, backend);
    if ("number" in a) return num((a as { number: string }).number);
  }
  return a;
}

/** Compares a tensor with a fixture; returns a message on mismatch. */
export async function mismatch(
  op: string,
  actual: Tensor,
  expected: FixtureTensor,
): Promise<string | undefined> {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    return `shape [${actual.shape}], expected [${expected.shape}]`;
  }
  const got: DataArray = await actual.data();
  const tol = TOLERANCE[expected.dtype];
  const rtol = expected.dtype === "float32" && ACCUMULATING.has(op) ? 1e-4 : tol.rtol;
  for (let i = 0; i < got.length; i++) {
    const e = num(expected.data[i]);
    const g = got[i] as number;
    if (
      Number.isNaN(e)
        ? !Number.isNaN(g)
        : !(g === e || Math.abs(g - e) <= tol.atol + rtol * Math.abs(e))
    ) {
      return `element ${i}: got ${g}, expected ${e} (rtol ${rtol}, atol ${tol.atol})`;
    }
  }
  return undefined;
}

function disposeAll(x: unknown): void {
  if (isTensor(x)) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
}

/** Runs one fixture case on `backend`; throws (fails the test) on any mismatch. */
export async function runCase(c: FixtureCase, backend: Backend): Promise<void> {
  const fn = (nn as unknown as Record<string, (...args: unknown[]) => unknown>)[c.op];
  if (typeof fn !== "function") throw new Error(`fixture op ${c.op} is not exported by @nn/tensor`);
  const expected = c.expected;
  if ("error" in expected) {
    let args: unknown[] = [];
    let thrown: unknown;
    try {
      args = c.args.map((a) => buildArg(a, backend));
      disposeAll(fn(...args));
    } catch (e) {
      thrown = e;
    } finally {
      disposeAll(args);
    }
    expect(thrown, `${c.id}: expected ${expected.error}`).toBeInstanceOf(Error);
    expect((thrown as Error).name, `${c.id}: ${(thrown as Error).message}`).toBe(expected.error);
    expect((thrown as Error).message.length).toBeGreaterThan(10);
    return;
  }
  const args = c.args.map((a) => buildArg(a, backend));
  try {
    const out = fn(...args);
    const outs = Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
    const exps = Array.isArray(expected) ? expected : [expected];
    expect(outs.length, `${c.id}: number of outputs`).toBe(exps.length);
    for (let i = 0; i < outs.length; i++) {
      const m = await mismatch(
        c.op,
        outs[i] as Tensor,
        (exps[i] as { tensor: FixtureTensor }).tensor,
      );
      if (m) expect.fail(`${c.id}: ${m}`);
    }
    disposeAll(outs);
  } finally {
    disposeAll(args);
  }
}

/**
 * Registers the conformance suite for a backend: every fixture case (grouped by op), plus a
 * final test listing the cases the backend's declared capabilities left out.
 */
export function describeConformance(name: string, factory: () => Backend | Promise<Backend>): void {
  describe(`conformance: ${name}`, () => {
    const { cases } = loadFixtures("ops.json");
    let backend: Backend;
    const skipped: string[] = [];
    beforeAll(async () => {
      backend = await factory();
      setBackend(backend);
    });
    afterAll(() => backend?.destroy?.());
    const byOp = new Map<string, FixtureCase[]>();
    for (const c of cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
    for (const [op, list] of byOp) {
      describe(op, () => {
        for (const c of list) {
          it(c.id, async (ctx) => {
            const why = skipReason(c, backend);
            if (why) {
              skipped.push(`${c.id}: ${why}`);
              ctx.skip(why);
            }
            await runCase(c, backend);
          });
        }
      });
    }
    it("lists the cases left out by declared capabilities", () => {
      if (skipped.length)
        console.info(`[${name}] ${skipped.length} cases left out:\n  ${skipped.join("\n  ")}`);
      expect(skipped.length).toBeLessThanOrEqual(cases.length);
    });
  });
}
