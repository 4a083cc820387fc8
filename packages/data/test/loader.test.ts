import { cpu } from "@nn/backend-cpu";
import { arange, type Backend, memory, reshape, setBackend, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  DataLoader,
  type Dataset,
  randomPermutation,
  Subset,
  TensorDataset,
} from "../src/index.js";

let backend: Backend;
beforeAll(() => {
  backend = setBackend(cpu({ syncRead: false }));
});

function table(n: number): { x: Tensor; y: Tensor } {
  const x = reshape(arange(0, n * 2, 1, { dtype: "float32" }), [n, 2]);
  const y = arange(0, n);
  return { x, y };
}

async function firstColumn(batches: Tensor[][]): Promise<number[]> {
  const out: number[] = [];
  for (const [, y] of batches) out.push(...Array.from(await (y as Tensor).data()));
  return out;
}

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

describe("TensorDataset", () => {
  it("types its items and batches as a tuple of its tensors (no `!` when destructuring)", async () => {
    const ds = new TensorDataset(
      reshape(arange(0, 6, 1, { dtype: "float32" }), [3, 2]),
      tensor([0, 1, 2], { dtype: "int32" }),
    );
    for await (const [x, y] of new DataLoader(ds, { batchSize: 2 })) {
      // Checked by tsc: with a Tensor[] item type, x and y would be Tensor | undefined.
      expectTypeOf(x).toEqualTypeOf<Tensor>();
      expectTypeOf(y).toEqualTypeOf<Tensor>();
      expect(x.shape[1]).toBe(2);
      expect(Array.from(await y.data())).toEqual(x.shape[0] === 2 ? [0, 1] : [2]);
      x.dispose();
      y.dispose();
    }
  });

  it("gives rows of every tensor, one by one or as a batch", async () => {
    const { x, y } = table(5);
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(5);
    const [xi, yi] = await ds.get(3);
    expect(xi?.shape).toEqual([2]);
    expect(Array.from(await (xi as Tensor).data())).toEqual([6, 7]);
    expect(await (yi as Tensor).item()).toBe(3);
    const [xb, yb] = await ds.getBatch([4, 0]);
    expect(await (xb as Tensor).array()).toEqual([
      [8, 9],
      [0, 1],
    ]);
    expect(Array.from(await (yb as Tensor).data())).toEqual([4, 0]);
    await expect(ds.get(5)).rejects.toThrow(/index 5 is out of range for a dataset of 5 items/);
    expect(() => new TensorDataset(x, arange(0, 4))).toThrow(/same first dim/);
  });
});

describe("DataLoader", () => {
  it("batches in order, with a smaller last batch unless dropLast", async () => {
    const { x, y } = table(10);
    const ds = new TensorDataset(x, y);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = await collect(loader);
    expect(batches.map((b) => b[0]?.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(await firstColumn(batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect((await collect(dropped)).length).toBe(2);
  });

  it("shuffles with a seed: reproducible, a new order each epoch, every item once", async () => {
    const { x, y } = table(20);
    const ds = new TensorDataset(x, y);
    const a = new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 7 });
    const b = new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 7 });
    const a1 = await firstColumn(await collect(a));
    const a2 = await firstColumn(await collect(a));
    expect(await firstColumn(await collect(b))).toEqual(a1);
    expect(await firstColumn(await collect(b))).toEqual(a2);
    expect(a1).not.toEqual(a2);
    expect([...a1].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const c = new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 8 });
    expect(await firstColumn(await collect(c))).not.toEqual(a1);
  });

  it("the permutation is a Philox Fisher–Yates shuffle, fixed for a seed", () => {
    const p = randomPermutation(10, 123);
    expect(p).toEqual(randomPermutation(10, 123));
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(randomPermutation(10, 123, 1)).not.toEqual(p);
  });

  it("prefetches at most one batch ahead", async () => {
    let started = 0;
    const ds: Dataset<Tensor> = {
      length: 12,
      async get(i) {
        started++;
        return tensor([i]);
      },
    };
    const loader = new DataLoader(ds, { batchSize: 3 });
    let consumed = 0;
    for await (const batch of loader) {
      consumed += 3;
      // The batch in hand plus at most the next one.
      expect(started).toBeLessThanOrEqual(consumed + 3);
      await new Promise((r) => setTimeout(r, 1));
      expect(started).toBeLessThanOrEqual(consumed + 3);
      expect(batch.shape).toEqual([3, 1]);
      batch.dispose();
    }
    expect(started).toBe(12);
  });

  it("collates datasets without getBatch by stacking, and frees what it made", async () => {
    const { x, y } = table(7);
    const inner = new TensorDataset(x, y);
    const plain: Dataset<Tensor[]> = { length: inner.length, get: (i) => inner.get(i) };
    const before = memory(backend).tensors;
    const batches = await collect(new DataLoader(plain, { batchSize: 3 }));
    expect(batches.map((b) => b[0]?.shape)).toEqual([
      [3, 2],
      [3, 2],
      [1, 2],
    ]);
    expect(await firstColumn(batches)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const b of batches) for (const t of b) t.dispose();
    expect(memory(backend).tensors).toBe(before);
  });

  it("Subset picks items of another dataset", async () => {
    const { x, y } = table(6);
    const sub = new Subset(new TensorDataset(x, y), [5, 1, 3]);
    expect(sub.length).toBe(3);
    expect(await firstColumn(await collect(new DataLoader(sub, { batchSize: 2 })))).toEqual([
      5, 1, 3,
    ]);
    expect(() => new Subset(new TensorDataset(x, y), [6])).toThrow(/out of range/);
  });

  it("rejects a bad batch size", () => {
    const { x } = table(2);
    expect(() => new DataLoader(new TensorDataset(x), { batchSize: 0 })).toThrow(
      /positive integer/,
    );
  });
});

