// The dual-package hazard: two copies of @nn/tensor (as when one package is loaded through
// require and another through import) must share one default backend, one backend registry,
// one RNG, one scope stack, one memory count and one grad mode, and recognise each other's
// tensors.
import { beforeAll, describe, expect, it, vi } from "vitest";

type TensorModule = typeof import("@nn/tensor") & typeof import("@nn/tensor/internal");
type CpuModule = typeof import("../src/index.js");

let A: TensorModule;
let B: TensorModule;
let cpuA: CpuModule;
let cpuB: CpuModule;

beforeAll(async () => {
  vi.resetModules();
  A = { ...(await import("@nn/tensor")), ...(await import("@nn/tensor/internal")) };
  cpuA = await import("../src/index.js");
  vi.resetModules();
  B = { ...(await import("@nn/tensor")), ...(await import("@nn/tensor/internal")) };
  cpuB = await import("../src/index.js");
});

describe("two copies of @nn/tensor", () => {
  it("are really two module instances", () => {
    expect(A.Tensor).not.toBe(B.Tensor);
    expect(A.setBackend).not.toBe(B.setBackend);
    expect(cpuA.CpuBackend).not.toBe(cpuB.CpuBackend);
  });

  it("recognise each other's errors with instanceof", () => {
    expect(A.ShapeError).not.toBe(B.ShapeError);
    const e = new A.ShapeError("add: shapes [2] and [3] cannot be broadcast together");
    expect(e).toBeInstanceOf(B.ShapeError);
    expect(e).toBeInstanceOf(B.NNError);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(B.DTypeError);
    expect(e.name).toBe("ShapeError");
    A.setBackend(cpuA.cpu());
    expect(() => B.add(A.zeros([2]), A.zeros([3]))).toThrowError(A.ShapeError);
  });

  it("share the default backend", () => {
    const backend = A.setBackend(cpuA.cpu());
    expect(B.getBackend()).toBe(backend);
    const t = B.tensor([1, 2, 3]);
    expect(t).toBeInstanceOf(B.Tensor);
    expect(t.backend).toBe(backend);
    expect(t.dataSync()).toEqual(new Float32Array([1, 2, 3]));
    const other = B.setBackend(cpuB.cpu());
    expect(A.getBackend()).toBe(other);
    t.dispose();
  });

  it("share the backend registry", async () => {
    const made = cpuA.cpu();
    A.registerBackend("dual-test", () => made);
    expect(B.listBackends()).toContain("dual-test");
    expect(await B.createBackend("dual-test")).toBe(made);
  });

  it("share manualSeed and the generator's counter", () => {
    const backend = A.setBackend(cpuA.cpu());
    A.manualSeed(1234);
    expect(B.initialSeed()).toBe(1234);
    const first = A.rand([4]).dataSync();
    const second = B.rand([4]).dataSync();
    B.manualSeed(1234);
    const again = A.rand([8], { backend }).dataSync();
    expect(again).toEqual(new Float32Array([...first, ...second]));
  });

  it("recognise each other's tensors (isTensor), and ops mix them", () => {
    A.setBackend(cpuA.cpu());
    const a = A.tensor([1.5, 2.5]);
    const b = B.tensor([1, 1]);
    expect(A.isTensor(b)).toBe(true);
    expect(B.isTensor(a)).toBe(true);
    expect(a instanceof B.Tensor).toBe(false);
    expect(B.isTensor({ shape: [2] })).toBe(false);
    const s = B.add(a, b);
    expect(s).toBeInstanceOf(B.Tensor);
    expect(s.dataSync()).toEqual(new Float32Array([2.5, 3.5]));
    expect(A.matmul(A.reshape(a, [1, 2]), B.reshape(B.cast(b, "float32"), [2, 1])).itemSync()).toBe(
      4,
    );
  });

  it("share tidy scopes and memory counts", () => {
    const backend = A.setBackend(cpuA.cpu());
    const before = B.memory(backend).tensors;
    let inner!: InstanceType<TensorModule["Tensor"]>;
    const kept = A.tidy(() => {
      inner = B.ones([3]); // created through the other copy: still owned by A's scope
      return B.add(inner, 1);
    });
    expect(inner.isDisposed).toBe(true);
    expect(kept.isDisposed).toBe(false);
    expect(A.memory(backend).tensors).toBe(before + 1);
    B.dispose(kept);
    expect(A.memory(backend).tensors).toBe(before);
  });

  it("share the values kept through shared(), created once", () => {
    let made = 0;
    const init = () => ({ made: ++made });
    const a = A.shared("@nn/test/dual-package@1", init);
    const b = B.shared("@nn/test/dual-package@1", init);
    expect(b).toBe(a);
    expect(made).toBe(1);
    // A key that names an Object.prototype member is still a fresh slot.
    expect(B.shared("toString", () => 7)).toBe(7);
  });

  it("share grad mode and the op and dispose hooks", () => {
    A.setBackend(cpuA.cpu());
    expect(A.noGrad(() => B.isGradEnabled())).toBe(false);
    expect(B.noGrad(() => A.enableGrad(() => B.isGradEnabled()))).toBe(true);
    expect(A.isGradEnabled()).toBe(true);
    const ops: string[] = [];
    const disposed: unknown[] = [];
    const prevOp = A.setOpHook((r) => ops.push(r.op));
    const prevDispose = A.setDisposeHook((t) => disposed.push(t));
    try {
      const x = B.tensor([1, 2]);
      B.recordOp("seen", [x], [x]);
      A.noGrad(() => B.recordOp("hidden", [x], [x]));
      x.dispose();
      expect(ops).toEqual(["seen"]);
      expect(disposed).toEqual([x]);
    } finally {
      B.setOpHook(prevOp);
      B.setDisposeHook(prevDispose);
    }
  });

  it("two fresh copies of the CPU backend never reuse a label", async () => {
    vi.resetModules();
    const first: CpuModule = await import("../src/index.js");
    vi.resetModules();
    const second: CpuModule = await import("../src/index.js");
    expect(first.cpu).not.toBe(second.cpu);
    const labels = [first.cpu(), second.cpu(), first.cpu(), second.cpu()].map((b) => b.label);
    expect(new Set(labels).size).toBe(4);
  });
});
