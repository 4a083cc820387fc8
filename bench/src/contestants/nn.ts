/**
 * nn on its CPU backend (the columns: all threads, one thread, and the pure-JS path) and on its
 * WebGPU backend where Node has an adapter (see `gpu.ts`).
 */
import { softmax } from "@nn/activations";
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { type WebGpuBackend, webgpu } from "@nn/backend-webgpu";
import { crossEntropy, Linear, type Module, ReLU, Sequential } from "@nn/nn";
import { Adam } from "@nn/optim";
import {
  add,
  defineMap,
  dispose,
  exp,
  getBackend,
  logsumexp,
  matmul,
  mul,
  setBackend,
  sub,
  type Tensor,
  tanh,
  tensor,
  tidy,
} from "@nn/tensor";
import type { Workload } from "../rows.js";
import { chainInputs, labels, type Prepared, synced, type Variants, values } from "./contestant.js";
import { nodeGpu } from "./gpu.js";

const chain = defineMap({
  name: "benchChain",
  inputs: 4,
  build: ([a, b, c, d]) => a!.mul(b!).add(c!).exp().sub(d!).tanh(),
});

/**
 * Runs `step` `iters` times, each in a tidy scope so nothing outlives an iteration (its result
 * included: `tidy` keeps what its function returns, so the function returns nothing).
 */
function loop(step: () => unknown): (iters: number) => Promise<void> {
  return async (iters) => {
    for (let i = 0; i < iters; i++) {
      tidy(() => {
        step();
      });
    }
  };
}

function f32(data: Float32Array, shape: number[]): Tensor {
  return tensor(data, { shape });
}

function prepare(w: Workload): Prepared | string {
  switch (w.kind) {
    case "matmul": {
      const a = f32(values(w.n * w.n, 1), [w.n, w.n]);
      const b = f32(values(w.n * w.n, 2), [w.n, w.n]);
      return { run: loop(() => matmul(a, b)), release: () => dispose(a, b) };
    }
    case "tinyAdd": {
      const a = f32(new Float32Array([1]), [1]);
      const b = f32(new Float32Array([2]), [1]);
      return {
        run: async (iters) => {
          for (let i = 0; i < iters; i++) add(a, b).dispose();
        },
        release: () => dispose(a, b),
      };
    }
    case "chain": {
      const [a, b, c, d] = chainInputs(w.n).map((x) => f32(x, [w.n])) as [
        Tensor,
        Tensor,
        Tensor,
        Tensor,
      ];
      const step = w.fused
        ? () => chain.apply([a, b, c, d])
        : () => tanh(sub(exp(add(mul(a, b), c)), d));
      return { run: loop(step), release: () => dispose(a, b, c, d) };
    }
    case "softmax":
    case "logsumexp": {
      const x = f32(values(w.rows * w.cols, 3), [w.rows, w.cols]);
      const step = w.kind === "softmax" ? () => softmax(x, -1) : () => logsumexp(x, -1);
      return { run: loop(step), release: () => dispose(x) };
    }
    case "mlp": {
      const layers: Module[] = [];
      for (let i = 0; i + 1 < w.sizes.length; i++) {
        if (i > 0) layers.push(new ReLU());
        layers.push(new Linear(w.sizes[i]!, w.sizes[i + 1]!));
      }
      const model = new Sequential(...layers);
      const opt = new Adam(model.parameters(), { lr: 1e-3 });
      const inputs = w.sizes[0]!;
      const classes = w.sizes.at(-1)!;
      const x = f32(values(w.batch * inputs, 4), [w.batch, inputs]);
      const y = tensor(labels(w.batch, classes));
      const step = () => {
        const loss = crossEntropy(model.forward(x), y);
        opt.zeroGrad();
        backward(loss);
        opt.step();
      };
      return {
        run: loop(step),
        release: () => {
          dispose(x, y);
          for (const p of model.parameters()) p.dispose();
        },
      };
    }
  }
}

/** Sets up `cpu(options)` and describes what runs where. */
function cpuSetup(options: { threads?: number }): () => Promise<string> {
  return async () => {
    const backend = cpu(options);
    setBackend(backend);
    const wasm = backend.wasmMatmul
      ? `float32 matmul in Wasm ${backend.wasmMatmul.relaxed ? "relaxed " : ""}SIMD, float32 elementwise kernels (from ${backend.compiler.wasmMinElements} elements) compiled from the IR to Wasm SIMD, float32 sum/max/min in Wasm SIMD`
      : "no Wasm SIMD here: everything in JS";
    const { threads, whyOneThread } = backend.info;
    const where =
      threads > 1
        ? `float32 matmul on ${threads} threads`
        : `one thread${whyOneThread ? ` (${whyOneThread})` : ""}`;
    const call = options.threads ? `cpu({ threads: ${options.threads} })` : "cpu()";
    return `${call}: ${wasm}, JS kernels compiled from the IR for the rest, ${where}`;
  };
}

/** nn's variants by column id: the CPU ones, and WebGPU where Node has an adapter. */
export const variants: Variants = {
  nn: () => ({ setup: cpuSetup({}), prepare }),
  "nn-1t": () => ({ setup: cpuSetup({ threads: 1 }), prepare }),
  "nn-js": () => ({
    setup: async () => {
      setBackend(cpu({ wasm: false }));
      return "cpu({ wasm: false }): JS kernels only, one thread";
    },
    prepare,
  }),
  "nn-webgpu": async () => {
    const gpu = await nodeGpu();
    if (typeof gpu === "string") return gpu;
    return {
      setup: async () => {
        setBackend(await webgpu({ adapter: gpu.adapter }));
        return `webgpu() on ${gpu.name}`;
      },
      // Submits the pending kernels and waits for the GPU to finish them.
      prepare: (w) => synced(prepare(w), () => (getBackend() as WebGpuBackend).sync()),
    };
  },
};
