/**
 * The strong-Wolfe line search of PyTorch 1.13's LBFGS (`_strong_wolfe`, itself a port of
 * minFunc / torch7's lswolfe.lua; Nocedal & Wright, "Numerical Optimization", algorithms 3.5
 * and 3.6): bracket a step satisfying the strong Wolfe conditions, then zoom in with cubic
 * interpolation. Function values and directional derivatives are host numbers (read back
 * asynchronously); gradients stay tensors.
 */
import { abs, clone, max, mul, sum, type Tensor, tidy } from "@nn/tensor";

/** `sum(a * b)` read back as a number. */
export async function dot(a: Tensor, b: Tensor): Promise<number> {
  const t = tidy(() => sum(mul(a, b)));
  try {
    return await t.item();
  } finally {
    t.dispose();
  }
}

/** `max(|a|)` read back as a number. */
export async function maxAbs(a: Tensor): Promise<number> {
  const t = tidy(() => max(abs(a)));
  try {
    return await t.item();
  } finally {
    t.dispose();
  }
}

/**
 * The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`
 * (default: the interval between x1 and x2); the midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: readonly [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** Evaluates the objective at `x + t * d`: its value and flat gradient (parameters restored to `x`). */
export type DirectionalObjective = (t: number) => Promise<{ f: number; g: Tensor }>;

/** What `strongWolfe` returns: the accepted step's value, flat gradient (owned by the caller), step and evaluation count. */
export interface LineSearchResult {
  f: number;
  g: Tensor;
  t: number;
  evals: number;
}

/**
 * Strong-Wolfe line search from step `t` along `d`, starting at value `f`, gradient `g` and
 * directional derivative `gtd` (PyTorch defaults: c1 = 1e-4, c2 = 0.9, toleranceChange =
 * 1e-9, maxLs = 25). `g` stays the caller's.
 */
export async function strongWolfe(
  objective: DirectionalObjective,
  d: Tensor,
  t: number,
  f: number,
  g: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Promise<LineSearchResult> {
  const owned = new Set<Tensor>();
  const own = (x: Tensor): Tensor => {
    owned.add(x);
    return x;
  };
  const dNorm = await maxAbs(d);
  const g0 = own(clone(g));
  let { f: fNew, g: gNew } = await objective(t);
  own(gNew);
  let evals = 1;
  let gtdNew = await dot(gNew, d);

  let tPrev = 0;
  let fPrev = f;
  let gPrev = g0;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, own(clone(gNew))];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, own(clone(gNew))];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = own(clone(gNew));
    gtdPrev = gtdNew;
    ({ f: fNew, g: gNew } = await objective(t));
    own(gNew);
    evals++;
    gtdNew = await dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g0, gNew];
  }

  // Zoom: refine the bracket until a point satisfies the conditions.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= (bracketF.at(-1) as number) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    const b0 = bracket[0];
    const b1 = bracket[1];
    if (Math.abs(b1 - b0) * dNorm < toleranceChange) break;
    t = cubicInterpolate(b0, bracketF[0], bracketGtd[0], b1, bracketF[1], bracketGtd[1]);
    const hi = Math.max(b0, b1);
    const lo = Math.min(b0, b1);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;

    ({ f: fNew, g: gNew } = await objective(t));
    own(gNew);
    evals++;
    gtdNew = await dot(gNew, d);
    lsIter++;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = own(clone(gNew));
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = own(clone(gNew));
      bracketGtd[lowPos] = gtdNew;
    }
  }
  const result = bracketG[lowPos];
  for (const x of owned) if (x !== result) x.dispose();
  return { f: bracketF[lowPos], g: result, t: bracket[lowPos], evals };
}
