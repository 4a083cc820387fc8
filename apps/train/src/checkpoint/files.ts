/**
 * Checkpoints: a directory holding
 * - `model.safetensors`: the weights (PyTorch's keys: `0.weight`, ...; loadable with
 *   `safetensors.torch.load_file`), its metadata naming the architecture;
 * - `optimizer.safetensors` + `optimizer.json`: the optimizer's state dict (see optimizer-state.ts);
 * - `checkpoint.json`: the run configuration, how far training got (epochs done and, after a
 *   Ctrl-C, the running totals of the interrupted epoch), the standardisation constants, and the
 *   metrics so far.
 * Files are written to temporary names and renamed, checkpoint.json last, so an interruption
 * while saving leaves the previous checkpoint whole.
 */
import { existsSync, statSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Sequential } from "@nn/nn";
import { saveSafetensors } from "@nn/nn";
import { loadSafetensorsFile } from "@nn/nn/node";
import type { Optimizer } from "@nn/optim";
import { type Backend, dispose, type Tensor } from "@nn/tensor";
import type { EpochRecord, RunConfig } from "../config.js";
import { messageOf, UserError } from "../errors.js";
import { type Architecture, describeArchitecture } from "../model.js";
import { makeDirs } from "../output/files.js";
import type { CurvePoint, EpochTotals } from "../train/epoch.js";
import { type Json, joinStateDict, splitStateDict } from "./optimizer-state.js";

/** File names inside a checkpoint directory. */
export const FILES = {
  model: "model.safetensors",
  optimizerTensors: "optimizer.safetensors",
  optimizerJson: "optimizer.json",
  info: "checkpoint.json",
} as const;

const FORMAT = "nn-train-checkpoint";
const VERSION = 1;

/** checkpoint.json. */
export interface CheckpointInfo {
  format: typeof FORMAT;
  version: typeof VERSION;
  config: RunConfig;
  /** The optimizer's hyperparameters (first parameter group), for reading. */
  hyperparameters: Record<string, unknown>;
  /** Epochs finished; `partial` holds the running totals of the next one after a Ctrl-C. */
  epochsDone: number;
  partial: EpochTotals | null;
  standardisation: { mean: number; std: number };
  history: EpochRecord[];
  /** Loss curve of the finished epochs. */
  curve: CurvePoint[];
  savedAt: string;
  reason: "epoch" | "interrupt";
}

async function writeTemp(path: string, data: string | Uint8Array): Promise<string> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, data);
  return tmp;
}

/**
 * Saves a checkpoint into `dir` (created if needed). The optimizer's state dict copies are freed.
 */
export async function saveCheckpoint(
  dir: string,
  model: Sequential,
  optimizer: Optimizer,
  info: Omit<CheckpointInfo, "format" | "version" | "savedAt">,
): Promise<void> {
  await makeDirs(dir);
  const arch = describeArchitecture(info.config.architecture);
  const dict = optimizer.stateDict();
  const { json, tensors } = splitStateDict(dict);
  const tmps: [string, string][] = [];
  try {
    const files: [string, string | Uint8Array][] = [
      [FILES.model, await saveSafetensors(model.stateDict(), { architecture: arch })],
      [FILES.optimizerTensors, await saveSafetensors(tensors, { optimizer: dict.optimizer })],
      [FILES.optimizerJson, `${JSON.stringify(json)}\n`],
      [
        FILES.info,
        `${JSON.stringify({ format: FORMAT, version: VERSION, ...info, savedAt: new Date().toISOString() }, null, 2)}\n`,
      ],
    ];
    for (const [name, data] of files) tmps.push([await writeTemp(join(dir, name), data), name]);
    for (const [tmp, name] of tmps) await rename(tmp, join(dir, name));
  } finally {
    dispose(Object.values(tensors));
  }
}

/** The checkpoint directory of `path` (the directory itself, or a file inside it). */
export function checkpointDir(path: string): string {
  if (!existsSync(path)) throw new UserError(`--resume ${path}: no such file or directory`);
  return statSync(path).isDirectory() ? path : dirname(path);
}

/** Reads checkpoint.json of the checkpoint at `path`. UserError when absent or malformed. */
export async function readCheckpointInfo(
  path: string,
): Promise<{ dir: string; info: CheckpointInfo }> {
  const dir = checkpointDir(path);
  const file = join(dir, FILES.info);
  if (!existsSync(file)) {
    throw new UserError(
      `--resume ${path}: ${basename(dir)} is not a checkpoint directory (no ${FILES.info}); pass the --out directory of an earlier run`,
    );
  }
  let info: CheckpointInfo;
  try {
    info = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new UserError(`--resume ${path}: ${file} is not valid JSON (${messageOf(e)})`);
  }
  if (info?.format !== FORMAT || info.version !== VERSION) {
    throw new UserError(
      `--resume ${path}: ${file} is not a version ${VERSION} ${FORMAT} file (format ${String(info?.format)}, version ${String(info?.version)})`,
    );
  }
  return { dir, info };
}

/**
 * UserError naming both architectures when a checkpoint's differs from the one a run builds
 * (checked before any data is read).
 */
export function checkArchitecture(dir: string, arch: Architecture, saved: Architecture): void {
  if (describeArchitecture(saved) !== describeArchitecture(arch)) {
    throw new UserError(
      `checkpoint ${dir} holds a ${describeArchitecture(saved)} model, but this run builds ${describeArchitecture(arch)}; resume with the checkpoint's architecture (omit --hidden/--depth/--activation) or start a new run`,
    );
  }
}

/**
 * Loads the weights of checkpoint `dir` into `model` (architecture `arch`). UserError when the
 * checkpoint's architecture differs (see checkArchitecture), or when the file is corrupt or does
 * not fit the model.
 */
export async function loadWeights(
  dir: string,
  model: Sequential,
  arch: Architecture,
  saved: Architecture,
): Promise<void> {
  checkArchitecture(dir, arch, saved);
  const file = join(dir, FILES.model);
  let tensors: Record<string, Tensor> = {};
  try {
    tensors = await loadSafetensorsFile(file, { backend: model.parameters()[0]?.backend });
    model.loadStateDict(tensors);
  } catch (e) {
    throw new UserError(
      `checkpoint ${file} does not fit the ${describeArchitecture(arch)} model: ${messageOf(e)}`,
    );
  } finally {
    dispose(Object.values(tensors));
  }
}

/** Loads the optimizer state of checkpoint `dir` into `optimizer`. UserError when it does not fit. */
export async function loadOptimizerState(
  dir: string,
  optimizer: Optimizer,
  backend: Backend,
): Promise<void> {
  let tensors: Record<string, Tensor> = {};
  try {
    const json = JSON.parse(await readFile(join(dir, FILES.optimizerJson), "utf8")) as Json;
    tensors = await loadSafetensorsFile(join(dir, FILES.optimizerTensors), { backend });
    optimizer.loadStateDict(joinStateDict(json, tensors));
  } catch (e) {
    throw new UserError(`checkpoint ${dir}: cannot restore the optimizer state: ${messageOf(e)}`);
  } finally {
    dispose(Object.values(tensors));
  }
}
