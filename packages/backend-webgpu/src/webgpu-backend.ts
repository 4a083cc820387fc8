/**
 * The WebGPU backend: buffers are GPUBuffers (4 bytes per element, bool as u32), kernels are
 * WGSL compute shaders generated per kernel structure and cached, ops are encoded into one
 * pending command batch that a read, `sync`, a host write to a buffer it uses, or a full batch
 * submits; `read` and `sync` are the only points that wait for the GPU.
 *
 * GPU errors (a shader that fails to compile, a failed submit, a device lost) are asynchronous in
 * WebGPU: the backend records the first one and rejects the next `read` or `sync` with it.
 */
import {
  type Backend,
  type BackendBuffer,
  type BackendCapabilities,
  BackendError,
  type DataArray,
  type DType,
  type Kernel,
  type RandomDistribution,
  type ReduceOp,
  readRange,
  type View,
} from "@nn/tensor";
import { shared } from "@nn/tensor/internal";
import { CommandBatch } from "./command-batch.js";
import { runElementwise } from "./elementwise.js";
import { runGather, runScatterAdd } from "./gather-scatter.js";
import {
  BufferPool,
  byteSizeOf,
  checkGpuDType,
  fromGpuLayout,
  GPU_DTYPES,
  GpuBuffer,
  toGpuLayout,
} from "./gpu-buffer.js";
import { MAP_MODE_READ } from "./gpu-constants.js";
import { KernelRunner } from "./kernel-runner.js";
import { runMatmul } from "./matmul.js";
import { runRandom } from "./random.js";
import { runReduce } from "./reduce.js";
import { StagingPool } from "./staging.js";

/** Options of `webgpu()`. */
export interface WebGpuOptions {
  /**
   * A device to run on (it should have been requested with the adapter's limits). Without it,
   * `webgpu()` requests one from `adapter`, or from `navigator.gpu`'s default adapter.
   */
  device?: GPUDevice;
  /** The adapter to request a device from when no `device` is given. */
  adapter?: GPUAdapter;
  /** Bytes of freed buffers kept for reuse (default 256 MiB; 0 disables the pool). */
  poolBytes?: number;
  /**
   * Caps workgroups per grid dimension below the device's limit. Only for tests: a small cap
   * exercises the folded (2-D) grids and grid-stride loops that huge tensors need.
   */
  maxWorkgroupsPerDimension?: number;
}

/** Counters of GPU work since the backend was created (for tests and profiling; never reset). */
export interface WebGpuStats {
  /** Command buffers submitted to the queue. */
  readonly submits: number;
  /** Compute dispatches encoded (one per kernel launch). */
  readonly dispatches: number;
  /** GPU buffers created: tensor storage (pool misses), staging buffers for reads, and rings. */
  readonly buffersCreated: number;
  /** Bytes copied back to the host by `read`. */
  readonly bytesRead: number;
  /** Shader modules compiled (as `compileCount`). */
  readonly compiles: number;
}

type BackendOptions = Pick<WebGpuOptions, "poolBytes" | "maxWorkgroupsPerDimension"> & {
  /** Whether `destroy()` destroys the device (true when `webgpu()` requested it). */
  ownsDevice?: boolean;
};

/** Limits worth raising from their defaults to what the adapter offers. */
const WANTED_LIMITS = [
  "maxStorageBuffersPerShaderStage",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupStorageSize",
] as const;

// Process-wide, so that two copies of this package (the dual-package hazard) never hand out the
// same label twice.
const instances = () => shared("@nn/backend-webgpu/instances@1", () => ({ next: 0 }));

