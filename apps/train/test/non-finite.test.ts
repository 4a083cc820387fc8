/**
 * A non-finite loss stops training at the next read-back, naming the first bad step (tracked on
 * the device: no extra read-back per step) and what to try.
 */
import { cpu } from "@nn/backend-cpu";
import { DataLoader, TensorDataset } from "@nn/data";
import { randint, randn, setBackend, type Tensor, tensor } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { buildOptimizer } from "../src/choices/optimizers.js";
import { UserError } from "../src/errors.js";
import { buildMlp } from "../src/model.js";
import { NonFiniteLossError, trainEpoch } from "../src/train/epoch.js";
import { runEpochs } from "../src/train/epochs.js";

setBackend(cpu({ syncRead: false }));

describe("a non-finite loss", () => {
  it("is a NonFiniteLossError naming the epoch and the first bad step, at the next report", async () => {
    const rows = 48;
    const values = Array.from(await randn([rows, 4], { seed: 3 }).data());
    values[4 * 9] = Number.NaN; // row 9: in the third batch of 4
    const x = tensor(values).reshape([rows, 4]);
    const y = randint(0, 3, [rows], { seed: 4 });
    const loader = new DataLoader<Tensor[]>(new TensorDataset(x, y), { batchSize: 4 });
    const model = buildMlp({ inputs: 4, hidden: [5], classes: 3, activation: "relu" });
    const optimizer = buildOptimizer("sgd", model.parameters(), 0.1);
    const reported: number[] = [];
    const error = await trainEpoch({
      model,
      optimizer,
      loader,
      epoch: 1,
      seed: 0,
      reportEvery: 5,
      onReport: (r) => reported.push(r.step),
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as NonFiniteLossError).step).toBe(3);
    expect((error as NonFiniteLossError).epoch).toBe(2);
    expect((error as Error).message).toBe(
      "training diverged: the loss became NaN at epoch 2, step 3; try a lower --lr (this run's: 0.1) or another --optimizer (adam adapts its steps)",
    );
    // Stopped at the first read-back after step 3 (step 5), without a report of NaN.
    expect(reported).toEqual([]);
  });

  it("after an epoch, a NaN held-out loss stops training before the epoch is recorded", async () => {
    const x = await randn([8, 4], { seed: 5 }).data();
    const heldOut = Array.from(x.subarray(0, 16));
    heldOut[0] = Number.NaN;
    const model = buildMlp({ inputs: 4, hidden: [5], classes: 3, activation: "relu" });
    const recorded: number[] = [];
    const lines: string[] = [];
    const error = await runEpochs({
      model,
      optimizer: buildOptimizer("sgd", model.parameters(), 0.1),
      train: {
        x: tensor(Array.from(x.subarray(16, 32))).reshape([4, 4]),
        y: tensor([0, 1, 2, 0], { dtype: "int32" }),
      },
      val: { x: tensor(heldOut).reshape([4, 4]), y: tensor([0, 1, 2, 0], { dtype: "int32" }) },
      classes: 3,
      epochs: 3,
      batchSize: 4,
      seed: 0,
      output: {
        log: (l = "") => lines.push(l),
        error: (l) => lines.push(l),
        interactive: false,
        barStream: process.stderr,
      },
      onEpoch: async (s) => {
        recorded.push(s.epochsDone);
        return undefined;
      },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBeNull();
    expect((error as Error).message).toBe(
      "training diverged: the held-out loss became NaN after epoch 1 (the model's outputs overflow on held-out examples); try a lower --lr (this run's: 0.1) or another --optimizer (adam adapts its steps)",
    );
    expect(recorded).toEqual([]);
  });
});
