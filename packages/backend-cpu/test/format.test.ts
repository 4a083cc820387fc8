// Printing: toString() against PyTorch's repr (packages/testing/fixtures/format.json, written
// by tools/gen_fixtures.py; torch's dtype suffixes are renamed there to nn's spelling).

import { setBackend, tensor, transpose } from "@nn/tensor";
import { buildTensor, type FixtureTensor, loadFixtures } from "@nn/testing";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

interface FormatCase {
  id: string;
  tensor: FixtureTensor;
  requiresGrad: boolean;
  repr: string;
}

const { cases } = loadFixtures("format.json") as unknown as { cases: FormatCase[] };
const backend = setBackend(cpu());
const asyncBackend = cpu({ syncRead: false });

describe("toString matches PyTorch's repr", () => {
  it("has the fixture cases", () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const t = buildTensor(c.tensor, backend);
    t.requiresGrad = c.requiresGrad;
    expect(t.toString()).toBe(c.repr);
    expect(await t.format()).toBe(c.repr);
    // `format()` prints the values on a backend without sync reads too.
    const u = buildTensor(c.tensor, asyncBackend);
    u.requiresGrad = c.requiresGrad;
    expect(await u.format()).toBe(c.repr);
    t.dispose();
    u.dispose();
  });
});

describe("toString of views and special states", () => {
  it("prints the logical values of a non-contiguous view", () => {
    const t = transpose(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: "float32" },
      ),
      0,
      1,
    );
    expect(t.toString()).toBe("tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])");
  });

  it("prints a summary, not values, on a backend without sync reads", () => {
    const t = tensor([1.5, 2], { backend: asyncBackend });
    expect(t.toString()).toBe(
      `tensor(<on ${asyncBackend.label}; await t.format()>, shape=[2], dtype=float32)`,
    );
  });

  it("prints a disposed tensor without reading it", () => {
    const t = tensor([[1, 2]]);
    t.dispose();
    expect(t.toString()).toBe("tensor(<disposed>, shape=[1, 2], dtype=int32)");
  });
});

describe("console.log", () => {
  it("prints a tensor as toString() does (Node's inspect)", async () => {
    const { inspect } = await import("node:util");
    setBackend(cpu());
    const t = tensor([1.5, 2], { dtype: "float32" });
    expect(inspect(t)).toBe("tensor([1.5000, 2.0000])");
  });
});
