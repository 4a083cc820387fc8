// Memory: tidy scopes, keep, dispose, views sharing storage, and memory() staying flat over a
// long loop (issue 2: "1,000 iterations inside tidy leave memory() unchanged").
import {
  add,
  argmax,
  concat,
  type DType,
  dispose,
  exp,
  gather,
  gt,
  keep,
  logsumexp,
  matmul,
  mean,
  memory,
  mul,
  oneHot,
  ones,
  reshape,
  ScopeError,
  setBackend,
  slice,
  split,
  stack,
  std,
  sum,
  type Tensor,
  tensor,
  tidy,
  tidyAsync,
  transpose,
  ValueError,
  where,
  zeros,
} from "@nn/tensor";
import { beforeEach, expect, vi } from "vitest";
import { collectGarbage, type SuiteContext, withoutDevice } from "./harness.js";

/** Registers the memory tests. */
export function memoryTests(s: SuiteContext): void {
  const { group, test } = s;
  const live = () => {
    const { tensors, buffers, bytes } = memory(s.backend);
    return { tensors, buffers, bytes };
  };

  beforeEach(async () => {
    setBackend(s.backend);
    // Tensors earlier tests left to the garbage collector go now, not while a test counts.
    await collectGarbage();
  });

  group("tidy", () => {
    test("1,000 iterations of a small computation leave memory() unchanged", () => {
      const w = tensor(
        [
          [0.5, -1],
          [2, 0.25],
          [1, 1],
        ],
        { dtype: "float32" },
      ); // [3, 2]
      const x = ones([4, 3]);
      const labels = tensor([0, 1, 1, 0], { dtype: "int32" });
      const before = live();
      for (let i = 0; i < 1000; i++) {
        const kept = tidy(() => {
          const h = matmul(x, w); // [4, 2]
          const z = add(mul(h, 0.5), i * 1e-3);
          const lse = logsumexp(z, 1, true);
          const loss = mean(sum(mul(oneHot(labels, 2), add(z, mul(lse, -1))), 1));
          const picked = gather(z, 1, reshape(argmax(z, 1), [4, 1]));
          const parts = split(concat([z, exp(z)], 1), 2, 1);
          const sd = std(stack(parts), null);
          where(gt(z, 0), z, 0);
          transpose(slice(z, 0, 1, 3), 0, 1);
          return [loss, picked, sd];
        });
        // What tidy returns is the caller's to dispose, as a training loop does with its loss.
        dispose(kept);
      }
      expect(live()).toEqual(before);
      expect(memory().tensors).toBeGreaterThanOrEqual(before.tensors);
    });

    test("keeps what fn returns, in arrays, objects and Maps, and disposes the rest", async () => {
      const before = live();
      let inner!: Tensor;
      const out = tidy(() => {
        const a = ones([2]);
        inner = add(a, 1);
        const b = add(a, 2);
        const c = add(a, 3);
        return { list: [b], nested: { c }, map: new Map([["m", mul(a, 4)]]), n: 1 };
      });
      expect(inner.isDisposed).toBe(true);
      expect(await out.list[0]?.data()).toEqual(new Float32Array([3, 3]));
      expect(await out.nested.c.data()).toEqual(new Float32Array([4, 4]));
      expect(await out.map.get("m")?.data()).toEqual(new Float32Array([4, 4]));
      expect(live().tensors - before.tensors).toBe(3);
      dispose(out);
      expect(live()).toEqual(before);
    });

    test("nested scopes: a tensor returned from the inner scope belongs to the outer one", async () => {
      const before = live();
      let fromInner!: Tensor;
      let innerTemp!: Tensor;
      const result = tidy(() => {
        fromInner = tidy(() => {
          innerTemp = ones([3]);
          return add(innerTemp, 1);
        });
        expect(innerTemp.isDisposed).toBe(true);
        expect(fromInner.isDisposed).toBe(false);
        return mul(fromInner, 2);
      });
      expect(fromInner.isDisposed).toBe(true);
      expect(await result.data()).toEqual(new Float32Array([4, 4, 4]));
      result.dispose();
      expect(live()).toEqual(before);
    });

    test("keep() saves a tensor from every enclosing scope", () => {
      const before = live();
      let kept!: Tensor;
      tidy(() => {
        tidy(() => {
          kept = keep(ones([2]));
          ones([5]);
        });
      });
      expect(kept.isDisposed).toBe(false);
      expect(live().tensors - before.tensors).toBe(1);
      kept.dispose();
      expect(live()).toEqual(before);
    });

    test("tensors created before the scope are untouched, even when returned", () => {
      const x = ones([2]);
      const same = tidy(() => {
        add(x, 1);
        return x;
      });
      expect(same).toBe(x);
      expect(x.isDisposed).toBe(false);
      x.dispose();
    });

    test("an async function throws ValueError before it runs and leaks nothing", () => {
      const before = live();
      let ran = false;
      const fn = async () => {
        ran = true;
        return add(ones([2]), 1);
      };
      expect(() => tidy(fn as never)).toThrow(ValueError);
      expect(() => tidy(fn as never)).toThrow(/tidy: got an async function; .*tidyAsync/);
      expect(ran).toBe(false);
      expect(live()).toEqual(before);
    });

    test("a plain function returning a Promise: ValueError, its tensors disposed", async () => {
      const before = live();
      const p = Promise.resolve(1);
      expect(() =>
        tidy(() => {
          add(ones([2]), 1);
          return p;
        }),
      ).toThrow(/tidy: fn returned a Promise/);
      expect(live()).toEqual(before);
      await p;
    });

    test("an error inside the scope still disposes what it created, and propagates", async () => {
      const before = live();
      let made!: Tensor;
      expect(() =>
        tidy(() => {
          made = add(ones([4]), 1);
          throw new RangeError("boom");
        }),
      ).toThrow(RangeError);
      expect(made.isDisposed).toBe(true);
      expect(live()).toEqual(before);
      // The scope stack is intact: a later tidy still works as usual.
      const kept = tidy(() => add(ones([1]), 1));
      expect(await kept.item()).toBe(2);
      kept.dispose();
      expect(live()).toEqual(before);
    });
  });

  group("tidyAsync", () => {
    const tick = () => new Promise((r) => setTimeout(r, 1));

    test("keeps its scope across awaits: disposes what fn made, keeps what it resolves to", async () => {
      const before = live();
      let temp!: Tensor;
      const out = await tidyAsync(async () => {
        temp = add(ones([2]), 1);
        await tick();
        const kept = mul(temp, 3);
        await temp.data();
        return { kept };
      });
      expect(temp.isDisposed).toBe(true);
      expect(await out.kept.data()).toEqual(new Float32Array([6, 6]));
      out.kept.dispose();
      expect(live()).toEqual(before);
    });

    test("nested scopes: the inner result moves to the outer scope", async () => {
      const before = live();
      let inner!: Tensor;
      const out = await tidyAsync(async () => {
        inner = await tidyAsync(async () => {
          await tick();
          return add(ones([2]), 1);
        });
        await tick();
        return mul(inner, 2);
      });
      expect(inner.isDisposed).toBe(true);
      expect(await out.data()).toEqual(new Float32Array([4, 4]));
      out.dispose();
      expect(live()).toEqual(before);
    });

    test("a rejection disposes the scope's tensors and propagates", async () => {
      const before = live();
      await expect(
        tidyAsync(async () => {
          add(ones([2]), 1);
          await tick();
          throw new RangeError("boom");
        }),
      ).rejects.toThrow(RangeError);
      expect(live()).toEqual(before);
    });

    test("concurrent scopes are refused with ScopeError instead of mixing their tensors", async () => {
      const before = live();
      const slow = tidyAsync(async () => {
        await tick();
        await tick();
        return add(ones([2]), 1);
      });
      const fast = tidyAsync(async () => {
        await tick();
        await tick();
        await tick();
        return ones([2]);
      });
      await expect(slow).rejects.toThrow(ScopeError);
      await expect(slow).rejects.toThrow(/tidyAsync: .*concurrent/);
      (await fast).dispose();
      expect(live()).toEqual(before);
    });
  });

  group("dispose and views", () => {
    test("counts tensors, buffers and bytes", () => {
      const before = live();
      // [dtype, tensor, bytes on the CPU]; a backend may store a dtype wider (WebGPU: bool as
      // u32) and says so through `byteSize`. Dtypes the backend lacks are left out.
      const all: [DType, () => Tensor, number][] = [
        ["float32", () => ones([2, 3]), 24],
        ["float64", () => ones([5], { dtype: "float64" }), 40],
        ["bool", () => ones([3], { dtype: "bool" }), 3],
        ["int32", () => ones([3], { dtype: "int32" }), 12],
      ];
      const made = all.filter(([dtype]) => s.supports(dtype));
      const tensors = made.map(([, make]) => make());
      const bytes = made.reduce(
        (n, [dtype, , b], i) => n + (s.backend.byteSize?.(dtype, tensors[i]!.size) ?? b),
        0,
      );
      expect(live()).toEqual({
        tensors: before.tensors + made.length,
        buffers: before.buffers + made.length,
        bytes: before.bytes + bytes,
      });
      const [a, b, ...rest] = tensors;
      dispose([a, b, { rest }]);
      expect(live()).toEqual(before);
    });

    test("dispose is idempotent", () => {
      const before = live();
      const a = ones([2]);
      a.dispose();
      a.dispose();
      expect(live()).toEqual(before);
    });

    test("views share storage: the base can go first, the buffer goes with the last view", async () => {
      const before = live();
      const base = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: "float32" },
      );
      const t = transpose(base, 0, 1);
      const sl = slice(t, 0, 1);
      const r = reshape(base, [6]);
      expect(t.storage).toBe(base.storage);
      expect(live()).toEqual({
        tensors: before.tensors + 4,
        buffers: before.buffers + 1,
        bytes: before.bytes + 24,
      });
      base.dispose();
      expect(await t.array()).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
      expect(await sl.array()).toEqual([
        [2, 5],
        [3, 6],
      ]);
      t.dispose();
      r.dispose();
      expect(live().buffers).toBe(before.buffers + 1);
      expect(await sl.data()).toEqual(new Float32Array([2, 5, 3, 6]));
      const free = vi.spyOn(s.backend, "free");
      try {
        sl.dispose();
        expect(free).toHaveBeenCalledTimes(1);
        expect(free).toHaveBeenCalledWith(base.storage.buffer);
      } finally {
        free.mockRestore();
      }
      expect(live()).toEqual(before);
    });

    test("the backend frees a buffer exactly once, when its last tensor goes", () => {
      const free = vi.spyOn(s.backend, "free");
      try {
        const a = ones([4]);
        const r = reshape(a, [2, 2]);
        const views = [r, transpose(r, 0, 1), slice(a, 0, 1)];
        a.dispose();
        for (const v of views) {
          expect(free).not.toHaveBeenCalled();
          v.dispose();
          v.dispose();
        }
        expect(free).toHaveBeenCalledTimes(1);
      } finally {
        free.mockRestore();
      }
    });

    test("reads of non-contiguous views leave no temporaries behind", async () => {
      const base = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float32" },
      );
      const t = transpose(base, 0, 1);
      const before = live();
      const sync = s.backend.capabilities.syncRead;
      if (sync) expect(t.dataSync()).toEqual(new Float32Array([1, 3, 2, 4]));
      expect(await t.data()).toEqual(new Float32Array([1, 3, 2, 4]));
      if (sync) expect(t.toString()).toBe("tensor([[1., 3.],\n        [2., 4.]])");
      expect(withoutDevice(await t.format(), s.backend)).toBe(
        "tensor([[1., 3.],\n        [2., 4.]])",
      );
      expect(live()).toEqual(before);
      dispose([base, t]);
    });

    test("a contiguous view reads only its range, through read(buffer, offset, count)", async () => {
      const base = tensor([1, 2, 3, 4, 5, 6], { dtype: "int32", shape: [3, 2] });
      const row = slice(base, 0, 1, 2);
      const read = vi.spyOn(s.backend, "read");
      try {
        expect(await row.data()).toEqual(new Int32Array([3, 4]));
        expect(read).toHaveBeenCalledWith(base.storage.buffer, 2, 2);
      } finally {
        read.mockRestore();
      }
      const buffer = base.storage.buffer;
      expect(await s.backend.read(buffer, 5, 1)).toEqual(new Int32Array([6]));
      expect(await s.backend.read(buffer, 6, 0)).toEqual(new Int32Array([]));
      expect(await s.backend.read(buffer)).toEqual(new Int32Array([1, 2, 3, 4, 5, 6]));
      for (const [offset, count] of [
        [5, 2],
        [-1, 1],
        [0.5, 1],
      ]) {
        await expect(s.backend.read(buffer, offset, count)).rejects.toThrow(
          /read: offset .* outside a buffer of 6 elements/,
        );
      }
      dispose([base, row]);
    });
  });

  group("dispose", () => {
    test("takes any number of tensors or containers of them", async () => {
      setBackend(await s.other());
      const [a, b, c, d] = [zeros([2]), zeros([3]), zeros([4]), zeros([5])];
      dispose(a, [b], { c }, new Map([["d", d]]));
      expect([a, b, c, d].map((t) => t.isDisposed)).toEqual([true, true, true, true]);
    });
  });
}
