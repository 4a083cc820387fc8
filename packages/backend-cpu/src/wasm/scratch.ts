/**
 * The one WebAssembly memory that every Wasm kernel of this package works in (matmul and the
 * elementwise kernels import it as `env.memory`). Kernels run synchronously and never nest, so
 * each copies its operands in from byte 0, runs, and copies its results out. It only grows:
 * Wasm memory never shrinks.
 */
export class WasmScratch {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  /** A float32 view of the whole memory (renewed when the memory grows). */
  f32 = new Float32Array(this.memory.buffer);
  /** A byte view of the whole memory (for bool operands; renewed with `f32`). */
  u8 = new Uint8Array(this.memory.buffer);

  /** Bytes of the memory now. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the memory to at least `bytes`; false when it cannot grow that far. */
  ensure(bytes: number): boolean {
    // `f32` spans the whole memory (and is empty once a grow detached its buffer), so this
    // check reads no `memory.buffer`, which costs about as much as a small kernel.
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

  /** Instantiates a module (from `wasmModule(..., { importMemory: true })`) on this memory. */
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
