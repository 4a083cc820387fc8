/**
 * Shared test helpers: the PyTorch fixtures of tools/gen_optim_fixtures.py (format in its
 * docstring), the two problems in nn ops, and tolerant comparisons.
 */
import { backward } from "@nn/autograd";
import {
  add,
  type DType,
  isTensor,
  matmul,
  mean,
  mul,
  neg,
  slice,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@nn/tensor";
import { type FixtureTensor, loadFixtures, num } from "@nn/testing";
import {
  createOptimizer,
  type Optimizer,
  type OptimizerStateDict,
  type ParamState,
  type StateValue,
} from "../src/index.js";

export type FT = { tensor: FixtureTensor };
export type FixtureState = Record<string, Record<string, unknown>>;
export type ProblemName = "rosenbrock" | "leastSquares";

export interface Trajectory {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  problem: ProblemName;
  negate: boolean;
  dtype: "float64";
  steps: number;
  checkpoints: { step: number; params: FT[] }[];
  finalState: FixtureState;
}

export interface StepCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  dtype: "float32" | "float64";
  params: FT[];
  stateBefore: FixtureState | null;
  grads: (FT | null)[][] | null;
  problem: ProblemName | null;
  negate: boolean;
  expected: { params: FT[]; state: FixtureState };
}

export interface SchedulerCase {
  id: string;
  scheduler: string;
  options: Record<string, unknown>;
  optimizer: { name: string; groups: Record<string, number>[] };
  steps: number;
  metrics?: number[];
  lrs: number[][];
  momenta?: number[][];
}

export interface ClipCase {
  id: string;
  op: "clipGradNorm" | "clipGradValue";
  grads: FT[];
  maxNorm?: number;
  clipValue?: number;
  normType?: number | "inf";
  expected: { grads: FT[]; norm?: FT };
}

export interface OptimFixtures {
  torch: string;
  problems: {
    rosenbrock: { init: FT[] };
    leastSquares: { init: FT[]; x: FT; y: FT };
  };
  trajectories: Trajectory[];
  steps: StepCase[];
  schedulers: SchedulerCase[];
  clip: ClipCase[];
}

export const fixtures = loadFixtures("optim.json") as unknown as OptimFixtures;

/** The fixture tensor as an nn tensor (optionally cast to `dtype`, optionally a leaf that requires grad). */
export function build(t: FT, opts: { dtype?: DType; requiresGrad?: boolean } = {}): Tensor {
  const f = t.tensor;
  return tensor(f.data.map(num), {
    dtype: opts.dtype ?? f.dtype,
    shape: f.shape,
    requiresGrad: opts.requiresGrad,
  });
}

/** The problem's objective on `params` (tensors of `dtype`), negated when asked. */
export function objective(problem: ProblemName, params: Tensor[], negate: boolean): Tensor {
  return tidy(() => {
    let f: Tensor;
    if (problem === "rosenbrock") {
      const p = params[0] as Tensor;
      const x = slice(p, 0, 0, 1);
      const y = slice(p, 0, 1, 2);
      const a = sub(1, x);
      const b = sub(y, mul(x, x));
      f = sum(add(mul(a, a), mul(100, mul(b, b)))); // one element: the sum is exact
    } else {
      const dtype = (params[0] as Tensor).dtype;
      const x = build(fixtures.problems.leastSquares.x, { dtype });
      const y = build(fixtures.problems.leastSquares.y, { dtype });
      const r = sub(add(matmul(x, params[0] as Tensor), params[1] as Tensor), y);
      f = mean(mul(r, r));
    }
    return negate ? neg(f) : f;
  });
}

/** One forward + backward: zeroes the gradients (set to none), fills `.grad`, returns the loss. */
export function lossAndGrad(
  opt: Optimizer,
  problem: ProblemName,
  params: Tensor[],
  negate: boolean,
): Tensor {
  return tidy(() => {
    opt.zeroGrad();
    const loss = objective(problem, params, negate);
    backward(loss);
    return loss;
  });
}

/** A fixture STATE as the `state` of an nn state dict (tensors built in `dtype`). */
export function toState(state: FixtureState, dtype: DType): OptimizerStateDict["state"] {
  const convert = (v: unknown): StateValue => {
    if (Array.isArray(v)) return v.map(convert);
    if (v && typeof v === "object" && "tensor" in v) return build(v as FT, { dtype });
    return v as StateValue;
  };
  const out: OptimizerStateDict["state"] = {};
  for (const [pos, entry] of Object.entries(state)) {
    const s: ParamState = {};
    for (const [k, v] of Object.entries(entry)) s[k] = convert(v);
    out[pos] = s;
  }
  return out;
}

/** Tolerances: |got - expected| <= atol + rtol * |expected|. */
export interface Tol {
  rtol: number;
  atol: number;
}

