/**
 * PyTorch parity of every activation, value and gradient, as a function of a backend factory so
 * that the same cases run on every backend (`describeActivationParity("webgpu", webgpu)`).
 * Expected values: packages/testing/fixtures/activations.json, written by
 * tools/gen_activation_fixtures.py with PyTorch 1.13 (format in its docstring).
 */
import { computeGrad } from "@nn/autograd";
import { type Backend, dispose, isFloating, isTensor, setBackend, type Tensor } from "@nn/tensor";
import { buildTensor, type FixtureTensor, loadFixtures, num } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activations from "../src/index.js";

type T = { tensor: FixtureTensor };

/** One fixture case (see the generator's docstring). */
export interface ActivationCase {
  id: string;
  op: string;
  args: (T | number | Record<string, unknown>)[];
  gradOutput: T | null;
  expected: { value: T; grads: (T | null)[] } | { error: string };
}

/** The fixture cases. */
export const fixtureCases = (): ActivationCase[] =>
  (loadFixtures("activations.json") as unknown as { cases: ActivationCase[] }).cases;

/**
 * Tolerances, |actual - expected| <= atol + rtol |expected|, as the conformance suite's. float32
 * needs them: PyTorch evaluates exp/log1p/erf/tanh in float32 arithmetic (its float32 erf is off
 * by 2 ulps at gelu(-3)), the CPU backend in double rounded to float32, and the softmax family's
 * sums cancel. float64 results agree to a few ulps (libm versus V8's fdlibm ports; cancellations
 * such as gelu's 1 + erf near -6 differ by about 1e-16 absolute, within atol).
 */
export const TOLERANCES = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
} as const;

/** A place where nn differs from PyTorch 1.13 on purpose, with the reason. */
export interface DeliberateDifference {
  readonly op: string;
  readonly what: "value" | "grad";
  readonly dtype?: "float32" | "float64";
  /** Selects the elements by input value (default: all). */
  readonly at?: (x: number) => boolean;
  /** What nn gives there instead of PyTorch's value. */
  readonly value?: number;
  /** The relative bound that holds there instead. */
  readonly rtol?: number;
  readonly reason: string;
}

/** Every deliberate difference; the parity suite reports them, never drops them silently. */
export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    op: "softshrink",
    what: "value",
    at: Number.isNaN,
    value: Number.NaN,
    reason:
      "softshrink(NaN) is NaN in nn (NaN propagates, as the issue asks); PyTorch 1.13 returns 0, a bug fixed upstream by pytorch/pytorch#138421 (issue #138385)",
  },
  {
    op: "hardsigmoid",
    what: "grad",
    dtype: "float64",
    rtol: 1e-7,
    reason:
      "PyTorch 1.13's float64 hardsigmoid_backward multiplies by the float32 constant 1/6 (0.1666666716...); nn uses the float64 1/6",
  },
];

type Fn = (...args: unknown[]) => Tensor;

function close(got: number, want: number, dtype: "float32" | "float64", rtol?: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (got === want) return true;
  const tol = TOLERANCES[dtype];
  return Math.abs(got - want) <= tol.atol + (rtol ?? tol.rtol) * Math.abs(want);
}

/** The deliberate difference that applies to element `i` (input value `x`), if any. */
type Override = (i: number) => DeliberateDifference | undefined;

/** Compares a tensor with a fixture tensor; returns the mismatches (at most 5) as text. */
export async function compare(
  what: string,
  actual: Tensor,
  expected: FixtureTensor,
  override: Override = () => undefined,
): Promise<string[]> {
  if (actual.dtype !== expected.dtype)
    return [`${what}: dtype ${actual.dtype}, expected ${expected.dtype}`];
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    return [`${what}: shape [${actual.shape}], expected [${expected.shape}]`];
  }
  const got = await actual.data();
  const out: string[] = [];
  for (let i = 0; i < got.length && out.length < 5; i++) {
    const d = override(i);
    const want = d?.value ?? num(expected.data[i]);
    if (!close(got[i] as number, want, expected.dtype as "float32" | "float64", d?.rtol)) {
      out.push(`${what}[${i}]: got ${got[i]}, expected ${want}`);
    }
  }
  return out;
}

