/**
 * Checkpoints: the directory `<out>/checkpoint` holding
 * - `model.safetensors`: the weights (PyTorch's keys: `0.weight`, ...; loadable with
 *   `safetensors.torch.load_file`), its metadata naming the architecture;
 * - `optimizer.safetensors` + `optimizer.json`: the optimizer's state dict (see optimizer-state.ts);
 * - `checkpoint.json`: the run configuration, how far training got (epochs done and, after a
 *   Ctrl-C, the running totals of the interrupted epoch), the standardisation constants, and the
 *   metrics so far.
 * The directory is replaced as a whole at each save (swap.ts), so a crash or a full disk while
 * saving leaves the previous checkpoint whole. Reading validates both JSON files (schema.ts) and
 * reads all four files at once, before the run changes anything.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Sequential } from "@nn/nn";
import { loadSafetensors, saveSafetensors } from "@nn/nn";
import type { Optimizer } from "@nn/optim";
import { type Backend, dispose, type Tensor } from "@nn/tensor";
import { fileError } from "@nn/tensor/internal";
import type { EpochRecord, RunConfig } from "../config.js";
import { asUserError, messageOf, UserError } from "../errors.js";
import { type Architecture, describeArchitecture } from "../model.js";
import { makeDirs } from "../output/files.js";
import type { CurvePoint, EpochTotals } from "../train/epoch.js";
import { fromJson, type Json, joinStateDict, splitStateDict, toJson } from "./optimizer-state.js";
import { validateCheckpointInfo, validateOptimizerJson } from "./schema.js";
import { findWhole, replaceDirectory } from "./swap.js";

/** The checkpoint's directory inside a run's --out, and the file names inside it. */
export const CHECKPOINT_DIR = "checkpoint";
/** Where `--early-stopping` keeps the checkpoint of the best held-out loss. */
export const BEST_DIR = "best";
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
  /** Inputs are (pixel / 255 - mean) / std. */
  standardisation: { mean: number; std: number };
  /** The data set's class names, by class index (absent in checkpoints of earlier versions). */
  classes?: string[];
  history: EpochRecord[];
  /** Loss curve of the finished epochs. */
  curve: CurvePoint[];
  savedAt: string;
  reason: "epoch" | "interrupt";
}

/** A checkpoint read into memory: its run directory, where its files are, and their content. */
export interface Checkpoint {
  /** The run's --out (parent of `dir`, or `dir` itself for a checkpoint of the older flat layout). */
  runDir: string;
  dir: string;
  info: CheckpointInfo;
  optimizerJson: Json;
  model: Uint8Array;
  optimizerTensors: Uint8Array;
}

/** Whether `dir` holds a whole checkpoint (checkpoint.json is written last). */
const isWhole = (dir: string): boolean => existsSync(join(dir, FILES.info));

/**
 * The directory of the latest whole checkpoint of the run directory `runDir`, or undefined:
 * `runDir/checkpoint`, the copy a crash while saving left, or `runDir` itself (older layout).
 */
export async function findCheckpoint(runDir: string): Promise<string | undefined> {
  return (
    (await findWhole(runDir, CHECKPOINT_DIR, isWhole)) ?? (isWhole(runDir) ? runDir : undefined)
  );
}

/**
 * model.safetensors' `__metadata__` (string values, as the format requires), so the weights file
 * alone says how to feed and read the model: `architecture` ("784-128-10 relu", or "cnn ..." for
 * the CNN: see describeArchitecture), `dataset`,
 * `standardisation` (JSON `{"mean":..,"std":..}`: inputs are (pixel / 255 - mean) / std) and
 * `classes` (a JSON list of the class names by index).
 */
export function weightsMetadata(
  architecture: string,
  info: Pick<CheckpointInfo, "config" | "standardisation" | "classes">,
): Record<string, string> {
  return {
    architecture,
    dataset: info.config.dataset,
    standardisation: JSON.stringify(info.standardisation),
    ...(info.classes ? { classes: JSON.stringify(info.classes) } : {}),
  };
}

