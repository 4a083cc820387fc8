/** Embedding: a lookup table of vectors indexed by int32 ids (torch.nn.Embedding). */
import {
  DTypeError,
  detach,
  eq,
  IndexError,
  indexSelect,
  narrow,
  noGrad,
  reshape,
  type Tensor,
  tidy,
  ValueError,
  where,
  zero_,
} from "@nn/tensor";
import { dtypeOriginHint, fmt } from "@nn/tensor/internal";
import { normal as initNormal } from "../init/fill.js";
import { Module } from "../module.js";
import type { Parameter } from "../parameter.js";
import { emptyParameter, type LayerOptions } from "./linear.js";

function zeroRow(weight: Tensor, row: number): void {
  noGrad(() => {
    const r = narrow(weight, 0, row, 1);
    zero_(r);
    r.dispose();
  });
}

/**
 * `paddingIdx` as a row index: a negative one counts from the end (as PyTorch). ValueError
 * outside `[-numEmbeddings, numEmbeddings)` or for a non-integer.
 */
function paddingIndex(op: string, paddingIdx: number | null, numEmbeddings: number): number | null {
  if (paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
    throw new ValueError(
      `${op}: paddingIdx ${paddingIdx} must be an integer within [${-numEmbeddings}, ${numEmbeddings - 1}]`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/**
 * Looks up rows of `weight` `[numEmbeddings, dim]` for int32 `indices` of any shape; the result
 * is `indices.shape + [dim]` (torch.nn.functional.embedding). Rows equal to `paddingIdx` get no
 * gradient; a negative `paddingIdx` counts from the end (-1 is the last row), and one outside
 * `[-numEmbeddings, numEmbeddings)` is a ValueError. IndexError naming the index for ids
 * outside `[0, numEmbeddings)` (checked on the CPU; a GPU backend cannot check without reading
 * back and may return zeros).
 */
export function embedding(
  indices: Tensor,
  weight: Tensor,
  paddingIdx: number | null = null,
): Tensor {
  if (indices.dtype !== "int32") {
    throw new DTypeError(
      `embedding: indices must be int32, got ${indices.dtype}${dtypeOriginHint(indices.dtype)}`,
    );
  }
  if (weight.ndim !== 2)
    throw new ValueError(`embedding: weight must be 2-D, got ${fmt(weight.shape)}`);
  const dim = weight.shape[1] as number;
  const pad = paddingIndex("embedding", paddingIdx, weight.shape[0] as number);
  return tidy(() => {
    let rows: Tensor;
    try {
      rows = indexSelect(weight, 0, reshape(indices, [indices.size]));
    } catch (e) {
      if (e instanceof Error && e.name === "IndexError") {
        throw new IndexError(
          `embedding: ${e.message.replace(/^\w+: /, "")} (ids must be in [0, ${weight.shape[0]}), the number of embeddings)`,
        );
      }
      throw e;
    }
    let out = reshape(rows, [...indices.shape, dim]);
    if (pad !== null) {
      // Same values; the gradient of padding rows is cut (where's false branch takes it).
      const isPad = reshape(eq(indices, pad), [...indices.shape, 1]);
      out = where(isPad, detach(out), out);
    }
    return out;
  });
}

/** Options of Embedding. */
export interface EmbeddingOptions extends LayerOptions {
  /** An id whose row is initialised to zeros and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim` (torch.nn.Embedding): `weight`
 * `[numEmbeddings, embeddingDim]` initialised from N(0, 1) (seeded), the `paddingIdx` row zeros.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new ValueError(`Embedding: ${name} must be a non-negative integer, got ${v}`);
    }
    const pad = paddingIndex("Embedding", options.paddingIdx ?? null, numEmbeddings);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    this.weight = emptyParameter([numEmbeddings, embeddingDim], options);
    this.resetParameters();
  }

  /** Re-draws `weight` from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    initNormal(this.weight);
    if (this.paddingIdx !== null) zeroRow(this.weight, this.paddingIdx);
  }

  /** int32 ids of any shape -> `ids.shape + [embeddingDim]`. */
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx);
  }
}
