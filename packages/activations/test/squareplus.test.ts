/**
 * A user-defined activation, written outside the package with only its public API:
 * squareplus(x) = (x + sqrt(x^2 + b)) / 2 (Barron, 2021, arXiv:2112.11687), b default 4.
 * Its derivative is (1 + x / sqrt(x^2 + b)) / 2. Expected values are computed here from these
 * closed forms in double precision, independently of the library.
 */
import { defineActivation } from "@nn/activations";
import { backward, computeGrad, gradcheck } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { setBackend, sum, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";

const squareplus = defineActivation({
  name: "squareplus",
  params: { b: 4 },
  forward: (x, { b }) => x.add(x.mul(x).add(b).sqrt()).div(2),
});

/** The same activation with its derivative given (used instead of symbolic differentiation). */
const squareplusWithDerivative = defineActivation({
  name: "squareplusD",
  params: { b: 4 },
  forward: (x, { b }) => x.add(x.mul(x).add(b).sqrt()).div(2),
  derivative: ({ x, p: { b } }) => x.div(x.mul(x).add(b).sqrt()).add(1).div(2),
});

const xs = [-1e4, -20, -3, -1, -0.25, 0, 0.5, 2, 7, 1e4];
const value = (x: number, b: number) => (x + Math.sqrt(x * x + b)) / 2;
const slope = (x: number, b: number) => (1 + x / Math.sqrt(x * x + b)) / 2;

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

function expectClose(got: ArrayLike<number>, want: number[], rtol: number, atol = 1e-14) {
  want.forEach((w, i) => {
    expect(Math.abs((got[i] as number) - w), `element ${i}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(w),
    );
  });
}

describe("a user-defined activation (squareplus)", () => {
  for (const [label, fn] of [
    ["symbolic derivative", squareplus],
    ["given derivative", squareplusWithDerivative],
  ] as const) {
    describe(label, () => {
      it("runs forward with the default and a given b, float64 and float32", async () => {
        const x = tensor(xs, { dtype: "float64" });
        expectClose(
          await fn(x).data(),
          xs.map((v) => value(v, 4)),
          1e-15,
        );
        expectClose(
          await fn(x, { b: 0.5 }).data(),
          xs.map((v) => value(v, 0.5)),
          1e-15,
        );
        // float32: x + sqrt(x^2 + b) cancels for x << 0 (the formula's, not ours): a float32
        // ulp of |x| as the absolute bound.
        const y32 = fn(tensor(xs, { dtype: "float32" }));
        expect(y32.dtype).toBe("float32");
        const want = xs.map((v) => value(v, 4));
        const got = await y32.data();
        xs.forEach((v, i) => {
          const bound = 2 ** -23 * Math.max(1, Math.abs(v)) + 1e-6 * Math.abs(want[i] as number);
          expect(
            Math.abs((got[i] as number) - (want[i] as number)),
            `x = ${v}`,
          ).toBeLessThanOrEqual(bound);
        });
      });

      it("runs backward: the gradient is (1 + x / sqrt(x^2 + b)) / 2", async () => {
        const x = tensor(xs, { dtype: "float64", requiresGrad: true });
        backward(sum(fn(x, { b: 2 })));
        expectClose(
          await (x.grad as Tensor).data(),
          xs.map((v) => slope(v, 2)),
          1e-14,
        );
      });

      it("passes gradcheck, first and second order", async () => {
        const x = tensor([-2.3, -0.7, 0, 0.4, 1.9], { dtype: "float64" });
        await gradcheck((t) => fn(t, { b: 3 }), [x]);
        await gradcheck(
          (t) => computeGrad([sum(fn(t))], [t], { createGraph: true })[0] as Tensor,
          [x],
        );
      });

      it("exposes its definition for modules", () => {
        expect(fn.definition.paramNames).toEqual(["b"]);
        expect(fn.definition.defaults).toEqual({ b: 4 });
      });
    });
  }
});
