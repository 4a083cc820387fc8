/**
 * Freed TypedArrays kept for reuse by size and dtype. A new TypedArray over a few hundred bytes
 * costs an external backing store (allocated, accounted to the garbage collector, and finalised
 * when collected): in a training step, where every op's output is freed a moment later, that was
 * about a tenth of the time of a small MLP's step (allocation plus collection). A reused array
 * is zero-filled again, as `alloc` promises.
 */
import type { DataArray, DType } from "@nn/tensor";
import { allocArray } from "@nn/tensor/internal";

/**
 * Bytes the pool may hold in all (beyond it, freed arrays are left to the collector). A CNN
 * step (batch 64, 28x28, two convolutions of 32 and 64 channels) frees more than 64 MiB of
 * temporaries; with a 64 MiB cap they were allocated afresh each step and one step took about
 * 1.2x as long.
 */
const MAX_POOLED_BYTES = 128 * 2 ** 20;
/** Arrays this small are allocated on V8's heap, as cheap as a pooled one. */
const MIN_POOLED_BYTES = 256;

export class BufferPool {
  readonly #free = new Map<string, DataArray[]>();
  #bytes = 0;

  /** A zero-filled array of `size` elements of `dtype`: a freed one if there is one. */
  take(dtype: DType, size: number): DataArray {
    const list = this.#free.get(`${dtype}:${size}`);
    const a = list?.pop();
    if (!a) return allocArray(dtype, size);
    this.#bytes -= a.byteLength;
    return a.fill(0);
  }

  /** Keeps `a` (an array from `take`) for reuse: the caller never touches it again. */
  give(a: DataArray): void {
    if (a.byteLength < MIN_POOLED_BYTES || this.#bytes + a.byteLength > MAX_POOLED_BYTES) return;
    const key = `${dtypeOf(a)}:${a.length}`;
    let list = this.#free.get(key);
    if (!list) {
      list = [];
      this.#free.set(key, list);
    }
    list.push(a);
    this.#bytes += a.byteLength;
  }
}

function dtypeOf(a: DataArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  return a instanceof Int32Array ? "int32" : "bool";
}
