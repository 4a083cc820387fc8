/**
 * @nn/nn/node: file helpers for Node (node:fs). The main entry `@nn/nn` stays browser-safe.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Tensor } from "@nn/tensor";
import type { LoadStateDictOptions, LoadStateDictResult, Module } from "./module.js";
import { type LoadSafetensorsOptions, loadSafetensors, saveSafetensors } from "./safetensors/io.js";
import { loadStateDictFrom, saveStateDict } from "./safetensors/state-dict.js";

/** Writes `tensors` (and optional string metadata) to a `.safetensors` file at `path`. */
export async function saveSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFile(path, await saveSafetensors(tensors, metadata));
}

/** Reads a `.safetensors` file into tensors; errors name the file (see `loadSafetensors`). */
export async function loadSafetensorsFile(
  path: string,
  options: Omit<LoadSafetensorsOptions, "name"> = {},
): Promise<Record<string, Tensor>> {
  return loadSafetensors(await readFile(path), { ...options, name: path });
}

/** Writes `module.stateDict()` to a `.safetensors` file. */
export async function saveStateDictFile(
  module: Module,
  path: string,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFile(path, await saveStateDict(module, metadata));
}

/** Loads a `.safetensors` file into `module` (see `loadStateDictFrom`); errors name the file. */
export async function loadStateDictFile(
  module: Module,
  path: string,
  options: LoadStateDictOptions = {},
): Promise<LoadStateDictResult> {
  return loadStateDictFrom(module, await readFile(path), { ...options, name: path });
}
