// Anomaly mode (issue 13): every op's float outputs are checked for NaN and ±Infinity; a backend
// with sync reads throws at the op, another at the next read, naming the first op that made one.
import {
  AnomalyError,
  div,
  isAnomalyModeEnabled,
  log,
  memory,
  mul,
  setAnomalyMode,
  setBackend,
  sum,
  tensor,
  withAnomalyMode,
} from "@nn/tensor";
import { afterEach, beforeEach, expect } from "vitest";
import { collectGarbage, type SuiteContext } from "./harness.js";

/** Registers the anomaly-mode tests. */
export function anomalyTests(s: SuiteContext): void {
  const { test } = s;
  const specials = { ieeeSpecials: true };
  beforeEach(() => {
    setBackend(s.backend);
  });
  afterEach(() => {
    setAnomalyMode(false);
  });
  const sync = () => s.backend.capabilities.syncRead;

  test(
    "is off by default: a NaN passes silently, as without it",
    async () => {
      expect(isAnomalyModeEnabled()).toBe(false);
      const y = log(tensor([-1, 1]));
      expect(Number.isNaN((await y.data())[0])).toBe(true);
    },
    specials,
  );

  test(
    "names the op and its input shapes: at the op (sync reads) or at the next read",
    async () => {
      setAnomalyMode(true);
      expect(isAnomalyModeEnabled()).toBe(true);
      const x = tensor([[-1, 1, 2]]);
      const message =
        /^anomaly mode: log produced .*NaN.* in output 0 \(shape \[1, 3\]\) from inputs of shapes \[1, 3\]; thrown at /;
      if (sync()) {
        expect(() => log(x)).toThrow(AnomalyError);
        expect(() => log(x)).toThrow(message);
      } else {
        const y = log(x);
        await expect(y.data()).rejects.toThrow(AnomalyError);
        // Reported once: the next read succeeds.
        expect((await y.data())[1]).toBe(0);
        log(x);
        await expect(x.data()).rejects.toThrow(message);
      }
    },
    specials,
  );

  test(
    "reports the first op that produced one, not the ones that propagated it",
    async () => {
      setAnomalyMode(true);
      const a = tensor([1, 2]);
      const b = tensor([0, 1]);
      if (sync()) {
        expect(() => div(a, b)).toThrow(/^anomaly mode: div produced 1 NaN\/infinite value\(s\)/);
        return;
      }
      const q = div(a, b); // [inf, 2]
      const r = sum(mul(q, 2));
      await expect(r.item()).rejects.toThrow(
        /^anomaly mode: div produced .* from inputs of shapes \[2\], \[2\]; thrown at the first read after it/,
      );
    },
    specials,
  );

  test("finite results pass, and checking leaves no tensors behind", async () => {
    // Tensors earlier tests left to the garbage collector go now, not while this test counts.
    await collectGarbage();
    const before = memory(s.backend).tensors;
    setAnomalyMode(true);
    const x = tensor([1.5, 2, 3]);
    const total = sum(x);
    const y = mul(total, 2);
    expect(await y.item()).toBe(13);
    for (const t of [x, total, y]) t.dispose();
    setAnomalyMode(false);
    expect(memory(s.backend).tensors).toBe(before);
  });

  test("withAnomalyMode runs a synchronous fn with it on, then restores; refuses async fns", () => {
    expect(withAnomalyMode(() => isAnomalyModeEnabled())).toBe(true);
    expect(isAnomalyModeEnabled()).toBe(false);
    expect(() => withAnomalyMode((async () => 1) as never)).toThrow(
      /withAnomalyMode: got an async function/,
    );
  });

  test(
    "turned off, pending checks are dropped and NaN passes again",
    async () => {
      setAnomalyMode(true);
      if (sync()) {
        expect(() => log(tensor([-1]))).toThrow(AnomalyError);
        setAnomalyMode(false);
        expect(Number.isNaN((await log(tensor([-1])).data())[0])).toBe(true);
        return;
      }
      const y = log(tensor([-1]));
      setAnomalyMode(false);
      expect(Number.isNaN((await y.data())[0])).toBe(true);
    },
    specials,
  );
}
