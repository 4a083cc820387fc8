/**
 * @nn/backend-cpu: the nn Backend on TypedArrays. Elementwise kernels are compiled from the
 * expression IR to JavaScript loops, and large float32 ones to WebAssembly SIMD, cached by
 * structure.
 *
 * ```ts
 * import { setBackend } from "@nn/tensor";
 * import { cpu } from "@nn/backend-cpu";
 * setBackend(cpu());
 * ```
 *
 * @module @nn/backend-cpu
 */
import {
  type Backend,
  type BackendBuffer,
  type BackendCapabilities,
  type DataArray,
  DTYPES,
  type DType,
  type Kernel,
  type RandomDistribution,
  type ReduceOp,
  readRange,
  ValueError,
  type View,
} from "@nn/tensor";
import { shared } from "@nn/tensor/internal";
import { BufferPool } from "./buffer-pool.js";
import { ElementwiseCompiler } from "./elementwise.js";
import * as k from "./kernels.js";
import { coreCount, defaultMaxMemoryBytes } from "./machine.js";
import { WasmElementwise } from "./wasm/elementwise.js";
import type { WasmHeap } from "./wasm/heap.js";
import { PARALLEL_MIN_WORK, WasmMatmul } from "./wasm/matmul.js";
import { WasmReduce } from "./wasm/reduce.js";
import { sharedScratch } from "./wasm/scratch.js";
import { ThreadPool, whyNoThreads } from "./wasm/threads.js";

export type { WasmElementwise, WasmMatmul, WasmReduce };

/** Options of `cpu()`. */
export interface CpuOptions {
  /**
   * Offer synchronous reads (`dataSync`, `toString` with values). Default true. Set false to
   * behave like a GPU backend, which has none: tests run this way to keep library code free of
   * sync reads.
   */
  syncRead?: boolean;
  /**
   * Run float32 matmul in WebAssembly SIMD (a packed, register-blocked kernel generated at run
   * time; float32 accumulation, as PyTorch's CPU backend does). Default true; where the runtime
   * has no WebAssembly SIMD, or with false, float32 matmul uses the JavaScript kernel
   * (float64 accumulation). float64 and int32 always use the JavaScript kernels.
   * Also runs float32 elementwise kernels of at least `compiler.wasmMinElements` (1024)
   * elements in Wasm SIMD (see `wasm/elementwise.ts`; exp, expm1, log, log1p and tanh within 2
   * ulp of the JS path's correctly rounded ones, erf within 3, sin and cos within 1 for
   * |x| < 1e6 (a launch with larger arguments reruns in JS), the rest bit-identical; pow,
   * atan2 and fmod stay in JS), and float32 sum, max
   * and min over contiguous rows (`wasm/reduce.ts`). float32 sums accumulate in float32 either
   * way, in one order that depends on the reduced length only (`sum32.ts`), so this option (or
   * a strided view, which the JS path takes) does not change their bits. Where the Wasm memory
   * is shared (Node; pages with cross-origin isolation), float32, int32 and bool tensors of 256
   * bytes or more live in it (`wasm/heap.ts`) and the kernels work on them in place; with false,
   * every tensor is an ordinary TypedArray.
   */
  wasm?: boolean;
  /**
   * The largest tensor, in bytes, this backend allocates (`capabilities.maxBufferBytes`); a
   * larger one is refused with AllocationError before any memory is taken. Default 2 GiB (2^31
   * bytes: what 32-bit WebAssembly memory can hold, and what V8 allocates on every platform).
   */
  maxBufferBytes?: number;
  /**
   * The most bytes this backend's live tensors may hold together (`capabilities.maxMemoryBytes`):
   * an allocation past it throws AllocationError ("out of memory", naming the op and `tidy`)
   * instead of the process running out. Default: 3/4 of the machine's memory in Node
   * (`os.totalmem()`), 4 GiB elsewhere. Throws ValueError unless a positive number.
   */
  maxMemoryBytes?: number;
  /**
   * Threads that run the Wasm float32 matmul and Wasm elementwise launches of at least
   * `compiler.wasm.parallelMinElements` (256 Ki) elements, the calling thread included. Default: the number
   * of cores (`os.availableParallelism()` / `navigator.hardwareConcurrency`); 1 runs everything
   * on the calling thread. More than 1 needs a shared WebAssembly memory (`SharedArrayBuffer`),
   * a calling thread that may block in `Atomics.wait` (not a browser's main thread) and Node's
   * `worker_threads`; where one is missing the backend runs on the calling thread and
   * `info.whyOneThread` says why. Workers are shared by all backends of the same thread count and
   * never keep a process alive. Results are bit-identical for every thread count.
   * Throws ValueError unless a positive integer.
   */
  threads?: number;
}

