import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { crossEntropy, Linear, ReLU, Sequential } from "@nn/nn";
import { Adam } from "@nn/optim";
import { randint, randn, setBackend, tidy } from "@nn/tensor";

setBackend(cpu({ threads: Number(process.env.T ?? 2) }));
const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const x = randn([64, 784]);
const y = randint(0, 10, [64]);
const step = () =>
  tidy(() => {
    const loss = crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    backward(loss);
    opt.step();
  });
for (let i = 0; i < 50; i++) step();
const t0 = performance.now();
const N = 400;
for (let i = 0; i < N; i++) step();
console.log(((performance.now() - t0) / N).toFixed(3), "ms/step");
