/**
 * checkpoint.json and optimizer.json are validated before a resume uses them: each corrupt
 * field the issue lists is a CheckpointFileError naming the file, the field, the value and what
 * is valid, and nothing is changed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { crossEntropy } from "@nn/nn";
import { randint, randn, setBackend, tidy } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_DIR, FILES, readCheckpoint, saveCheckpoint } from "../src/checkpoint/files.js";
import { CheckpointFileError } from "../src/checkpoint/schema.js";
import { buildOptimizer } from "../src/choices/optimizers.js";
import type { RunConfig } from "../src/config.js";
import { UserError } from "../src/errors.js";
import { type Architecture, buildMlp } from "../src/model.js";

setBackend(cpu({ syncRead: false }));
const work = mkdtempSync(join(tmpdir(), "nn-train-validate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const arch: Architecture = {
  model: "mlp",
  inputs: 6,
  hidden: [5],
  classes: 3,
  activation: "relu",
};
const config: RunConfig = {
  dataset: "mnist",
  dataDir: "/nowhere",
  architecture: arch,
  optimizer: "adam",
  lr: 0.01,
  epochs: 2,
  batchSize: 4,
  backend: "cpu",
  seed: 0,
  plugins: [],
};
const dir = join(work, "run");
const infoFile = join(dir, CHECKPOINT_DIR, FILES.info);
const optimizerFile = join(dir, CHECKPOINT_DIR, FILES.optimizerJson);
let goodInfo: string;
let goodOptimizer: string;

beforeAll(async () => {
  const model = buildMlp(arch);
  const optimizer = buildOptimizer("adam", model.parameters(), 0.01);
  tidy(() => {
    backward(
      crossEntropy(model.forward(randn([8, 6], { seed: 1 })), randint(0, 3, [8], { seed: 2 })),
    );
    optimizer.step();
  });
  await saveCheckpoint(dir, model, optimizer, {
    config,
    hyperparameters: {},
    epochsDone: 1,
    partial: null,
    standardisation: { mean: 0, std: 1 },
    history: [
      {
        epoch: 1,
        trainLoss: 1,
        trainAccuracy: 0.5,
        testLoss: 1,
        testAccuracy: 0.5,
        seconds: 1,
        samplesPerSecond: 8,
      },
    ],
    curve: [],
    reason: "epoch",
  });
  goodInfo = readFileSync(infoFile, "utf8");
  goodOptimizer = readFileSync(optimizerFile, "utf8");
});

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON.
type Json = Record<string, any>;

/** Reads the checkpoint with `file` edited by `edit`; returns the error and checks nothing changed. */
async function corrupt(file: string, good: () => string, edit: (j: Json) => void): Promise<Error> {
  const json = JSON.parse(good());
  edit(json);
  const text = JSON.stringify(json);
  writeFileSync(file, text);
  const error = await readCheckpoint(dir).catch((e: Error) => e);
  expect(readFileSync(file, "utf8")).toBe(text); // nothing rewritten
  writeFileSync(file, good());
  return error as Error;
}

const cases: [string, "info" | "optimizer", (j: Json) => void, string][] = [
  [
    "removed config",
    "info",
    (j) => delete j.config,
    "config is missing; expected the run configuration (an object)",
  ],
  [
    "batchSize 0",
    "info",
    (j) => (j.config.batchSize = 0),
    "config.batchSize is 0; expected an integer >= 1",
  ],
  [
    'hidden "abc"',
    "info",
    (j) => (j.config.architecture.hidden = "abc"),
    'config.architecture.hidden is "abc"; expected a list of 1 to 1000 layer widths',
  ],
  ["history 5", "info", (j) => (j.history = 5), "history is 5; expected a list of epoch records"],
  [
    "epochsDone -1",
    "info",
    (j) => (j.epochsDone = -1),
    "epochsDone is -1; expected an integer >= 0",
  ],
  [
    "epochsDone 1.5",
    "info",
    (j) => (j.epochsDone = 1.5),
    "epochsDone is 1.5; expected an integer >= 0",
  ],
  [
    "epochsDone more than planned",
    "info",
    (j) => (j.epochsDone = 999),
    "epochsDone is 999; expected an integer from 0 to config.epochs (2)",
  ],
  [
    "partial.step 1.5",
    "info",
    (j) => (j.partial = { step: 1.5, seen: 4, lossSum: 1, correct: 1, curve: [] }),
    "partial.step is 1.5; expected an integer >= 1",
  ],
  [
    'step "abc"',
    "optimizer",
    (j) => (j.state["0"].step = "abc"),
    'state.0.step is "abc"; expected an integer >= 0',
  ],
  [
    "step -5",
    "optimizer",
    (j) => (j.state["0"].step = -5),
    "state.0.step is -5; expected an integer >= 0",
  ],
  [
    "lr NaN (as written for non-finite numbers)",
    "optimizer",
    (j) => (j.paramGroups[0].lr = { $number: "nan" }),
    'paramGroups[0].lr is {"$number":"nan"}; expected a finite number >= 0',
  ],
  [
    'lrSchedule.name "linear"',
    "info",
    (j) => (j.config.lrSchedule = { name: "linear" }),
    'config.lrSchedule.name is "linear"; expected one of step, cosine, onecycle, plateau',
  ],
  [
    "lrSchedule.factor 2",
    "info",
    (j) => (j.config.lrSchedule = { name: "plateau", factor: 2 }),
    "config.lrSchedule.factor is 2; expected a number from 0 to 1",
  ],
  [
    "valSize 0",
    "info",
    (j) => (j.config.valSize = 0),
    "config.valSize is 0; expected an integer >= 1",
  ],
  [
    "earlyStopping 1.5",
    "info",
    (j) => (j.config.earlyStopping = 1.5),
    "config.earlyStopping is 1.5; expected an integer >= 1",
  ],
  [
    'model "rnn"',
    "info",
    (j) => (j.config.architecture.model = "rnn"),
    'config.architecture.model is "rnn"; expected one of mlp, cnn',
  ],
  ["classes 5", "info", (j) => (j.classes = 5), "classes is 5; expected a list of class names"],
  ["scheduler 5", "optimizer", (j) => (j.scheduler = 5), "scheduler is 5; expected an object"],
];

describe("a corrupt checkpoint.json or optimizer.json", () => {
  it.each(cases)(
    "%s: a typed error naming the file, the field, the value and what is valid",
    async (_, which, edit, says) => {
      const file = which === "info" ? infoFile : optimizerFile;
      const error = await corrupt(file, () => (which === "info" ? goodInfo : goodOptimizer), edit);
      expect(error).toBeInstanceOf(CheckpointFileError);
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(
        `${file}: ${says}. Nothing was changed; fix the file or start a new run`,
      );
      expect((error as CheckpointFileError).file).toBe(file);
    },
  );

  it("the valid files still read", async () => {
    expect((await readCheckpoint(dir)).info.epochsDone).toBe(1);
  });

  it("a checkpoint written before --model existed (no architecture.model) reads as an MLP", async () => {
    const old = JSON.parse(goodInfo);
    delete old.config.architecture.model;
    writeFileSync(infoFile, JSON.stringify(old));
    try {
      expect((await readCheckpoint(dir)).info.config.architecture.model).toBe("mlp");
    } finally {
      writeFileSync(infoFile, goodInfo);
    }
  });
});
