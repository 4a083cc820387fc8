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
  allocArray,
  type Backend,
  type BackendBuffer,
  type BackendCapabilities,
  type DataArray,
  DTYPES,
  type DType,
  type Kernel,
  type RandomDistribution,
  type ReduceOp,
  type View,
} from "@nn/tensor";
import { shared } from "@nn/tensor/internal";
import { ElementwiseCompiler } from "./elementwise.js";
import * as k from "./kernels.js";
import { WasmElementwise } from "./wasm/elementwise.js";
import { WasmMatmul } from "./wasm/matmul.js";
import { WasmReduce } from "./wasm/reduce.js";
import { sharedScratch } from "./wasm/scratch.js";

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
   * and min over contiguous rows (`wasm/reduce.ts`; sums still accumulate in float64).
   */
  wasm?: boolean;
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

/** The CPU backend. Buffers are TypedArrays; kernels run synchronously on the calling thread. */
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

  constructor(options: CpuOptions = {}) {
    const syncRead = options.syncRead ?? true;
    this.label = `cpu:${instances().next++}`;
    this.capabilities = { dtypes: DTYPES, ieeeSpecials: true, syncRead, indexChecks: true };
    this.wasmMatmul = (options.wasm ?? true) ? getWasmMatmul() : undefined;
    // Where the matmul validates, so does SIMD for the elementwise kernels.
    this.compiler = new ElementwiseCompiler(
      this.wasmMatmul ? new WasmElementwise(sharedScratch()) : undefined,
    );
    this.wasmReduce = this.wasmMatmul ? new WasmReduce(sharedScratch()) : undefined;
    if (syncRead) this.readSync = (buffer) => (buffer as DataArray).slice();
  }

  alloc(dtype: DType, size: number): BackendBuffer {
    return allocArray(dtype, size);
  }

  free(_buffer: BackendBuffer): void {
    // TypedArrays are reclaimed by the garbage collector once unreferenced.
  }

  write(buffer: BackendBuffer, data: DataArray): void {
    (buffer as DataArray).set(data);
  }

  read(buffer: BackendBuffer): Promise<DataArray> {
    return Promise.resolve((buffer as DataArray).slice());
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
    if (out.dtype === "float32" && this.wasmMatmul?.run(a, arr(a), b, arr(b), out, arr(out))) {
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
