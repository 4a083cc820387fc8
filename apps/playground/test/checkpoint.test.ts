import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpu } from "@nn/backend-cpu";
import { saveSafetensors } from "@nn/nn";
import { setBackend, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { sliceDigits, TRAIN } from "../src/digits.js";
import { CheckpointError, loadCheckpoint } from "../src/train/checkpoint.js";
import { Trainer } from "../src/train/trainer.js";
import { readDigits } from "./digits.js";
import { trainAppPredictions, trainCheckpoint } from "./train-checkpoint.js";

setBackend(cpu({ syncRead: false }));
const digits = readDigits();
let run: string;

describe("loading a pnpm train checkpoint", () => {
  beforeAll(() => {
    run = trainCheckpoint();
  });

  it("classifies the held-out digits as apps/train's own loader does", async () => {
    const bytes = readFileSync(join(run, "checkpoint", "model.safetensors"));
    const loaded = loadCheckpoint(new Uint8Array(bytes));
    expect(loaded.architecture).toBe("784-32-10 relu");
    const page = await new Trainer(
      loaded.model,
      { optimizer: "adam", lr: 1e-3, seed: 0 },
      digits,
      loaded.stats,
    ).predictions();

    const reference = await trainAppPredictions(run, digits);
    expect(loaded.stats).toEqual(reference.standardisation);
    const held = sliceDigits(digits, TRAIN, digits.count);
    const expected = reference.predictions;
    expect(page).toEqual(expected);
    // one short epoch on 1,000 digits: far above chance already
    const correct = page.filter((c, i) => c === held.labels[i]).length;
    expect(correct / held.count).toBeGreaterThan(0.5);
  });

  it("refuses weights whose metadata is not an MNIST MLP's, saying what is expected", async () => {
    const bytes = await saveSafetensors({ w: tensor([1, 2]) }, { architecture: "3-2 relu" });
    expect(() => loadCheckpoint(bytes, "x.safetensors")).toThrow(CheckpointError);
    expect(() => loadCheckpoint(bytes, "x.safetensors")).toThrow(
      /x.safetensors: metadata architecture is "3-2 relu"; expected "784-/,
    );
    const noStats = await saveSafetensors({ w: tensor([1]) }, { architecture: "784-10 relu" });
    expect(() => loadCheckpoint(noStats)).toThrow(/standardisation/);
  });
});
