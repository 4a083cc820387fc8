/**
 * PyTorch parity of pad, unfold, conv1d and conv2d, values and gradients, as a function of a
 * backend factory so that the same cases run on every backend (`describeConvParity("webgpu",
 * ...)`). Expected values: packages/testing/fixtures/conv.json, written by
 * tools/gen_conv_fixtures.py with PyTorch 1.13 (format in its docstring).
 */
import { computeGrad } from "@nn/autograd";
import {
  type Backend,
  dispose,
  isFloating,
  isTensor,
  pad,
  setBackend,
  type Tensor,
  unfold,
} from "@nn/tensor";
import { buildTensor, type FixtureTensor, loadFixtures, mismatch } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nn from "../src/index.js";

type T = { tensor: FixtureTensor };

/** One fixture case (see the generator's docstring). */
export interface ConvCase {
  id: string;
  op: string;
  args: unknown[];
  gradOutput: T | null;
  expected: { value: T; grads: (T | null)[] } | { error: string };
}

type Fn = (...args: unknown[]) => Tensor;

/** The ops the fixtures name, from the package that owns each. */
const OPS: Record<string, Fn> = {
  pad: pad as Fn,
  unfold: unfold as Fn,
  ...Object.fromEntries(
    ["conv1d", "conv2d"]
      .filter((op) => op in nn)
      .map((op) => [op, (nn as unknown as Record<string, Fn>)[op] as Fn]),
  ),
};

const isFixtureTensor = (a: unknown): a is T => !!a && typeof a === "object" && "tensor" in a;

/** Runs one case on `backend`; resolves to the list of mismatches (empty when it passes). */
export async function runConvCase(c: ConvCase, backend: Backend): Promise<string[]> {
  const fn = OPS[c.op];
  if (!fn) return [`${c.op} is not implemented`];
  const leaves: Tensor[] = [];
  const args = c.args.map((a) => {
    if (!isFixtureTensor(a)) return a;
    const t = buildTensor(a.tensor, backend);
    if (isFloating(t.dtype)) {
      t.requiresGrad = true;
      leaves.push(t);
    }
    return t;
  });
  try {
    if ("error" in c.expected) {
      const want = c.expected.error;
      let thrown: unknown;
      try {
        dispose(fn(...args));
      } catch (e) {
        thrown = e;
      }
      if (!(thrown instanceof Error)) return [`expected ${want}, nothing was thrown`];
      return thrown.name === want
        ? []
        : [`expected ${want}, got ${thrown.name}: ${thrown.message}`];
    }
    const out = fn(...args);
    const problems: string[] = [];
    const push = (what: string, m: string | undefined) => m && problems.push(`${what}: ${m}`);
    // Convolutions are sums of products: the conformance suite's looser float32 bound for them.
    const kind = c.op.startsWith("conv") ? "matmul" : c.op;
    push("value", await mismatch(kind, out, c.expected.value.tensor));
    const go = buildTensor((c.gradOutput as T).tensor, backend);
    const grads = computeGrad([out], leaves, { gradOutputs: [go], allowUnused: true });
    let j = 0;
    for (const e of c.expected.grads) {
      if (e === null) continue;
      const g = grads[j++];
      if (!g) problems.push(`grad ${j - 1}: missing`);
      else push(`grad ${j - 1}`, await mismatch(kind, g, e.tensor));
    }
    dispose([out, go, grads]);
    return problems;
  } finally {
    dispose(args.filter(isTensor));
  }
}

/**
 * Registers the parity suite on a backend: every fixture case, grouped by op, plus a final test
 * listing the cases the backend's dtypes left out.
 */
export function describeConvParity(name: string, factory: () => Backend | Promise<Backend>): void {
  describe(`pad, unfold and convolutions match PyTorch: ${name}`, () => {
    let backend: Backend;
    const skipped: string[] = [];
    beforeAll(async () => {
      backend = await factory();
      setBackend(backend);
    });
    afterAll(() => backend?.destroy?.());
    const { cases } = loadFixtures("conv.json") as unknown as { cases: ConvCase[] };
    const byOp = new Map<string, ConvCase[]>();
    for (const c of cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
    for (const [op, opCases] of byOp) {
      describe(op, () => {
        for (const c of opCases) {
          it(c.id, async (ctx) => {
            if (
              JSON.stringify(c).includes('"float64"') &&
              !backend.capabilities.dtypes.includes("float64")
            ) {
              skipped.push(`${c.id}: float64 not supported`);
              ctx.skip("float64 not supported");
            }
            expect(await runConvCase(c, backend)).toEqual([]);
          });
        }
      });
    }
    it("lists the cases left out", () => {
      if (skipped.length) console.info(`[${name}] left out:\n  ${skipped.join("\n  ")}`);
      expect(skipped.length).toBeLessThan(cases.length);
    });
  });
}
