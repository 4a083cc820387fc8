// Tensors in Wasm memory (src/wasm/heap.ts): blocks by size class, reused when freed,
// zero-filled, and read and written in place by the Wasm kernels.
import { add_, defineMap, exp, full, matmul, mul_, setBackend, tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";
import { blockClass } from "../src/wasm/heap.js";
import { sharedScratch } from "../src/wasm/scratch.js";

const heap = sharedScratch().heap;

describe("Wasm heap", () => {
  it("size classes: multiples of 64 bytes, at most 1/8 spare above 4 KiB", () => {
    expect([1, 64, 65, 4096].map(blockClass)).toEqual([64, 64, 128, 4096]);
    for (const bytes of [4097, 5000, 123_457, 10_000_000]) {
      const c = blockClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 64).toBe(0);
      expect((c - bytes) / bytes).toBeLessThanOrEqual(1 / 8);
    }
  });

  it("holds float32, int32 and bool tensors from 256 bytes; float64 and smaller ones stay in JS", () => {
    const b = cpu();
    expect(heap.addressOf(b.alloc("float32", 64) as Float32Array)).toBeGreaterThan(0);
    expect(heap.addressOf(b.alloc("int32", 64) as Int32Array)).toBeGreaterThan(0);
    expect(heap.addressOf(b.alloc("bool", 256) as Uint8Array)).toBeGreaterThan(0);
    expect(heap.addressOf(b.alloc("float64", 64) as Float64Array)).toBe(-1);
    expect(heap.addressOf(b.alloc("float32", 63) as Float32Array)).toBe(-1);
    expect(heap.addressOf(cpu({ wasm: false }).alloc("float32", 1000) as Float32Array)).toBe(-1);
  });

  it("reuses a freed block for the next request of its class, zero-filled up to 16 bytes past", () => {
    const b = cpu();
    const a = b.alloc("float32", 1001) as Float32Array;
    const at = heap.addressOf(a);
    a.fill(7);
    new Float32Array(a.buffer, a.byteOffset, 1004).fill(7); // the spare lanes too
    b.free(a);
    expect(heap.free(a)).toBe(false); // once only
    const again = b.alloc("int32", 1002) as Int32Array; // same class (4 KiB), other dtype
    expect(heap.addressOf(again)).toBe(at);
    expect(Array.from(new Int32Array(again.buffer, again.byteOffset, 1004))).toEqual(
      new Array(1004).fill(0),
    );
  });

  it("1,000 alloc/free rounds of mixed sizes hold the memory size constant after the first", () => {
    const b = cpu();
    const round = () => {
      const xs = [100, 5000, 70_000, 3].map((n) => b.alloc("float32", n));
      for (const x of xs) b.free(x);
    };
    round();
    const bytes = heap.bytes;
    for (let i = 0; i < 1000; i++) round();
    expect(heap.bytes).toBe(bytes);
  });

  it("in-place elementwise output of an odd size leaves the next block alone", () => {
    setBackend(cpu());
    const n = 1025; // 1025 floats: the last vector's spare lanes fall in the block's padding
    const x = tensor(Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.25));
    const y = exp(x);
    const yArr = y.storage.buffer as Float32Array;
    expect(heap.addressOf(yArr)).toBeGreaterThan(0);
    const next = tensor(new Float32Array(n).fill(3)); // may take the block after y's
    const y2 = exp(x);
    expect(Array.from(next.dataSync())).toEqual(new Array(n).fill(3));
    const want = Array.from(x.dataSync(), (v) => Math.fround(Math.exp(v)));
    Array.from(y2.dataSync()).forEach((v, i) => {
      expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(
        2 * 2 ** -23 * (want[i] as number),
      );
    });
  });

  it("matmul reads heap operands in place and writes a whole-tile output in place", () => {
    setBackend(cpu({ threads: 1 }));
    const a = tensor(Float32Array.from({ length: 8 * 12 }, (_, i) => (i % 5) - 2)).reshape([8, 12]);
    const bT = tensor(Float32Array.from({ length: 16 * 12 }, (_, i) => (i % 3) - 1)).reshape([
      16, 12,
    ]);
    const c = matmul(a, bT.transpose(0, 1)); // [8, 16]: whole 4 x 8 tiles, written in place
    const A = a.dataSync();
    const B = bT.dataSync();
    const want: number[] = [];
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 16; j++) {
        let s = 0;
        for (let k = 0; k < 12; k++) s += (A[i * 12 + k] as number) * (B[j * 12 + k] as number);
        want.push(s);
      }
    }
    expect(Array.from(c.dataSync())).toEqual(want); // small integers: exact in float32
  });

  it("in-place updates (output = input view) are exact, also where a sin lane bails out to JS", () => {
    setBackend(cpu({ threads: 1 }));
    const n = 4096;
    const x = tensor(Float32Array.from({ length: n }, (_, i) => i * 0.5));
    add_(x, tensor(Float32Array.from({ length: n }, (_, i) => i)), 2); // x += 2 * i
    expect(Array.from(x.dataSync())).toEqual(Array.from({ length: n }, (_, i) => i * 2.5));
    // An update y <- sin(y) + y written over its input; sin of 1e7 is out of the Wasm range, so
    // the launch reruns in JS, which must find y untouched.
    const update = defineMap({ name: "sinStep", inputs: 1, build: ([y]) => y!.sin().add(y!) });
    const big = Float32Array.from({ length: n }, (_, i) => (i === n - 1 ? 1e7 : i * 0.001));
    const y = tensor(big);
    update.applyInto([y], [y]);
    const want = Array.from(big, (v) => Math.fround(Math.fround(Math.sin(v)) + v));
    Array.from(y.dataSync()).forEach((v, i) => {
      expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(
        2 ** -22 * Math.max(1, Math.abs(want[i] as number)),
      );
    });
  });

  it("an in-place op on an offset view ending at its block's end leaves the next block alone", () => {
    setBackend(cpu({ threads: 1 }));
    // 2048 floats fill their 8 KiB class exactly: no padding after them. Find two tensors in
    // adjacent blocks, then add into the lower one's [1:], whose last vector would reach past
    // its block.
    const held = Array.from({ length: 40 }, (_, i) => full([2048], i, { dtype: "float32" }));
    const at = (t: (typeof held)[number]) => heap.addressOf(t.storage.buffer as Float32Array);
    const a = held.find((t) => held.some((u) => at(u) === at(t) + 8192));
    expect(a).toBeDefined();
    const b = held.find((u) => at(u) === at(a!) + 8192)!;
    const before = Array.from(b.dataSync());
    const aBefore = Array.from(a!.dataSync());
    add_(a!.narrow(0, 1, 2047), 1);
    mul_(a!.narrow(0, 3, 2045), 2);
    expect(Array.from(b.dataSync())).toEqual(before);
    const want = aBefore.map((v, i) => (i >= 3 ? (v + 1) * 2 : i >= 1 ? v + 1 : v));
    expect(Array.from(a!.dataSync())).toEqual(want);
    // Read in place from the same kind of view.
    const y = full([2047], 1, { dtype: "float32" });
    add_(y, a!.narrow(0, 1, 2047));
    expect(Array.from(y.dataSync())).toEqual(want.slice(1).map((v) => v + 1));
  });

  it("grows for tensors by at most 64 MiB with nothing freed, then hands out ordinary arrays", () => {
    const b = cpu();
    const before = heap.bytes;
    const held: Float32Array[] = [];
    let fallback: Float32Array | undefined;
    for (let i = 0; i < 200 && !fallback; i++) {
      const x = b.alloc("float32", 2 ** 20) as Float32Array; // 4 MiB
      if (heap.addressOf(x) < 0) fallback = x;
      else held.push(x);
    }
    expect(fallback).toBeDefined(); // an ordinary array, which the garbage collector sees
    expect(heap.bytes - before).toBeLessThanOrEqual(
      64 * 2 ** 20 + Math.max(4 * 2 ** 20, before / 8) + 4 * 2 ** 20,
    );
    b.free(held.pop()!); // a freed block: reused, and the heap may grow again
    const again = b.alloc("float32", 2 ** 20) as Float32Array;
    expect(heap.addressOf(again)).toBeGreaterThan(0);
    expect(heap.addressOf(b.alloc("float32", 3 * 2 ** 20) as Float32Array)).toBeGreaterThan(0);
    for (const x of [...held, again]) b.free(x);
  });
});