export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  readonly label: string;
  readonly capabilities: BackendCapabilities;
  readonly device: GPUDevice;
  readonly #batch: CommandBatch;
  readonly #runner: KernelRunner;
  readonly #pool: BufferPool;
  readonly #staging: StagingPool;
  #bytesRead = 0;
  readonly #ownsDevice: boolean;
  readonly #maxStorage: number;
  #error: Error | undefined;
  #destroyed = false;

  constructor(device: GPUDevice, options: BackendOptions = {}) {
    this.device = device;
    this.label = `webgpu:${instances().next++}`;
    const { maxStorageBufferBindingSize, maxBufferSize } = device.limits;
    this.capabilities = {
      dtypes: GPU_DTYPES,
      ieeeSpecials: false,
      syncRead: false,
      indexChecks: false,
      maxBufferBytes: Math.min(maxStorageBufferBindingSize, maxBufferSize ?? Infinity),
    };
    this.#ownsDevice = options.ownsDevice ?? false;
    this.#batch = new CommandBatch(device);
    this.#runner = new KernelRunner(device, this.#batch, options.maxWorkgroupsPerDimension);
    this.#pool = new BufferPool(device, options.poolBytes ?? 256 * 2 ** 20, (b) =>
      this.#batch.destroyAfterSubmit(b),
    );
    this.#staging = new StagingPool(device);
    this.#maxStorage = device.limits.maxStorageBuffersPerShaderStage;
    device.addEventListener?.("uncapturederror", (e) => {
      const err = e.error;
      this.#error ??= new BackendError(`${this.label}: GPU error: ${err.message}`);
    });
    device.lost?.then((info) => {
      if (!this.#destroyed) {
        this.#error ??= new BackendError(
          `${this.label}: device lost (${info.reason}): ${info.message}; the last batch ` +
            `submitted ran ${this.#batch.lastOps || "nothing"}`,
        );
      }
    });
  }

  /** Shader modules compiled so far; a kernel structure compiles once (params never recompile). */
  get compileCount(): number {
    return this.#runner.compiles;
  }

  /** Counters of submits, dispatches, buffers created and bytes read (see WebGpuStats). */
  get stats(): WebGpuStats {
    return {
      submits: this.#batch.submits,
      dispatches: this.#batch.dispatches,
      buffersCreated: this.#pool.created + this.#staging.created + this.#batch.created,
      bytesRead: this.#bytesRead,
      compiles: this.#runner.compiles,
    };
  }

  #own(op: string, buffer: BackendBuffer): GpuBuffer {
    if (!(buffer instanceof GpuBuffer) || buffer.owner !== this) {
      throw new BackendError(`${this.label} ${op}: the buffer does not belong to this backend`);
    }
    if (buffer.freed) throw new BackendError(`${this.label} ${op}: the buffer was freed`);
    return buffer;
  }

  #live(op: string): void {
    if (this.#destroyed) throw new BackendError(`${this.label} ${op}: the backend was destroyed`);
  }

  alloc(dtype: DType, size: number): BackendBuffer {
    this.#live("alloc");
    checkGpuDType("alloc", dtype);
    const byteSize = byteSizeOf(size);
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (byteSize > max) {
      throw new BackendError(
        `${this.label} alloc: ${size} elements (${byteSize} bytes) exceed this device's ` +
          `maxStorageBufferBindingSize (${max} bytes)`,
      );
    }
    const { buffer, reused } = this.#pool.acquire(byteSize);
    return new GpuBuffer(buffer, dtype, size, byteSize, this, reused);
  }

  free(buffer: BackendBuffer): void {
    if (!(buffer instanceof GpuBuffer) || buffer.owner !== this || buffer.freed) return;
    buffer.freed = true;
    if (this.#destroyed) buffer.gpu.destroy();
    else this.#pool.release(buffer.gpu, buffer.byteSize);
  }

  write(buffer: BackendBuffer, data: DataArray): void {
    this.#live("write");
    const b = this.#own("write", buffer);
    if (data.length > b.size) {
      throw new BackendError(
        `${this.label} write: ${data.length} values do not fit a buffer of ${b.size} elements`,
      );
    }
    // A reused buffer written in part gets zeros after the data (alloc promised zeros).
    if (b.stale && data.length < b.size) this.#batch.write(b.gpu, new Uint32Array(b.size));
    b.stale = false;
    if (data.length > 0) this.#batch.write(b.gpu, toGpuLayout(b.dtype, data));
  }

  /**
   * Copies elements `[offset, offset + count)` (default: the whole buffer) into a reused staging
   * buffer, submitting the pending batch with the copy, and maps it. Rejects with BackendError
   * for a range outside the buffer, or with the first GPU error recorded since the last read.
   */
  async read(buffer: BackendBuffer, offset?: number, count?: number): Promise<DataArray> {
    this.#live("read");
    const b = this.#own("read", buffer);
    const [start, n] = readRange(this.label, b.size, offset, count);
    const bytes = n * 4;
    const staging = bytes > 0 ? this.#staging.acquire(bytes) : undefined;
    if (staging) {
      const encoder = this.#batch.encoder("read");
      if (b.stale) encoder.clearBuffer(b.gpu);
      b.stale = false;
      encoder.copyBufferToBuffer(b.gpu, start * 4, staging, 0, bytes);
    }
    this.#batch.flush();
    try {
      let host = new ArrayBuffer(0);
      if (staging) {
        await staging.mapAsync(MAP_MODE_READ, 0, bytes);
        host = staging.getMappedRange(0, bytes).slice(0);
        staging.unmap();
        this.#staging.release(staging);
        this.#bytesRead += bytes;
      }
      await this.#checkErrors();
      return fromGpuLayout(b.dtype, host, n);
    } catch (e) {
      staging?.destroy();
      throw this.#error ?? this.#wrap("read", e);
    }
  }

  /** A BackendError for an error thrown by WebGPU itself (a map rejected on a lost device). */
  #wrap(op: string, e: unknown): Error {
    if (e instanceof BackendError) return e;
    return new BackendError(`${this.label} ${op}: ${(e as Error)?.message ?? String(e)}`);
  }

  elementwise(
    kernel: Kernel,
    inputs: readonly View[],
    outputs: readonly View[],
    params: readonly number[],
  ): void {
    this.#live("elementwise");
    runElementwise(this.#runner, this, this.#maxStorage, kernel, inputs, outputs, params);
  }

  reduce(op: ReduceOp, input: View, reduceDims: number, output: View): void {
    this.#live("reduce");
    runReduce(this.#runner, this, this.#maxStorage, op, input, reduceDims, output);
  }

  matmul(a: View, b: View, out: View): void {
    this.#live("matmul");
    runMatmul(this.#runner, this, this.#maxStorage, a, b, out);
  }

  /** Out-of-range indices give 0 (a GPU kernel cannot throw; the CPU raises IndexError). */
  gather(input: View, dim: number, index: View, out: View): void {
    this.#live("gather");
    runGather(this.#runner, this, this.#maxStorage, input, dim, index, out);
  }

  /** Out-of-range indices are ignored (the CPU raises IndexError). */
  scatterAdd(target: View, dim: number, index: View, src: View): void {
    this.#live("scatterAdd");
    runScatterAdd(this.#runner, this, this.#maxStorage, target, dim, index, src);
  }

  random(dist: RandomDistribution, out: View, seed: number, offset: number): void {
    this.#live("random");
    runRandom(this.#runner, this, this.#maxStorage, dist, out, seed, offset);
  }

  /** Bool is stored as one u32 per element; every dtype takes 4 bytes (and at least 4 per buffer). */
  byteSize(_dtype: DType, size: number): number {
    return byteSizeOf(size);
  }

  /**
   * Submits the pending batch and waits until every queued op has run on the GPU; rejects with
   * the first GPU error recorded since the last read or sync (a BackendError naming the op).
   */
  async sync(): Promise<void> {
    this.#live("sync");
    this.#batch.flush();
    try {
      await this.device.queue.onSubmittedWorkDone();
    } catch (e) {
      throw this.#error ?? this.#wrap("sync", e);
    }
    await this.#checkErrors();
  }

  async #checkErrors(): Promise<void> {
    const compile = await this.#runner.compileErrors();
    if (compile) this.#error ??= new BackendError(`${this.label}: ${compile}`);
    const submit = await this.#batch.submitErrors();
    if (submit) this.#error ??= new BackendError(`${this.label}: ${submit}`);
    if (this.#error) throw this.#error;
  }

  /** Frees pooled buffers and compiled kernels, and the device if `webgpu()` created it. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#batch.destroy();
    this.#pool.clear();
    this.#staging.clear();
    this.#runner.destroy();
    if (this.#ownsDevice) this.device.destroy();
  }
}

/**
 * Creates a WebGPU backend: on `options.device` if given, else on a device requested (with the
 * adapter's own limits) from `options.adapter` or `navigator.gpu`. Throws BackendError where
 * WebGPU is unavailable.
 *
 * ```ts
 * setBackend(await webgpu());
 * ```
 */
export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  if (options.device) return new WebGpuBackend(options.device, options);
  let adapter = options.adapter;
  if (!adapter) {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) {
      throw new BackendError(
        "webgpu: navigator.gpu is not available; use a browser with WebGPU, or pass " +
          "{ device } (in Node, from a binding such as the `webgpu` package)",
      );
    }
    adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) ?? undefined;
    if (!adapter) throw new BackendError("webgpu: navigator.gpu offers no adapter");
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  return new WebGpuBackend(device, { ...options, ownsDevice: true });
}