/** What a CPU backend runs on (`CpuBackend.info`). */
export interface CpuInfo {
  /** Threads that run the Wasm matmul and large Wasm elementwise launches (1: no workers). */
  readonly threads: number;
  /** Why `threads` is 1 although more were asked for (or are the default), else undefined. */
  readonly whyOneThread: string | undefined;
}

// One compiled kernel and its memory per process, created on first use.
let wasmMatmul: WasmMatmul | null | undefined;
function getWasmMatmul(): WasmMatmul | undefined {
  if (wasmMatmul === undefined) wasmMatmul = WasmMatmul.create() ?? null;
  return wasmMatmul ?? undefined;
}

// Process-wide, so that two copies of this package (the dual-package hazard) never hand out the
// same label twice.
const instances = () => shared("@nn/backend-cpu/instances@1", () => ({ next: 0 }));

/**
 * The CPU backend. Buffers are TypedArrays (float32, int32 and bool ones of 256 bytes or more
 * views of the shared Wasm heap, `wasm/heap.ts`); kernels run synchronously: on the calling thread,
 * except large float32 matmuls and Wasm elementwise launches, which it splits across worker
 * threads and waits for (`info`).
 */
export class CpuBackend implements Backend {
  readonly name = "cpu";
  readonly label: string;
  readonly capabilities: BackendCapabilities;
  /** Compiled elementwise kernels (exposed so tests can count compilations). */
  readonly compiler: ElementwiseCompiler;
  readSync?: (buffer: BackendBuffer) => DataArray;
  /** The WebAssembly float32 matmul kernel, or undefined where it is off or unsupported. */
  readonly wasmMatmul: WasmMatmul | undefined;
  /** The WebAssembly float32 sum / max / min, or undefined where it is off or unsupported. */
  readonly wasmReduce: WasmReduce | undefined;
  /** Threads in use and, when there is one, why only one. */
  readonly info: CpuInfo;
  /**
   * Multiply-adds (M·N·K) from which a float32 matmul is split across threads (default 2^24;
   * below it waking the workers costs more than it saves). Tests lower it to 0 to thread every
   * product.
   */
  matmulParallelMinWork = PARALLEL_MIN_WORK;

  constructor(options: CpuOptions = {}) {
    const syncRead = options.syncRead ?? true;
    this.label = `cpu:${instances().next++}`;
    const maxBufferBytes = options.maxBufferBytes ?? 2 ** 31;
    const maxMemoryBytes = options.maxMemoryBytes ?? defaultMaxMemoryBytes();
    if (!(maxMemoryBytes > 0)) {
      throw new ValueError(`cpu: maxMemoryBytes must be a positive number, got ${maxMemoryBytes}`);
    }
    this.capabilities = {
      dtypes: DTYPES,
      ieeeSpecials: true,
      syncRead,
      indexChecks: true,
      maxBufferBytes,
      maxMemoryBytes,
    };
    this.wasmMatmul = (options.wasm ?? true) ? getWasmMatmul() : undefined;
    this.#heap = this.wasmMatmul ? sharedScratch().heap : undefined;
    // Where the matmul validates, so does SIMD for the elementwise kernels.
    this.compiler = new ElementwiseCompiler(
      this.wasmMatmul ? new WasmElementwise(sharedScratch(), this.#pool) : undefined,
    );
    this.wasmReduce = this.wasmMatmul ? new WasmReduce(sharedScratch()) : undefined;
    if (syncRead) this.readSync = (buffer) => (buffer as DataArray).slice();
    const threads = options.threads ?? coreCount();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new ValueError(`cpu: threads must be a positive integer, got ${threads}`);
    }
    const why =
      threads === 1
        ? options.threads === 1
          ? undefined
          : "this machine has one core"
        : !this.wasmMatmul
          ? "threads run the WebAssembly kernels, which are off or unsupported here"
          : whyNoThreads(sharedScratch());
    this.info = { threads: why || threads === 1 ? 1 : threads, whyOneThread: why };
  }

