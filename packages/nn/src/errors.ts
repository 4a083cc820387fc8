/** Errors of @nn/nn, subclasses of @nn/tensor's typed errors (so `instanceof ValueError` holds). */
import { ValueError } from "@nn/tensor";

/**
 * A state dict that does not fit a module: missing or unexpected keys (wrongly shaped values are
 * ShapeErrors). The message lists the keys; `missingKeys` and `unexpectedKeys` hold them.
 */
export class StateDictError extends ValueError {
  override name = "StateDictError";
  constructor(
    message: string,
    readonly missingKeys: readonly string[] = [],
    readonly unexpectedKeys: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A safetensors file (or byte array) that breaks the format: truncated, a bad header, offsets
 * that overlap, leave holes or run past the end, an unsupported dtype. The message names the
 * file and the tensor key.
 */
export class SafetensorsError extends ValueError {
  override name = "SafetensorsError";
}
