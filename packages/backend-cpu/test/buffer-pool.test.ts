// Without Wasm (no heap, see heap.test.ts), freed buffers are reused by dtype and size,
// zero-filled again; tiny ones are left to the GC.
import { expect, it } from "vitest";
import { cpu } from "../src/index.js";

it("reuses a freed buffer of the same dtype and size, zero-filled", () => {
  const b = cpu({ wasm: false });
  const a = b.alloc("float32", 100) as Float32Array;
  a.fill(7);
  b.free(a);
  expect(b.alloc("float64", 100)).not.toBe(a);
  expect(b.alloc("float32", 99)).not.toBe(a);
  const again = b.alloc("float32", 100) as Float32Array;
  expect(again).toBe(a);
  expect(Array.from(again)).toEqual(new Array(100).fill(0));
  expect(b.alloc("float32", 100)).not.toBe(a); // handed out once
});

it("does not pool buffers under 256 bytes, nor share pools between backends", () => {
  const b = cpu({ wasm: false });
  const small = b.alloc("int32", 8);
  b.free(small);
  expect(b.alloc("int32", 8)).not.toBe(small);
  const big = b.alloc("bool", 1000);
  b.free(big);
  expect(cpu({ wasm: false }).alloc("bool", 1000)).not.toBe(big);
  expect(b.alloc("bool", 1000)).toBe(big);
});
