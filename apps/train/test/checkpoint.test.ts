/** Checkpoints: the optimizer state's split into JSON + safetensors, and a save / load round trip. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { crossEntropy } from "@nn/nn";
import { isTensor, randint, randn, setBackend, type Tensor, tensor, tidy } from "@nn/tensor";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHECKPOINT_DIR,
  checkArchitecture,
  FILES,
  loadOptimizerState,
  loadWeights,
  readCheckpoint,
  saveCheckpoint,
} from "../src/checkpoint/files.js";
import { joinStateDict, splitStateDict } from "../src/checkpoint/optimizer-state.js";
import { buildOptimizer } from "../src/choices/optimizers.js";
import type { RunConfig } from "../src/config.js";
import { UserError } from "../src/errors.js";
import { type Architecture, buildMlp } from "../src/model.js";

const backend = setBackend(cpu({ syncRead: false }));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "nn-train-ckpt-"));
  dirs.push(d);
  return d;
}

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

/** A model and optimizer after a few steps, so the optimizer has state. */
function trained(optimizerName = "adam") {
  const model = buildMlp(arch);
  const optimizer = buildOptimizer(optimizerName, model.parameters(), 0.01);
  const x = randn([8, 6], { seed: 1 });
  const y = randint(0, 3, [8], { seed: 2 });
  for (let i = 0; i < 3; i++) {
    tidy(() => {
      optimizer.zeroGrad();
      backward(crossEntropy(model.forward(x), y));
      optimizer.step();
    });
  }
  return { model, optimizer };
}

async function valuesOf(ts: Record<string, Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(ts)) out[k] = Array.from(await t.data());
  return out;
}

describe("optimizer state split", () => {
  it("round-trips tensors, lists, and non-finite numbers", async () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5]);
    const dict = {
      optimizer: "lbfgs",
      paramGroups: [{ params: [0], lr: 1, betas: [0.9, 0.99], eps: Number.POSITIVE_INFINITY }],
      state: { 0: { step: 3, history: [a, b], loss: Number.NaN, flag: true, none: null } },
    };
    const { json, tensors } = splitStateDict(dict as never);
    expect(Object.keys(tensors).sort()).toEqual(["state.0.history.0", "state.0.history.1"]);
    const text = JSON.stringify(json); // must survive JSON (no NaN / Infinity)
    const back = joinStateDict(JSON.parse(text), tensors);
    expect(back.paramGroups[0]).toEqual({
      params: [0],
      lr: 1,
      betas: [0.9, 0.99],
      eps: Number.POSITIVE_INFINITY,
    });
    const s = back.state[0] as Record<string, unknown>;
    expect(s.step).toBe(3);
    expect(Number.isNaN(s.loss)).toBe(true);
    expect(s.flag).toBe(true);
    expect(s.none).toBeNull();
    const history = s.history as Tensor[];
    expect(history.every(isTensor)).toBe(true);
    expect(Array.from(await history[0]!.data())).toEqual([1, 2, 3]);
    expect(() =>
      joinStateDict(
        { optimizer: "adam", paramGroups: [], state: { 0: { m: { $tensor: "gone" } } } },
        {},
      ),
    ).toThrow(/gone/);
  });
});

/** checkpoint.json's fields after `epochsDone` epochs (one history record each). */
function infoAfter(epochsDone: number) {
  return {
    config,
    hyperparameters: { lr: 0.01 },
    epochsDone,
    partial: null,
    standardisation: { mean: 0.1, std: 0.3 },
    history: Array.from({ length: epochsDone }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 1,
      trainAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      seconds: 1,
      samplesPerSecond: 8,
    })),
    curve: [],
    reason: "epoch" as const,
  };
}

describe("checkpoint files", () => {
  it("restore the weights and the optimizer state exactly", async () => {
    const dir = tempDir();
    const { model, optimizer } = trained();
    await saveCheckpoint(dir, model, optimizer, infoAfter(1));
    expect(readdirSync(dir)).toEqual([CHECKPOINT_DIR]);
    expect(readdirSync(join(dir, CHECKPOINT_DIR)).sort()).toEqual(Object.values(FILES).sort());
    // The run directory, the checkpoint directory, or a file inside it.
    for (const path of [dir, join(dir, CHECKPOINT_DIR), join(dir, CHECKPOINT_DIR, FILES.model)]) {
      const ckpt = await readCheckpoint(path);
      expect(ckpt.runDir).toBe(dir);
      expect(ckpt.dir).toBe(join(dir, CHECKPOINT_DIR));
    }
    const ckpt = await readCheckpoint(dir);
    expect(ckpt.info.config).toEqual(config);
    expect(ckpt.info.epochsDone).toBe(1);

    const fresh = buildMlp(arch);
    const freshOpt = buildOptimizer("adam", fresh.parameters(), 0.01);
    loadWeights(ckpt, fresh, arch);
    loadOptimizerState(ckpt, freshOpt, backend);
    expect(await valuesOf(fresh.stateDict())).toEqual(await valuesOf(model.stateDict()));
    const saved = optimizer.stateDict();
    const restored = freshOpt.stateDict();
    expect(restored.paramGroups).toEqual(saved.paramGroups);
    for (const [pos, s] of Object.entries(saved.state)) {
      const r = restored.state[pos]!;
      expect(r.step).toBe(s.step);
      expect(Array.from(await (r.expAvgSq as Tensor).data())).toEqual(
        Array.from(await (s.expAvgSq as Tensor).data()),
      );
    }
  });

  it("refuse another architecture, a corrupt weights file, or another optimizer's state", async () => {
    const dir = tempDir();
    const { model, optimizer } = trained("momentum");
    await saveCheckpoint(dir, model, optimizer, infoAfter(1));
    const wider = { ...arch, hidden: [7] };
    expect(() => checkArchitecture(dir, wider, arch)).toThrow(
      /holds a 6-5-3 relu model, but this run builds 6-7-3 relu/,
    );
    const ckpt = await readCheckpoint(dir);
    // Weights of another shape under the same description (an edited checkpoint.json).
    const edited = { ...ckpt, info: { ...ckpt.info, config: { ...config, architecture: wider } } };
    expect(() => loadWeights(edited, buildMlp(wider), wider)).toThrow(UserError);
    expect(() => loadWeights(edited, buildMlp(wider), wider)).toThrow(
      /does not fit the 6-7-3 relu model/,
    );
    expect(() =>
      loadOptimizerState(ckpt, buildOptimizer("adam", buildMlp(arch).parameters()), backend),
    ).toThrow(/cannot restore the optimizer state: .*"sgd", not "adam"/);
    const file = join(dir, CHECKPOINT_DIR, FILES.model);
    writeFileSync(file, readFileSync(file).subarray(0, 40));
    const cut = await readCheckpoint(dir);
    expect(() => loadWeights(cut, buildMlp(arch), arch)).toThrow(UserError);
  });

  it("refuse a directory that is not a checkpoint", async () => {
    await expect(readCheckpoint(tempDir())).rejects.toThrow(/holds no checkpoint/);
    await expect(readCheckpoint("/no/such/dir")).rejects.toThrow(/no such file or directory/);
  });
});
