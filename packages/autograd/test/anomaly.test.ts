// Anomaly mode through backward: the ops of a gradient rule are checked too, and the error says
// whose rule it was (PyTorch: "Function 'SqrtBackward0' returned nan values").
import { cpu } from "@nn/backend-cpu";
import { AnomalyError, setAnomalyMode, setBackend, sqrt, sum, tensor } from "@nn/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { backward } from "../src/index.js";

afterEach(() => {
  setAnomalyMode(false);
});

describe.each([
  ["cpu", true],
  ["cpu (syncRead: false)", false],
])("anomaly mode on %s", (_name, syncRead) => {
  it("a gradient rule producing Infinity is reported with the op it differentiates", async () => {
    setBackend(cpu({ syncRead }));
    const x = tensor([0, 4], { dtype: "float32", requiresGrad: true });
    const loss = sum(sqrt(x)); // finite forward; d sqrt / dx at 0 is Infinity
    setAnomalyMode(true);
    const message =
      /^anomaly mode: sqrt\.grad in the gradient rule of sqrt produced .*infinite.*; thrown at /;
    if (syncRead) {
      expect(() => backward(loss)).toThrow(AnomalyError);
      expect(() => backward(sum(sqrt(x)))).toThrow(message);
      return;
    }
    backward(loss);
    await expect((x.grad as NonNullable<typeof x.grad>).data()).rejects.toThrow(message);
  });

  it("off, the same backward gives Infinity silently (as PyTorch without detect_anomaly)", async () => {
    setBackend(cpu({ syncRead }));
    const x = tensor([0, 4], { dtype: "float32", requiresGrad: true });
    backward(sum(sqrt(x)));
    expect(Array.from(await (x.grad as NonNullable<typeof x.grad>).data())).toEqual([
      Infinity,
      0.25,
    ]);
  });
});