/**
 * Saves a checkpoint into `runDir/checkpoint` (`runDir` created if needed), replacing the previous one whole. The optimizer's
 * state dict copies are freed. UserError (one line: the path and what happened, e.g. a full disk)
 * when it cannot be written; the previous checkpoint is then left whole.
 */
export async function saveCheckpoint(
  runDir: string,
  model: Sequential,
  optimizer: Optimizer,
  info: Omit<CheckpointInfo, "format" | "version" | "savedAt">,
  options: {
    /** Saved in optimizer.json's `scheduler`, so it is swapped in with the optimizer state. */
    scheduler?: { stateDict(): Record<string, unknown> };
    /** The directory inside `runDir` (default CHECKPOINT_DIR; BEST_DIR for early stopping's best). */
    name?: string;
  } = {},
): Promise<void> {
  const { scheduler, name = CHECKPOINT_DIR } = options;
  const arch = describeArchitecture(info.config.architecture);
  const dict = optimizer.stateDict();
  const split = splitStateDict(dict);
  const { tensors } = split;
  // The scheduler's state travels in optimizer.json, so both are swapped in together.
  const json = scheduler
    ? { ...(split.json as Record<string, Json>), scheduler: toJson(scheduler.stateDict()) }
    : split.json;
  try {
    const files: [string, string | Uint8Array][] = [
      [FILES.model, await saveSafetensors(model.stateDict(), weightsMetadata(arch, info))],
      [FILES.optimizerTensors, await saveSafetensors(tensors, { optimizer: dict.optimizer })],
      [FILES.optimizerJson, `${JSON.stringify(json)}\n`],
      [
        FILES.info,
        `${JSON.stringify({ format: FORMAT, version: VERSION, ...info, savedAt: new Date().toISOString() }, null, 2)}\n`,
      ],
    ];
    await asUserError(
      `cannot save the checkpoint in ${runDir} (the previous one is kept whole)`,
      async () => {
        await makeDirs(runDir);
        await replaceDirectory(runDir, name, files);
      },
    );
  } finally {
    dispose(Object.values(tensors));
  }
}

/** The checkpoint directory and run directory `--resume <path>` names (a run, a checkpoint or a file in it). */
async function locate(path: string, flag: string): Promise<{ runDir: string; dir: string }> {
  if (!existsSync(path)) throw new UserError(`${flag} ${path}: no such file or directory`);
  const given = statSync(path).isDirectory() ? path : dirname(path);
  if (basename(resolve(given)) === CHECKPOINT_DIR && isWhole(given))
    return { runDir: dirname(given), dir: given };
  const inRun = await findCheckpoint(given);
  if (inRun) return { runDir: given, dir: inRun };
  throw new UserError(
    `${flag} ${path}: ${given} holds no checkpoint (no ${CHECKPOINT_DIR}/${FILES.info}); pass the --out directory of an earlier run`,
  );
}

function parseJson(text: string, file: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`--resume ${path}: ${file} is not valid JSON (${messageOf(e)})`);
  }
}

async function readBytes(file: string, path: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new UserError(
      `--resume ${path}: ${fileError("readCheckpoint", "read", file, e).message}`,
    );
  }
}

/** The four files of checkpoint `dir`, read as one save's: retried if another run saved meanwhile. */
async function readFiles(dir: string, path: string): Promise<Record<keyof typeof FILES, Buffer>> {
  const read = (name: keyof typeof FILES) => readBytes(join(dir, FILES[name]), path);
  for (let attempt = 0; ; attempt++) {
    const info = await read("info");
    const files = {
      info,
      optimizerJson: await read("optimizerJson"),
      model: await read("model"),
      optimizerTensors: await read("optimizerTensors"),
    };
    // checkpoint.json differs at every save (savedAt): unchanged means no save came between.
    if ((await read("info")).equals(info) || attempt === 2) return files;
  }
}

