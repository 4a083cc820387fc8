// The root README's example, kept running: a linear model fitted by gradient descent.
import { cpu } from "@nn/backend-cpu";
import {
  add,
  add_,
  matmul,
  mean,
  mul,
  randn,
  setBackend,
  sub,
  type Tensor,
  tanh,
  tidy,
  zeros,
} from "@nn/tensor";
import { expect, it } from "vitest";
import { backward, noGrad, zeroGrad } from "../src/index.js";

it("the README example fits its target", async () => {
  setBackend(cpu({ syncRead: false }));
  const w = randn([3, 1], { seed: 0, requiresGrad: true });
  const b = zeros([1], { requiresGrad: true });
  const x = randn([64, 3], { seed: 1 });
  const y = tanh(matmul(x, randn([3, 1], { seed: 2 })));
  const losses: number[] = [];
  for (let step = 0; step < 100; step++) {
    const loss = tidy(() => {
      zeroGrad([w, b]);
      const err = sub(tanh(add(matmul(x, w), b)), y);
      const l = mean(mul(err, err));
      backward(l);
      noGrad(() => {
        add_(w, w.grad as Tensor, -0.5);
        add_(b, b.grad as Tensor, -0.5);
      });
      return l;
    });
    if (step % 99 === 0) losses.push((await loss.item()) as number);
    loss.dispose();
  }
  expect(losses[1]).toBeLessThan((losses[0] as number) / 10);
});
