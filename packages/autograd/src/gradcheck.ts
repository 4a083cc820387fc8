/**
 * Finite-difference checking of gradients (torch.autograd.gradcheck): compares the Jacobian
 * that backward computes with central differences, in float64.
 */
import { DTypeError, dispose, isFloating, type Tensor, tensor, tidy, zerosLike } from "@nn/tensor";
import { computeGrad } from "./api.js";
import { GradientError } from "./errors.js";

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/**
 * Checks `f`'s gradients w.r.t. every float input: each entry of the analytical Jacobian
 * (one backward per output element) must match the central difference
 * `(f(x + eps) - f(x - eps)) / 2eps` within `atol + rtol * |numerical|`. Inputs must be float64
 * (DTypeError): float32 differences are too coarse. Resolves when they agree; rejects with a
 * GradientError naming the input, the output and input elements, and both values otherwise.
 * Async because it reads values back (works on every backend).
 */
export async function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<void> {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const diff = inputs.map((x) => isFloating(x.dtype));
  inputs.forEach((x, i) => {
    if (diff[i] && x.dtype !== "float64") {
      throw new DTypeError(
        `gradcheck: input ${i} is ${x.dtype}; finite differences need float64 inputs`,
      );
    }
  });
  const base = await Promise.all(inputs.map(values));
  const make = (i: number, vals: number[]) => {
    const x = inputs[i] as Tensor;
    return tensor(vals, {
      dtype: x.dtype,
      shape: x.shape,
      backend: x.backend,
      requiresGrad: diff[i],
    });
  };
  const evalAt = async (i: number, j: number, delta: number): Promise<number[]> => {
    const args = inputs.map((x, k) => {
      if (k !== i) return x;
      const v = [...(base[k] as number[])];
      v[j] = (v[j] as number) + delta;
      return make(k, v);
    });
    const out = f(...args);
    const r = await values(out);
    dispose([out, args[i]]);
    return r;
  };

  const leaves = inputs.map((_, i) => make(i, base[i] as number[]));
  const out = f(...leaves);
  const outSize = out.size;
  // Analytical Jacobian rows: d out[k] / d input, one backward per output element.
  const analytic: number[][][] = [];
  for (let k = 0; k < outSize; k++) {
    const seed = new Array<number>(outSize).fill(0);
    seed[k] = 1;
    const grads = tidy(() => {
      const g = tensor(seed, { dtype: out.dtype, shape: out.shape, backend: out.backend });
      return computeGrad(
        [out],
        leaves.filter((_, i) => diff[i]),
        { gradOutputs: [g], retainGraph: true, allowUnused: true },
      ).map((t, n) => t ?? zerosLike(leaves.filter((_, i) => diff[i])[n] as Tensor));
    });
    analytic.push(await Promise.all(grads.map(values)));
    dispose(grads);
  }
  dispose([out, leaves]);

  let di = 0;
  for (let i = 0; i < inputs.length; i++) {
    if (!diff[i]) continue;
    const n = (base[i] as number[]).length;
    for (let j = 0; j < n; j++) {
      const plus = await evalAt(i, j, eps);
      const minus = await evalAt(i, j, -eps);
      for (let k = 0; k < outSize; k++) {
        const numerical = ((plus[k] as number) - (minus[k] as number)) / (2 * eps);
        const a = ((analytic[k] as number[][])[di] as number[])[j] as number;
        if (!(Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical))) {
          throw new GradientError(
            `gradcheck: input ${i}, element ${j} -> output element ${k}: analytical ${a}, numerical ${numerical} (atol ${atol}, rtol ${rtol})`,
          );
        }
      }
    }
    di++;
  }
}
