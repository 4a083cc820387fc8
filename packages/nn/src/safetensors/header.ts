/**
 * The safetensors header: parsing and validation against the format's specification
 * (huggingface/safetensors README, "Format"): an 8-byte little-endian unsigned header length N,
 * N bytes of UTF-8 JSON mapping each tensor name to `{dtype, shape, data_offsets: [begin, end]}`
 * (offsets relative to the byte buffer after the header) plus an optional `__metadata__`
 * string-to-string map, then the byte buffer. The offsets must cover the buffer exactly, without
 * holes or overlaps; keys must not repeat; the header may be padded with trailing spaces.
 */
import type { DType } from "@nn/tensor";
import { SafetensorsError } from "../errors.js";

/** The reference implementation's limit on the header length (100 MB), against denial of service. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Element size of every dtype the format defines (little-endian, row-major). */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The format's dtypes that nn reads and writes, and their nn dtype. */
export const SUPPORTED: Readonly<Record<string, DType>> = {
  F32: "float32",
  F64: "float64",
  I32: "int32",
  BOOL: "bool",
};

/** nn dtype -> safetensors dtype. */
export const TO_SAFETENSORS: Readonly<Record<DType, string>> = {
  float32: "F32",
  float64: "F64",
  int32: "I32",
  bool: "BOOL",
};

/** One tensor's entry in the header. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  /** Byte offsets into the buffer after the header. */
  readonly begin: number;
  readonly end: number;
}

/** A parsed, validated header. */
export interface SafetensorsHeader {
  /** The `__metadata__` map (empty when absent). */
  readonly metadata: Record<string, string>;
  /** The tensors in header order. */
  readonly entries: HeaderEntry[];
  /** Where the byte buffer starts in the file (8 + N). */
  readonly dataStart: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The keys of the top-level JSON object, in order, repeats included (JSON.parse keeps only the
 * last of repeated keys, and the format forbids them). Assumes `text` is valid JSON.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (ch === "{" || ch === "[") {
      depth++;
      expectKey = ch === "{" && depth === 1;
    } else if (ch === "}" || ch === "]") depth--;
    else if (ch === "," && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}

function readHeaderLength(bytes: Uint8Array, file: string): number {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `${file}: truncated: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n > MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      `${file}: header too large: ${n} bytes (the format allows at most ${MAX_HEADER_BYTES}); the file is corrupt or not safetensors`,
    );
  }
  if (8 + n > bytes.length) {
    throw new SafetensorsError(
      `${file}: truncated: the header length says ${n} bytes but only ${bytes.length - 8} follow the length field`,
    );
  }
  return n;
}

function parseJson(bytes: Uint8Array, n: number, file: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(`${file}: the header is not valid UTF-8`);
  }
  if (!text.startsWith("{")) {
    throw new SafetensorsError(
      `${file}: the header must be a JSON object starting with "{", got ${JSON.stringify(text.slice(0, 20))}`,
    );
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch (e) {
    throw new SafetensorsError(
      `${file}: the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(`${file}: __metadata__ must be an object of strings`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new SafetensorsError(
        `${file}: __metadata__["${k}"] must be a string, got ${JSON.stringify(v)}`,
      );
    }
  }
  return { ...(value as Record<string, string>) };
}

const isCount = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function parseEntry(name: string, value: unknown, file: string): HeaderEntry {
  const where = `${file}: tensor "${name}"`;
  if (!isPlainObject(value))
    throw new SafetensorsError(`${where}: expected {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string" || !(dtype in SAFETENSORS_DTYPE_BYTES)) {
    throw new SafetensorsError(
      `${where}: unknown dtype ${JSON.stringify(dtype)}; the format defines ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(", ")}`,
    );
  }
  const nnDType = SUPPORTED[dtype];
  if (!nnDType) {
    throw new SafetensorsError(
      `${where}: dtype ${dtype} is not supported by nn; it reads ${Object.keys(SUPPORTED).join(", ")} (convert the tensor before saving, e.g. int64 to int32, float16 to float32)`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new SafetensorsError(
      `${where}: shape ${JSON.stringify(shape)} must be a list of non-negative integers`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new SafetensorsError(
      `${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end], two non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const nbytes = numel * (SAFETENSORS_DTYPE_BYTES[dtype] as number);
  if (!Number.isSafeInteger(nbytes) || end - begin !== nbytes) {
    throw new SafetensorsError(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but shape [${(shape as number[]).join(", ")}] of ${dtype} needs ${nbytes}`,
    );
  }
  return { name, dtype: nnDType, shape: [...(shape as number[])], begin, end };
}

/** The offsets, sorted, must tile the buffer [0, dataLength) exactly. */
function checkCoverage(entries: HeaderEntry[], dataLength: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) {
      throw new SafetensorsError(
        `${file}: tensor "${e.name}" (bytes ${e.begin} to ${e.end}) overlaps the tensor before it, which ends at ${at}`,
      );
    }
    if (e.begin > at) {
      throw new SafetensorsError(
        `${file}: bytes ${at} to ${e.begin} of the buffer belong to no tensor (a hole before "${e.name}"); the format requires the offsets to cover the buffer exactly`,
      );
    }
    if (e.end > dataLength) {
      throw new SafetensorsError(
        `${file}: truncated: tensor "${e.name}" ends at byte ${e.end} of the buffer, which has only ${dataLength} bytes`,
      );
    }
    at = e.end;
  }
  if (at !== dataLength) {
    throw new SafetensorsError(
      `${file}: the last ${dataLength - at} bytes of the buffer belong to no tensor; the format requires the offsets to cover the buffer exactly`,
    );
  }
}

/** Parses and validates the header of a safetensors file held in `bytes`; `file` names it in errors. */
export function parseHeader(bytes: Uint8Array, file: string): SafetensorsHeader {
  const n = readHeaderLength(bytes, file);
  const { text, json } = parseJson(bytes, n, file);
  if (!isPlainObject(json)) throw new SafetensorsError(`${file}: the header must be a JSON object`);
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) throw new SafetensorsError(`${file}: key "${k}" appears twice in the header`);
    seen.add(k);
  }
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === "__metadata__") metadata = parseMetadata(value, file);
    else entries.push(parseEntry(name, value, file));
  }
  checkCoverage(entries, bytes.length - 8 - n, file);
  return { metadata, entries, dataStart: 8 + n };
}
