/**
 * A pool of worker threads that run Wasm kernels in the shared scratch memory (`scratch.ts`).
 * The caller writes a job (a kernel id and, per thread, a list of i32 argument tuples) into a
 * shared control block, bumps its generation and `Atomics.notify`s; workers `Atomics.wait` for
 * it, each calls the kernel on its tuples, and counts itself done; the caller runs its own share
 * meanwhile and then `Atomics.wait`s for the count. Only Node's `worker_threads` for now.
 */
import { BackendError } from "@nn/tensor";
import { nodeModule } from "../machine.js";
import type { WasmScratch } from "./scratch.js";
import { CTRL, WORKER_SOURCE } from "./worker-source.js";

/** The parts of Node's `worker_threads` used here. */
interface NodeWorker {
  unref(): void;
  on(event: "error", listener: (e: unknown) => void): void;
  terminate(): Promise<number>;
}
interface NodePort {
  postMessage(value: unknown): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: object) => NodeWorker;
  MessageChannel: new () => { port1: NodePort; port2: NodePort };
  receiveMessageOnPort(port: NodePort): { message: unknown } | undefined;
}

/** Control block size: room for about 28,000 calls of 9 arguments. */
const CONTROL_BYTES = 1 << 20;
/** How long a worker may take to pick up a job before the pool is declared broken. */
const RESPONSE_TIMEOUT_MS = 10_000;

/** Why kernels cannot run on worker threads here, or undefined when they can. */
export function whyNoThreads(scratch: WasmScratch): string | undefined {
  if (scratch.whyNotShared) return scratch.whyNotShared;
  try {
    // Throws where the calling thread may not block (a browser's main thread).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return "Atomics.wait is not allowed on the calling thread (a browser's main thread)";
  }
  if (!nodeModule("node:worker_threads")) {
    return "worker threads need Node's worker_threads (Web Workers are not supported yet)";
  }
  return undefined;
}

/** A kernel the pool can run: its module bytes, its export's name and the caller's instance. */
export interface PoolKernel {
  readonly id: number;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly name: string;
  readonly fn: (...args: number[]) => unknown;
}

let nextKernelId = 1;

/** Registers a kernel for `ThreadPool.run`: `fn` is its export `name` on the caller's thread. */
export function poolKernel(
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  fn: (...args: number[]) => unknown,
): PoolKernel {
  return { id: nextKernelId++, bytes, name, fn };
}

/** `threads - 1` workers plus the calling thread. Create with `ThreadPool.get`. */
export class ThreadPool {
  /** Threads that run a job, the calling one included. */
  readonly threads: number;
  /** Set once a worker stopped answering; the pool then runs nothing. */
  broken: string | undefined;
  /** Jobs run on the workers so far (tests check that threads were used). */
  jobCount = 0;
  /** Milliseconds a worker may take to pick up a job (tests shorten it). */
  responseTimeoutMs = RESPONSE_TIMEOUT_MS;
  readonly #wt: WorkerThreads;
  readonly #ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  readonly #argv = new Float64Array(this.#ctrl.buffer);
  readonly #workers: NodeWorker[] = [];
  readonly #ports: NodePort[] = [];
  readonly #sent = new Set<number>();

