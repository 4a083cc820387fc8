import { type WasmFunction, wasmModule } from "./asm.js";

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
 * elementwise kernels import it as `env.memory`). Kernels run synchronously and never nest, so
 * each copies its operands in from byte 0, runs, and copies its results out. It only grows:
 * Wasm memory never shrinks. Shared (a `SharedArrayBuffer` underneath) where the runtime
 * allows, so that worker threads can work in it; a grow is then seen by every thread.
 */
export class WasmScratch {
  readonly memory: WebAssembly.Memory;
  /** Why the memory is not shared (so no worker threads), or undefined when it is. */
  readonly whyNotShared: string | undefined;
  /** A float32 view of the whole memory (renewed when the memory grows). */
  f32: Float32Array;
  /** A byte view of the whole memory (for bool operands; renewed with `f32`). */
  u8: Uint8Array;

  constructor() {
    const { memory, whyNotShared } = createMemory();
    this.memory = memory;
    this.whyNotShared = whyNotShared;
    this.f32 = new Float32Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
  }

  /** Whether the memory is shared (worker threads can use it). */
  get shared(): boolean {
    return this.whyNotShared === undefined;
  }

  /** Bytes of the memory now. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the memory to at least `bytes`; false when it cannot grow that far. */
  ensure(bytes: number): boolean {
    // `f32` spans the whole memory (and is empty once a grow detached a plain memory's buffer;
    // a shared one's old buffer keeps its length), so this check reads no `memory.buffer`,
    // which costs about as much as a small kernel.
    if (bytes <= this.f32.byteLength) return true;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        this.memory.grow(Math.ceil((bytes - have) / 65536));
      } catch {
        return false;
      }
    }
    this.f32 = new Float32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
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
