/**
 * @nn/nn/node: file helpers for Node (node:fs). The main entry `@nn/nn` stays browser-safe.
 * Every write is atomic (temporary file in the same directory, fsync, rename: a crash or a full
 * disk leaves the previous file whole) and every file-system error is a `FileError` naming the
 * function and the path.
 *
 * @module @nn/nn/node
 */
import type { Tensor } from "@nn/tensor";
import { readFileBytes, syncDir, writeFileAtomic } from "./files.js";
import type { LoadStateDictOptions, LoadStateDictResult, Module } from "./module.js";
import { type LoadSafetensorsOptions, loadSafetensors, saveSafetensors } from "./safetensors/io.js";
import { loadStateDictFrom, saveStateDict } from "./safetensors/state-dict.js";

export { syncDir, writeFileAtomic };

/**
 * Writes `tensors` (and optional string metadata) to a `.safetensors` file at `path`, atomically
 * (see `writeFileAtomic`). ValueError as `saveSafetensors`; FileError (with the path) when the
 * file cannot be written (missing directory, a directory at `path`, no permission, a full disk).
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFileAtomic(path, await saveSafetensors(tensors, metadata), "saveSafetensorsFile");
}

/**
 * Reads a `.safetensors` file into tensors; errors name the file (see `loadSafetensors`);
 * FileError when it cannot be read (missing, a directory, no permission).
 */
export async function loadSafetensorsFile(
  path: string,
  options: Omit<LoadSafetensorsOptions, "name"> = {},
): Promise<Record<string, Tensor>> {
  const bytes = await readFileBytes(path, "loadSafetensorsFile");
  return loadSafetensors(bytes, { ...options, name: path });
}

/**
 * Writes `module.stateDict()` to a `.safetensors` file, atomically; FileError as
 * `saveSafetensorsFile`.
 */
export async function saveStateDictFile(
  module: Module,
  path: string,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFileAtomic(path, await saveStateDict(module, metadata), "saveStateDictFile");
}

/**
 * Loads a `.safetensors` file into `module` (see `loadStateDictFrom`); errors name the file;
 * FileError when it cannot be read.
 */
export async function loadStateDictFile(
  module: Module,
  path: string,
  options: LoadStateDictOptions = {},
): Promise<LoadStateDictResult> {
  const bytes = await readFileBytes(path, "loadStateDictFile");
  return loadStateDictFrom(module, bytes, { ...options, name: path });
}
