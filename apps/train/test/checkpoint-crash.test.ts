/**
 * A checkpoint save killed at every point, and a full disk: the checkpoint read back is always
 * the old one whole or the new one whole, never a mix; a full disk is one line and leaves no
 * temporary file. The file system is wrapped so that, from the k-th change on (a directory
 * made, a file opened, written, synced, renamed or removed), every change fails as after a
 * crash, for k = 1, 2, ... until a save gets through.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import { crossEntropy } from "@nn/nn";
import { randint, randn, setBackend, tidy } from "@nn/tensor";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CHECKPOINT_DIR, FILES, readCheckpoint, saveCheckpoint } from "../src/checkpoint/files.js";
import { recoverLeftovers } from "../src/checkpoint/swap.js";
import { buildOptimizer } from "../src/choices/optimizers.js";
import type { RunConfig } from "../src/config.js";
import { UserError } from "../src/errors.js";
import { type Architecture, buildMlp } from "../src/model.js";

/** `crashAt`: the change (from 1) at which the process "dies"; `diskFull`: writes fail ENOSPC. */
const fault = { crashAt: 0, changes: 0, crashed: false, diskFull: false };

function change(): void {
  if (!fault.crashAt) return;
  fault.changes++;
  if (fault.changes >= fault.crashAt) {
    fault.crashed = true;
    throw Object.assign(new Error("simulated crash"), { code: "ECRASH" });
  }
}

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      change();
      return f(...a);
    };
  const open = async (...args: Parameters<typeof real.open>) => {
    change();
    const handle = await real.open(...args);
    return new Proxy(handle, {
      get(h, key) {
        if (key === "writeFile")
          return async (data: string | Uint8Array) => {
            change();
            if (fault.diskFull) {
              const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
              await h.write(bytes.subarray(0, 10));
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
                code: "ENOSPC",
              });
            }
            return h.writeFile(data);
          };
        if (key === "sync") return wrap(() => h.sync());
        const v = Reflect.get(h, key, h);
        return typeof v === "function" ? v.bind(h) : v;
      },
    });
  };
  const mocked = {
    ...real,
    open,
    mkdir: wrap(real.mkdir),
    rename: wrap(real.rename),
    rm: wrap(real.rm),
    unlink: wrap(real.unlink),
    writeFile: wrap(real.writeFile),
  };
  return { ...mocked, default: mocked };
});

setBackend(cpu({ syncRead: false }));
const work = mkdtempSync(join(tmpdir(), "nn-train-crash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const arch: Architecture = { inputs: 6, hidden: [5], classes: 3, activation: "relu" };
const config: RunConfig = {
  dataset: "mnist",
  dataDir: "/nowhere",
  architecture: arch,
  optimizer: "adam",
  lr: 0.01,
  epochs: 3,
  batchSize: 4,
  backend: "cpu",
  seed: 0,
  plugins: [],
};
const record = (epoch: number) => ({
  epoch,
  trainLoss: 1,
  trainAccuracy: 0.5,
  testLoss: 1,
  testAccuracy: 0.5,
  seconds: 1,
  samplesPerSecond: 8,
});
const infoAfter = (epochsDone: number) => ({
  config,
  hyperparameters: {},
  epochsDone,
  partial: null,
  standardisation: { mean: 0, std: 1 },
  history: Array.from({ length: epochsDone }, (_, i) => record(i + 1)),
  curve: [],
  reason: "epoch" as const,
});

const model = buildMlp(arch);
const optimizer = buildOptimizer("adam", model.parameters(), 0.01);
function step(): void {
  tidy(() => {
    optimizer.zeroGrad();
    backward(
      crossEntropy(model.forward(randn([8, 6], { seed: 1 })), randint(0, 3, [8], { seed: 2 })),
    );
    optimizer.step();
  });
}

/** What a resume would see: every file's bytes, with checkpoint.json's save time left out. */
async function seen(runDir: string): Promise<string> {
  const { dir, info } = await readCheckpoint(runDir);
  const { savedAt: _, ...rest } = info;
  return JSON.stringify({
    info: rest,
    model: readFileSync(join(dir, FILES.model)).toString("base64"),
    optimizer: readFileSync(join(dir, FILES.optimizerTensors)).toString("base64"),
    optimizerJson: readFileSync(join(dir, FILES.optimizerJson), "utf8"),
  });
}

describe("a checkpoint save killed at any point", () => {
  it("leaves the old checkpoint or the new one whole, and the next run cleans up", async () => {
    step();
    const pristine = join(work, "pristine");
    await saveCheckpoint(pristine, model, optimizer, infoAfter(1));
    const before = await seen(pristine);
    step();
    const complete = join(work, "complete");
    cpSync(pristine, complete, { recursive: true });
    await saveCheckpoint(complete, model, optimizer, infoAfter(2));
    const after = await seen(complete);
    expect(after).not.toBe(before);

    const outcomes: string[] = [];
    for (let k = 1; k < 100; k++) {
      const dir = join(work, `crash-${k}`);
      cpSync(pristine, dir, { recursive: true });
      Object.assign(fault, { crashAt: k, changes: 0, crashed: false });
      const error = await saveCheckpoint(dir, model, optimizer, infoAfter(2)).catch((e) => e);
      fault.crashAt = 0;
      if (!fault.crashed) {
        expect(error).toBeUndefined();
        expect(await seen(dir)).toBe(after);
        break;
      }
      // A crash after the new directory is in place (removing the old one) is not an error.
      if (error !== undefined) expect(error).toBeInstanceOf(UserError);
      const state = await seen(dir);
      expect([before, after], `crash at change ${k}`).toContain(state);
      outcomes.push(state === before ? "old" : "new");
      // The next run that owns the directory puts it in order, keeping what a resume saw.
      await recoverLeftovers(dir, CHECKPOINT_DIR);
      expect(readdirSync(dir)).toEqual([CHECKPOINT_DIR]);
      expect(await seen(dir)).toBe(state);
    }
    // Every change of a save was a crash point (4 files: open, write, sync, rename each, ...).
    expect(outcomes.length).toBeGreaterThan(15);
    expect(outcomes).toContain("old");
    expect(outcomes).toContain("new");
  });
});

describe("a full disk while saving", () => {
  it("is one line naming the file and ENOSPC; the previous checkpoint stays whole, no temporary file", async () => {
    const dir = join(work, "full");
    await saveCheckpoint(dir, model, optimizer, infoAfter(1));
    const before = await seen(dir);
    step();
    fault.diskFull = true;
    const error = await saveCheckpoint(dir, model, optimizer, infoAfter(2)).catch((e) => e);
    fault.diskFull = false;
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      /^cannot save the checkpoint in .*full \(the previous one is kept whole\): saveCheckpoint: cannot write .*model\.safetensors: no space left on the device \(ENOSPC\)$/,
    );
    expect(await seen(dir)).toBe(before);
    expect(readdirSync(dir)).toEqual([CHECKPOINT_DIR]);
    expect(readdirSync(join(dir, CHECKPOINT_DIR)).sort()).toEqual(Object.values(FILES).sort());
  });
});
