// setBackend checks its argument (issue 13, item 9): a Promise (the `await` forgotten) or an
// object that does not implement Backend is a BackendError at the call, not a TypeError later.
import {
  type Backend,
  BackendError,
  createBackend,
  getBackend,
  registerBackend,
  setBackend,
} from "@nn/tensor";
import { expect, it } from "vitest";

const noop = () => {};
/** A Backend whose kernels do nothing: enough for setBackend's check. */
function fakeBackend(): Backend {
  return {
    name: "fake",
    label: "fake:0",
    capabilities: {
      dtypes: ["float32"],
      ieeeSpecials: true,
      syncRead: false,
      indexChecks: false,
      maxBufferBytes: 1024,
    },
    alloc: () => ({}),
    free: noop,
    write: noop,
    read: async () => new Float32Array(0),
    elementwise: noop,
    reduce: noop,
    matmul: noop,
    gather: noop,
    scatterAdd: noop,
    random: noop,
  };
}

it("accepts a Backend and returns it", () => {
  const b = fakeBackend();
  expect(setBackend(b)).toBe(b);
  expect(getBackend()).toBe(b);
});

it("a Promise: asks whether `await` was forgotten, and keeps the previous backend", () => {
  const before = setBackend(fakeBackend());
  const pending = Promise.resolve(fakeBackend());
  expect(() => setBackend(pending as never)).toThrow(BackendError);
  expect(() => setBackend(pending as never)).toThrow(
    "setBackend: got a Promise — did you forget `await` (e.g. `setBackend(await webgpu())`)?",
  );
  expect(getBackend()).toBe(before);
});

it("anything else that is not a Backend: BackendError listing what is missing", () => {
  expect(() => setBackend(undefined as never)).toThrow(
    /^setBackend: expected a Backend \(e\.g\. cpu\(\) from @nn\/backend-cpu\), got undefined missing name, label, capabilities, alloc, /,
  );
  expect(() => setBackend("cpu" as never)).toThrow(/got a string missing name, /);
  const { matmul: _m, random: _r, label: _l, ...partial } = fakeBackend();
  expect(() => setBackend(partial as never)).toThrow(
    "setBackend: expected a Backend (e.g. cpu() from @nn/backend-cpu), got an object missing label, matmul, random",
  );
});

it("createBackend checks what a registered factory returns", async () => {
  registerBackend("not-a-backend", () => ({ name: "x" }) as never);
  await expect(createBackend("not-a-backend")).rejects.toThrow(
    /^createBackend\("not-a-backend"\): expected a Backend .* missing label, capabilities, alloc, /,
  );
});
