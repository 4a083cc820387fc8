import { cpu } from "@nn/backend-cpu";
import {
  add,
  div,
  exp,
  mean,
  memory,
  mul,
  pow,
  setBackend,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@nn/tensor";
import { describe, it } from "vitest";
import { backward, grad } from "../src/index.js";

describe("smoke", () => {
  it("works", async () => {
    setBackend(cpu());
    const sig = (t: Tensor) => div(1, add(1, exp(mul(t, -1))));
    const d1 = grad((t: Tensor) => sum(sig(t))) as (t: Tensor) => Tensor;
    const d2 = grad((t: Tensor) => sum(d1(t))) as (t: Tensor) => Tensor;
    console.log(d1(tensor([0, 1], { dtype: "float64" })).toString());
    console.log(d2(tensor([0, 1], { dtype: "float64" })).toString());
    const p = tensor([0, 0], { dtype: "float64", requiresGrad: true });
    backward(sum(pow(sub(p, tensor([0, 0], { dtype: "float64" })), 2)));
    console.log(p.grad?.toString());
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const m0 = memory().tensors;
    for (let i = 0; i < 50; i++)
      tidy(() => {
        backward(mean(mul(x, x)));
      });
    console.log(m0, memory().tensors, x.grad?.toString());
  });
});
