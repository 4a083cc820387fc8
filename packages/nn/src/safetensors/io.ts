/**
 * Saving and loading tensors in the safetensors format, in memory (browser-safe: no file
 * system). The Node entry `@nn/nn/node` adds file helpers.
 */
import {
  type Backend,
  type DataArray,
  type DType,
  fromArray,
  getBackend,
  isTensor,
  type Tensor,
  ValueError,
} from "@nn/tensor";
import { allocArray } from "@nn/tensor/internal";
import { SafetensorsError } from "../errors.js";
import { type HeaderEntry, parseHeader, TO_SAFETENSORS } from "./header.js";

const LITTLE_ENDIAN = new Uint16Array(new Uint8Array([1, 0]).buffer)[0] === 1;

/** The bytes of `values` in little-endian order. */
function toLittleEndian(values: DataArray, dtype: DType): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN || dtype === "bool") return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (dtype === "float32") view.setFloat32(i * 4, v, true);
    else if (dtype === "float64") view.setFloat64(i * 8, v, true);
    else view.setInt32(i * 4, v, true);
  });
  return out;
}

/** Typed values of `dtype` read from little-endian `bytes` (copied, so aligned). */
function fromLittleEndian(bytes: Uint8Array, dtype: DType, count: number): DataArray {
  const out = allocArray(dtype, count);
  if (LITTLE_ENDIAN || dtype === "bool") {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    out[i] =
      dtype === "float32"
        ? view.getFloat32(i * 4, true)
        : dtype === "float64"
          ? view.getFloat64(i * 8, true)
          : view.getInt32(i * 4, true);
  }
  return out;
}

/** Dtype order of the reference writer: larger alignment first (F64, F32, I32, BOOL), then by name. */
const WRITE_ORDER: Readonly<Record<string, number>> = { F64: 0, F32: 1, I32: 2, BOOL: 3 };

/**
 * Serialises `tensors` to safetensors bytes as the reference writer does: tensors ordered by
 * dtype alignment (largest first) then name, packed without gaps, the JSON header compact and
 * padded with spaces to a multiple of 8 bytes so every tensor starts aligned. `metadata` becomes
 * `__metadata__` (strings only). Reads each tensor with `await t.data()` (works on every backend).
 * ValueError for a key named `__metadata__`, an empty key, a non-tensor or non-string metadata.
 */
export async function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<Uint8Array> {
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === "" || name === "__metadata__") {
      throw new ValueError(`saveSafetensors: ${JSON.stringify(name)} cannot be a tensor name`);
    }
    if (!isTensor(tensors[name]))
      throw new ValueError(`saveSafetensors: the value of "${name}" is not a Tensor`);
    (tensors[name] as Tensor).assertLive(`saveSafetensors ("${name}")`);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string")
        throw new ValueError(`saveSafetensors: metadata["${k}"] must be a string, got ${typeof v}`);
    }
  }
  const dtypeOf = (n: string) => TO_SAFETENSORS[(tensors[n] as Tensor).dtype];
  names.sort((a, b) => {
    const d = (WRITE_ORDER[dtypeOf(a)] as number) - (WRITE_ORDER[dtypeOf(b)] as number);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = { ...metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name] as Tensor;
    const bytes = toLittleEndian(await t.data(), t.dtype);
    header[name] = {
      dtype: TO_SAFETENSORS[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(json.length / 2 ** 32), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Options of `loadSafetensors`. */
export interface LoadSafetensorsOptions {
  /** Where the tensors go. Default: the backend set by `setBackend`. */
  backend?: Backend;
  /** A name for the bytes in error messages (a file path). Default "safetensors data". */
  name?: string;
}

function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function tensorOf(
  entry: HeaderEntry,
  bytes: Uint8Array,
  dataStart: number,
  backend: Backend,
  file: string,
): Tensor {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const raw = bytes.subarray(dataStart + entry.begin, dataStart + entry.end);
  if (entry.dtype === "bool") {
    const bad = raw.findIndex((v) => v > 1);
    if (bad >= 0) {
      throw new SafetensorsError(
        `${file}: tensor "${entry.name}": BOOL element ${bad} is ${raw[bad]}; booleans are stored as 0 or 1`,
      );
    }
  }
  return fromArray(fromLittleEndian(raw, entry.dtype, count), entry.shape, entry.dtype, backend);
}

/**
 * Reads safetensors bytes into tensors (by name, in header order) on `backend`, validating the
 * whole file first against the format (see `parseHeader`): SafetensorsError naming the file and
 * the key for a truncated file, a header that is too large, not UTF-8 or not JSON, repeated
 * keys, an unknown or unsupported dtype (nn reads F32, F64, I32, BOOL), a shape that does not
 * match its byte range, offsets that overlap, leave holes or run past the end.
 */
export function loadSafetensors(
  data: Uint8Array | ArrayBuffer,
  options: LoadSafetensorsOptions | Backend = {},
): Record<string, Tensor> {
  const opts: LoadSafetensorsOptions =
    "alloc" in options ? { backend: options as Backend } : options;
  const file = opts.name ?? "safetensors data";
  const bytes = toBytes(data);
  const header = parseHeader(bytes, file);
  const backend = opts.backend ?? getBackend();
  const out: Record<string, Tensor> = {};
  try {
    for (const e of header.entries)
      out[e.name] = tensorOf(e, bytes, header.dataStart, backend, file);
  } catch (err) {
    for (const t of Object.values(out)) t.dispose();
    throw err;
  }
  return out;
}

/** The `__metadata__` map of safetensors bytes (validated like `loadSafetensors`; no tensors made). */
export function safetensorsMetadata(
  data: Uint8Array | ArrayBuffer,
  name = "safetensors data",
): Record<string, string> {
  return parseHeader(toBytes(data), name).metadata;
}
