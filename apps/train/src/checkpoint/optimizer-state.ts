/**
 * An optimizer's state dict split for saving: its tensors (Adam's moments, momentum buffers) go
 * to a safetensors file, keyed `state.<position>.<name>` (`.<i>` for list items), and the rest
 * (the optimizer's name, parameter groups with their hyperparameters, host scalars such as
 * `step`) to JSON, where each tensor is a reference `{ "$tensor": key }`. Exact for every dtype,
 * and compact (JSON numbers would triple the size).
 */
import type { OptimizerStateDict } from "@nn/optim";
import { isTensor, type Tensor } from "@nn/tensor";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encodeNumber(v: number): Json {
  return Number.isFinite(v) ? v : { $number: Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf" };
}

function decodeNumber(v: string): number {
  if (v === "nan") return Number.NaN;
  return v === "inf" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

function encode(v: unknown, key: string, tensors: Record<string, Tensor>): Json {
  if (isTensor(v)) {
    tensors[key] = v;
    return { $tensor: key };
  }
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${key}.${i}`, tensors));
  if (typeof v === "number") return encodeNumber(v);
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "object") {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as object)) out[k] = encode(x, `${key}.${k}`, tensors);
    return out;
  }
  return null;
}

/** A tensor-free state (a scheduler's) as JSON; non-finite numbers encoded as in the optimizer's. */
export function toJson(value: unknown): Json {
  return encode(value, "", {});
}

/** The inverse of `toJson`. */
export function fromJson(json: Json): unknown {
  return decode(json, {}, "scheduler state");
}

/** Splits `dict` into JSON and the tensors it references (the dict's own tensors, not copies). */
export function splitStateDict(dict: OptimizerStateDict): {
  json: Json;
  tensors: Record<string, Tensor>;
} {
  const tensors: Record<string, Tensor> = {};
  const json: Json = {
    optimizer: dict.optimizer,
    paramGroups: encode(dict.paramGroups, "paramGroups", tensors),
    state: encode(dict.state, "state", tensors),
  };
  return { json, tensors };
}

function decode(v: Json, tensors: Readonly<Record<string, Tensor>>, where: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => decode(x, tensors, `${where}[${i}]`));
  if (v !== null && typeof v === "object") {
    if (typeof v.$tensor === "string") {
      const t = tensors[v.$tensor];
      if (!t) throw new Error(`${where} refers to tensor "${v.$tensor}", which the file lacks`);
      return t;
    }
    if (typeof v.$number === "string") return decodeNumber(v.$number);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decode(x, tensors, `${where}.${k}`);
    return out;
  }
  return v;
}

/**
 * Joins JSON from `splitStateDict` with its tensors into a state dict for `loadStateDict`.
 * Throws Error naming the entry for a reference to a missing tensor or a malformed dict.
 */
export function joinStateDict(
  json: Json,
  tensors: Readonly<Record<string, Tensor>>,
): OptimizerStateDict {
  const dict = decode(json, tensors, "optimizer state") as Partial<OptimizerStateDict>;
  if (
    typeof dict?.optimizer !== "string" ||
    !Array.isArray(dict.paramGroups) ||
    typeof dict.state !== "object" ||
    dict.state === null
  ) {
    throw new Error("the optimizer state is not { optimizer, paramGroups, state }");
  }
  return dict as OptimizerStateDict;
}
