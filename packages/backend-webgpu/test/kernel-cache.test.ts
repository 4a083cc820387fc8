import { constant, empty, input, kernel, param, tensor } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebGpuBackend, webgpu } from "../src/index.js";
import { adapter, requestDevice } from "./webgpu-env.js";

describe.skipIf(!adapter)("webgpu kernel cache", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  it("compiles a kernel once: a new param value or a new shape of the same rank reuses it", async () => {
    // x * lr + 1, with lr a param (as an optimizer's learning rate).
    const k = kernel([input(0, "float32").mul(param(0)).add(constant(1))]);
    const x = tensor([1, 2, 3, 4], { dtype: "float32", backend: gpu });
    const run = (lr: number, src = x) => {
      const out = empty(src.shape, "float32", gpu);
      gpu.elementwise(k, [src.stridedView()], [out.stridedView()], [lr]);
      return out;
    };
    const first = run(0.5);
    const compiled = gpu.compileCount;
    const second = run(0.25);
    const other = run(
      2,
      tensor([1, 2, 3, 4, 5, 6], { dtype: "float32", backend: gpu, shape: [2, 3] }),
    );
    expect(gpu.compileCount).toBe(compiled);
    expect(await first.data()).toEqual(new Float32Array([1.5, 2, 2.5, 3]));
    expect(await second.data()).toEqual(new Float32Array([1.25, 1.5, 1.75, 2]));
    expect(await other.data()).toEqual(new Float32Array([3, 5, 7, 9, 11, 13]));
  });

  it("int32 and bool params are read with their own dtype", async () => {
    // where((x + p0 != 0) and p2, p1, 0) with p0, p1 int32 and p2 bool
    const cond = input(0, "int32").add(param(0, "int32")).cast("bool").logicalAnd(param(2, "bool"));
    const k = kernel([cond.where(param(1, "int32"), 0)]);
    const x = tensor([1, 2, 3], { dtype: "int32", backend: gpu });
    const run = async (params: number[]) => {
      const out = empty([3], "int32", gpu);
      gpu.elementwise(k, [x.stridedView()], [out.stridedView()], params);
      return out.data();
    };
    expect(await run([-2, 7, 1])).toEqual(new Int32Array([7, 0, 7]));
    expect(await run([-2, 7, 0])).toEqual(new Int32Array([0, 0, 0]));
  });
});
