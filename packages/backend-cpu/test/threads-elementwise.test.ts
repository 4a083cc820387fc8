// Wasm elementwise launches split across worker threads (`wasm/elementwise-split.ts`): every
// operand layout gives bit-identical results with 1, 2 and 3 threads, and the launch really ran
// on the workers.
import { input, type Kernel, kernel, param, type View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { type CpuBackend, cpu } from "../src/index.js";
import { sharedScratch } from "../src/wasm/scratch.js";
import { ThreadPool } from "../src/wasm/threads.js";

function view(buffer: Float32Array | Uint8Array, shape: number[], strides?: number[]): View {
  const s =
    strides ?? shape.map((_, d) => shape.slice(d + 1).reduce((a: number, b: number) => a * b, 1));
  const dtype = buffer instanceof Uint8Array ? "bool" : "float32";
  return { buffer, dtype, shape, strides: s, offset: 0 };
}

/** A backend of `threads` threads that runs every launch in Wasm and splits every one. */
function backend(threads: number): CpuBackend {
  const b = cpu({ threads });
  b.compiler.wasmMinElements = 0;
  (b.compiler.wasm as { parallelMinElements: number }).parallelMinElements = 0;
  return b;
}
const backends = [1, 2, 3].map(backend);
const jobs = (threads: number) => ThreadPool.get(sharedScratch(), threads).jobCount;

const values = (n: number, seed: number) =>
  new Float32Array(n).map((_, i) => Math.sin(i * 12.9898 + seed) * 3);

/** Runs `k` on each backend; the output bytes, and whether the threaded ones used workers. */
function runAll(
  k: Kernel,
  inputs: View[],
  shape: number[],
  outs: ("float32" | "bool")[],
  params: number[] = [],
) {
  const n = shape.reduce((a, b) => a * b, 1);
  return backends.map((b) => {
    const before = b.info.threads > 1 ? jobs(b.info.threads) : 0;
    const out = outs.map((t) => (t === "bool" ? new Uint8Array(n) : new Float32Array(n)));
    b.elementwise(
      k,
      inputs,
      out.map((o) => view(o, shape)),
      params,
    );
    const threaded = b.info.threads > 1 && jobs(b.info.threads) > before;
    return { bytes: out.map((o) => Buffer.from(o.buffer).toString("hex")), threaded };
  });
}

function expectIdentical(r: ReturnType<typeof runAll>, threaded = true) {
  const [one, two, three] = r as [(typeof r)[0], (typeof r)[0], (typeof r)[0]];
  expect(two.threaded).toBe(threaded);
  expect(three.threaded).toBe(threaded);
  expect(two.bytes).toEqual(one.bytes);
  expect(three.bytes).toEqual(one.bytes);
}

const x0 = input(0, "float32");
const x1 = input(1, "float32");
const m0 = input(0, "bool");
const [R, C] = [7, 36]; // rows of a 2-D layout are whole vectors (cols % 4 == 0)

describe("Wasm elementwise on 1, 2 and 3 threads", () => {
  it("a flat run (split by vectors), odd length, with a float32 param", () => {
    const n = 4099;
    const k = kernel([x0.mul(param(0)).exp().add(x1.tanh())]);
    expectIdentical(
      runAll(k, [view(values(n, 1), [n]), view(values(n, 2), [n])], [n], ["float32"], [0.37]),
    );
  });

  const layouts: [string, View][] = [
    ["contiguous", view(values(R * C, 3), [R, C])],
    ["a scalar", view(new Float32Array([1.25]), [R, C], [0, 0])],
    ["one per row", view(values(R, 4), [R, C], [1, 0])],
    ["one row for every row", view(values(C, 5), [R, C], [0, 1])],
  ];
  for (const [name, y] of layouts) {
    it(`rows split: x - y, y ${name}, to float32 and bool outputs`, () => {
      const k = kernel([x0.sub(x1).exp(), x0.gt(x1)]);
      expectIdentical(runAll(k, [view(values(R * C, 6), [R, C]), y], [R, C], ["float32", "bool"]));
    });
  }

  it("rows split: a bool input one per row, as a where condition", () => {
    const mask = new Uint8Array(R).map((_, i) => i % 2);
    const k = kernel([m0.where(x1, x1.neg())]);
    const inputs = [view(mask, [R, C], [1, 0]), view(values(R * C, 7), [R, C])];
    expectIdentical(runAll(k, inputs, [R, C], ["float32"]));
  });

  it("an out-of-range lane on a worker sends the whole launch to the JS path", () => {
    const n = 4096;
    const x = values(n, 8);
    x[n - 1] = 1e7; // sin beyond the Wasm path's range, in the last thread's share
    const k = kernel([x0.sin()]);
    const r = runAll(k, [view(x, [n])], [n], ["float32"]);
    expectIdentical(r);
    const out = new Float32Array(n);
    cpu({ wasm: false }).elementwise(k, [view(x, [n])], [view(out, [n])], []);
    expect(r[0]?.bytes[0]).toBe(Buffer.from(out.buffer).toString("hex"));
  });

  it("keeps launches below parallelMinElements on the calling thread", () => {
    const b = cpu({ threads: 2 });
    b.compiler.wasmMinElements = 0;
    const before = jobs(2);
    const n = 4096;
    const out = new Float32Array(n);
    b.elementwise(kernel([x0.exp()]), [view(values(n, 9), [n])], [view(out, [n])], []);
    expect(b.compiler.wasm?.parallelMinElements).toBe(262144);
    expect(jobs(2)).toBe(before);
  });
});