/** Runs one case on `backend`; resolves to the list of mismatches (empty when it passes). */
export async function runActivationCase(c: ActivationCase, backend: Backend): Promise<string[]> {
  const fn = (activations as unknown as Record<string, Fn>)[c.op];
  if (typeof fn !== "function") return [`${c.op} is not exported by @nn/activations`];
  const leaves: Tensor[] = [];
  const args = c.args.map((a) => {
    if (a && typeof a === "object" && "tensor" in a) {
      const t = buildTensor((a as T).tensor, backend);
      if (isFloating(t.dtype)) t.requiresGrad = true;
      leaves.push(t);
      return t;
    }
    return a;
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
    const input = await (leaves[0] as Tensor).data();
    const overrideOf =
      (what: "value" | "grad"): Override =>
      (i) =>
        DELIBERATE_DIFFERENCES.find(
          (d) =>
            d.op === c.op &&
            d.what === what &&
            (d.dtype === undefined || d.dtype === out.dtype) &&
            (d.at === undefined || d.at(Number(input[i]))),
        );
    const problems = await compare("value", out, c.expected.value.tensor, overrideOf("value"));
    const go = buildTensor((c.gradOutput as T).tensor, backend);
    const grads = computeGrad([out], leaves, { gradOutputs: [go], allowUnused: true });
    let j = 0;
    for (const e of c.expected.grads) {
      if (e === null) continue;
      const g = grads[j];
      const leaf = leaves[j++] as Tensor;
      if (!g) problems.push(`grad ${j - 1}: missing (shape [${leaf.shape}])`);
      else problems.push(...(await compare(`grad ${j - 1}`, g, e.tensor, overrideOf("grad"))));
    }
    dispose([out, go, grads]);
    return problems;
  } finally {
    dispose(args.filter(isTensor));
  }
}

const SPECIAL = /"(nan|inf|-inf)"/;

/**
 * The finite part of an elementwise case (one 1-d tensor argument): the elements whose input,
 * expected value and expected gradient are all finite. Undefined for other cases. Backends that
 * do not declare IEEE special values (WGSL may drop NaN and inf) still run the large finite
 * inputs (±90, ±1e4, ...) of every grid this way.
 */
export function finitePart(c: ActivationCase): ActivationCase | undefined {
  const tensors = c.args.filter((a) => a && typeof a === "object" && "tensor" in a) as T[];
  const x = tensors[0]?.tensor;
  if (tensors.length !== 1 || !x || x.shape.length !== 1 || x.view !== null) return undefined;
  if ("error" in c.expected || !c.gradOutput) return undefined;
  const { value, grads } = c.expected;
  const grad = grads[0] as T;
  const keep = x.data
    .map((_, i) => i)
    .filter((i) =>
      [x.data[i], value.tensor.data[i], grad.tensor.data[i], c.gradOutput?.tensor.data[i]].every(
        (v) => Number.isFinite(num(v)),
      ),
    );
  const pick = (t: T): T => ({
    tensor: {
      ...t.tensor,
      shape: [keep.length],
      data: keep.map((i) => t.tensor.data[i] as number),
    },
  });
  return {
    ...c,
    args: c.args.map((a) => (a === tensors[0] ? pick(a as T) : a)),
    gradOutput: pick(c.gradOutput),
    expected: { value: pick(value), grads: grads.map((g) => (g ? pick(g) : g)) },
  };
}

/**
 * How `backend` runs case `c`: as it is, as its finite part (no IEEE special values declared),
 * or not at all (with the reason: a dtype it does not declare, or special values it cannot hold).
 */
export function planCase(
  c: ActivationCase,
  backend: Backend,
): { run: ActivationCase } | { skip: string } {
  const text = JSON.stringify(c);
  if (text.includes('"float64"') && !backend.capabilities.dtypes.includes("float64")) {
    return { skip: "float64 not supported" };
  }
  if (!backend.capabilities.ieeeSpecials && SPECIAL.test(text)) {
    const finite = finitePart(c);
    return finite ? { run: finite } : { skip: "IEEE special values not supported" };
  }
  return { run: c };
}

/**
 * Registers the parity suite on a backend: every fixture case, grouped by activation, plus a
 * final test listing deliberate differences and what the backend's capabilities left out.
 */
export function describeActivationParity(
  name: string,
  factory: () => Backend | Promise<Backend>,
): void {
  describe(`activations match PyTorch: ${name}`, () => {
    let backend: Backend;
    const skipped: string[] = [];
    const finiteOnly: string[] = [];
    beforeAll(async () => {
      backend = await factory();
      setBackend(backend);
    });
    afterAll(() => backend?.destroy?.());
    const byOp = new Map<string, ActivationCase[]>();
    for (const c of fixtureCases()) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
    for (const [op, cases] of byOp) {
      describe(op, () => {
        for (const c of cases) {
          it(c.id, async (ctx) => {
            const plan = planCase(c, backend);
            if ("skip" in plan) {
              skipped.push(`${c.id}: ${plan.skip}`);
              ctx.skip(plan.skip);
              return;
            }
            if (plan.run !== c) finiteOnly.push(c.id);
            const problems = await runActivationCase(plan.run, backend);
            expect(problems, c.id).toEqual([]);
          });
        }
      });
    }
    it("reports deliberate differences and skipped cases", () => {
      const lines = [
        ...DELIBERATE_DIFFERENCES.map((d) => `deliberate: ${d.op}: ${d.reason}`),
        ...(finiteOnly.length
          ? [`${finiteOnly.length} cases ran on their finite inputs only (no IEEE specials)`]
          : []),
        ...skipped.map((s) => `skipped: ${s}`),
      ];
      console.info(`[${name}] ${lines.join("\n  ")}`);
      expect(DELIBERATE_DIFFERENCES.length).toBeLessThan(3);
    });
  });
}
