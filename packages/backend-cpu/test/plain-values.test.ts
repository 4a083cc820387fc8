// Plain JavaScript values where a tensor or backend belongs (issue 13, item 11): a typed error
// naming what was given, never a raw TypeError or a silently stored wrong value.
import { BackendError, setBackend, type Tensor, tensor, ValueError, zeros } from "@nn/tensor";
import { beforeAll, expect, it } from "vitest";
import { cpu } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu());
});

it("t.grad accepts null or a tensor, and refuses plain values with ValueError", () => {
  const p = zeros([2, 3], { requiresGrad: true });
  expect(() => {
    p.grad = "x" as never;
  }).toThrow(new ValueError("grad: expected a Tensor or null, got a string"));
  expect(() => {
    p.grad = [[1, 2, 3]] as never;
  }).toThrow(/grad: expected a Tensor or null, got an array/);
  expect(() => {
    p.grad = undefined as never;
  }).toThrow(/got undefined/);
  expect(p.grad).toBe(null);
  const g: Tensor = zeros([2, 3]);
  p.grad = g;
  expect(p.grad).toBe(g);
  p.grad = null;
  expect(p.grad).toBe(null);
});

it("requiresGrad takes only booleans", () => {
  const t = zeros([2]);
  expect(() => {
    t.requiresGrad = "yes" as never;
  }).toThrow(new ValueError("requiresGrad: expected true or false, got a string"));
  expect(t.requiresGrad).toBe(false);
});

it("t.to() of a Promise asks whether `await` was forgotten", async () => {
  const t = tensor([1, 2]);
  await expect(t.to(Promise.resolve(cpu()) as never)).rejects.toThrow(BackendError);
  await expect(t.to({} as never)).rejects.toThrow(/^to: expected a Backend/);
});
