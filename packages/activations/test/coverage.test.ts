/**
 * Walks the package's exports: every activation has PyTorch fixture cases and gradcheck cases,
 * and every elementwise one carries a definition.
 */
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { GRADCHECK } from "./gradcheck-cases.js";
import { fixtureCases } from "./parity.js";

/** Exported functions that are not activations. */
const HELPERS = new Set(["defineActivation"]);
/**
 * Activations whose function is `@nn/tensor`'s (one op, owned there) and whose definition is
 * exported under another name.
 */
const DEFINED_AS: Record<string, string> = { tanh: "tanhActivation" };
/** Activations that are composites, not `defineActivation` definitions. */
const COMPOSITES = new Set(["softmax", "logSoftmax", "softmin", "glu", "prelu", "rrelu"]);

const activations = Object.entries(api)
  .filter(
    ([name, v]) =>
      typeof v === "function" && !HELPERS.has(name) && !Object.values(DEFINED_AS).includes(name),
  )
  .map(([name]) => name);

describe("every exported activation is covered", () => {
  it("exports the 27 activations the issue lists", () => {
    expect(activations.sort()).toEqual(
      [
        "sigmoid",
        "tanh",
        "relu",
        "leakyRelu",
        "relu6",
        "elu",
        "selu",
        "celu",
        "gelu",
        "silu",
        "mish",
        "softplus",
        "softsign",
        "hardtanh",
        "hardsigmoid",
        "hardswish",
        "logSigmoid",
        "tanhshrink",
        "softshrink",
        "hardshrink",
        "threshold",
        "prelu",
        "rrelu",
        "glu",
        "softmax",
        "logSoftmax",
        "softmin",
      ].sort(),
    );
  });

  const fixtureOps = new Map<string, { values: number; errors: number; dtypes: Set<string> }>();
  for (const c of fixtureCases()) {
    const e = fixtureOps.get(c.op) ?? { values: 0, errors: 0, dtypes: new Set<string>() };
    if ("error" in c.expected) e.errors++;
    else {
      e.values++;
      e.dtypes.add(c.expected.value.tensor.dtype);
    }
    fixtureOps.set(c.op, e);
  }

  for (const name of activations) {
    it(`${name}: PyTorch fixtures in float32 and float64, and gradcheck`, () => {
      const f = fixtureOps.get(name);
      expect(f?.values, `${name} has no fixture case`).toBeGreaterThan(0);
      expect([...(f?.dtypes ?? [])].sort()).toEqual(["float32", "float64"]);
      expect(GRADCHECK[name]?.length, `${name} has no gradcheck case`).toBeGreaterThan(0);
      const exports = api as unknown as Record<string, { definition?: { name: string } }>;
      const definition = exports[DEFINED_AS[name] ?? name]?.definition;
      if (COMPOSITES.has(name)) expect(definition).toBeUndefined();
      else expect(definition?.name).toBe(name);
    });
  }

  it("has no fixture or gradcheck entry for something not exported", () => {
    for (const op of fixtureOps.keys()) expect(activations).toContain(op);
    for (const op of Object.keys(GRADCHECK)) expect(activations).toContain(op);
  });
});

describe("names exported by two packages are one object", () => {
  it("tanh is @nn/tensor's", async () => {
    const tensor = await import("@nn/tensor");
    expect(api.tanh).toBe(tensor.tanh);
    expect(api.tanhActivation.definition.name).toBe("tanh");
  });
});