  /**
   * The process-wide worker pool of this thread count, created on first use; undefined with one
   * thread, or once a worker stopped answering (that launch threw; later ones run here).
   */
  readonly #pool = (): ThreadPool | undefined => {
    if (this.info.threads === 1) return undefined;
    const pool = ThreadPool.get(sharedScratch(), this.info.threads);
    return pool.broken ? undefined : pool;
  };

  readonly #buffers = new BufferPool();
  /** The Wasm heap where float32, int32 and bool tensors live (`wasm/heap.ts`), if any. */
  readonly #heap: WasmHeap | undefined;

  /**
   * Bytes of WebAssembly memory now (the heap of tensors and the kernels' scratch, shared by
   * every `cpu()` of the process; it never shrinks, freed blocks are reused), 0 without Wasm.
   */
  get wasmMemoryBytes(): number {
    return this.wasmMatmul ? sharedScratch().bytes : 0;
  }

  alloc(dtype: DType, size: number): BackendBuffer {
    return this.#heap?.alloc(dtype, size) ?? this.#buffers.take(dtype, size);
  }

  free(buffer: BackendBuffer): void {
    if (!this.#heap?.free(buffer as DataArray)) this.#buffers.give(buffer as DataArray);
  }

  write(buffer: BackendBuffer, data: DataArray): void {
    (buffer as DataArray).set(data);
  }

  read(buffer: BackendBuffer, offset?: number, count?: number): Promise<DataArray> {
    const a = buffer as DataArray;
    try {
      const [start, n] = readRange(this.label, a.length, offset, count);
      return Promise.resolve(a.slice(start, start + n));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  elementwise(
    kernel: Kernel,
    inputs: readonly View[],
    outputs: readonly View[],
    params: readonly number[],
  ): void {
    this.compiler.run(kernel, inputs, outputs, params, arr);
  }

  reduce(op: ReduceOp, input: View, reduceDims: number, output: View): void {
    if (this.wasmReduce?.run(op, input, reduceDims, output, this.compiler.wasmMinElements)) return;
    k.reduce(op, input, arr(input), reduceDims, output, arr(output));
  }

  matmul(a: View, b: View, out: View): void {
    const wm = this.wasmMatmul;
    const pool = this.#pool;
    const minWork = this.matmulParallelMinWork;
    if (out.dtype === "float32" && wm?.run(a, arr(a), b, arr(b), out, arr(out), pool, minWork)) {
      return;
    }
    k.matmul(a, arr(a), b, arr(b), out, arr(out));
  }

  gather(input: View, dim: number, index: View, out: View): void {
    k.gather(input, arr(input), dim, index, arr(index), out, arr(out));
  }

  scatterAdd(target: View, dim: number, index: View, src: View): void {
    k.scatterAdd(target, arr(target), dim, index, arr(index), src, arr(src));
  }

  random(dist: RandomDistribution, out: View, seed: number, offset: number): void {
    k.random(dist, out, arr(out), seed, offset);
  }
}

function arr(v: View): DataArray {
  return v.buffer as DataArray;
}

/** Creates a CPU backend instance. Each instance is its own "device" (see `Tensor.to`). */
export function cpu(options: CpuOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
