// Printing through the sync API, CPU only: toString() prints values only where the backend reads
// synchronously, and console.log goes through toString(). The printed values themselves are
// checked against PyTorch's repr for every backend by the tensor suites (@nn/testing).
import { setBackend, tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

const asyncBackend = cpu({ syncRead: false });

describe("toString of views and special states", () => {
  it("prints a summary, not values, on a backend without sync reads", () => {
    const t = tensor([1.5, 2], { backend: asyncBackend });
    expect(t.toString()).toBe(
      `tensor(<on ${asyncBackend.label}; await t.format()>, shape=[2], dtype=float32)`,
    );
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
