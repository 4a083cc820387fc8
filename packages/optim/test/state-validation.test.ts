/**
 * Optimizer state read back from a file is validated before anything is loaded (issue 13): a
 * step of "abc", -5 or 1.5, positions that do not match, int state tensors, NaN host scalars,
 * invalid hyperparameters and malformed JSON encodings are typed errors naming the field and
 * the value, and the optimizer is left exactly as it was.
 */
import { cpu } from "@nn/backend-cpu";
import {
  DTypeError,
  dispose,
  memory,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  createOptimizer,
  type JSONValue,
  LBFGS,
  type OptimizerStateDict,
  stateDictFromJSON,
  stateDictToJSON,
} from "../src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests corrupt arbitrary fields of parsed JSON.
type Json = any;

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

function trained(name = "adam") {
  const params = [zeros([2], { requiresGrad: true }), zeros([3], { requiresGrad: true })];
  const opt = createOptimizer(name, params, { lr: 0.1 });
  for (const p of params)
    p.grad = tensor(p.shape[0] === 2 ? [1, -1] : [0.5, 0.5, 2], { dtype: "float32" });
  opt.step();
  return { opt, params };
}

/** The optimizer's state as plain numbers, to compare before and after a refused load. */
async function snapshot(opt: { stateDict(): OptimizerStateDict }): Promise<JSONValue> {
  const sd = opt.stateDict();
  const json = await stateDictToJSON(sd);
  dispose(sd.state);
  return json;
}

async function refused(
  dict: OptimizerStateDict,
  error: new (...a: never[]) => Error,
  message: RegExp,
): Promise<void> {
  const { opt } = trained();
  const before = await snapshot(opt);
  const live = memory().tensors;
  expect(() => opt.loadStateDict(dict)).toThrow(error);
  expect(() => opt.loadStateDict(dict)).toThrow(message);
  expect(await snapshot(opt)).toEqual(before);
  expect(memory().tensors).toBe(live);
}

function withState(patch: (sd: OptimizerStateDict) => void): OptimizerStateDict {
  const sd = trained().opt.stateDict();
  patch(sd);
  return sd;
}

describe("loadStateDict refuses corrupt state and changes nothing", () => {
  it.each([
    ["abc", /state\[0\]\.step must be an integer >= 0, got "abc" \(a string\)/],
    [-5, /state\[0\]\.step must be an integer >= 0, got -5/],
    [1.5, /got 1\.5/],
    [Number.NaN, /got NaN/],
  ])("step %s", async (step, message) => {
    await refused(
      withState((sd) => {
        (sd.state[0] as Record<string, unknown>).step = step;
      }),
      ValueError,
      message,
    );
  });

  it("positions that are not each of 0..n-1 once", async () => {
    await refused(
      withState((sd) => {
        sd.paramGroups[0].params = [0, 0];
      }),
      ValueError,
      /position 0 appears twice/,
    );
    await refused(
      withState((sd) => {
        sd.paramGroups[0].params = [0, 7];
      }),
      ValueError,
      /paramGroups\[0\]\.params\[1\] must be a position 0\.\.1, got 7/,
    );
    await refused(
      withState((sd) => {
        sd.paramGroups[0].params = ["0", 1] as never;
      }),
      ValueError,
      /params\[0\] must be a position/,
    );
  });

  it("state keyed by something other than a position, or not an object", async () => {
    await refused(
      withState((sd) => {
        sd.state.abc = sd.state[0] as never;
      }),
      ValueError,
      /state for position "abc"/,
    );
    await refused(
      withState((sd) => {
        sd.state[1] = 5 as never;
      }),
      ValueError,
      /state\[1\] must be an object/,
    );
    await refused(
      { optimizer: "adam", state: [] as never, paramGroups: [] },
      ValueError,
      /state must be an object|parameter groups/,
    );
  });

  it("an int state tensor is a DTypeError; a shape mismatch a ShapeError", async () => {
    await refused(
      withState((sd) => {
        sd.state[1] = { ...sd.state[1], expAvg: zeros([3], { dtype: "int32" }) };
      }),
      DTypeError,
      /state\[1\]\.expAvg is a int32 tensor/,
    );
  });

  it("invalid hyperparameters name the group", async () => {
    await refused(
      withState((sd) => {
        sd.paramGroups[0].lr = Number.POSITIVE_INFINITY;
      }),
      ValueError,
      /paramGroups\[0\]: adam: lr must be a finite number >= 0, got Infinity/,
    );
    await refused(
      withState((sd) => {
        sd.paramGroups[0].betas = [0.9, 1.5];
      }),
      ValueError,
      /betas\[1\]/,
    );
  });

  it("a NaN host scalar of the state (NAdam's muProduct) is refused", () => {
    const { opt } = trained("nadam");
    const sd = opt.stateDict();
    (sd.state[0] as Record<string, unknown>).muProduct = "abc";
    expect(() => opt.loadStateDict(sd)).toThrow(
      /state "muProduct" must be a finite number, got "abc"/,
    );
  });

  it("LBFGS refuses bad counts and non-tensor history", async () => {
    const p = zeros([2], { requiresGrad: true });
    const opt = new LBFGS([p]);
    const sd = opt.stateDict();
    sd.state[0] = { funcEvals: -1, nIter: 0 };
    expect(() => opt.loadStateDict(sd)).toThrow(
      /state "funcEvals" must be an integer >= 0, got -1/,
    );
    sd.state[0] = { funcEvals: 1, nIter: 0, d: "abc" };
    expect(() => opt.loadStateDict(sd)).toThrow(/state "d" must be a tensor/);
  });

  it("a valid dict still loads (the step count included)", async () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    const fresh = new Adam([
      zeros([2], { requiresGrad: true }),
      zeros([3], { requiresGrad: true }),
    ]);
    fresh.loadStateDict(sd);
    expect([...fresh.state.values()].map((s) => s.step)).toEqual([1, 1]);
  });
});

