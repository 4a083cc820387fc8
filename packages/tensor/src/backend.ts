/**
 * The Backend interface: a backend owns memory and runs a small set of kernels. Everything else
 * (activations, losses, optimizers, autograd) is built on these, once, for every backend.
 *
 * Conventions shared by every method:
 * - A `View` is a strided window on a buffer: element `[i0, i1, ...]` lives at
 *   `offset + i0 * strides[0] + i1 * strides[1] + ...` (in elements; a stride may be 0 for a
 *   broadcast dimension).
 * - Output views never alias input views unless stated.
 * - Methods other than `read` run eagerly (or enqueue work, on a GPU) and return nothing.
 */
import type { DataArray, DType } from "./dtype.js";
import { BackendError, describeValue } from "./errors.js";
import type { Kernel } from "./expr.js";
import { shared } from "./global.js";
import type { Shape } from "./shape.js";

/** An opaque handle to a backend's memory. */
export type BackendBuffer = object;

/** A strided view on a buffer: what every kernel reads and writes. */
export interface View {
  readonly buffer: BackendBuffer;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** What a backend supports; the conformance suite runs each case only where it is declared. */
export interface BackendCapabilities {
  /** Dtypes this backend stores and computes. */
  readonly dtypes: readonly DType[];
  /** Whether NaN and ±Infinity are produced and propagated as IEEE 754 says. */
  readonly ieeeSpecials: boolean;
  /** Whether `readSync` is available. */
  readonly syncRead: boolean;
  /**
   * Whether kernels check index values (gather, scatterAdd) and throw IndexError for one out
   * of range. A GPU kernel cannot throw: there an out-of-range index reads 0 or is ignored.
   */
  readonly indexChecks: boolean;
  /**
   * The largest buffer, in bytes, `alloc` can give: the tensor layer refuses a larger tensor
   * with AllocationError before allocating (CPU: 2 GiB by default; WebGPU: the device's
   * `maxStorageBufferBindingSize`, capped by `maxBufferSize`).
   */
  readonly maxBufferBytes: number;
  /**
   * The most bytes all live buffers of this backend may hold together: an allocation beyond it
   * is refused with AllocationError ("out of memory", naming the op, the bytes and `tidy`)
   * instead of the process running out (a synchronous loop that never disposes cannot be saved
   * by the garbage collector: finalizers run only between tasks). Absent: no limit. CPU: 3/4 of
   * the machine's memory in Node, 4 GiB elsewhere (`cpu({ maxMemoryBytes })`).
   */
  readonly maxMemoryBytes?: number;
}

/** Reductions a backend runs over the trailing dims of a view. */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

/** Distributions of `random`, all drawn from Philox4x32-10 (see `random.ts` for the exact bits). */
export type RandomDistribution =
  | { readonly kind: "uniform" }
  | { readonly kind: "normal" }
  | { readonly kind: "randint"; readonly low: number; readonly high: number };

/** The contract every backend implements. */
export interface Backend {
  /** Short kind name, e.g. `"cpu"`, `"webgpu"`. */
  readonly name: string;
  /** A name unique to this instance, used in errors and `memory()` (e.g. `"cpu:0"`). */
  readonly label: string;
  readonly capabilities: BackendCapabilities;

  /** Allocates a zero-filled buffer of `size` elements of `dtype`. */
  alloc(dtype: DType, size: number): BackendBuffer;
  /** Frees a buffer; it is never used again. */
  free(buffer: BackendBuffer): void;
  /** Copies `data` (of the buffer's dtype) into the buffer starting at element 0. */
  write(buffer: BackendBuffer, data: DataArray): void;
  /**
   * Reads `count` elements from element `offset` (default: from 0 to the end of the buffer), so
   * a view reads only its range. Rejects with BackendError for a range outside the buffer (see
   * `readRange`).
   */
  read(buffer: BackendBuffer, offset?: number, count?: number): Promise<DataArray>;
  /** Reads synchronously; present only when `capabilities.syncRead`. */
  readSync?(buffer: BackendBuffer): DataArray;
  /**
   * Waits until queued work is done; rejects with the first error a queued kernel raised
   * (a GPU reports errors late). `read` rejects the same way. Optional: synchronous backends
   * throw at the call.
   */
  sync?(): Promise<void>;
  /** Device bytes a buffer of `size` elements of `dtype` takes, when it differs from the dtype's size (e.g. bool as u32). */
  byteSize?(dtype: DType, size: number): number;

  /**
   * Runs `kernel` at every index of `outputs[0].shape`: input `i` is read through `inputs[i]`
   * (already broadcast to that shape by its strides), and output `j` (expression
   * `kernel.outputs[j]`) is written through `outputs[j]`. `params` are the scalar arguments.
   * Outputs may alias inputs only element for element (same view), as in-place ops do.
   */
  elementwise(
    kernel: Kernel,
    inputs: readonly View[],
    outputs: readonly View[],
    params: readonly number[],
  ): void;

