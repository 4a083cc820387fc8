import { cpu } from "@nn/backend-cpu";
import {
  add,
  div,
  exp,
  log1p,
  mul,
  neg,
  round,
  setBackend,
  sum,
  type Tensor,
  tensor,
} from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { backward, defineCustomOp, gradcheck } from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

describe("custom gradients", () => {
  it("a straight-through estimator rounds forward and passes the gradient through", async () => {
    const ste = defineCustomOp({
      name: "test.ste",
      forward: (x: Tensor) => round(x),
      backward: ({ grad }) => [grad],
    });
    const x = tensor([0.2, 1.7, -2.6], { dtype: "float32", requiresGrad: true });
    const y = ste(x);
    expect(Array.from(await y.data())).toEqual([0, 2, -3]);
    backward(sum(mul(y, tensor([1, 2, 3], { dtype: "float32" }))));
    // round's own gradient is 0; the estimator's is the upstream gradient.
    expect(Array.from(await (x.grad as Tensor).data())).toEqual([1, 2, 3]);
  });

  it("a user op with an analytic rule passes gradcheck", async () => {
    // softplus(x) = log(1 + e^x), d/dx = sigmoid(x) = 1 / (1 + e^-x)
    const softplus = defineCustomOp({
      name: "test.softplus",
      forward: (x: Tensor) => logOnePlusExp(x),
      backward: ({ inputs, grad }) => [mul(grad, div(1, addOne(exp(neg(inputs[0] as Tensor)))))],
    });
    await gradcheck((x) => softplus(x), [tensor([-2, -0.5, 0.25, 3], { dtype: "float64" })]);
  });
});

const addOne = (t: Tensor) => add(t, 1);
const logOnePlusExp = (t: Tensor) => log1p(exp(t));
