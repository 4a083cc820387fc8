// Backend instances as devices: t.to(), sync reads turned off, memory() per backend.
import {
  add,
  BackendError,
  dispose,
  memory,
  ones,
  setBackend,
  slice,
  sum,
  tensor,
  transpose,
} from "@nn/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

const main = setBackend(cpu());
beforeEach(() => {
  setBackend(main);
});

describe("t.to(backend)", () => {
  it("copies values, shape and dtype to another instance, in a new buffer", async () => {
    const other = cpu();
    const t = tensor(
      [
        [1.5, 2],
        [3, 4],
      ],
      { dtype: "float64" },
    );
    const u = await t.to(other);
    expect(u.backend).toBe(other);
    expect(u.storage).not.toBe(t.storage);
    expect(u.shape).toEqual([2, 2]);
    expect(u.dtype).toBe("float64");
    expect(u.arraySync()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
    // Independent storage: writing one leaves the other.
    t.dispose();
    expect(u.arraySync()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
  });

  it("packs a non-contiguous view as it copies", async () => {
    const other = cpu();
    const base = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const v = slice(transpose(base, 0, 1), 0, 1); // [[2, 5], [3, 6]]
    const u = await v.to(other);
    expect(u.isContiguous).toBe(true);
    expect(u.offset).toBe(0);
    expect(u.arraySync()).toEqual([
      [2, 5],
      [3, 6],
    ]);
  });

  it("on the same backend resolves to a view of the same storage", async () => {
    const t = tensor([1, 2, 3]);
    const u = await t.to(main);
    expect(u).not.toBe(t);
    expect(u.storage).toBe(t.storage);
    t.dispose();
    expect(Array.from(u.dataSync())).toEqual([1, 2, 3]);
  });

  it("copies bool, 0-d and empty tensors", async () => {
    const other = cpu({ syncRead: false });
    expect(await (await tensor([true, false]).to(other)).array()).toEqual([true, false]);
    expect(await (await tensor(2.5).to(other)).item()).toBe(2.5);
    const e = await ones([0, 3]).to(other);
    expect(e.shape).toEqual([0, 3]);
    expect(await e.array()).toEqual([]);
  });

  it("ops on the copy run on the other backend; mixing is refused", async () => {
    const other = cpu();
    const t = tensor([1, 2]);
    const u = await t.to(other);
    expect(add(u, u).backend).toBe(other);
    expect(() => add(t, u)).toThrow(BackendError);
    expect(() => add(t, u)).toThrow(new RegExp(`${main.label}.*${other.label}`));
  });
});

describe("cpu({ syncRead: false }) behaves like a GPU backend", () => {
  const gpuLike = cpu({ syncRead: false });

  it("declares no sync read", () => {
    expect(gpuLike.capabilities.syncRead).toBe(false);
    expect(gpuLike.readSync).toBeUndefined();
  });

  it("dataSync, arraySync and itemSync throw BackendError naming the backend and the way out", () => {
    const t = tensor([1, 2], { backend: gpuLike });
    for (const read of [() => t.dataSync(), () => t.arraySync(), () => sum(t).itemSync()]) {
      expect(read).toThrow(BackendError);
      expect(read).toThrow(new RegExp(`${gpuLike.label}.*await`));
    }
  });

  it("await data(), array() and item() work, on views too", async () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { backend: gpuLike },
    );
    expect(await t.data()).toEqual(new Float32Array([1, 2, 3, 4]));
    expect(await transpose(t, 0, 1).array()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(await sum(t).item()).toBe(10);
    expect(await tensor([[true]], { backend: gpuLike }).item()).toBe(1);
  });

  it("toString() gives the summary form; format() gives the values", async () => {
    const t = tensor([[1.5, 2]], { backend: gpuLike });
    expect(t.toString()).toBe(
      `tensor(<on ${gpuLike.label}; await t.format()>, shape=[1, 2], dtype=float32)`,
    );
    expect(`${t}`).toBe(t.toString());
    expect(await t.format()).toBe("tensor([[1.5000, 2.0000]])");
  });
});

describe("memory(backend)", () => {
  it("counts each backend on its own, and the total over all", () => {
    const a = cpu();
    const b = cpu();
    const x = ones([4], { backend: a }); // 16 bytes
    const y = ones([2, 2], { dtype: "float64", backend: b }); // 32 bytes
    const z = ones([3], { dtype: "bool", backend: b }); // 3 bytes
    expect(memory(a)).toMatchObject({ tensors: 1, buffers: 1, bytes: 16 });
    expect(memory(b)).toMatchObject({ tensors: 2, buffers: 2, bytes: 35 });
    expect(memory(a).byBackend).toEqual({ [a.label]: { tensors: 1, buffers: 1, bytes: 16 } });
    const all = memory();
    expect(all.byBackend[a.label]).toEqual({ tensors: 1, buffers: 1, bytes: 16 });
    expect(all.byBackend[b.label]).toEqual({ tensors: 2, buffers: 2, bytes: 35 });
    expect(all.tensors).toBe(Object.values(all.byBackend).reduce((n, m) => n + m.tensors, 0));
    dispose([x, y, z]);
    expect(memory(a)).toMatchObject({ tensors: 0, buffers: 0, bytes: 0 });
    expect(memory(b)).toMatchObject({ tensors: 0, buffers: 0, bytes: 0 });
  });

  it("a backend that never held a tensor reports zeros", () => {
    expect(memory(cpu())).toMatchObject({ tensors: 0, buffers: 0, bytes: 0 });
  });
});
