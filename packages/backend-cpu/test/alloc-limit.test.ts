// The CPU backend's allocation limits: capabilities.maxBufferBytes (one buffer, 2 GiB by default, set with
// cpu({ maxBufferBytes })) and maxMemoryBytes (all live buffers); the tensor layer checks both
// before the backend allocates anything.
import { totalmem } from "node:os";
import { AllocationError, memory, setBackend, tensor, zeros } from "@nn/tensor";
import { expect, it, vi } from "vitest";
import { cpu } from "../src/index.js";

it("declares 2 GiB by default and the given limit otherwise", () => {
  expect(cpu().capabilities.maxBufferBytes).toBe(2 ** 31);
  expect(cpu({ maxBufferBytes: 64 }).capabilities.maxBufferBytes).toBe(64);
});

it("refuses a tensor over the limit before calling alloc; one at the limit is made", () => {
  const small = setBackend(cpu({ maxBufferBytes: 64 }));
  const alloc = vi.spyOn(small, "alloc");
  expect(() => zeros([17])).toThrow(AllocationError);
  expect(() => zeros([17])).toThrow(
    `zeros: a float32 tensor of shape [17] (17 elements, 68 bytes) exceeds the 64 bytes a buffer on ${small.label} can hold (capabilities.maxBufferBytes)`,
  );
  expect(() => zeros([9], { dtype: "float64" })).toThrow(AllocationError);
  expect(alloc).not.toHaveBeenCalled();
  expect(memory(small).buffers).toBe(0);
  zeros([16]).dispose();
  expect(alloc).toHaveBeenCalledTimes(1);
});

it("Tensor.to checks the target backend's limit", async () => {
  setBackend(cpu());
  const t = tensor(new Float32Array(32));
  await expect(t.to(cpu({ maxBufferBytes: 64 }))).rejects.toThrow(
    /^to: a float32 tensor of shape \[32\]/,
  );
  t.dispose();
});

it("declares 3/4 of the machine's memory as maxMemoryBytes by default, and checks the option", () => {
  expect(cpu().capabilities.maxMemoryBytes).toBe(Math.floor(totalmem() * 0.75));
  expect(cpu({ maxMemoryBytes: 1024 }).capabilities.maxMemoryBytes).toBe(1024);
  for (const bad of [0, -1, Number.NaN]) {
    expect(() => cpu({ maxMemoryBytes: bad })).toThrow(
      `cpu: maxMemoryBytes must be a positive number, got ${bad}`,
    );
  }
});

it("refuses an allocation past maxMemoryBytes (live bytes counted) before calling alloc", () => {
  const small = setBackend(cpu({ maxMemoryBytes: 100 }));
  const a = zeros([20]); // 80 bytes
  const alloc = vi.spyOn(small, "alloc");
  expect(() => zeros([6])).toThrow(
    `zeros: out of memory on ${small.label}: a float32 tensor of shape [6] needs 24 bytes while 1 live buffers hold 80 bytes, past the limit of 100 bytes (capabilities.maxMemoryBytes); dispose() tensors no longer needed, or run each step inside tidy(() => ...) (tidyAsync for async steps)`,
  );
  expect(alloc).not.toHaveBeenCalled();
  zeros([5]).dispose(); // 80 + 20 fits
  a.dispose();
  zeros([25]).dispose();
});

it("turns a RangeError from the runtime's allocator into an out-of-memory AllocationError", () => {
  const b = setBackend(cpu());
  vi.spyOn(b, "alloc").mockImplementation(() => {
    throw new RangeError("Array buffer allocation failed");
  });
  expect(() => zeros([3, 4])).toThrow(
    new RegExp(
      `^zeros: out of memory on ${b.label}: a float32 tensor of shape \\[3, 4\\] needs 48 bytes while \\d+ live buffers hold \\d+ bytes, past what the runtime could allocate \\(Array buffer allocation failed\\); dispose\\(\\)`,
    ),
  );
  expect(() => zeros([3, 4])).toThrow(AllocationError);
});
