/** A module's state dict as safetensors bytes, and back. */
import { type Backend, dispose, getBackend } from "@nn/tensor";
import type { LoadStateDictOptions, LoadStateDictResult, Module } from "../module.js";
import { loadSafetensors, saveSafetensors } from "./io.js";

/**
 * The module's `stateDict()` as safetensors bytes (keys as PyTorch's, e.g. `0.weight`), with
 * optional string `metadata`. A file PyTorch users can read with `safetensors.torch.load_file`.
 */
export function saveStateDict(
  module: Module,
  metadata?: Readonly<Record<string, string>>,
): Promise<Uint8Array> {
  return saveSafetensors(module.stateDict(), metadata);
}

/**
 * Loads safetensors bytes into `module` with `loadStateDict` (in place, strict by default):
 * SafetensorsError for a malformed file, StateDictError for missing/unexpected keys, ShapeError
 * for a wrongly shaped tensor. The tensors are read onto the module's backend (that of its
 * first parameter or buffer, else the default). `name` names the bytes in errors.
 */
export function loadStateDictFrom(
  module: Module,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadStateDictOptions & { name?: string } = {},
): LoadStateDictResult {
  const first = Object.values(module.stateDict())[0];
  const backend: Backend = first?.backend ?? getBackend();
  const tensors = loadSafetensors(bytes, { backend, name: options.name });
  try {
    return module.loadStateDict(tensors, options);
  } finally {
    dispose(tensors);
  }
}