describe("stateDictFromJSON names the malformed field", () => {
  async function json(): Promise<Json> {
    return JSON.parse(JSON.stringify(await stateDictToJSON(trained().opt.stateDict())));
  }

  it.each([
    [
      "an unknown dtype",
      (j: Json) => (j.state["0"].expAvg.tensor.dtype = "float16"),
      /state\.0\.expAvg\.tensor\.dtype must be one of/,
    ],
    [
      "a bad shape",
      (j: Json) => (j.state["0"].expAvg.tensor.shape = [-2]),
      /state\.0\.expAvg\.tensor\.shape must be a list of integers >= 0/,
    ],
    [
      "too few values",
      (j: Json) => j.state["0"].expAvg.tensor.data.pop(),
      /state\.0\.expAvg\.tensor\.data must hold 2 values for shape \[2\], got 1/,
    ],
    [
      "a non-number value",
      (j: Json) => (j.state["1"].expAvgSq.tensor.data[2] = "x"),
      /state\.1\.expAvgSq\.tensor\.data\[2\] must be a number or "nan", "inf", "-inf", got "x"/,
    ],
    [
      "a bad special number",
      (j: Json) => (j.paramGroups[0].lr = { number: "huge" }),
      /paramGroups\[0\]\.lr\.number must be a number/,
    ],
    [
      "a missing optimizer",
      (j: Json) => delete j.optimizer,
      /optimizer must be a string, got undefined/,
    ],
    ["paramGroups not a list", (j: Json) => (j.paramGroups = {}), /paramGroups must be a list/],
    ["a state entry not an object", (j: Json) => (j.state["0"] = 3), /state\.0 must be an object/],
  ])("%s", async (_what, patch, message) => {
    const j = await json();
    patch(j);
    const live = memory().tensors;
    expect(() => stateDictFromJSON(j)).toThrow(ValueError);
    expect(() => stateDictFromJSON(j)).toThrow(message);
    expect(memory().tensors).toBe(live);
  });

  it('"step": "abc" in the JSON is refused by loadStateDict, naming the field', async () => {
    const j = await json();
    j.state["0"].step = "abc";
    const { opt } = trained();
    const dict = stateDictFromJSON(j);
    expect(() => opt.loadStateDict(dict)).toThrow(
      /state\[0\]\.step must be an integer >= 0, got "abc"/,
    );
    for (const s of Object.values(dict.state))
      for (const v of Object.values(s)) (v as Tensor).dispose?.();
  });
});
