/**
 * jax-js (`@jax-js/jax`) on its Wasm device: kernels generated as WebAssembly and fused by
 * `jit`, the fastest JavaScript peer. Rows time its jitted functions where it has them (its
 * training step is one jitted function: forward, cross-entropy, gradient and Adam written in its
 * ops, since its optax package is not on npm). Arrays are reference counted: every function
 * takes ownership of its arguments, hence `.ref` on inputs used again.
 */
import { availableParallelism } from "node:os";
import type { Workload } from "../rows.js";
import { type Contestant, chainInputs, labels, type Prepared, values } from "./contestant.js";

type Jax = typeof import("@jax-js/jax");
type Arr = import("@jax-js/jax").Array;
let jax: Jax;

/** Runs `iters` calls of `f(...inputs)` and waits for the last result. */
function loop(f: (...xs: Arr[]) => Arr, inputs: Arr[]): (iters: number) => Promise<void> {
  return async (iters) => {
    for (let i = 0; i < iters; i++) {
      const out = f(...inputs.map((x) => x.ref));
      await out.blockUntilReady();
      out.dispose();
    }
  };
}

function release(...xs: Arr[]): () => void {
  return () => {
    for (const x of xs) x.dispose();
  };
}

function prepare(w: Workload): Prepared | string {
  const { numpy: np, nn, jit, valueAndGrad } = jax;
  const arr = (data: Float32Array, shape: number[]) => np.array(data).reshape(shape);
  switch (w.kind) {
    case "matmul": {
      const a = arr(values(w.n * w.n, 1), [w.n, w.n]);
      const b = arr(values(w.n * w.n, 2), [w.n, w.n]);
      return { run: loop(jit(np.matmul), [a, b]), release: release(a, b) };
    }
    case "tinyAdd": {
      // Eager, as the other contestants' one op is.
      const a = arr(new Float32Array([1]), [1]);
      const b = arr(new Float32Array([2]), [1]);
      return { run: loop(np.add, [a, b]), release: release(a, b) };
    }
    case "chain": {
      const xs = chainInputs(w.n).map((x) => arr(x, [w.n]));
      const f = (a: Arr, b: Arr, c: Arr, d: Arr) => np.tanh(np.exp(a.mul(b).add(c)).sub(d));
      return {
        run: loop((w.fused ? jit(f) : f) as (...xs: Arr[]) => Arr, xs),
        release: release(...xs),
      };
    }
    case "softmax":
    case "logsumexp": {
      const x = arr(values(w.rows * w.cols, 3), [w.rows, w.cols]);
      const f =
        w.kind === "softmax" ? (v: Arr) => nn.softmax(v, -1) : (v: Arr) => nn.logsumexp(v, -1);
      return { run: loop(jit(f), [x]), release: release(x) };
    }
    case "mlp": {
      const params: Arr[] = [];
      for (let i = 0; i + 1 < w.sizes.length; i++) {
        const [fanIn, fanOut] = [w.sizes[i]!, w.sizes[i + 1]!];
        const bound = 1 / Math.sqrt(fanIn);
        params.push(arr(values(fanIn * fanOut, 10 + i), [fanIn, fanOut]).mul(bound));
        params.push(arr(values(fanOut, 20 + i), [fanOut]).mul(bound));
      }
      const classes = w.sizes.at(-1)!;
      const x = arr(values(w.batch * w.sizes[0]!, 4), [w.batch, w.sizes[0]!]);
      const oneHot = new Float32Array(w.batch * classes);
      labels(w.batch, classes).forEach((c, i) => {
        oneHot[i * classes + c] = 1;
      });
      const y = arr(oneHot, [w.batch, classes]);
      const lossFn = (p: Arr[], xb: Arr, yb: Arr): Arr => {
        let h = xb;
        for (let i = 0; i < p.length; i += 2) {
          h = np.matmul(h, p[i]!).add(p[i + 1]!);
          if (i + 2 < p.length) h = nn.relu(h);
        }
        return np.mean(np.sum(nn.logSoftmax(h, -1).mul(yb), -1)).mul(-1);
      };
      const [b1, b2, eps] = [0.9, 0.999, 1e-8];
      // One Adam step (Kingma & Ba, Algorithm 1); `lrt` = lr * sqrt(1 - b2^t) / (1 - b1^t).
      const step = jit((p: Arr[], m: Arr[], v: Arr[], lrt: Arr, xb: Arr, yb: Arr) => {
        const [loss, g] = valueAndGrad(lossFn)(
          p.map((q) => q.ref),
          xb,
          yb,
        ) as [Arr, Arr[]];
        const m2 = m.map((mi, i) => mi.mul(b1).add(g[i]!.ref.mul(1 - b1)));
        const v2 = v.map((vi, i) => vi.mul(b2).add(g[i]!.ref.mul(g[i]!).mul(1 - b2)));
        const p2 = p.map((pi, i) =>
          pi.sub(m2[i]!.ref.mul(lrt.ref).div(np.sqrt(v2[i]!.ref).add(eps))),
        );
        lrt.dispose();
        return [p2, m2, v2, loss];
      });
      let state = {
        p: params,
        m: params.map((q) => np.zerosLike(q.ref)),
        v: params.map((q) => np.zerosLike(q.ref)),
        t: 0,
      };
      return {
        run: async (iters) => {
          let loss: Arr | undefined;
          for (let i = 0; i < iters; i++) {
            state.t++;
            const lrt = (1e-3 * Math.sqrt(1 - b2 ** state.t)) / (1 - b1 ** state.t);
            loss?.dispose();
            const [p, m, v, l] = step(state.p, state.m, state.v, np.array(lrt), x.ref, y.ref) as [
              Arr[],
              Arr[],
              Arr[],
              Arr,
            ];
            state = { p, m, v, t: state.t };
            loss = l;
          }
          await loss?.blockUntilReady();
          loss?.dispose();
        },
        release: () => {
          for (const a of [...state.p, ...state.m, ...state.v, x, y]) a.dispose();
        },
      };
    }
  }
}

export const variants: Record<string, (() => Contestant) | string> = {
  jax: () => ({
    setup: async () => {
      // Node 20 has no `navigator`, which jax-js reads to size its worker pool (Node 21+ has one).
      (globalThis as { navigator?: object }).navigator ??= {
        userAgent: `Node.js/${process.version}`,
        hardwareConcurrency: availableParallelism(),
      };
      jax = await import("@jax-js/jax");
      const devices = await jax.init();
      if (!devices.includes("wasm")) throw new Error(`jax-js: no wasm device (got ${devices})`);
      jax.defaultDevice("wasm");
      return `@jax-js/jax, wasm device, jit, ${availableParallelism()} hardware threads offered`;
    },
    prepare,
  }),
};
