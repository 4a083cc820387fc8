/**
 * Loading the weights `pnpm train` writes (`runs/<name>/checkpoint/model.safetensors`): the file's
 * metadata names the architecture ("784-128-10 relu") and the standardisation
 * ({"mean": .., "std": ..}); the tensors carry PyTorch's keys (`0.weight`, `0.bias`, ...).
 */
import { loadSafetensors, type Sequential, safetensorsMetadata } from "@nn/nn";
import { dispose } from "@nn/tensor";
import { getActivation } from "../activations/registry.js";
import { PIXELS } from "../digits.js";
import { buildMlp } from "../mlp.js";

/** A loaded checkpoint: the model with its weights, and how to standardise its inputs. */
export interface LoadedCheckpoint {
  model: Sequential;
  stats: { mean: number; std: number };
  /** "784-128-10 relu". */
  architecture: string;
}

/** A checkpoint the page cannot use; the message says why and what would be valid. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

/**
 * Reads a model.safetensors written by `pnpm train` (`name` is used in errors). Throws
 * CheckpointError when its metadata has no architecture of this page's kind (784 inputs, 10
 * classes, an activation of @nn/activations) or no standardisation, and the errors of
 * @nn/nn's loadSafetensors / loadStateDict (SafetensorsError, StateDictError) for a bad file.
 */
export function loadCheckpoint(bytes: Uint8Array, name = "model.safetensors"): LoadedCheckpoint {
  const meta = safetensorsMetadata(bytes, name);
  const [widthsText = "", activation = ""] = (meta.architecture ?? "").split(" ");
  const widths = widthsText.split("-").map(Number);
  if (
    widths.length < 2 ||
    widths.some((w) => !Number.isInteger(w) || w < 1) ||
    widths[0] !== PIXELS ||
    widths.at(-1) !== 10 ||
    !getActivation(activation)
  ) {
    throw new CheckpointError(
      `${name}: metadata architecture is ${JSON.stringify(meta.architecture)}; expected "784-<hidden>-...-10 <activation>" with an activation of @nn/activations, as pnpm train writes for mnist`,
    );
  }
  let stats: { mean?: unknown; std?: unknown } = {};
  try {
    stats = JSON.parse(meta.standardisation ?? "");
  } catch {
    // reported below
  }
  if (typeof stats.mean !== "number" || typeof stats.std !== "number" || !(stats.std > 0)) {
    throw new CheckpointError(
      `${name}: metadata standardisation is ${JSON.stringify(meta.standardisation)}; expected JSON {"mean": number, "std": number > 0}`,
    );
  }
  const model = buildMlp({ widths, activation, init: "default" });
  const tensors = loadSafetensors(bytes, { name });
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    dispose(Object.values(tensors));
  }
  return {
    model,
    stats: { mean: stats.mean, std: stats.std },
    architecture: meta.architecture ?? "",
  };
}