  /**
   * Reduces the trailing `reduceDims` dimensions of `input`: `output` has the shape of the
   * leading dimensions. Sums and products accumulate in the output dtype (inputs converted);
   * max/min propagate NaN; argmax/argmin give the first index (row-major over the reduced dims)
   * of the extreme or of the first NaN, as int32. An empty sum is 0, an empty product 1; max, min,
   * argmax and argmin are never called on an empty reduction.
   */
  reduce(op: ReduceOp, input: View, reduceDims: number, output: View): void;

  /** `out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]`; a, b and out share their batch shape. */
  matmul(a: View, b: View, out: View): void;

  /**
   * `out[i..] = input[i.. with dim replaced by index[i..]]` (PyTorch `gather`); `index` is int32
   * with `out`'s shape. Throws IndexError for an index outside `[0, input.shape[dim])` where the
   * backend can check (a GPU backend may instead write 0).
   */
  gather(input: View, dim: number, index: View, out: View): void;

  /**
   * `target[i.. with dim replaced by index[i..]] += src[i..]` (PyTorch `scatter_add_`), the
   * additions into one target element made in index order (so float results do not depend on
   * the backend); for bool, `+=` is logical or.
   */
  scatterAdd(target: View, dim: number, index: View, src: View): void;

  /**
   * Fills the contiguous `out` (its `size(out.shape)` elements from `out.offset`) with draws:
   * element `i` uses the Philox4x32-10 block with key `seed` (as two 32-bit words, low first)
   * and counter `offset + i`. Uniform and randint bits agree exactly across backends; normals
   * (Box–Muller in the backend's float precision) agree to a few ulps.
   */
  random(dist: RandomDistribution, out: View, seed: number, offset: number): void;

  /** Releases what the backend created (not a device it was given); the instance is unusable afterwards. Optional. */
  destroy?(): void;
}

/**
 * The `[offset, count]` of a `read` of a buffer of `size` elements (defaults: 0 and the rest of
 * the buffer). Throws BackendError naming `label` unless both are integers with
 * `0 <= offset <= offset + count <= size`.
 */
export function readRange(
  label: string,
  size: number,
  offset = 0,
  count = size - offset,
): [number, number] {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(count) ||
    offset < 0 ||
    count < 0 ||
    offset + count > size
  ) {
    throw new BackendError(
      `${label} read: offset ${offset} and count ${count} fall outside a buffer of ${size} ` +
        "elements; pass integers with 0 <= offset <= offset + count <= size",
    );
  }
  return [offset, count];
}

interface Registry {
  factories: Map<string, () => Backend | Promise<Backend>>;
  current: Backend | undefined;
}

const registry = (): Registry =>
  shared<Registry>("backends", () => ({ factories: new Map(), current: undefined }));

// The members every Backend has: two strings, an object, then the methods.
const MEMBERS =
  "name label capabilities alloc free write read elementwise reduce matmul gather scatterAdd random".split(
    " ",
  );

/**
 * Throws BackendError unless `backend` implements the Backend interface: for a Promise (a
 * backend factory's result not awaited) it says so; otherwise it lists the missing members.
 */
export function checkBackend(op: string, backend: unknown): asserts backend is Backend {
  const b = backend as Record<string, unknown> | null | undefined;
  if (typeof b?.then === "function") {
    throw new BackendError(
      `${op}: got a Promise — did you forget \`await\` (e.g. \`setBackend(await webgpu())\`)?`,
    );
  }
  const missing = MEMBERS.filter(
    (m, i) => typeof b?.[m] !== (i < 2 ? "string" : i < 3 ? "object" : "function"),
  );
  if (missing.length) {
    throw new BackendError(
      `${op}: expected a Backend (e.g. cpu() from @nn/backend-cpu), got ${describeValue(b)} missing ${missing.join(", ")}`,
    );
  }
}

/**
 * Makes `backend` the default for new tensors. Returns it. Throws BackendError for a Promise
 * (`setBackend(webgpu())` without `await`) or anything else that does not implement Backend.
 */
export function setBackend<B extends Backend>(backend: B): B {
  checkBackend("setBackend", backend);
  registry().current = backend;
  return backend;
}

/**
 * The default backend. Throws BackendError when none was set: the application chooses one,
 * e.g. `setBackend(cpu())` from `@nn/backend-cpu`.
 */
export function getBackend(): Backend {
  const b = registry().current;
  if (!b) {
    throw new BackendError(
      "no backend set: call setBackend(cpu()) with cpu from @nn/backend-cpu " +
        "(or setBackend(await webgpu()) from @nn/backend-webgpu) before creating tensors",
    );
  }
  return b;
}

/** Registers a backend factory under a name, so apps can pick one by name (`--backend cpu`). */
export function registerBackend(name: string, factory: () => Backend | Promise<Backend>): void {
  registry().factories.set(name, factory);
}

/** Names of the registered backend factories. */
export function listBackends(): string[] {
  return [...registry().factories.keys()];
}

/**
 * Creates a backend from its registered factory. Throws BackendError for an unknown name or a
 * factory whose result is not a Backend.
 */
export async function createBackend(name: string): Promise<Backend> {
  const f = registry().factories.get(name);
  if (!f) {
    throw new BackendError(
      `createBackend: unknown backend "${name}"; registered: ${listBackends().join(", ") || "none"}`,
    );
  }
  const backend = await f();
  checkBackend(`createBackend("${name}")`, backend);
  return backend;
}
