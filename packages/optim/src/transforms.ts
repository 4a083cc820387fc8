/**
 * Composable gradient transformations in the style of optax (DeepMind): each is a pair of
 * small functions, `init(params)` and `update(updates, state, params)`, named for what it does,
 * and `chain` composes them; `applyUpdates` adds the result to the parameters. For users who
 * build their own optimizer from parts, e.g. AdamW:
 *
 * ```ts
 * const tx = chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(1e-2), scale(-1e-3));
 * let state = tx.init(params);
 * // each step, with gradients in hand:
 * const next = tidy(() => {
 *   const [updates, s] = tx.update(params.map((p) => p.grad!), state, params);
 *   applyUpdates(params, updates);
 *   return s;
 * });
 * dispose(state);
 * state = next;
 * ```
 *
 * `update` never changes its inputs and returns new tensors only (never one of the old
 * state's), so the old state can always be disposed. Written with ordinary tensor ops, and
 * `scaleByAdam` with the Adam optimizer's own expression: for the fused, in-place form use the
 * optimizer classes.
 */
import {
  add,
  add_,
  clamp,
  clone,
  defineMap,
  div,
  mul,
  noGrad,
  sqrt,
  stack,
  sum,
  type Tensor,
  ValueError,
  zerosLike,
} from "@nn/tensor";
import { ADAM_STEP_PARAMS, adamStep, adamStepParams } from "./optimizers/adam.js";

/** A gradient transformation: state in, updates and new state out. */
export interface GradientTransformation<S = unknown> {
  /** The initial state for these parameters. */
  init(params: readonly Tensor[]): S;
  /** Transforms `updates` (one per parameter; the gradients at the start of a chain). */
  update(updates: readonly Tensor[], state: S, params?: readonly Tensor[]): [Tensor[], S];
}

function needParams(
  name: string,
  params: readonly Tensor[] | undefined,
  n: number,
): readonly Tensor[] {
  if (!params || params.length !== n) {
    throw new ValueError(
      `${name}: update needs the ${n} parameters (got ${params?.length ?? "none"})`,
    );
  }
  return params;
}

/** Multiplies the updates by `factor` (e.g. `scale(-lr)` as the last step of a chain). */
export function scale(factor: number): GradientTransformation<null> {
  return {
    init: () => null,
    update: (updates) => [updates.map((u) => mul(u, factor)), null],
  };
}

/** Multiplies the updates by `schedule(count)`, count = 0, 1, 2, ... (optax's scale_by_schedule). */
export function scaleBySchedule(
  schedule: (count: number) => number,
): GradientTransformation<{ count: number }> {
  return {
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const f = schedule(state.count);
      return [updates.map((u) => mul(u, f)), { count: state.count + 1 }];
    },
  };
}

/** Adds `weightDecay * param` to each update (decoupled decay when placed after scaleByAdam). */
export function addDecayedWeights(weightDecay: number): GradientTransformation<null> {
  return {
    init: () => null,
    update: (updates, _state, params) => {
      const ps = needParams("addDecayedWeights", params, updates.length);
      return [updates.map((u, i) => add(u, mul(ps[i], weightDecay))), null];
    },
  };
}

/**
 * Scales all updates by min(1, maxNorm / globalNorm), globalNorm the 2-norm of all of them
 * together (optax's clip_by_global_norm; no read-back).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  if (!(maxNorm > 0)) throw new ValueError(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  return {
    init: () => null,
    update: (updates) => {
      if (updates.length === 0) return [[], null];
      const norm = sqrt(sum(stack(updates.map((u) => sum(mul(u, u))))));
      const factor = clamp(div(maxNorm, norm), null, 1);
      return [updates.map((u) => mul(u, factor)), null];
    },
  };
}

/** The state of `scaleByAdam`: the step count and the two moments. */
export interface ScaleByAdamState {
  count: number;
  mu: Tensor[];
  nu: Tensor[];
}

// The Adam optimizer's expression with a step size of 1 / (1 - b1^t): inputs u, mu, nu; params
// adamStepParams'; outputs direction, mu, nu.
const adamDirection = /* @__PURE__ */ defineMap({
  name: "scaleByAdam",
  inputs: 3,
  params: ADAM_STEP_PARAMS,
  build: ([u, mu, nu], params) => {
    const { m, v, step } = adamStep(u, mu, nu, undefined, params);
    return [step, m, v];
  },
});

/**
 * Adam's direction (Kingma & Ba 2015) as the Adam optimizer computes it:
 * m / (1 - b1^t) / (sqrt(v) / sqrt(1 - b2^t) + eps), with m, v the moving averages of the
 * updates and their squares (defaults b1 0.9, b2 0.999, eps 1e-8). Chain it with `scale(-lr)`
 * for Adam.
 */
export function scaleByAdam(
  options: { b1?: number; b2?: number; eps?: number } = {},
): GradientTransformation<ScaleByAdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  return {
    init: (params) => ({
      count: 0,
      mu: params.map((p) => zerosLike(p)),
      nu: params.map((p) => zerosLike(p)),
    }),
    update: (updates, state) => {
      const count = state.count + 1;
      const k = adamStepParams(1 / (1 - b1 ** count), [b1, b2], eps, count);
      const out: Tensor[] = [];
      const mu: Tensor[] = [];
      const nu: Tensor[] = [];
      updates.forEach((u, i) => {
        const [direction, m, v] = adamDirection.apply([u, state.mu[i], state.nu[i]], k);
        out.push(direction);
        mu.push(m);
        nu.push(v);
      });
      return [out, { count, mu, nu }];
    },
  };
}

/** Runs transformations in order, each on the previous one's updates; the state is the list of theirs. */
export function chain(
  ...transforms: readonly GradientTransformation<unknown>[]
): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (updates, state, params) => {
      let current = [...updates];
      const next: unknown[] = [];
      transforms.forEach((t, i) => {
        const [u, s] = t.update(current, state[i], params);
        current = u;
        next.push(s);
      });
      // A transform that passed an input through must not hand out the caller's tensor.
      return [current.map((u) => (updates.includes(u) ? clone(u) : u)), next];
    },
  };
}

/** Adds each update to its parameter in place (`p += u`), outside autograd. */
export function applyUpdates(params: readonly Tensor[], updates: readonly Tensor[]): void {
  if (params.length !== updates.length) {
    throw new ValueError(`applyUpdates: ${params.length} parameters but ${updates.length} updates`);
  }
  noGrad(() => {
    params.forEach((p, i) => {
      add_(p, updates[i]);
    });
  });
}