describe("DataLoader early stop", () => {
  it("ten early breaks leave no extra live tensors (the prefetched batch is disposed)", async () => {
    const { x, y } = table(12);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2 });
    const before = memory(backend).tensors;
    for (let round = 0; round < 10; round++) {
      for await (const batch of loader) {
        for (const t of batch) t.dispose();
        break;
      }
    }
    expect(memory(backend).tensors).toBe(before);
  });

  it("a throw in the loop body also frees the prefetched batch", async () => {
    const { x, y } = table(6);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2 });
    const before = memory(backend).tensors;
    await expect(
      (async () => {
        for await (const batch of loader) {
          for (const t of batch) t.dispose();
          throw new Error("user code failed");
        }
      })(),
    ).rejects.toThrow("user code failed");
    expect(memory(backend).tensors).toBe(before);
  });
});

describe("DataLoader arguments", () => {
  it("a tensor or array instead of a Dataset, or options that are not an object, are ValueErrors", () => {
    const { x } = table(4);
    expect(() => new DataLoader(x as never)).toThrow(/^DataLoader: dataset must be a Dataset/);
    expect(() => new DataLoader([1, 2] as never)).toThrow(/TensorDataset/);
    const { x: x2, y } = table(4);
    expect(() => new DataLoader(new TensorDataset(x2, y), 32 as never)).toThrow(
      /options must be an object such as \{ batchSize: 64 \}, got 32/,
    );
  });
});

describe("DataLoader device", () => {
  it("moves each batch to the device, leaving no batch behind on the dataset's backend", async () => {
    const device = cpu({ syncRead: false });
    const { x, y } = table(5);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 2, device });
    const before = memory(backend).tensors;
    const batches = await collect(loader);
    expect(memory(backend).tensors).toBe(before);
    expect(batches.map((b) => b.map((t) => t.backend))).toEqual(
      Array.from({ length: 3 }, () => [device, device]),
    );
    expect(await firstColumn(batches)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(await ((batches[2] as Tensor[])[0] as Tensor).data())).toEqual([8, 9]);
    expect(memory(device).tensors).toBe(6);
  });

  it("moves a collated tensor batch, and refuses a batch that is not tensors", async () => {
    const device = cpu({ syncRead: false });
    const ds = new TensorDataset(arange(0, 4, 1, { dtype: "float32" }));
    const summed = new DataLoader(ds, {
      batchSize: 2,
      device,
      collate: (items) => items.reduce((a, [t]) => a.add(t as Tensor), tensor(0)),
    });
    const sums = await collect(summed);
    expect(sums.map((t) => t.backend)).toEqual([device, device]);
    expect(await Promise.all(sums.map((t) => t.item()))).toEqual([1, 5]);

    const counted = new DataLoader(ds, { batchSize: 2, device, collate: (items) => items.length });
    await expect(collect(counted)).rejects.toThrow(
      /DataLoader: the device option moves batches of tensors .* collate returned number/,
    );
  });
});