/**
 * Reads the checkpoint `--resume <path>` names into memory and validates its JSON files.
 * UserError when there is none, a file is missing or not JSON; CheckpointFileError naming the
 * file, the field, the value and what is valid for a bad field.
 */
export async function readCheckpoint(path: string, flag = "--resume"): Promise<Checkpoint> {
  const { runDir, dir } = await locate(path, flag);
  const files = await readFiles(dir, path);
  const infoFile = join(dir, FILES.info);
  const raw = parseJson(files.info.toString("utf8"), infoFile, path) as {
    format?: unknown;
    version?: unknown;
  } | null;
  if (raw?.format !== FORMAT || raw.version !== VERSION) {
    throw new UserError(
      `--resume ${path}: ${infoFile} is not a version ${VERSION} ${FORMAT} file (format ${String(raw?.format)}, version ${String(raw?.version)})`,
    );
  }
  const info = validateCheckpointInfo(raw, infoFile) as CheckpointInfo;
  const optimizerFile = join(dir, FILES.optimizerJson);
  const optimizerJson = validateOptimizerJson(
    parseJson(files.optimizerJson.toString("utf8"), optimizerFile, path),
    optimizerFile,
  );
  return {
    runDir,
    dir,
    info,
    optimizerJson: optimizerJson as Json,
    model: files.model,
    optimizerTensors: files.optimizerTensors,
  };
}

/**
 * UserError naming both architectures when a checkpoint's differs from the one a run builds
 * (checked before any data is read).
 */
export function checkArchitecture(dir: string, arch: Architecture, saved: Architecture): void {
  if (describeArchitecture(saved) !== describeArchitecture(arch)) {
    throw new UserError(
      `checkpoint ${dir} holds a ${describeArchitecture(saved)} model, but this run builds ${describeArchitecture(arch)}; resume with the checkpoint's architecture (omit --model/--hidden/--depth/--activation) or start a new run`,
    );
  }
}

/**
 * Loads the weights of checkpoint `ckpt` into `model` (architecture `arch`). UserError when the
 * checkpoint's architecture differs (see checkArchitecture), or when the file is corrupt or does
 * not fit the model.
 */
export function loadWeights(ckpt: Checkpoint, model: Sequential, arch: Architecture): void {
  checkArchitecture(ckpt.dir, arch, ckpt.info.config.architecture);
  const file = join(ckpt.dir, FILES.model);
  let tensors: Record<string, Tensor> = {};
  try {
    tensors = loadSafetensors(ckpt.model, { backend: model.parameters()[0]?.backend, name: file });
    model.loadStateDict(tensors);
  } catch (e) {
    throw new UserError(
      `checkpoint ${file} does not fit the ${describeArchitecture(arch)} model: ${messageOf(e)}`,
    );
  } finally {
    dispose(Object.values(tensors));
  }
}

/**
 * Loads the optimizer state of checkpoint `ckpt` into `optimizer`, and its scheduler state (saved
 * in optimizer.json's `scheduler`) into `scheduler` when given. UserError when it does not fit.
 */
export function loadOptimizerState(
  ckpt: Checkpoint,
  optimizer: Optimizer,
  backend: Backend,
  scheduler?: { loadStateDict(state: Record<string, unknown>): void },
): void {
  let tensors: Record<string, Tensor> = {};
  try {
    tensors = loadSafetensors(ckpt.optimizerTensors, {
      backend,
      name: join(ckpt.dir, FILES.optimizerTensors),
    });
    const { scheduler: saved, ...dict } = ckpt.optimizerJson as Record<string, Json>;
    optimizer.loadStateDict(joinStateDict(dict, tensors));
    if (scheduler) {
      if (saved === undefined) throw new Error("optimizer.json has no scheduler state");
      scheduler.loadStateDict(fromJson(saved) as Record<string, unknown>);
    }
  } catch (e) {
    throw new UserError(
      `checkpoint ${ckpt.dir}: cannot restore the optimizer state: ${messageOf(e)}`,
    );
  } finally {
    dispose(Object.values(tensors));
  }
}