function close(got: number, expected: number, tol: Tol): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(got);
  return got === expected || Math.abs(got - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

/** A message describing the first mismatch between `actual` and the fixture tensor, or undefined. */
export async function tensorMismatch(
  actual: Tensor,
  expected: FT,
  tol: Tol,
): Promise<string | undefined> {
  const e = expected.tensor;
  if (JSON.stringify(actual.shape) !== JSON.stringify(e.shape)) {
    return `shape [${actual.shape}], expected [${e.shape}]`;
  }
  const got = await actual.data();
  for (let i = 0; i < got.length; i++) {
    const g = got[i] as number;
    const x = num(e.data[i]);
    if (!close(g, x, tol)) return `element ${i}: got ${g}, expected ${x}`;
  }
  return undefined;
}

/** Compares a state value (tensor, number, list) with a fixture one; returns mismatch messages. */
export async function stateMismatches(
  actual: StateValue | undefined,
  expected: unknown,
  tol: Tol,
  path: string,
): Promise<string[]> {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected a list of ${expected.length}, got ${String(actual)}`];
    }
    const out: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      out.push(...(await stateMismatches(actual[i], expected[i], tol, `${path}[${i}]`)));
    }
    return out;
  }
  if (expected && typeof expected === "object" && "tensor" in expected) {
    if (!isTensor(actual)) return [`${path}: expected a tensor, got ${String(actual)}`];
    const m = await tensorMismatch(actual, expected as FT, tol);
    return m ? [`${path}: ${m}`] : [];
  }
  if (typeof expected === "number") {
    return typeof actual === "number" && close(actual, expected, tol)
      ? []
      : [`${path}: got ${String(actual)}, expected ${expected}`];
  }
  return actual === expected
    ? []
    : [`${path}: got ${String(actual)}, expected ${String(expected)}`];
}

/** Mismatches between an optimizer's state and a fixture STATE (keys and values). */
export async function optimizerStateMismatches(
  opt: Optimizer,
  expected: FixtureState,
  tol: Tol | ((key: string) => Tol),
): Promise<string[]> {
  const tolOf = typeof tol === "function" ? tol : () => tol;
  const params = opt.params;
  const out: string[] = [];
  const positions = new Set(Object.keys(expected).map(Number));
  params.forEach((p, i) => {
    if (!positions.has(i) && opt.state.has(p)) out.push(`state of param ${i}: unexpected`);
  });
  for (const [pos, entry] of Object.entries(expected)) {
    const state = opt.state.get(params[Number(pos)] as Tensor);
    if (!state) {
      out.push(`state of param ${pos}: missing`);
      continue;
    }
    const keys = Object.keys(state).sort().join(",");
    const want = Object.keys(entry).sort().join(",");
    if (keys !== want) out.push(`state of param ${pos}: keys ${keys}, expected ${want}`);
    for (const [k, v] of Object.entries(entry)) {
      out.push(...(await stateMismatches(state[k], v, tolOf(k), `state[${pos}].${k}`)));
    }
  }
  return out;
}

export const FLOAT32: Tol = { rtol: 1e-4, atol: 1e-6 };
/**
 * LBFGS's curvature history in float32: y = g_k - g_{k-1} loses most of float32's digits to
 * cancellation, so the gradients' last-ulp differences (PyTorch accumulates float32 sums in
 * float32, nn's CPU backend in float64) show at the 1e-3 level in y, 1/(y.s), hDiag and the
 * next direction. The parameters themselves are still compared within 1e-4.
 */
export const LBFGS_FLOAT32_HISTORY: Tol = { rtol: 1e-2, atol: 1e-5 };
export const LBFGS_HISTORY = new Set([
  "d",
  "t",
  "oldDirs",
  "oldStps",
  "ro",
  "hDiag",
  "prevFlatGrad",
]);

export const FLOAT64: Tol = { rtol: 1e-6, atol: 1e-8 };

/**
 * Runs a STEP case: the optimizer on the fixture's parameters (with PyTorch's state before the
 * step loaded through loadStateDict), the given gradients (or, for LBFGS, the closure), and
 * returns the mismatches of parameters and state against PyTorch's.
 */
export async function runStep(c: StepCase): Promise<string[]> {
  const params = c.params.map((t) => build(t, { requiresGrad: true }));
  const opt: Optimizer = createOptimizer(c.optimizer, params, c.options);
  if (c.stateBefore) {
    const { paramGroups } = opt.stateDict();
    opt.loadStateDict({
      optimizer: c.optimizer,
      state: toState(c.stateBefore, c.dtype),
      paramGroups,
    });
  }
  if (c.grads === null) {
    const problem = c.problem as NonNullable<StepCase["problem"]>;
    ((await opt.step(() => lossAndGrad(opt, problem, params, c.negate))) as Tensor).dispose();
  } else {
    for (const grads of c.grads) {
      params.forEach((p, i) => {
        p.grad?.dispose();
        const g = grads[i];
        p.grad = g ? build(g) : null;
      });
      opt.step();
    }
  }
  const tol = c.dtype === "float32" ? FLOAT32 : FLOAT64;
  const problems: string[] = [];
  for (const [i, p] of params.entries()) {
    const m = await tensorMismatch(p, c.expected.params[i] as never, tol);
    if (m) problems.push(`param ${i}: ${m}`);
  }
  const stateTol = (key: string) =>
    c.optimizer === "lbfgs" && c.dtype === "float32" && LBFGS_HISTORY.has(key)
      ? LBFGS_FLOAT32_HISTORY
      : tol;
  problems.push(...(await optimizerStateMismatches(opt, c.expected.state, stateTol)));
  return problems;
}
