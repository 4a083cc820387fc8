// The CPU backend's allocation limit (capabilities.maxBufferBytes): 2 GiB by default, set with
// cpu({ maxBufferBytes }); the tensor layer checks it before the backend allocates anything.
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
