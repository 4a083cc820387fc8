// The low-overhead op path: the flat loop for contiguous operands against the strided loop,
// the kernel cache's dtype signatures, and the finalizer's safety net now that a tensor is
// registered with it at the next microtask checkpoint (or after 64 more tensors), not at once.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  add,
  add_,
  expand,
  memory,
  mul,
  slice,
  type Tensor,
  tensor,
  tidy,
  transpose,
  where,
} from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../src/index.js";

let gcFn: (() => void) | undefined;

/** Lets pending tensors reach the finalizer, collects garbage, and lets the finalizers run. */
async function collect(): Promise<void> {
  if (!gcFn) {
    setFlagsFromString("--expose-gc");
    gcFn = runInNewContext("gc") as () => void;
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  await tick();
  gcFn();
  await tick();
  await tick();
}

const values = (t: Tensor) => Array.from(t.dataSync() as Float32Array);

describe("elementwise launch paths", () => {
  const b = new CpuBackend();
  const m = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: "float32", backend: b },
  );
  const n = tensor(
    [
      [10, 20, 30],
      [40, 50, 60],
    ],
    { dtype: "float32", backend: b },
  );

  it("contiguous operands of one shape (the flat loop)", () => {
    expect(values(add(m, n))).toEqual([11, 22, 33, 44, 55, 66]);
    expect(values(mul(m, 2))).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it("an operand of the same shape with other strides takes the strided loop", () => {
    const t = tensor(
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
      { dtype: "float32", backend: b },
    );
    const mt = transpose(t, 0, 1); // [2, 3], equal to m, not contiguous
    expect(mt.shape).toEqual([2, 3]);
    expect(values(add(mt, n))).toEqual([11, 22, 33, 44, 55, 66]);
    expect(values(add(n, mt))).toEqual([11, 22, 33, 44, 55, 66]);
  });

  it("a view with an offset, and a broadcast operand", () => {
    const row = slice(n, 0, 1, 2); // [[40, 50, 60]], offset 3, contiguous
    expect(values(add(row, 1))).toEqual([41, 51, 61]);
    const col = tensor([[100], [200]], { dtype: "float32", backend: b });
    expect(values(add(m, col))).toEqual([101, 102, 103, 204, 205, 206]);
    expect(values(add(expand(col, [2, 3]), m))).toEqual([101, 102, 103, 204, 205, 206]);
  });

  it("size-1 dims with any stride are still contiguous", () => {
    const x = tensor([[[1, 2, 3]]], { dtype: "float32", backend: b }); // [1, 1, 3]
    const y = transpose(x, 0, 1); // same shape, strides swapped on the size-1 dims
    expect(values(add(x, y))).toEqual([2, 4, 6]);
  });

  it("in place on a contiguous tensor and on a strided view", () => {
    const x = tensor([1, 2, 3, 4], { dtype: "float32", backend: b });
    add_(x, tensor([1, 1, 1, 1], { dtype: "float32", backend: b }), 2);
    expect(values(x)).toEqual([3, 4, 5, 6]);
    const y = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float32", backend: b },
    );
    add_(transpose(y, 0, 1), tensor([10, 20], { dtype: "float32", backend: b }));
    expect(values(y)).toEqual([11, 12, 23, 24]);
  });

  it("kernels are cached by operand dtypes and scalars: no two signatures share one", () => {
    const f = tensor([1.5, 2.5], { dtype: "float32", backend: b });
    const d = tensor([1.5, 2.5], { dtype: "float64", backend: b });
    const i = tensor([1, 2], { dtype: "int32", backend: b });
    const c = tensor([true, false], { backend: b });
    expect(values(add(f, f))).toEqual([3, 5]);
    expect(Array.from(add(i, i).dataSync())).toEqual([2, 4]);
    expect(add(i, i).dtype).toBe("int32");
    expect(values(add(f, 1))).toEqual([2.5, 3.5]);
    expect(values(add(1, f))).toEqual([2.5, 3.5]);
    expect(add(f, d).dtype).toBe("float64");
    expect(Array.from(add(f, d).dataSync())).toEqual([3, 5]);
    expect(Array.from(add(i, 0.5).dataSync())).toEqual([1.5, 2.5]);
    expect(add(c, c).dtype).toBe("bool");
    expect(Array.from(add(c, c).dataSync())).toEqual([1, 0]);
    expect(Array.from(where(c, f, i).dataSync())).toEqual([1.5, 2]);
    expect(Array.from(where(c, i, f).dataSync())).toEqual([1, 2.5]);
  });
});

describe("the finalizer's safety net with registration at the checkpoint", () => {
  it("a tensor dropped without dispose is released once collected", async () => {
    const b = new CpuBackend();
    const x = tensor([1, 2, 3], { dtype: "float32", backend: b });
    await collect();
    const before = memory(b);
    (() => {
      add(x, 1); // dropped
    })();
    expect(memory(b).tensors).toBe(before.tensors + 1);
    await collect();
    expect(memory(b)).toEqual(before);
  });

  it("a synchronous run of many dropped tensors is released too", async () => {
    const b = new CpuBackend();
    const x = tensor([1, 2, 3], { dtype: "float32", backend: b });
    await collect();
    const before = memory(b);
    (() => {
      for (let i = 0; i < 1000; i++) add(x, i);
    })();
    expect(memory(b).tensors).toBe(before.tensors + 1000);
    expect(memory(b).bytes).toBe(before.bytes + 1000 * 12);
    await collect();
    expect(memory(b)).toEqual(before);
  });

  it("disposed tensors, and tidy's, are counted once (never again by the finalizer)", async () => {
    const b = new CpuBackend();
    const x = tensor([1, 2, 3], { dtype: "float32", backend: b });
    await collect();
    const before = memory(b);
    for (let i = 0; i < 200; i++) add(x, i).dispose();
    tidy(() => {
      for (let i = 0; i < 200; i++) mul(add(x, i), 2);
    });
    const kept = tidy(() => add(x, 1));
    await collect();
    expect(memory(b).tensors).toBe(before.tensors + 1);
    expect(values(kept)).toEqual([2, 3, 4]);
    kept.dispose();
    await collect();
    expect(memory(b)).toEqual(before);
  });

  it("a disposed tensor is not held until the registration pass", async () => {
    await collect(); // gcFn is set
    const b = new CpuBackend();
    const x = tensor([1, 2, 3], { dtype: "float32", backend: b });
    let collected = false;
    const watch = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => {
      const y = add(x, 1);
      watch.register(y.storage.buffer as object, 0);
      y.dispose();
    })();
    // Still in the same synchronous stretch: the registration pass has not run yet.
    gcFn?.();
    // No second collection: the finalizers of that one run as a task.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(collected).toBe(true);
  });
});
