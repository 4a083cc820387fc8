/**
 * The WebGPU smoke set, the same module in Node and in the browser page: a few ops, a
 * gradient and a few training steps on `backend`, read back as plain numbers to compare.
 */
import { softmax } from "@nn/activations";
import { backward } from "@nn/autograd";
import { crossEntropy, Linear, ReLU, Sequential } from "@nn/nn";
import { Adam } from "@nn/optim";
import {
  argmax,
  type Backend,
  manualSeed,
  matmul,
  mul,
  narrow,
  randn,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@nn/tensor";

/** What the smoke set reads back. */
export interface SmokeValues {
  /** [3, 4] @ [4, 5], row-major. */
  matmul: number[];
  /** softmax over the last dim of [2, 4], one row with large logits (no overflow). */
  softmax: number[];
  /** d/dx sum(tanh(x) * x) at x = [-2, -0.5, 0, 0.5, 2]: tanh(x) + x (1 - tanh(x)^2). */
  grad: number[];
  /** Losses of 5 Adam steps (lr 0.01) of a 16-8-4 relu MLP on 32 seeded examples. */
  losses: number[];
}

const values = async (t: Tensor): Promise<number[]> => Array.from(await t.data(), Number);

/** Runs the smoke set on `backend` (which it does not make the default). */
export async function smoke(backend: Backend): Promise<SmokeValues> {
  const a = tensor(
    Array.from({ length: 12 }, (_, i) => (i - 5) / 4),
    { shape: [3, 4], backend },
  );
  const b = tensor(
    Array.from({ length: 20 }, (_, i) => Math.sin(i)),
    { shape: [4, 5], backend },
  );
  const logits = tensor([1, 2, 3, 4, 1000, 999, -1000, 0], { shape: [2, 4], backend });
  const x = tensor([-2, -0.5, 0, 0.5, 2], { backend, requiresGrad: true });
  backward(sum(mul(tanh(x), x)));

  manualSeed(0);
  const data = randn([32, 16], { backend });
  const labels = argmax(narrow(data, 1, 0, 4), 1);
  const model = new Sequential(
    new Linear(16, 8, { backend }),
    new ReLU(),
    new Linear(8, 4, { backend }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    const loss = crossEntropy(model.forward(data), labels);
    optimizer.zeroGrad();
    backward(loss);
    optimizer.step();
    losses.push(await loss.item());
  }
  return {
    matmul: await values(matmul(a, b)),
    softmax: await values(softmax(logits, 1)),
    grad: await values(x.grad as Tensor),
    losses,
  };
}
