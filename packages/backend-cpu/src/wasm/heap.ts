/**
 * Tensors in WebAssembly memory. The backend's float32, int32 and bool buffers are TypedArray
 * views of blocks of the one memory every Wasm kernel works in (`scratch.ts`), so that a kernel
 * reads its operands and writes its results in place instead of copying them in and out.
 *
 * Blocks come in size classes (multiples of 64 bytes up to 4 KiB, then 8 classes per doubling,
 * so at most 1/8 is spare) and are 64-byte aligned; a freed block goes back to its class's list
 * and serves the next request of that class, so a training loop reaches a steady state where
 * nothing grows. Wasm memory never shrinks and the garbage collector does not see it, so for
 * tensors the heap grows to at most TENSOR_LIMIT (1 GiB), and by at most GROWTH_PER_FREE with no
 * block freed in between; past either, and where it cannot grow (4 GiB, or the host refuses),
 * `alloc` returns undefined and the backend allocates an ordinary array instead, which the
 * collector does see. A program that drops tensors without `dispose` thus holds at most 1 GiB
 * of Wasm memory, its dropped tensors' blocks reused once the collector finds them (measured:
 * 80,000 dropped 256 KiB results, a macrotask every 100, took the heap to its 4 GiB cap before
 * these limits). Only a shared memory holds tensors: growing a plain one detaches its buffer,
 * and with it every view.
 */
import type { DataArray, DType } from "@nn/tensor";

const ALIGN = 64;
/** Arrays smaller than this stay on V8's heap (cheaper there, and never read in place). */
const MIN_HEAP_BYTES = 256;
/** The least a grow adds (bytes): each grow renews the whole-memory views. */
const MIN_GROW_BYTES = 4 * 2 ** 20;
/** Bytes the heap may grow by for tensors with no block freed in between. */
const GROWTH_PER_FREE = 64 * 2 ** 20;
/** Bytes past which the heap grows no more for tensors (only for the kernels' scratch). */
const TENSOR_LIMIT = 2 ** 30;

/** The size class of a block of `bytes`: the bytes it really takes. */
export function blockClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

type ArrayType = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
const TYPES: Partial<Record<DType, ArrayType>> = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** Whether tensors may live here (the memory is shared, so a grow detaches nothing). */
  readonly holdsTensors: boolean;
  /** A float32 view of the whole memory (renewed when it grows). */
  f32: Float32Array;
  /**
   * A byte view of the whole memory (renewed with `f32`). Arrays are made over its buffer:
   * reading `memory.buffer` of a shared memory costs about as much as a small kernel.
   */
  u8: Uint8Array;
  /** Sets `bytes` bytes from byte address `at` to zero (a memset in Wasm, see `scratch.ts`). */
  readonly zero: (at: number, bytes: number) => void;
  #length: number;
  #top = ALIGN;
  /** Bytes grown since a block was last freed (see GROWTH_PER_FREE). */
  #grownSinceFree = 0;
  readonly #bins = new Map<number, number[]>();
  /** Each array `alloc` handed out, to its block's address. */
  readonly #owned = new WeakMap<DataArray, number>();

  constructor(
    memory: WebAssembly.Memory,
    holdsTensors: boolean,
    zero: (at: number, bytes: number) => void,
  ) {
    this.memory = memory;
    this.holdsTensors = holdsTensors;
    this.zero = zero;
    this.#length = memory.buffer.byteLength;
    this.f32 = new Float32Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
  }

  /** Bytes of the memory now. */
  get bytes(): number {
    return this.#length;
  }

  /**
   * The address of a block of at least `bytes` (its class's size), 64-byte aligned: a freed
   * one of its class, else a new one at the top, growing the memory. -1 when it cannot grow,
   * or, when `paced` (tensors), past TENSOR_LIMIT or GROWTH_PER_FREE with no block freed since.
   */
  block(bytes: number, paced = false): number {
    const size = blockClass(bytes);
    const reused = this.#bins.get(size)?.pop();
    if (reused !== undefined) return reused;
    const at = this.#top;
    if (at + size > this.#length) {
      const grow = at + size - this.#length;
      if (paced && (this.#grownSinceFree + grow > GROWTH_PER_FREE || at + size > TENSOR_LIMIT)) {
        return -1;
      }
      if (!this.#grow(at + size)) return -1;
    }
    this.#top = at + size;
    return at;
  }

  /** Gives back a block from `block(bytes)`. */
  release(at: number, bytes: number): void {
    this.#grownSinceFree = 0;
    const size = blockClass(bytes);
    let bin = this.#bins.get(size);
    if (!bin) {
      bin = [];
      this.#bins.set(size, bin);
    }
    bin.push(at);
  }

  /**
   * A zero-filled array of `size` elements of `dtype` in this memory, or undefined: float64,
   * arrays under 256 bytes, a memory that does not hold tensors, or one that cannot grow (or
   * may not: see GROWTH_PER_FREE and TENSOR_LIMIT).
   * The bytes past the array up to the next 16 are zero too (a kernel's last vector reads them).
   */
  alloc(dtype: DType, size: number): DataArray | undefined {
    const Type = TYPES[dtype];
    if (!this.holdsTensors || !Type) return undefined;
    const bytes = size * Type.BYTES_PER_ELEMENT;
    if (bytes < MIN_HEAP_BYTES) return undefined;
    const at = this.block(bytes, true);
    if (at < 0) return undefined;
    this.zero(at, (bytes + 15) & ~15);
    const a = new Type(this.u8.buffer as ArrayBuffer, at, size);
    this.#owned.set(a, at);
    return a;
  }

  /** Takes back an array from `alloc` and returns true; false for any other array. */
  free(a: DataArray): boolean {
    const at = this.#owned.get(a);
    if (at === undefined) return false;
    this.#owned.delete(a);
    this.release(at, a.byteLength);
    return true;
  }

  /** The byte address of `a`'s first element where `alloc` made it, else -1. */
  addressOf(a: DataArray): number {
    return this.#owned.get(a) ?? -1;
  }

  #grow(end: number): boolean {
    const pages = (bytes: number) => Math.ceil(bytes / 65536);
    const need = pages(end - this.#length);
    for (const n of [Math.max(need, pages(MIN_GROW_BYTES), pages(this.#length / 8)), need]) {
      try {
        this.memory.grow(n);
        this.#grownSinceFree += this.memory.buffer.byteLength - this.#length;
        this.#length = this.memory.buffer.byteLength;
        this.f32 = new Float32Array(this.memory.buffer);
        this.u8 = new Uint8Array(this.memory.buffer);
        return true;
      } catch {}
    }
    return false;
  }
}
