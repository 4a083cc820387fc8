/**
 * The activation explorer's computation, without the page: f(x) on a grid and f'(x) from nn's
 * autograd (the backward pass of sum(f(x)), whose gradient is f'(x) elementwise), and the
 * saturated regions where |f'(x)| < 1% of its maximum over the grid.
 */

import type { Activation } from "@nn/activations";
import { backward } from "@nn/autograd";
import { linspace, tidy } from "@nn/tensor";

/** f and f' on an evenly spaced grid. */
export interface Curves {
  x: Float32Array;
  f: Float32Array;
  df: Float32Array;
  /** [from, to] intervals of x where the activation saturates. */
  saturated: [number, number][];
}

/** Below this fraction of max |f'| a region counts as saturated. */
export const SATURATION = 0.01;

/**
 * f(x, options) and f'(x) at `points` values of x in [lo, hi]. Throws what the activation
 * throws for invalid options (a ValueError naming the activation and the option).
 */
export async function activationCurves(
  f: Activation,
  options: Record<string, number | string>,
  lo = -7,
  hi = 7,
  points = 561,
): Promise<Curves> {
  const [xs, ys, grads] = tidy(() => {
    const x = linspace(lo, hi, points);
    x.requiresGrad = true;
    const y = f(x, options as Parameters<Activation>[1]);
    backward(y.sum());
    return [x, y, x.grad as NonNullable<typeof x.grad>];
  });
  try {
    const [x, y, df] = await Promise.all([xs.data(), ys.data(), grads.data()]);
    const xa = Float32Array.from(x as ArrayLike<number>);
    const da = Float32Array.from(df as ArrayLike<number>);
    return {
      x: xa,
      f: Float32Array.from(y as ArrayLike<number>),
      df: da,
      saturated: saturatedRegions(xa, da),
    };
  } finally {
    xs.dispose();
    ys.dispose();
    grads.dispose();
  }
}

/** The maximal runs of grid points where |df| < SATURATION · max |df|, as [first x, last x]. */
export function saturatedRegions(x: Float32Array, df: Float32Array): [number, number][] {
  let peak = 0;
  for (const d of df) if (Math.abs(d) > peak) peak = Math.abs(d);
  const out: [number, number][] = [];
  let from = -1;
  for (let i = 0; i <= x.length; i++) {
    const flat = i < x.length && Math.abs(df[i] as number) < SATURATION * peak;
    if (flat && from < 0) from = i;
    if (!flat && from >= 0) {
      out.push([x[from] as number, x[i - 1] as number]);
      from = -1;
    }
  }
  return out;
}
