/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type code, the number of dims, each dim as a big-endian uint32, then the
 * values big-endian, row-major. Browser-safe: gzip is undone with the platform's
 * DecompressionStream (`readIdx`); the Node entry reads files (`readIdxFile`).
 */
import {
  type Backend,
  type DataArray,
  type DType,
  fromArray,
  getBackend,
  type Tensor,
} from "@nn/tensor";
import { DataFormatError } from "./errors.js";

/** IDX type codes: element size, the nn dtype it becomes, and how to read one element. */
const TYPES: Record<
  number,
  { name: string; size: number; dtype: DType; read: (v: DataView, at: number) => number }
> = {
  8: { name: "unsigned byte", size: 1, dtype: "int32", read: (v, at) => v.getUint8(at) },
  9: { name: "signed byte", size: 1, dtype: "int32", read: (v, at) => v.getInt8(at) },
  11: { name: "short", size: 2, dtype: "int32", read: (v, at) => v.getInt16(at, false) },
  12: { name: "int", size: 4, dtype: "int32", read: (v, at) => v.getInt32(at, false) },
  13: { name: "float", size: 4, dtype: "float32", read: (v, at) => v.getFloat32(at, false) },
  14: { name: "double", size: 8, dtype: "float64", read: (v, at) => v.getFloat64(at, false) },
};

/** Options of the IDX readers. */
export interface IdxOptions {
  /** Names the data in errors (a file path). Default "IDX data". */
  name?: string;
  /** Where the tensor goes. Default: the backend set by `setBackend`. */
  backend?: Backend;
}

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses uncompressed IDX bytes into a tensor: unsigned/signed bytes, shorts and ints give
 * int32, floats float32, doubles float64; the shape is the file's dims (MNIST images
 * `[60000, 28, 28]`, labels `[60000]`). DataFormatError naming the file for a bad magic number,
 * an unknown type code, a header or data shorter than the dims say (truncated), or trailing bytes.
 */
export function parseIdx(bytes: Uint8Array, options: IdxOptions = {}): Tensor {
  const file = options.name ?? "IDX data";
  if (isGzip(bytes)) {
    throw new DataFormatError(
      `${file}: the data is gzip-compressed; use readIdx (or readIdxFile) to decompress it`,
    );
  }
  if (bytes.length < 4) {
    throw new DataFormatError(
      `${file}: truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError(
      `${file}: not an IDX file: the magic number must start with two zero bytes, got ${bytes[0]} ${bytes[1]}`,
    );
  }
  const type = TYPES[bytes[2] as number];
  if (!type) {
    throw new DataFormatError(
      `${file}: unknown IDX type code 0x${(bytes[2] as number).toString(16).padStart(2, "0")}; expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`,
    );
  }
  const ndim = bytes[3] as number;
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) {
    throw new DataFormatError(
      `${file}: truncated: the header declares ${ndim} dims (${dataStart} header bytes) but the file has ${bytes.length} bytes`,
    );
  }
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * type.size;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new DataFormatError(
      `${file}: truncated: dims [${shape.join(", ")}] of ${type.name} need ${need} data bytes, found ${have}`,
    );
  }
  if (have > need) {
    throw new DataFormatError(
      `${file}: corrupt: ${have - need} bytes after the [${shape.join(", ")}] ${type.name} values the header declares`,
    );
  }
  const values: DataArray =
    type.dtype === "float64"
      ? new Float64Array(count)
      : type.dtype === "float32"
        ? new Float32Array(count)
        : new Int32Array(count);
  if (type.size === 1 && bytes[2] === 0x08)
    values.set(bytes.subarray(dataStart, dataStart + count));
  else for (let i = 0; i < count; i++) values[i] = type.read(view, dataStart + i * type.size);
  return fromArray(values, shape, type.dtype, options.backend ?? getBackend());
}

/** gunzip with the platform's DecompressionStream (browsers, Node >= 18). */
async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataFormatError(
      `${file}: corrupt or truncated gzip data (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/** Parses IDX bytes, gzip-compressed (`.gz`, detected by its magic number) or raw. See `parseIdx`. */
export async function readIdx(
  data: Uint8Array | ArrayBuffer,
  options: IdxOptions = {},
): Promise<Tensor> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const raw = isGzip(bytes) ? await gunzip(bytes, options.name ?? "IDX data") : bytes;
  return parseIdx(raw, options);
}
