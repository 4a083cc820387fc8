/**
 * TensorFlow.js on its pure-JS CPU backend (`tfjs-cpu`), its Wasm backend (`tfjs-wasm`, XNNPACK
 * with SIMD; one thread in Node, where its thread pool is not offered) and its WebGPU backend
 * (`tfjs-webgpu`, on Dawn in Node: see `gpu.ts`).
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { Workload } from "../rows.js";
import {
  type Contestant,
  chainInputs,
  labels,
  type Prepared,
  synced,
  type Variants,
  values,
} from "./contestant.js";
import { nodeGpu } from "./gpu.js";

/** Runs `step` `iters` times; `tf.tidy` of a function returning nothing frees its result too. */
function loop(step: () => tf.TensorContainer): (iters: number) => Promise<void> {
  return async (iters) => {
    for (let i = 0; i < iters; i++) {
      tf.tidy(() => {
        step();
      });
    }
  };
}

function prepare(w: Workload): Prepared | string {
  switch (w.kind) {
    case "matmul": {
      const a = tf.tensor2d(values(w.n * w.n, 1), [w.n, w.n]);
      const b = tf.tensor2d(values(w.n * w.n, 2), [w.n, w.n]);
      return { run: loop(() => tf.matMul(a, b)), release: () => tf.dispose([a, b]) };
    }
    case "tinyAdd": {
      const a = tf.tensor1d([1]);
      const b = tf.tensor1d([2]);
      return {
        run: async (iters) => {
          for (let i = 0; i < iters; i++) tf.add(a, b).dispose();
        },
        release: () => tf.dispose([a, b]),
      };
    }
    case "chain": {
      if (w.fused) return "TensorFlow.js has no user-defined fused kernels";
      const [a, b, c, d] = chainInputs(w.n).map((x) => tf.tensor1d(x)) as tf.Tensor1D[];
      const step = () => tf.tanh(tf.sub(tf.exp(tf.add(tf.mul(a!, b!), c!)), d!));
      return { run: loop(step), release: () => tf.dispose([a!, b!, c!, d!]) };
    }
    case "softmax":
    case "logsumexp": {
      const x = tf.tensor2d(values(w.rows * w.cols, 3), [w.rows, w.cols]);
      const step = w.kind === "softmax" ? () => tf.softmax(x, -1) : () => tf.logSumExp(x, -1);
      return { run: loop(step), release: () => tf.dispose(x) };
    }
    case "mlp": {
      // The same model as nn's and PyTorch's: Linear layers (x W + b) with ReLU between them,
      // softmax cross-entropy averaged over the batch, Adam.
      const vars: tf.Variable[] = [];
      for (let i = 0; i + 1 < w.sizes.length; i++) {
        const [fanIn, fanOut] = [w.sizes[i]!, w.sizes[i + 1]!];
        const bound = 1 / Math.sqrt(fanIn);
        vars.push(tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound, "float32", i)));
        vars.push(tf.variable(tf.randomUniform([fanOut], -bound, bound, "float32", i + 100)));
      }
      const classes = w.sizes.at(-1)!;
      const x = tf.tensor2d(values(w.batch * w.sizes[0]!, 4), [w.batch, w.sizes[0]!]);
      const y = tf.oneHot(tf.tensor1d(labels(w.batch, classes), "int32"), classes);
      const opt = tf.train.adam(1e-3);
      const loss = () => {
        let h: tf.Tensor = x;
        for (let i = 0; i < vars.length; i += 2) {
          h = tf.add(tf.matMul(h, vars[i]!), vars[i + 1]!);
          if (i + 2 < vars.length) h = tf.relu(h);
        }
        return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
      };
      return {
        run: async (iters) => {
          for (let i = 0; i < iters; i++)
            tf.tidy(() => {
              opt.minimize(loss, false, vars);
            });
        },
        release: () => {
          opt.dispose();
          tf.dispose([x, y, ...vars]);
        },
      };
    }
  }
}

function variant(backend: "cpu" | "wasm" | "webgpu"): () => Contestant {
  return () => ({
    setup: async () => {
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed`);
      await tf.ready();
      const simd =
        backend === "wasm" ? `, SIMD ${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")}` : "";
      return `@tensorflow/tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}${simd}`;
    },
    prepare,
  });
}

export const variants: Variants = {
  "tfjs-cpu": variant("cpu"),
  "tfjs-wasm": variant("wasm"),
  "tfjs-webgpu": async () => {
    const gpu = await nodeGpu();
    if (typeof gpu === "string") return gpu;
    // Registers its backend at import only where navigator.gpu exists, so only now.
    await import("@tensorflow/tfjs-backend-webgpu");
    const v = variant("webgpu")();
    return {
      setup: async () => `${await v.setup()} on ${gpu.name}`,
      // Reads back a value the GPU computes after everything queued so far (one queue, in
      // order). A read of a tensor made from values would not wait: tfjs answers it from the
      // CPU copy, and small ops run on the CPU.
      prepare: (w) => {
        const probe = tf.zeros([4096]);
        const p = synced(v.prepare(w), async () => {
          const last = tf.add(probe, 1);
          await last.data();
          last.dispose();
        });
        if (typeof p === "string") {
          probe.dispose();
          return p;
        }
        return {
          run: p.run,
          release: () => {
            p.release();
            probe.dispose();
          },
        };
      },
    };
  },
};
