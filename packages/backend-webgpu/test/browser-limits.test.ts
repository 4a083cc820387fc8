// A device requested at WebGPU's default limits, as a browser page gets unless it asks for more:
// 8 storage buffers per shader stage. An elementwise kernel over more distinct buffers has its
// inputs packed by the backend instead of failing.
import { type Expr, empty, input, kernel, type Tensor, tensor, transpose } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebGpuBackend, webgpu } from "../src/index.js";
import { adapter } from "./webgpu-env.js";

describe.skipIf(!adapter)("webgpu at default limits", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await (adapter as GPUAdapter).requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  it("the device has the default storage-buffer limit", () => {
    expect(device.limits.maxStorageBuffersPerShaderStage).toBe(8);
  });

  it("runs an expression over 12 distinct buffers (float32, int32, strided, broadcast)", async () => {
    const rows = 3;
    const cols = 4;
    const floats: Tensor[] = [];
    for (let j = 0; j < 9; j++) {
      floats.push(
        tensor(
          Array.from({ length: rows * cols }, (_, i) => (i + 1) * (j + 1)),
          { backend: gpu, shape: [rows, cols] },
        ),
      );
    }
    // A transposed view and a broadcast row, from buffers of their own.
    const t = transpose(
      tensor(
        Array.from({ length: rows * cols }, (_, i) => i - 5),
        { backend: gpu, shape: [cols, rows] },
      ),
      0,
      1,
    );
    const row = tensor([10, 20, 30, 40], { backend: gpu, shape: [1, cols] }).expand([rows, cols]);
    const ints = tensor(
      Array.from({ length: rows * cols }, (_, i) => 3 * i),
      { dtype: "int32", backend: gpu, shape: [rows, cols] },
    );
    const views = [...floats, t, row].map((x) => x.stridedView());
    // sum_j (j + 1) * float_j  +  2 * t  -  row  +  f32(ints), and a second output: the int sum.
    let e: Expr = input(0, "float32");
    for (let j = 1; j < 9; j++) e = e.add(input(j, "float32").mul(j + 1));
    e = e.add(input(9, "float32").mul(2)).sub(input(10, "float32"));
    e = e.add(input(11, "int32").cast("float32"));
    const k = kernel([e, input(11, "int32").add(input(11, "int32"))]);
    const out = empty([rows, cols], "float32", gpu);
    const outInt = empty([rows, cols], "int32", gpu);
    gpu.elementwise(
      k,
      [...views, ints.stridedView()],
      [out.stridedView(), outInt.stridedView()],
      [],
    );

    const hostF = await Promise.all([...floats, t, row].map((x) => x.data()));
    const hostI = await ints.data();
    const want = new Float32Array(rows * cols);
    for (let i = 0; i < want.length; i++) {
      let s = 0;
      for (let j = 0; j < 9; j++) s += (j + 1) * ((hostF[j] as Float32Array)[i] as number);
      s +=
        2 * ((hostF[9] as Float32Array)[i] as number) - ((hostF[10] as Float32Array)[i] as number);
      want[i] = s + (hostI[i] as number);
    }
    expect(await out.data()).toEqual(want);
    expect(await outInt.data()).toEqual(Int32Array.from(hostI, (v) => 2 * v));
  });

  it("throws a BackendError naming the limit when the outputs alone exceed it", () => {
    const outs = Array.from({ length: 9 }, () => empty([2], "float32", gpu));
    const k = kernel(outs.map((_, j) => input(0, "float32").mul(j)));
    const x = tensor([1, 2], { backend: gpu });
    expect(() =>
      gpu.elementwise(
        k,
        [x.stridedView()],
        outs.map((o) => o.stridedView()),
        [],
      ),
    ).toThrow(/maxStorageBuffersPerShaderStage \(8\), even with its inputs packed \(it writes 9\)/);
  });
});
