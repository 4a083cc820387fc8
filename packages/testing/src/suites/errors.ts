// Typed errors (issue 2, item 7): each bad input gets its error class, and the message names the
// op and the shapes or dtypes involved.

import * as nn from "@nn/tensor";
import {
  add,
  BackendError,
  DisposedTensorError,
  DTypeError,
  IndexError,
  matmul,
  NNError,
  ones,
  ShapeError,
  setBackend,
  sum,
  tensor,
  ValueError,
  zeros,
} from "@nn/tensor";
import { afterEach, beforeAll, expect } from "vitest";
import type { SuiteContext } from "./harness.js";

/** Runs `fn`, expects it to throw an instance of `cls`, and returns the error. */
function thrown(fn: () => unknown, cls: new (...args: never[]) => Error): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(NNError);
    expect((e as Error).name).toBe(cls.name);
    return e as Error;
  }
  throw new Error(`expected ${cls.name}, nothing was thrown`);
}

/** Registers the typed-error tests. */
export function errorTests(s: SuiteContext): void {
  const { group, test } = s;
  beforeAll(() => {
    setBackend(s.backend);
  });

  group("shape errors", () => {
    test("add of [2, 3] and [4] names the op and both shapes", () => {
      const e = thrown(() => add(ones([2, 3]), ones([4])), ShapeError);
      expect(e.message).toMatch(/^add:/);
      expect(e.message).toContain("[2, 3]");
      expect(e.message).toContain("[4]");
      expect(e.message).toMatch(/broadcast/);
    });

    test("matmul of [2, 3] and [4, 5] names both shapes and the inner sizes", () => {
      const e = thrown(() => matmul(ones([2, 3]), ones([4, 5])), ShapeError);
      expect(e.message).toMatch(/^matmul:/);
      expect(e.message).toContain("[2, 3]");
      expect(e.message).toContain("[4, 5]");
    });

    test("matmul with batch dims that do not broadcast names them", () => {
      const e = thrown(() => matmul(ones([2, 2, 3]), ones([3, 3, 4])), ShapeError);
      expect(e.message).toMatch(/^matmul/);
      expect(e.message).toContain("[2, 2, 3]");
      expect(e.message).toContain("[3, 3, 4]");
    });

    test("a ragged nested array says where it is ragged", () => {
      const e = thrown(() => tensor([[1, 2], [3]]), ShapeError);
      expect(e.message).toMatch(/^tensor:/);
      expect(e.message).toMatch(/ragged/);
      expect(e.message).toContain("[1]");
      expect(e.message).toContain("length 2");
      expect(e.message).toContain("length 1");
    });

    test("a number where a row was expected is ragged too", () => {
      const e = thrown(() => tensor([[1, 2], 3] as never), ShapeError);
      expect(e.message).toMatch(/^tensor: ragged/);
    });
  });

  group("dtype errors", () => {
    test("an unknown dtype lists the valid ones", () => {
      for (const make of [
        () => zeros([2], { dtype: "int64" as never }),
        () => tensor([1, 2], { dtype: "float16" as never }),
      ]) {
        const e = thrown(make, DTypeError);
        expect(e.message).toMatch(/^(zeros|tensor):/);
        expect(e.message).toMatch(/int64|float16/);
        expect(e.message).toContain("float32");
      }
    });

    test("a non-numeric element given to tensor() names its position and type", () => {
      const e = thrown(() => tensor([1, "a"] as never), DTypeError);
      expect(e.message).toMatch(/^tensor:/);
      expect(e.message).toContain("[1]");
      expect(e.message).toContain("string");
      const n = thrown(() => tensor([[1, null]] as never), DTypeError);
      expect(n.message).toContain("[0, 1]");
    });

    test("an array where a number was expected is a non-numeric element", () => {
      const e = thrown(() => tensor([1, [2, 3]] as never), DTypeError);
      expect(e.message).toContain("[1]");
    });

    test(
      "matmul of two dtypes names both",
      () => {
        const e = thrown(
          () => matmul(ones([2, 2]), ones([2, 2], { dtype: "float64" })),
          DTypeError,
        );
        expect(e.message).toMatch(/^matmul:/);
        expect(e.message).toContain("float32");
        expect(e.message).toContain("float64");
      },
      { dtypes: ["float64"] },
    );
  });

  group("index errors", () => {
    test("an axis out of range gives the valid range", () => {
      const e = thrown(() => sum(ones([2, 3]), 2), IndexError);
      expect(e.message).toMatch(/^sum:/);
      expect(e.message).toContain("2-d");
      expect(e.message).toContain("[-2, 1]");
      expect(thrown(() => sum(ones([2, 3]), -3), IndexError).message).toMatch(/^sum:/);
    });
  });

  group("use after dispose", () => {
    test("names the op, the shape and the dtype", () => {
      const t = ones([2, 3]);
      t.dispose();
      const e = thrown(() => add(t, 1), DisposedTensorError);
      expect(e.message).toMatch(/^add:/);
      expect(e.message).toContain("[2, 3]");
      expect(e.message).toContain("float32");
      // dataSync checks the tensor is live before it reads, on every backend
      expect(thrown(() => t.dataSync(), DisposedTensorError).message).toMatch(/^dataSync:/);
    });

    test("rejects async reads too", async () => {
      const t = ones([1]);
      t.dispose();
      await expect(t.data()).rejects.toBeInstanceOf(DisposedTensorError);
    });
  });

  group("backends", () => {
    const KEY = Symbol.for("@nn/tensor/state@1");
    const holder = globalThis as unknown as Record<symbol, Record<string, unknown> | undefined>;
    let saved: Record<string, unknown> | undefined;
    afterEach(() => {
      if (saved !== undefined) holder[KEY] = saved;
      saved = undefined;
    });

    test("no backend set: BackendError says how to set one", () => {
      saved = holder[KEY];
      delete holder[KEY];
      const e = thrown(() => tensor([1, 2]), BackendError);
      expect(e.message).toMatch(/no backend/);
      expect(e.message).toContain("setBackend(cpu())");
      expect(e.message).toContain("@nn/backend-cpu");
    });

    test("the state comes back once restored", () => {
      expect(tensor([1]).backend).toBe(s.backend);
    });

    test("inputs on two backend instances: BackendError naming both labels", async () => {
      const backend = s.backend;
      const other = await s.other();
      const a = ones([2], { backend });
      const b = ones([2], { backend: other });
      const e = thrown(() => add(a, b), BackendError);
      expect(e.message).toMatch(/^add:/);
      expect(e.message).toContain(backend.label);
      expect(e.message).toContain(other.label);
      expect(backend.label).not.toBe(other.label);
      expect(
        thrown(() => matmul(ones([2, 2], { backend: other }), ones([2, 2])), BackendError).message,
      ).toMatch(/^matmul:/);
    });
  });

  group("value errors", () => {
    test("item() of a tensor with several elements names its size and shape", () => {
      // itemSync checks the size before it reads, on every backend
      const e = thrown(() => ones([2, 3]).itemSync(), ValueError);
      expect(e.message).toMatch(/^item:/);
      expect(e.message).toContain("6 elements");
      expect(e.message).toContain("[2, 3]");
    });
  });

  group("values that are not tensors", () => {
    test("an array or null where a tensor goes is a ValueError with a hint", () => {
      const ops = nn as unknown as Record<string, (...a: unknown[]) => unknown>;
      expect(() => ops.add?.([1, 2], [3, 4])).toThrowError(
        /add: operand 0 is an array; .*wrap arrays with tensor/,
      );
      expect(() => ops.add?.(null, 1)).toThrowError(/add: operand 0 is null/);
      expect(() => ops.sum?.([1, 2])).toThrowError(/sum: input 0 is an array; expected a tensor/);
      expect(() => ops.exp?.("x")).toThrowError(nn.ValueError);
    });

    test("dims given as an object are a ValueError saying how to pass them", () => {
      const x = nn.ones([2, 3]);
      expect(() => nn.sum(x, { dim: 1 } as unknown as number)).toThrowError(
        /sum: dims must be an integer, a list of integers or null/,
      );
    });

    test("requiresGrad on an int32 tensor is a DTypeError, set either way", () => {
      const i = nn.tensor([1, 2], { dtype: "int32" });
      expect(() => {
        i.requiresGrad = true;
      }).toThrowError(/only float tensors can require gradients, got int32/);
      expect(i.requiresGrad).toBe(false);
    });

    test("an int32 operand of matmul: the message says where int32 comes from", () => {
      const i = nn.tensor([[1, 2]], { dtype: "int32" });
      const f = nn.tensor([[1], [2]]);
      const run = () => nn.matmul(i, f);
      expect(run).toThrow(nn.DTypeError);
      expect(run).toThrow(
        /matmul: operands must have the same dtype, got int32 and float32 \(int32 comes from \{ dtype: "int32" \}.*pass \{ dtype: "float32" \} or cast\(t, "float32"\)/,
      );
    });
  });
}
