/**
 * The pending GPU work of a backend: dispatches and copies are encoded into one command encoder
 * and submitted together when a read or `sync` needs them, when the batch is full, or when
 * JavaScript yields to the event loop (a timer), so a training step costs at most one submit
 * instead of one per op, and the GPU does not wait on a loop that yields between steps.
 *
 * Kernel args go to one uniform ring: each dispatch binds its own 256-byte-aligned window of it,
 * and the host copy of the ring is uploaded just before the submit. The queue runs that upload
 * after every earlier submit, so reusing the ring for the next batch is safe. Host writes to a
 * buffer that pending commands use go through an upload ring the same way (a copy encoded in
 * order), since `queue.writeBuffer` would run before the pending batch.
 */
import { BUFFER_COPY_DST, BUFFER_COPY_SRC, BUFFER_UNIFORM } from "./gpu-constants.js";
import { ARGS_BYTES } from "./kernel-args.js";

/** Bytes of args windows one batch may hold (each dispatch takes a multiple of 256). */
const RING_BYTES = 256 * 1024;

/** Bytes of host writes one batch may order through the upload ring. */
const UPLOAD_BYTES = 4 * 1024 * 1024;

/** Dispatches after which a batch is submitted even if nothing waits for it. */
export const MAX_PENDING_DISPATCHES = 512;

export class CommandBatch {
  /** Queue submits so far. */
  submits = 0;
  /** Compute dispatches encoded so far. */
  dispatches = 0;
  /** The ops of the last submitted batch (named when the device is lost). */
  lastOps = "";
  /** GPU buffers this batch created (the args ring and the upload ring, once each). */
  created = 1;

  readonly #device: GPUDevice;
  readonly #align: number;
  readonly #ring: GPUBuffer;
  readonly #ringHost = new Uint8Array(RING_BYTES);
  #ringUsed = 0;
  #upload: GPUBuffer | undefined;
  #uploadUsed = 0;
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
    if (!this.#encoder) {
      this.#encoder = this.#device.createCommandEncoder({ label: "nn batch" });
      // Submits what is pending once the current task ends (unless a read did so before).
      setTimeout(() => this.flush(), 0);
    }
    return this.#encoder;
  }

  /**
   * Writes `data` to `target` from byte 0, after every command already encoded (and before any
   * encoded later), without submitting unless the upload ring is full.
   */
  write(target: GPUBuffer, data: Uint32Array | Float32Array | Int32Array): void {
    const bytes = data.byteLength;
    const queue = this.#device.queue;
    const src = data as Uint32Array<ArrayBuffer>;
    if (!this.#uses.has(target)) {
      queue.writeBuffer(target, 0, src);
      return;
    }
    if (bytes > UPLOAD_BYTES) {
      this.flush();
      queue.writeBuffer(target, 0, src);
      return;
    }
    if (this.#uploadUsed + bytes > UPLOAD_BYTES) this.flush();
    if (!this.#upload) {
      this.created++;
      this.#upload = this.#device.createBuffer({
        size: UPLOAD_BYTES,
        usage: BUFFER_COPY_SRC | BUFFER_COPY_DST,
      });
    }
    queue.writeBuffer(this.#upload, this.#uploadUsed, src);
    this.encoder("write").copyBufferToBuffer(this.#upload, this.#uploadUsed, target, 0, bytes);
    this.#uploadUsed += bytes;
  }

  /** Records that pending commands touch `buffer`. */
  use(buffer: GPUBuffer): void {
    this.#uses.add(buffer);
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
    if (this.#ringUsed > 0)
      device.queue.writeBuffer(this.#ring, 0, this.#ringHost, 0, this.#ringUsed);
    const ops = [...this.#ops].join(", ");
    this.lastOps = ops;
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
    this.#uploadUsed = 0;
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
    this.#upload?.destroy();
  }
}
