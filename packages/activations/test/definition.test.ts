/** The `definition` each activation carries (what @nn/nn turns into a module). */
import { cpu } from "@nn/backend-cpu";
import { setBackend, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { gelu, leakyRelu, sigmoid, softplus } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("definition", () => {
  it("names the parameters in kernel-argument order, with their defaults", () => {
    expect(sigmoid.definition.name).toBe("sigmoid");
    expect(sigmoid.definition.paramNames).toEqual([]);
    expect(leakyRelu.definition.paramNames).toEqual(["negativeSlope"]);
    expect(leakyRelu.definition.defaults).toEqual({ negativeSlope: 0.01 });
    expect(softplus.definition.paramNames).toEqual(["beta", "threshold"]);
    expect(softplus.definition.defaults).toEqual({ beta: 1, threshold: 20 });
    expect(gelu.definition.choiceNames).toEqual(["approximate"]);
    expect(gelu.definition.choices).toEqual({ approximate: ["none", "tanh"] });
    expect(gelu.definition.defaults).toEqual({ approximate: "none" });
  });

  it("is read-only", () => {
    const d = leakyRelu.definition;
    expect(() => {
      (leakyRelu as unknown as { definition: unknown }).definition = {};
    }).toThrow(TypeError);
    expect(() => {
      (d.defaults as { negativeSlope: number }).negativeSlope = 1;
    }).toThrow(TypeError);
    expect(leakyRelu.definition).toBe(d);
    expect(d.defaults.negativeSlope).toBe(0.01);
  });

  it("resolves options to the map op and its arguments, which run like the function", async () => {
    const { map, params } = softplus.definition.resolve({ threshold: 3 });
    expect(params).toEqual([1, 3]);
    const x = tensor([-1, 0.5, 4], { dtype: "float64" });
    const direct = await softplus(x, { threshold: 3 }).data();
    const viaMap = await (map.apply([x], params)[0] as ReturnType<typeof tensor>).data();
    expect(Array.from(viaMap)).toEqual(Array.from(direct));
  });
});
