import { I32, op, type WasmFunction, wasmModule } from "./asm.js";
import { blockClass, WasmHeap } from "./heap.js";

/** The maximum of a shared scratch memory: 4 GiB, all a 32-bit Wasm memory can address. */
export const SHARED_MAX_PAGES = 65536;

/**
 * A shared memory (worker threads can run kernels in it, see `threads.ts`) where the runtime
 * has `SharedArrayBuffer` and shared Wasm memories; else a plain one and the reason.
 */
function createMemory(): { memory: WebAssembly.Memory; whyNotShared?: string } {
  if (typeof SharedArrayBuffer !== "function") {
    return {
      memory: new WebAssembly.Memory({ initial: 1 }),
      whyNotShared: "SharedArrayBuffer is unavailable (a page needs cross-origin isolation)",
    };
  }
  // A shared memory needs a maximum; V8 reserves address space, not memory, for it. Where even
  // a reservation this large fails (32-bit hosts), try 1 GiB before giving up on sharing.
  for (const maximum of [SHARED_MAX_PAGES, 16384]) {
    try {
      return { memory: new WebAssembly.Memory({ initial: 1, maximum, shared: true }) };
    } catch {}
  }
  return {
    memory: new WebAssembly.Memory({ initial: 1 }),
    whyNotShared: "this runtime cannot create a shared WebAssembly.Memory",
  };
}

/**
 * The one WebAssembly memory that every Wasm kernel of this package works in (matmul and the
 * elementwise kernels import it as `env.memory`): the heap of tensors (`heap.ts`) and one
 * scratch block, where kernels pack or copy operands that are not in place. Kernels run
 * synchronously and never nest, so they share the block: each asks `ensure` for the bytes it
 * needs and works from `base`. Shared (a `SharedArrayBuffer` underneath) where the runtime
 * allows, so that worker threads can work in it; a grow is then seen by every thread.
 */
export class WasmScratch {
  readonly memory: WebAssembly.Memory;
  /** Why the memory is not shared (so no worker threads), or undefined when it is. */
  readonly whyNotShared: string | undefined;
  /** The tensors' blocks (and the scratch block's). */
  readonly heap: WasmHeap;
  /** Byte address of the scratch block (16-byte aligned); valid after `ensure`. */
  base = 0;
  #bytes = 0;

  constructor() {
    const { memory, whyNotShared } = createMemory();
    this.memory = memory;
    this.whyNotShared = whyNotShared;
    // `TypedArray.fill` on a shared buffer stores one element at a time (about 30x slower than
    // on a plain one, measured); Wasm's `memory.fill` is a memset.
    const zero: WasmFunction = {
      name: "zero",
      params: [I32, I32],
      results: [],
      locals: [],
      body: [...op.get(0), ...op.i32(0), ...op.get(1), ...op.memoryFill],
    };
    const memset = this.instantiate(this.moduleBytes([zero])).zero as (
      at: number,
      n: number,
    ) => void;
    this.heap = new WasmHeap(memory, whyNotShared === undefined, memset);
  }

  /** Whether the memory is shared (worker threads can use it). */
  get shared(): boolean {
    return this.whyNotShared === undefined;
  }

  /** A float32 view of the whole memory (renewed when it grows: read it after `ensure`). */
  get f32(): Float32Array {
    return this.heap.f32;
  }

  /** A byte view of the whole memory (for bool operands; renewed with `f32`). */
  get u8(): Uint8Array {
    return this.heap.u8;
  }

  /** Bytes of the memory now. */
  get bytes(): number {
    return this.heap.bytes;
  }

  /**
   * Makes the scratch block at least `bytes` long (a bigger block replaces a smaller one, which
   * goes back to the heap; `base` moves); false when the memory cannot grow that far.
   */
  ensure(bytes: number): boolean {
    if (bytes <= this.#bytes) return true;
    const at = this.heap.block(bytes);
    if (at < 0) return false;
    if (this.#bytes) this.heap.release(this.base, this.#bytes);
    this.base = at;
    this.#bytes = blockClass(bytes);
    return true;
  }

  /** The bytes of a module of `fns` that imports this memory (declared shared if it is). */
  moduleBytes(fns: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
    const sharedMaxPages = this.shared ? SHARED_MAX_PAGES : undefined;
    return wasmModule(fns, { importMemory: true, sharedMaxPages });
  }

  /** Instantiates a module (from `moduleBytes`) on this memory. */
  instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Exports {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { memory: this.memory },
    }).exports;
  }
}

let scratch: WasmScratch | undefined;

/** The process-wide scratch memory, created on first use. */
export function sharedScratch(): WasmScratch {
  scratch ??= new WasmScratch();
  return scratch;
}
