// Grad mode: the one switch in dispatch that says whether ops are reported to the op hook.
// No backend is needed: the ops here are reported by hand with recordOp.
import { enableGrad, isGradEnabled, noGrad, ValueError } from "@nn/tensor";
import { type OpRecord, recordOp, setOpHook, withGradMode } from "@nn/tensor/internal";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let seen: string[] = [];
let previous: ((record: OpRecord) => void) | undefined;

beforeEach(() => {
  seen = [];
  previous = setOpHook((r) => seen.push(r.op));
});

afterEach(() => {
  setOpHook(previous);
});

describe("grad mode", () => {
  it("is on by default and reports ops to the hook", () => {
    expect(isGradEnabled()).toBe(true);
    recordOp("a", [], []);
    expect(seen).toEqual(["a"]);
  });

  it("noGrad stops reporting; enableGrad inside it reports again; both restore the mode", () => {
    const inner = noGrad(() => {
      recordOp("hidden", [], []);
      const modes = [isGradEnabled()];
      enableGrad(() => {
        modes.push(isGradEnabled());
        recordOp("shown", [], []);
      });
      modes.push(isGradEnabled());
      return modes;
    });
    expect(inner).toEqual([false, true, false]);
    expect(isGradEnabled()).toBe(true);
    recordOp("after", [], []);
    expect(seen).toEqual(["shown", "after"]);
  });

  it("noGrad returns fn's value and restores the mode when fn throws", () => {
    expect(noGrad(() => 42)).toBe(42);
    expect(() =>
      noGrad(() => {
        throw new RangeError("boom");
      }),
    ).toThrowError(RangeError);
    expect(isGradEnabled()).toBe(true);
  });

  it("noGrad refuses an async fn with a ValueError, after running its synchronous part unrecorded", async () => {
    let modeInside: boolean | undefined;
    let pending: Promise<void> | undefined;
    expect(() =>
      noGrad(() => {
        modeInside = isGradEnabled();
        recordOp("sync part", [], []);
        pending = Promise.resolve();
        return pending;
      }),
    ).toThrowError(ValueError);
    await pending;
    expect(modeInside).toBe(false);
    expect(seen).toEqual([]);
    expect(isGradEnabled()).toBe(true);
  });

  it("withGradMode sets either mode and accepts any fn", async () => {
    const p = withGradMode(false, () => Promise.resolve(isGradEnabled()));
    expect(await p).toBe(false);
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(withGradMode(true, () => isGradEnabled())).toBe(true);
      expect(isGradEnabled()).toBe(false);
    });
  });
});
