// NaN on WebGPU as on the CPU: every elementwise activation and its gradient, at NaN, at signed
// zeros and at finite points, agree between the two backends. (WGSL lets a compiler assume
// floats are finite; a kernel must not fold a float constant into `x * 0`, as softshrink's
// `where(..., x * 0)` once was.) Skipped where Node has no WebGPU adapter.
import { computeGrad } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { webgpu } from "@nn/backend-webgpu";
import { type Backend, sum, type Tensor, tensor } from "@nn/tensor";
import { nodeWebGpu } from "@nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activations from "../src/index.js";

const env = await nodeWebGpu();

const UNARY = [
  "relu",
  "relu6",
  "leakyRelu",
  "hardtanh",
  "hardsigmoid",
  "hardswish",
  "softshrink",
  "hardshrink",
  "elu",
  "celu",
  "selu",
  "gelu",
  "logSigmoid",
  "mish",
  "sigmoid",
  "silu",
  "softplus",
  "softsign",
  "tanhshrink",
] as const;

const X = [Number.NaN, -0, 0, 0.25, -0.75, 2.5, -3];

async function valueAndGrad(name: string, backend: Backend): Promise<[Float32Array, Float32Array]> {
  const fn = (activations as unknown as Record<string, (x: Tensor) => Tensor>)[name] as (
    x: Tensor,
  ) => Tensor;
  const x = tensor(X, { backend, requiresGrad: true });
  const y = fn(x);
  const [g] = computeGrad([sum(y)], [x]);
  return [(await y.data()) as Float32Array, (await (g as Tensor).data()) as Float32Array];
}

/** Elements where `got` differs from `want`: NaN against a number, or beyond 1e-5 relative. */
function differences(got: Float32Array, want: Float32Array): string[] {
  const out: string[] = [];
  want.forEach((w, i) => {
    const g = got[i] as number;
    const same = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isNaN(g) && Math.abs(g - w) <= 1e-6 + 1e-5 * Math.abs(w);
    if (!same) out.push(`x = ${X[i]}: ${g}, the CPU gives ${w}`);
  });
  return out;
}

describe.skipIf(!env)("activations at NaN: webgpu as the cpu", () => {
  let device: GPUDevice;
  let gpu: Backend;
  const host = cpu();
  beforeAll(async () => {
    device = await (env as NonNullable<typeof env>).requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy?.();
    device?.destroy();
  });

  for (const name of UNARY) {
    it(name, async () => {
      const [yGpu, gGpu] = await valueAndGrad(name, gpu);
      const [yCpu, gCpu] = await valueAndGrad(name, host);
      // The class this guards: NaN in, NaN out (a folded `x * 0` gave 0).
      expect(Number.isNaN(yCpu[0] as number)).toBe(true);
      expect(differences(yGpu, yCpu), "values").toEqual([]);
      expect(differences(gGpu, gCpu), "gradients").toEqual([]);
    });
  }
});
