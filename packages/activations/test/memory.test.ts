/** Activations leave nothing behind: forward and backward in a loop hold a constant number of tensors. */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { dispose, memory, setBackend, sum, tidy } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { GRADCHECK } from "./gradcheck-cases.js";

describe("memory", () => {
  for (const [name, cases] of Object.entries(GRADCHECK)) {
    it(`${name}: 50 forward/backward steps hold no tensors`, () => {
      const backend = setBackend(cpu({ syncRead: false }));
      const c = cases[0] as (typeof cases)[number];
      const inputs = c.inputs();
      for (const t of inputs) t.requiresGrad = true;
      const before = memory(backend).tensors;
      for (let i = 0; i < 50; i++) {
        tidy(() => backward(sum(c.fn(...inputs))));
        for (const t of inputs) {
          t.grad?.dispose();
          t.grad = null;
        }
      }
      expect(memory(backend).tensors).toBe(before);
      dispose(inputs);
    });
  }
});
