/**
 * Mappable buffers that reads copy into, reused across reads: a buffer's capacity is a power of
 * two (at least 256 bytes), so a training loop that reads the same loss every step allocates
 * its staging buffer once.
 */
import { BUFFER_COPY_DST, BUFFER_MAP_READ } from "./gpu-constants.js";

/** Free staging buffers kept per capacity (more concurrent reads than this allocate). */
const KEEP_PER_CAPACITY = 4;

export class StagingPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  /** Staging buffers created so far. */
  created = 0;

  constructor(readonly device: GPUDevice) {}

  /** An unmapped staging buffer of at least `bytes` bytes. */
  acquire(bytes: number): GPUBuffer {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(256, bytes)));
    const reused = this.#free.get(capacity)?.pop();
    if (reused) return reused;
    this.created++;
    return this.device.createBuffer({
      size: capacity,
      usage: BUFFER_MAP_READ | BUFFER_COPY_DST,
    });
  }

  /** Takes back an unmapped staging buffer. */
  release(buffer: GPUBuffer): void {
    const list = this.#free.get(buffer.size) ?? [];
    if (list.length >= KEEP_PER_CAPACITY) {
      buffer.destroy();
      return;
    }
    list.push(buffer);
    this.#free.set(buffer.size, list);
  }

  /** Destroys every kept buffer. */
  clear(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
  }
}