  private constructor(wt: WorkerThreads, scratch: WasmScratch, threads: number) {
    this.#wt = wt;
    this.threads = threads;
    for (let index = 0; index < threads - 1; index++) {
      const { port1, port2 } = new wt.MessageChannel();
      const workerData = { memory: scratch.memory, control: this.#ctrl.buffer, port: port2, index };
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData,
        transferList: [port2],
      });
      // Idle workers block in Atomics.wait; unref so that they never keep a process alive.
      worker.unref();
      // Seen only between jobs (the caller blocks during one): a later job then fails fast.
      worker.on("error", (e) => {
        this.broken ??= `worker thread ${index + 1} failed: ${e}`;
      });
      this.#workers.push(worker);
      this.#ports.push(port1);
    }
  }

  static readonly #pools = new Map<number, ThreadPool>();

  /** The process-wide pool of `threads` threads on `scratch` (which must be shared). */
  static get(scratch: WasmScratch, threads: number): ThreadPool {
    let pool = ThreadPool.#pools.get(threads);
    if (!pool) {
      const wt = nodeModule<WorkerThreads>("node:worker_threads");
      if (!wt || !scratch.shared) throw new BackendError(`cpu: no worker threads here`);
      pool = new ThreadPool(wt, scratch, threads);
      ThreadPool.#pools.set(threads, pool);
    }
    return pool;
  }

  /** Largest number of argument tuples one job can carry. */
  capacity(arity: number): number {
    return Math.floor((this.#argv.length - CTRL.args) / arity);
  }

  /**
   * Runs `kernel` once per tuple of `arity` arguments (i32 or f32 values): `perThread[0]`'s
   * (flat) on the calling thread, `perThread[w + 1]`'s on worker w (at most `threads` lists, at
   * most `capacity(arity)` tuples for the workers together). Returns when all are done: 0, or
   * 1 when some call returned nonzero.
   * Throws BackendError when a worker's call threw (a trap) or a worker did not pick the job
   * up within `responseTimeoutMs` (the pool is then broken for good); a throw on the calling
   * thread is rethrown once the workers are done.
   */
  run(kernel: PoolKernel, arity: number, perThread: readonly (readonly number[])[]): number {
    if (this.broken)
      throw new BackendError(`cpu: the worker thread pool is broken: ${this.broken}`);
    const ctrl = this.#ctrl;
    const workers = this.#workers.length;
    if (perThread.length > this.threads) {
      throw new BackendError(`cpu: ${perThread.length} thread shares for ${this.threads} threads`);
    }
    if (!this.#sent.has(kernel.id)) {
      const { id, bytes, name } = kernel;
      for (const port of this.#ports) port.postMessage({ id, bytes, name });
      this.#sent.add(kernel.id);
    }
    let at = CTRL.args;
    for (let w = 0; w < workers; w++) {
      const args = perThread[w + 1] ?? [];
      if (at + args.length > this.#argv.length) {
        throw new BackendError(`cpu: a job of more than ${this.capacity(arity)} calls`);
      }
      ctrl[CTRL.ranges + 2 * w] = at;
      ctrl[CTRL.ranges + 2 * w + 1] = args.length / arity;
      this.#argv.set(args, at);
      at += args.length;
    }
    ctrl[CTRL.kernel] = kernel.id;
    ctrl[CTRL.arity] = arity;
    ctrl[CTRL.failed] = 0;
    ctrl[CTRL.result] = 0;
    Atomics.store(ctrl, CTRL.started, 0);
    Atomics.store(ctrl, CTRL.done, 0);
    Atomics.add(ctrl, CTRL.gen, 1);
    Atomics.notify(ctrl, CTRL.gen);
    this.jobCount++;
    let mainError: unknown;
    let result = 0;
    try {
      const mine = perThread[0] ?? [];
      for (let i = 0; i < mine.length; i += arity)
        if (kernel.fn(...mine.slice(i, i + arity))) result = 1;
    } catch (e) {
      mainError = e;
    }
    this.#wait(workers);
    if (mainError !== undefined) throw mainError;
    const failed = ctrl[CTRL.failed] as number;
    if (failed) {
      const msg = this.#wt.receiveMessageOnPort(this.#ports[failed - 1] as NodePort)?.message;
      throw new BackendError(
        `cpu: kernel "${kernel.name}" failed on worker thread ${failed}: ${msg}`,
      );
    }
    return result || (ctrl[CTRL.result] ? 1 : 0);
  }

  /** Blocks until `workers` are done; a worker that never starts breaks the pool. */
  #wait(workers: number): void {
    const ctrl = this.#ctrl;
    const start = performance.now();
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.done);
      if (done >= workers) return;
      const started = Atomics.load(ctrl, CTRL.started);
      if (started < workers && performance.now() - start > this.responseTimeoutMs) {
        this.broken = `${workers - started} of ${workers} workers did not answer within ${this.responseTimeoutMs} ms`;
        for (const w of this.#workers) void w.terminate();
        throw new BackendError(`cpu: the worker thread pool is broken: ${this.broken}`);
      }
      Atomics.wait(ctrl, CTRL.done, done, 50);
    }
  }

  /** Test hook: stops worker `index` as if it had died. */
  terminateWorkerForTest(index: number): void {
    void this.#workers[index]?.terminate();
  }
}
