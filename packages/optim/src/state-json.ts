/**
 * Plain-JSON form of an optimizer state dict, for saving to a file or sending over the wire.
 * Tensors become `{ "tensor": { dtype, shape, data } }` (non-finite values as "nan", "inf",
 * "-inf", the convention of the PyTorch fixtures), non-finite numbers `{ "number": "inf" }`.
 */
import { type Backend, type DType, isTensor, tensor, ValueError } from "@nn/tensor";
import type { OptimizerStateDict, ParamState, StateValue } from "./optimizer.js";

/** A JSON value. */
export type JSONValue =
  | null
  | boolean
  | number
  | string
  | JSONValue[]
  | { [key: string]: JSONValue };

function encodeNumber(v: number): JSONValue {
  if (Number.isFinite(v)) return v;
  return { number: Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf" };
}

function decodeNumber(v: unknown): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  return v as number;
}

async function encodeValue(v: StateValue | unknown): Promise<JSONValue> {
  if (isTensor(v)) {
    const values = Array.from(await v.data(), (x) =>
      Number.isFinite(x) ? x : Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf",
    );
    return {
      tensor: { dtype: v.dtype, shape: [...v.shape], data: values },
    };
  }
  if (Array.isArray(v)) return Promise.all(v.map(encodeValue));
  if (typeof v === "number") return encodeNumber(v);
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "object") {
    const out: { [key: string]: JSONValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = await encodeValue(x);
    return out;
  }
  throw new ValueError(`stateDictToJSON: cannot encode a ${typeof v}`);
}

function decodeValue(v: JSONValue, backend: Backend | undefined): StateValue {
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, backend));
  if (v !== null && typeof v === "object") {
    if ("tensor" in v) {
      const t = v.tensor as { dtype: DType; shape: number[]; data: unknown[] };
      return tensor(t.data.map(decodeNumber), { dtype: t.dtype, shape: t.shape, backend });
    }
    if ("number" in v && Object.keys(v).length === 1) return decodeNumber(v.number);
    const out: { [key: string]: StateValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeValue(x, backend);
    return out as unknown as StateValue;
  }
  return v;
}

/**
 * The state dict as plain JSON (reads every state tensor back, hence async). Round-trips with
 * `stateDictFromJSON`.
 */
export async function stateDictToJSON(dict: OptimizerStateDict): Promise<JSONValue> {
  const state: { [position: string]: JSONValue } = {};
  for (const [pos, s] of Object.entries(dict.state)) state[pos] = await encodeValue(s);
  return {
    optimizer: dict.optimizer,
    state,
    paramGroups: (await encodeValue(dict.paramGroups)) as JSONValue[],
  };
}

/**
 * A state dict from `stateDictToJSON`'s output, its tensors created on `backend` (default: the
 * current backend), ready for `optimizer.loadStateDict`. Throws ValueError for malformed input.
 */
export function stateDictFromJSON(json: JSONValue, backend?: Backend): OptimizerStateDict {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ValueError("stateDictFromJSON: expected an object { optimizer, state, paramGroups }");
  }
  const { optimizer, state, paramGroups } = json as {
    optimizer: JSONValue;
    state: { [k: string]: JSONValue };
    paramGroups: JSONValue[];
  };
  if (typeof optimizer !== "string" || !Array.isArray(paramGroups) || typeof state !== "object") {
    throw new ValueError("stateDictFromJSON: expected an object { optimizer, state, paramGroups }");
  }
  const decodedState: OptimizerStateDict["state"] = {};
  for (const [pos, s] of Object.entries(state ?? {})) {
    decodedState[pos] = decodeValue(s, backend) as unknown as ParamState;
  }
  return {
    optimizer,
    state: decodedState,
    paramGroups: decodeValue(paramGroups, backend) as unknown as OptimizerStateDict["paramGroups"],
  };
}
