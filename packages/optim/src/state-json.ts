/**
 * Plain-JSON form of an optimizer state dict, for saving to a file or sending over the wire.
 * Tensors become `{ "tensor": { dtype, shape, data } }` (non-finite values as "nan", "inf",
 * "-inf", the convention of the PyTorch fixtures), non-finite numbers `{ "number": "inf" }`.
 */
import {
  type Backend,
  DTYPES,
  type DType,
  isTensor,
  type Tensor,
  tensor,
  ValueError,
} from "@nn/tensor";
import type { OptimizerStateDict, ParamState, StateValue } from "./optimizer.js";
import { isRecord, show } from "./state-checks.js";

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

const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
};

function fail(path: string, message: string): never {
  throw new ValueError(`stateDictFromJSON: ${path} ${message}`);
}

// A number, or "nan" / "inf" / "-inf"; ValueError naming `path` for anything else.
function decodeNumber(v: unknown, path: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v in SPECIAL) return SPECIAL[v] as number;
  return fail(path, `must be a number or "nan", "inf", "-inf", got ${show(v)}`);
}

// A tensor's encoding checked field by field: a known dtype, a shape of integers >= 0, and as
// many values (numbers, or booleans for bool) as the shape holds.
function decodeTensor(
  t: unknown,
  backend: Backend | undefined,
  path: string,
  made: Tensor[],
): Tensor {
  if (!isRecord(t)) return fail(path, `must be { dtype, shape, data }, got ${show(t)}`);
  const { dtype, shape, data } = t;
  if (!DTYPES.includes(dtype as DType)) {
    fail(`${path}.dtype`, `must be one of ${DTYPES.join(", ")}, got ${show(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(`${path}.shape`, `must be a list of integers >= 0, got ${show(shape)}`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Array.isArray(data) || data.length !== size) {
    fail(
      `${path}.data`,
      `must hold ${size} values for shape [${(shape as number[]).join(", ")}], got ${Array.isArray(data) ? data.length : show(data)}`,
    );
  }
  const values = (data as unknown[]).map((x, i) =>
    dtype === "bool" && typeof x === "boolean" ? Number(x) : decodeNumber(x, `${path}.data[${i}]`),
  );
  const out = tensor(values, { dtype: dtype as DType, shape: shape as number[], backend });
  made.push(out);
  return out;
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

function decodeValue(
  v: JSONValue,
  backend: Backend | undefined,
  path: string,
  made: Tensor[],
): StateValue {
  if (Array.isArray(v)) return v.map((x, i) => decodeValue(x, backend, `${path}[${i}]`, made));
  if (v !== null && typeof v === "object") {
    if ("tensor" in v) return decodeTensor(v.tensor, backend, `${path}.tensor`, made);
    if ("number" in v && Object.keys(v).length === 1)
      return decodeNumber(v.number, `${path}.number`);
    const out: { [key: string]: StateValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeValue(x, backend, `${path}.${k}`, made);
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
 * current backend), ready for `optimizer.loadStateDict` (which checks the values against the
 * optimizer: step counts, shapes, hyperparameters). Throws ValueError naming the field (e.g.
 * `state.0.expAvg.tensor.data[3]`), the value and what is valid for a malformed encoding: an
 * unknown dtype, a bad shape, a data length that does not fit the shape, a value that is not a
 * number or "nan" / "inf" / "-inf"; nothing is left allocated when it throws.
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
  if (typeof optimizer !== "string") fail("optimizer", `must be a string, got ${show(optimizer)}`);
  if (!Array.isArray(paramGroups)) fail("paramGroups", `must be a list, got ${show(paramGroups)}`);
  if (state !== undefined && !isRecord(state)) {
    fail("state", `must be an object of parameter states by position, got ${show(state)}`);
  }
  const decoded: Tensor[] = [];
  try {
    const decodedState: OptimizerStateDict["state"] = {};
    for (const [pos, s] of Object.entries(state ?? {})) {
      if (!isRecord(s)) fail(`state.${pos}`, `must be an object of state values, got ${show(s)}`);
      decodedState[pos] = decodeValue(s, backend, `state.${pos}`, decoded) as unknown as ParamState;
    }
    return {
      optimizer,
      state: decodedState,
      paramGroups: decodeValue(
        paramGroups,
        backend,
        "paramGroups",
        decoded,
      ) as unknown as OptimizerStateDict["paramGroups"],
    };
  } catch (e) {
    for (const t of decoded) t.dispose(); // a bad field late in the file leaks nothing
    throw e;
  }
}
