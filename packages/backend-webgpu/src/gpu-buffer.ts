/**
 * Tensor buffers on the GPU and their host conversions. Every dtype takes 4 bytes per element:
 * float32 as f32, int32 as i32, and bool as one u32 (0 or 1) per element, because WGSL cannot
 * address single bytes. `write` widens a bool Uint8Array to u32; `read` narrows it back.
 */
import { BackendError, type DataArray, type DType, DTypeError } from "@nn/tensor";
import { TENSOR_USAGE } from "./gpu-constants.js";

/** Dtypes a GPU buffer can hold (WGSL has no f64). */
export const GPU_DTYPES: readonly DType[] = ["bool", "int32", "float32"];

/** The BackendBuffer of the WebGPU backend. */
export class GpuBuffer {
  constructor(
    /** The GPU memory; STORAGE | COPY_SRC | COPY_DST. */
    readonly gpu: GPUBuffer,
    readonly dtype: DType,
    /** Number of elements. */
    readonly size: number,
    /** Bytes of `gpu`: 4 per element, at least 4. */
    readonly byteSize: number,
    /** The backend that allocated it. */
    readonly owner: object,
    /**
     * Whether the memory still holds a freed tensor's data: a reused buffer is cleared lazily,
     * before its first use that does not overwrite every element (see KernelRunner).
     */
    public stale = false,
  ) {}
  freed = false;
}

/** Bytes of a buffer of `size` elements: 4 per element (bool too), at least 4. */
export function byteSizeOf(size: number): number {
  return Math.max(4, size * 4);
}

/** Throws DTypeError for a dtype the GPU cannot hold. */
export function checkGpuDType(op: string, dtype: DType): void {
  if (!GPU_DTYPES.includes(dtype)) {
    throw new DTypeError(
      `webgpu ${op}: dtype ${dtype} is not supported (WGSL has no f64); use float32, int32 or bool`,
    );
  }
}

/** Host data in the GPU layout of `dtype` (4 bytes per element). */
export function toGpuLayout(
  dtype: DType,
  data: DataArray,
): Float32Array | Int32Array | Uint32Array {
  switch (dtype) {
    case "float32":
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case "int32":
      return data instanceof Int32Array ? data : Int32Array.from(data);
    case "bool": {
      const out = new Uint32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
      return out;
    }
    default:
      throw new DTypeError(`webgpu write: dtype ${dtype} is not supported`);
  }
}

/** The first `size` elements of GPU bytes as the host array of `dtype` (bool as Uint8Array 0/1). */
export function fromGpuLayout(dtype: DType, bytes: ArrayBuffer, size: number): DataArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(bytes, 0, size);
    case "int32":
      return new Int32Array(bytes, 0, size);
    case "bool": {
      const words = new Uint32Array(bytes, 0, size);
      const out = new Uint8Array(size);
      for (let i = 0; i < size; i++) out[i] = words[i] ? 1 : 0;
      return out;
    }
    default:
      throw new DTypeError(`webgpu read: dtype ${dtype} is not supported`);
  }
}

/**
 * Free GPU buffers kept for reuse, keyed by byte size. A reused buffer keeps its old bytes: the
 * caller marks it stale and clears it before a use that needs zeros (alloc promises zeros, but
 * most buffers are first written whole by a kernel, and then clearing would be wasted work).
 * Reuse is safe without waiting for the GPU: every command goes through the one queue in order,
 * so work queued before a `free` still sees the old data.
 */
export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;
  /** GPU buffers created so far (pool misses). */
  created = 0;

  constructor(
    readonly device: GPUDevice,
    /** Bytes the pool may keep; buffers freed beyond this are destroyed. */
    readonly maxPooledBytes: number,
    /** Destroys a buffer once no queued or pending work can use it. */
    readonly destroyLater: (buffer: GPUBuffer) => void,
  ) {}

  /** A buffer of `byteSize` bytes; `reused` when it came from the pool (and holds old data). */
  acquire(byteSize: number): { buffer: GPUBuffer; reused: boolean } {
    const reused = this.#free.get(byteSize)?.pop();
    if (reused) {
      this.#pooledBytes -= byteSize;
      return { buffer: reused, reused: true };
    }
    const max = this.device.limits.maxBufferSize;
    if (byteSize > max) {
      throw new BackendError(
        `webgpu alloc: ${byteSize} bytes exceed this device's maxBufferSize (${max})`,
      );
    }
    this.created++;
    return {
      buffer: this.device.createBuffer({ size: byteSize, usage: TENSOR_USAGE }),
      reused: false,
    };
  }

  /** Takes back a buffer that no tensor uses any more. */
  release(buffer: GPUBuffer, byteSize: number): void {
    if (this.#pooledBytes + byteSize > this.maxPooledBytes) {
      this.destroyLater(buffer);
      return;
    }
    const list = this.#free.get(byteSize);
    if (list) list.push(buffer);
    else this.#free.set(byteSize, [buffer]);
    this.#pooledBytes += byteSize;
  }

  /** Bytes held for reuse. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Destroys every pooled buffer. */
  clear(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
