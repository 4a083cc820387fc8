/**
 * The pending GPU work of a backend: dispatches and copies are encoded into one command encoder
 * and submitted together when a read, a `sync` or a host write needs them (or when the batch is
 * full), so a training step costs one submit instead of one per op.
 *
 * Kernel args go to one uniform ring: each dispatch binds its own 256-byte-aligned window of it,
 * and the host copy of the ring is uploaded just before the submit. The queue runs that upload
 * after every earlier submit, so reusing the ring for the next batch is safe.
 */
import { BUFFER_COPY_DST, BUFFER_UNIFORM } from "./gpu-constants.js";
import { ARGS_BYTES } from "./kernel-args.js";

/** Bytes of args windows one batch may hold (each dispatch takes a multiple of 256). */
const RING_BYTES = 256 * 1024;

/** Dispatches after which a batch is submitted even if nothing waits for it. */
export const MAX_PENDING_DISPATCHES = 1024;

export class CommandBatch {
  /** Queue submits so far. */
  submits = 0;
  /** Compute dispatches encoded so far. */
  dispatches = 0;

  readonly #device: GPUDevice;
  readonly #align: number;
  readonly #ring: GPUBuffer;
  readonly #ringHost = new Uint8Array(RING_BYTES);
  #ringUsed = 0;
  #encoder: GPUCommandEncoder | undefined;
  #pending = 0;
  /** GPU buffers the pending commands touch (a host write to one must wait for them). */
  readonly #uses = new Set<GPUBuffer>();
  /** Names of the pending ops, for the message of a failed submit. */
  readonly #ops = new Set<string>();
  #destroyAfterSubmit: GPUBuffer[] = [];
  /** Settles when every submit so far has reported; `#failure` is the first that failed. */
  #reported: Promise<void> = Promise.resolve();
  #failure: string | undefined;

  constructor(device: GPUDevice) {
    this.#device = device;
    this.#align = Math.max(256, device.limits.minUniformBufferOffsetAlignment ?? 256);
    // A window is ARGS_BYTES long from any offset in the ring, hence the tail.
    this.#ring = device.createBuffer({
      size: RING_BYTES + ARGS_BYTES,
      usage: BUFFER_UNIFORM | BUFFER_COPY_DST,
    });
  }

  /**
   * Stores a dispatch's args and returns its window of the ring. Submits first when the ring or
   * the batch is full, so call it before encoding anything of the dispatch.
   */
  args(words: Uint32Array): GPUBufferBinding {
    const size = Math.ceil(words.byteLength / this.#align) * this.#align;
    if (this.#ringUsed + size > RING_BYTES || this.#pending >= MAX_PENDING_DISPATCHES) this.flush();
    const offset = this.#ringUsed;
    this.#ringHost.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), offset);
    this.#ringUsed += size;
    this.#pending++;
    this.dispatches++;
    return { buffer: this.#ring, offset, size: ARGS_BYTES };
  }

  /** The encoder of the pending batch; `op` names what is encoded (for error messages). */
  encoder(op: string): GPUCommandEncoder {
    this.#ops.add(op);
    this.#encoder ??= this.#device.createCommandEncoder({ label: "nn batch" });
    return this.#encoder;
  }

  /** Records that pending commands touch `buffer`. */
  use(buffer: GPUBuffer): void {
    this.#uses.add(buffer);
  }

  /** Whether pending (unsubmitted) commands touch `buffer`. */
  touches(buffer: GPUBuffer): boolean {
    return this.#uses.has(buffer);
  }

  /** Destroys `buffer` once the pending commands that may use it are submitted. */
  destroyAfterSubmit(buffer: GPUBuffer): void {
    if (this.#encoder) this.#destroyAfterSubmit.push(buffer);
    else buffer.destroy();
  }

  /** Submits the pending commands, if any. */
  flush(): void {
    const encoder = this.#encoder;
    if (!encoder) return;
    const device = this.#device;
    if (this.#ringUsed > 0) device.queue.writeBuffer(this.#ring, 0, this.#ringHost, 0, this.#ringUsed);
    const ops = [...this.#ops].join(", ");
    device.pushErrorScope("validation");
    device.queue.submit([encoder.finish()]);
    const outcome = device.popErrorScope().then((e) => {
      if (e) this.#failure ??= `a batch of ${ops} failed: ${e.message}`;
    });
    this.#reported = Promise.all([this.#reported, outcome]).then(() => {});
    this.submits++;
    this.#encoder = undefined;
    this.#pending = 0;
    this.#ringUsed = 0;
    this.#uses.clear();
    this.#ops.clear();
    for (const b of this.#destroyAfterSubmit) b.destroy();
    this.#destroyAfterSubmit = [];
  }

  /** The first failed submit since the last call, if any. */
  async submitErrors(): Promise<string | undefined> {
    await this.#reported;
    const failure = this.#failure;
    this.#failure = undefined;
    return failure;
  }

  destroy(): void {
    this.#encoder = undefined;
    for (const b of this.#destroyAfterSubmit) b.destroy();
    this.#destroyAfterSubmit = [];
    this.#ring.destroy();
  }
}
