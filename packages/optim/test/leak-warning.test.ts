/**
 * The leak warning (issue 13): when the live tensor count grows at every optimizer step for 50
 * steps, the optimizer warns once with the growth per step and the fix; a tidy loop never
 * warns; setLeakWarning(false) turns it off.
 */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { mul, setBackend, sum, type Tensor, tensor, tidy, ValueError } from "@nn/tensor";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SGD, setLeakWarning } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

function setup() {
  const w = tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const x = tensor([0.5, -1], { dtype: "float32" });
  return { w, x, opt: new SGD([w], { lr: 0.01 }) };
}

function capture(steps?: number): string[] {
  const messages: string[] = [];
  setLeakWarning({ steps, warn: (m) => messages.push(m) });
  return messages;
}

afterEach(() => setLeakWarning({ steps: 50, warn: (m) => console.warn(m) }));

describe("leak warning", () => {
  it("warns once for a loop that keeps every step's loss alive", () => {
    const messages = capture();
    const { w, x, opt } = setup();
    const kept: Tensor[] = [];
    for (let i = 0; i < 120; i++) {
      const loss = sum(mul(w, x)); // never disposed: a leak of a few tensors per step
      backward(loss);
      kept.push(loss);
      opt.step();
      opt.zeroGrad();
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^sgd\.step: the number of live tensors grew at each of the last 50 steps \(\d+ -> \d+, \+\d+\.\d per step\).*tidy/,
    );
  });

  it("does not warn for a tidy loop", () => {
    const messages = capture();
    const { w, x, opt } = setup();
    for (let i = 0; i < 120; i++) {
      tidy(() => {
        backward(sum(mul(w, x)));
      });
      opt.step();
      opt.zeroGrad();
    }
    expect(messages).toEqual([]);
  });

  it("setLeakWarning(false) turns it off; bad steps are refused", () => {
    const messages = capture(5);
    setLeakWarning(false);
    const { w, x, opt } = setup();
    for (let i = 0; i < 20; i++) {
      backward(sum(mul(w, x)));
      opt.step();
      opt.zeroGrad();
    }
    expect(messages).toEqual([]);
    expect(() => setLeakWarning({ steps: 0.5 })).toThrow(ValueError);
  });
});
