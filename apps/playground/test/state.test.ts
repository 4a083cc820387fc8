import { describe, expect, it } from "vitest";
import { parseState, serializeState } from "../src/state.js";

describe("the page's state in the URL", () => {
  it("gives the defaults for an empty query, and an empty query for the defaults", () => {
    const s = parseState("");
    expect(s).toMatchObject({
      panel: "race",
      lang: "en",
      backend: "webgpu",
      surface: "rosenbrock",
      depth: 10,
    });
    expect(Number.isNaN(s.x)).toBe(true);
    expect(serializeState(s)).toBe("");
  });

  it("round-trips every kind of value", () => {
    const s = {
      ...parseState(""),
      panel: "activations" as const,
      lang: "ko" as const,
      opts: ["adam", "lion"],
      lr: 0.0025,
      mom: 0.5,
      x: -1.25,
      y: 2,
      act: "leakyRelu",
      ap: { negativeSlope: 0.1 },
      depth: 20,
      init: "xavier" as const,
    };
    expect(parseState(serializeState(s))).toEqual(s);
  });

  it("replaces each invalid value by its default, keeping the valid ones", () => {
    const s = parseState(
      "?panel=nope&depth=99&lr=-1&mom=1.5&steps=2.5&opts=&act=x%3Cscript%3E&surface=beale&seed=7",
    );
    const d = parseState("");
    expect(s.panel).toBe(d.panel);
    expect(s.depth).toBe(d.depth);
    expect(s.lr).toBe(d.lr);
    expect(s.mom).toBe(0.9);
    expect(s.steps).toBe(d.steps);
    expect(s.opts).toEqual(d.opts);
    expect(s.act).toBe(d.act);
    expect(s.surface).toBe("beale");
    expect(s.seed).toBe(7);
  });
});
