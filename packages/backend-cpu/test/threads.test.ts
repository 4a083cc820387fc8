import { spawnSync } from "node:child_process";
import { BackendError, type View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";
import { I32, op, wasmModule } from "../src/wasm/asm.js";
import { PARALLEL_MIN_WORK } from "../src/wasm/matmul.js";
import { SHARED_MAX_PAGES, sharedScratch } from "../src/wasm/scratch.js";
import { poolKernel, ThreadPool } from "../src/wasm/threads.js";
import { CTRL, WORKER_SOURCE } from "../src/wasm/worker-source.js";

/** A deterministic pseudo-random float32 array in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const contiguous = (shape: number[]) => {
  const strides = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) {
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  }
  return strides;
};

const view = (buffer: Float32Array, shape: number[], strides = contiguous(shape)): View => ({
  buffer,
  dtype: "float32",
  shape,
  strides,
  offset: 0,
});

interface Case {
  name: string;
  a: (buf: Float32Array) => View;
  b: (buf: Float32Array) => View;
  aSize: number;
  bSize: number;
  out: number[];
}

const plain = (M: number, K: number, N: number): Case => ({
  name: `${M}x${K}x${N}`,
  a: (x) => view(x, [M, K]),
  b: (x) => view(x, [K, N]),
  aSize: M * K,
  bSize: K * N,
  out: [M, N],
});

// Each above PARALLEL_MIN_WORK multiply-adds per product, so that two and three threads split it.
const CASES: Case[] = [
  plain(128, 128, 128),
  plain(131, 257, 67), // odd sizes: partial A and B panels, a partial KC block
  plain(4, 600, 1030), // one A panel: split by B panels
  plain(1030, 300, 5), // one B panel: split by A panels
  {
    name: "batched [3,70,150] @ [3,150,110]",
    a: (x) => view(x, [3, 70, 150]),
    b: (x) => view(x, [3, 150, 110]),
    aSize: 3 * 70 * 150,
    bSize: 3 * 150 * 110,
    out: [3, 70, 110],
  },
  {
    name: "broadcast batch [2,90,130] @ [130,100] (stride 0)",
    a: (x) => view(x, [2, 90, 130]),
    b: (x) => view(x, [2, 130, 100], [0, 100, 1]),
    aSize: 2 * 90 * 130,
    bSize: 130 * 100,
    out: [2, 90, 100],
  },
  {
    name: "transposed views A^T @ B^T, 150x140x99",
    a: (x) => view(x, [150, 140], [1, 150]),
    b: (x) => view(x, [140, 99], [1, 140]),
    aSize: 150 * 140,
    bSize: 140 * 99,
    out: [150, 99],
  },
];

/**
 * The product of case `c` on `threads` threads, split from 2^20 multiply-adds on (the default
 * is higher); with `heap`, its operands and output live in the Wasm heap (packed and written in
 * place, each thread packing its own panels), else in plain arrays (copied in and out).
 */
function product(threads: number, c: Case, heap = false): Float32Array {
  const be = cpu({ threads });
  be.matmulParallelMinWork = 2 ** 20;
  const size = c.out.reduce((x, y) => x * y, 1);
  const place = (x: Float32Array) => {
    if (!heap) return x;
    const y = be.alloc("float32", x.length) as Float32Array;
    y.set(x);
    return y;
  };
  const A = place(data(c.aSize, 7));
  const B = place(data(c.bSize, 11));
  const out = place(new Float32Array(size));
  be.matmul(c.a(A), c.b(B), view(out, c.out));
  return out.slice();
}

const pool = (threads: number) => ThreadPool.get(sharedScratch(), threads);

describe("cpu({ threads })", () => {
  it("reports its threads, or why one", () => {
    expect(cpu({ threads: 2 }).info).toEqual({ threads: 2, whyOneThread: undefined });
    expect(cpu({ threads: 1 }).info).toEqual({ threads: 1, whyOneThread: undefined });
    const noWasm = cpu({ threads: 2, wasm: false }).info;
    expect(noWasm.threads).toBe(1);
    expect(noWasm.whyOneThread).toMatch(/WebAssembly kernels/);
    expect(cpu().info.threads).toBeGreaterThanOrEqual(1);
    expect(() => cpu({ threads: 0 })).toThrow(/cpu: threads must be a positive integer, got 0/);
    expect(() => cpu({ threads: 1.5 })).toThrow(/got 1.5/);
  });

  it("declares the scratch memory shared, with the maximum the modules import", () => {
    const scratch = sharedScratch();
    expect(scratch.shared).toBe(true);
    expect(scratch.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const bytes = scratch.moduleBytes([]);
    // import section: "env" "memory" kind 2, limits flag 3 (shared, with max), min 1, max.
    const max = [0x80, 0x80, 0x04]; // uleb(65536)
    expect(SHARED_MAX_PAGES).toBe(65536);
    expect(Buffer.from(bytes).includes(Buffer.from([0x02, 0x03, 0x01, ...max]))).toBe(true);
  });

  for (const c of CASES) {
    it(`matmul ${c.name} is bit-identical for 1, 2 and 3 threads`, () => {
      const one = product(1, c);
      for (const heap of [false, true]) {
        for (const threads of [1, 2, 3]) {
          const before = pool(Math.max(2, threads)).jobCount;
          const many = product(threads, c, heap);
          if (threads > 1) expect(pool(threads).jobCount).toBeGreaterThan(before);
          expect(Buffer.from(many.buffer).equals(Buffer.from(one.buffer))).toBe(true);
        }
      }
      // A sanity check of the values themselves: one element against a float64 dot product.
      const [a, b] = [data(c.aSize, 7), data(c.bSize, 11)];
      const [A, B] = [c.a(a), c.b(b)];
      const K = A.shape[A.shape.length - 1] as number;
      const as = A.strides[A.strides.length - 1] as number;
      const bs = B.strides[B.strides.length - 2] as number;
      let dot = 0;
      for (let k = 0; k < K; k++) dot += (a[k * as] as number) * (b[k * bs] as number);
      expect(one[0]).toBeCloseTo(dot, 4);
    });
  }

  it("keeps products under PARALLEL_MIN_WORK on the calling thread", () => {
    const before = pool(2).jobCount;
    const A = data(64 * 784, 7);
    const B = data(784 * 128, 11);
    expect(64 * 784 * 128).toBeLessThan(PARALLEL_MIN_WORK);
    cpu({ threads: 2 }).matmul(
      view(A, [64, 784]),
      view(B, [784, 128]),
      view(new Float32Array(64 * 128), [64, 128]),
    );
    expect(pool(2).jobCount).toBe(before);
  });

  /** A kernel `f(x)` that traps (`unreachable`) when x is nonzero. */
  const trapping = () => {
    const scratch = sharedScratch();
    const bytes = scratch.moduleBytes([
      {
        name: "f",
        params: [I32],
        results: [],
        locals: [],
        body: [...op.get(0), 0x04, 0x40, 0x00, 0x0b],
      },
    ]);
    return poolKernel(bytes, "f", scratch.instantiate(bytes).f as (x: number) => void);
  };

  it("surfaces a trap on a worker as a BackendError, and keeps working", () => {
    const p = pool(2);
    const k = trapping();
    expect(() => p.run(k, 1, [[0], [1]])).toThrow(BackendError);
    expect(() => p.run(k, 1, [[0], [1]])).toThrow(
      /kernel "f" failed on worker thread 1: .*unreachable/,
    );
    expect(() => p.run(k, 1, [[0], [0]])).not.toThrow();
    expect(p.broken).toBeUndefined();
  });

  it("throws a BackendError, not a hang, when a worker stops answering", async () => {
    const p = pool(4); // a pool of its own: it ends broken
    p.run(trapping(), 1, [[0], [0], [0], [0]]);
    p.terminateWorkerForTest(1);
    await new Promise((r) => setTimeout(r, 200));
    p.responseTimeoutMs = 300;
    expect(() => p.run(trapping(), 1, [[0], [0], [0], [0]])).toThrow(
      /worker thread pool is broken: 1 of 3 workers did not answer within 300 ms/,
    );
    expect(() => p.run(trapping(), 1, [[0]])).toThrow(BackendError);
    // A backend of that thread count then multiplies on the calling thread.
    const c = plain(128, 128, 128);
    expect(Buffer.from(product(4, c).buffer).equals(Buffer.from(product(1, c).buffer))).toBe(true);
  });

  it("declares an unshared import without sharedMaxPages", () => {
    const bytes = wasmModule([], { importMemory: true });
    expect(Buffer.from(bytes).includes(Buffer.from([0x02, 0x00, 0x01]))).toBe(true);
  });

  it("never keeps a process alive: a script whose worker waits for jobs exits", () => {
    // The worker body as the pool starts it (unref'd, blocked in Atomics.wait), and a job run.
    const script = `
      const { Worker, MessageChannel } = require("node:worker_threads");
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
      const ctrl = new Int32Array(new SharedArrayBuffer(4096));
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(${JSON.stringify(WORKER_SOURCE)}, { eval: true,
        workerData: { memory, control: ctrl.buffer, port: port2, index: 0 }, transferList: [port2] });
      w.unref();
      Atomics.add(ctrl, ${CTRL.gen}, 1);
      Atomics.notify(ctrl, ${CTRL.gen});
      while (Atomics.load(ctrl, ${CTRL.done}) < 1) Atomics.wait(ctrl, ${CTRL.done}, 0, 50);
      console.log("done", ctrl[${CTRL.failed}]);
    `;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    // Kernel 0 was never sent: the worker reports it rather than hanging.
    expect(r.stdout.trim()).toBe("done 1");
  }, 30_000); // a child process: its start alone can take seconds on a loaded machine
});
