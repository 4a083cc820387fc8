/**
 * Every activation's gradient against central finite differences in float64 (gradcheck), away
 * from kinks; and second derivatives (the gradient kernels differentiated again) of the smooth
 * ones.
 */
import { computeGrad, gradcheck } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { mul, setBackend, sum, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, it } from "vitest";
import * as act from "../src/index.js";
import { AWAY, GRADCHECK } from "./gradcheck-cases.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("gradcheck (float64, finite differences)", () => {
  for (const [name, cases] of Object.entries(GRADCHECK)) {
    for (const c of cases) {
      it(`${name}: ${c.label}`, async () => {
        await gradcheck(c.fn, c.inputs());
      });
    }
  }
});

describe("second derivatives (gradcheck of the gradient)", () => {
  /** x -> d/dx sum(w * f(x)) for fixed weights w, recorded (createGraph) to be differentiated again. */
  const gradOf =
    (f: (x: Tensor) => Tensor) =>
    (x: Tensor): Tensor => {
      const y = f(x);
      const w = tensor(
        AWAY.slice(0, y.size).map((v) => v / 4),
        { dtype: "float64", shape: y.shape },
      );
      return computeGrad([sum(mul(y, w))], [x], { createGraph: true })[0] as Tensor;
    };
  const smooth: Record<string, (x: Tensor) => Tensor> = {
    sigmoid: act.sigmoid,
    tanh: act.tanh,
    logSigmoid: act.logSigmoid,
    softplus: (x) => act.softplus(x, { beta: 2, threshold: 10 }),
    softsign: act.softsign,
    tanhshrink: act.tanhshrink,
    silu: act.silu,
    mish: act.mish,
    gelu: act.gelu,
    "gelu tanh": (x) => act.gelu(x, { approximate: "tanh" }),
    elu: act.elu,
    selu: act.selu,
    celu: (x) => act.celu(x, { alpha: 0.5 }),
    hardswish: act.hardswish,
    softmax: (x) => act.softmax(x, 0),
    logSoftmax: (x) => act.logSoftmax(x, 0),
    softmin: (x) => act.softmin(x, 0),
    glu: (x) => act.glu(x, 0),
  };
  for (const [name, f] of Object.entries(smooth)) {
    it(name, async () => {
      await gradcheck(gradOf(f), [tensor(AWAY, { dtype: "float64" })]);
    });
  }

  // 0 is no kink of these: their stable forms switch branches there, and the switch must not
  // show in the second derivative (built on abs, it came out 0 at x = 0: sigmoid''... = 0).
  const atZero: Record<string, (x: Tensor) => Tensor> = {
    sigmoid: act.sigmoid,
    logSigmoid: act.logSigmoid,
    softplus: act.softplus,
    "softplus beta 2": (x) => act.softplus(x, { beta: 2 }),
    silu: act.silu,
    mish: act.mish,
    glu: (x) => act.glu(x, 0),
  };
  for (const [name, f] of Object.entries(atZero)) {
    it(`${name} at exactly 0`, async () => {
      await gradcheck(gradOf(f), [tensor([0, -0.75, 0, 0.5], { dtype: "float64" })]);
    });
  }
});
