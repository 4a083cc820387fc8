import {
  type Backend,
  type BackendBuffer,
  checkBackend,
  getBackend,
  type View,
} from "./backend.js";
import { anomalySlot } from "./dispatch.js";
import type { DataArray, DType } from "./dtype.js";
import {
  BackendError,
  DisposedTensorError,
  DTypeError,
  describeValue,
  ValueError,
} from "./errors.js";
import { formatTensor } from "./format.js";
import { shared } from "./global.js";
import { copyView } from "./launch.js";
import {
  bytesOf,
  checkAlloc,
  notifyDispose,
  outOfMemory,
  Storage,
  stats,
  TENSOR_BRAND,
  track,
} from "./memory.js";
import type { BinaryName, UnaryName } from "./op-table.js";
import { contiguousStrides, type Shape, sizeOf } from "./shape.js";

/** Nested JS arrays of a tensor's values (`number` or `boolean` leaves). */
export type NestedArray = number | boolean | NestedArray[];

const finalizer = shared(
  "finalizer",
  () =>
    new FinalizationRegistry<Storage>((storage) => {
      stats(storage.backend).tensors--;
      storage.release();
    }),
);

/**
 * Tensors created since the last registration pass, newest last. Registering with the
 * FinalizationRegistry costs more than the rest of a tiny op, and most tensors are disposed
 * soon after they are made (an op's temporaries, `tidy`), so a tensor is registered only if it
 * is still live at the next pass: at the next microtask checkpoint, or once `PENDING_MAX` more
 * tensors were made, whichever comes first. Until then this list holds it (at most
 * `PENDING_MAX` tensors, or one synchronous stretch of code); a tensor dropped without
 * `dispose()` is released when it is collected after that, as before.
 */
const PENDING_MAX = 64;
const pending: (Tensor | undefined)[] = new Array(PENDING_MAX).fill(undefined);
let numPending = 0;
let passQueued = false;

/** Registers the pending tensors that are still live (set by Tensor's static block). */
let registerPending: () => void = () => {};

function passAtCheckpoint(): void {
  passQueued = false;
  registerPending();
}

/**
 * An n-dimensional array on one backend: a strided view (shape, strides, offset) on a shared
 * Storage. Views (reshape, transpose, slice, ...) share the storage. Ops are free functions
 * (`add(a, b)`) and, with PyTorch's names, methods (`a.add(b).relu()` reads left to right); the
 * methods are declared in `TensorMethods` and installed by `ops/methods.ts`.
 */
export interface Tensor extends TensorMethods {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are installed by ops/methods.ts.
export class Tensor {
  readonly [TENSOR_BRAND] = true;
  #requiresGrad = false;
  #grad: Tensor | null = null;
  #disposed = false;
  #registered = false;
  /** This tensor's slot in `pending` until the registration pass, else -1. */
  #pendingSlot = -1;

  static {
    registerPending = () => {
      for (let i = 0; i < numPending; i++) {
        const t = pending[i];
        if (t === undefined) continue; // disposed before the pass
        pending[i] = undefined;
        t.#pendingSlot = -1;
        if (!t.#disposed) {
          t.#registered = true;
          finalizer.register(t, t.storage, t);
        }
      }
      numPending = 0;
    };
  }

  /** Use the creation functions (`tensor`, `zeros`, ...); this wraps an existing storage. */
  constructor(
    readonly storage: Storage,
    readonly shape: Shape,
    readonly strides: readonly number[],
    readonly offset: number,
  ) {
    storage.retain();
    storage.stats.tensors++;
    this.#pendingSlot = numPending;
    pending[numPending++] = this;
    if (numPending === PENDING_MAX) registerPending();
    else if (!passQueued) {
      passQueued = true;
      queueMicrotask(passAtCheckpoint);
    }
    track(this);
  }

  /**
   * Whether autograd should record ops on this tensor (a leaf accumulates `.grad`). Only float
   * tensors can require grad: setting it on another dtype throws DTypeError.
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (typeof value !== "boolean")
      throw new ValueError(`requiresGrad: expected true or false, got ${describeValue(value)}`);
    if (value && this.dtype !== "float32" && this.dtype !== "float64") {
      throw new DTypeError(
        `requiresGrad: only float tensors can require gradients, got ${this.dtype}; cast it first`,
      );
    }
    this.#requiresGrad = value;
  }

  /**
   * The accumulated gradient of a leaf, set by `@nn/autograd` (null until a backward reaches it).
   * Assigning anything but null or a Tensor throws ValueError; a tensor of another shape or dtype
   * is refused where the gradient is used (an optimizer's `step`).
   */
  get grad(): Tensor | null {
    return this.#grad;
  }
  set grad(value: Tensor | null) {
    if (value !== null && !isTensor(value))
      throw new ValueError(`grad: expected a Tensor or null, got ${describeValue(value)}`);
    this.#grad = value;
  }

  /** The element type. */
  get dtype(): DType {
    return this.storage.dtype;
  }
  /** The backend instance (the "device") holding this tensor. */
  get backend(): Backend {
    return this.storage.backend;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** True once `dispose()` ran (or the owning `tidy` scope ended). */
  get isDisposed(): boolean {
    return this.#disposed;
  }
  /** The storage's version counter: bumped by each in-place op on this tensor or any view of it. */
  get version(): number {
    return this.storage.version;
  }
  /** True when elements are laid out row-major without gaps (size-1 dims ignored). */
  get isContiguous(): boolean {
    const c = contiguousStrides(this.shape);
    return this.shape.every((d, i) => d === 1 || this.strides[i] === c[i]);
  }

  /** Throws DisposedTensorError if this tensor was disposed; `op` names the caller. */
  assertLive(op: string): this {
    if (this.#disposed) {
      throw new DisposedTensorError(
        `${op}: tensor of shape [${this.shape.join(", ")}] (${this.dtype}) was disposed; ` +
          "keep it out of tidy() by returning it or calling keep(t)",
      );
    }
    return this;
  }

  /** The strided view (buffer, shape, strides, offset) that kernels read; for backends and ops. */
  stridedView(): View {
    return {
      buffer: this.storage.buffer,
      dtype: this.dtype,
      shape: this.shape,
      strides: this.strides,
      offset: this.offset,
    };
  }

  /** Frees this tensor's hold on its storage; the buffer goes when its last view does. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#registered) finalizer.unregister(this);
    // Pending: the list lets go of it now (it holds the buffer), and the pass skips it.
    else if (this.#pendingSlot >= 0) pending[this.#pendingSlot] = undefined;
    this.storage.stats.tensors--;
    this.storage.release();
    notifyDispose(this);
  }

  /** Values in row-major order, as a new TypedArray (bool as Uint8Array of 0/1). Works on every backend. */
  async data(): Promise<DataArray> {
    this.assertLive("data");
    const beforeRead = anomalySlot.beforeRead;
    if (beforeRead !== undefined) await beforeRead(this.backend);
    // A contiguous view (a row of a batch, a slice) reads only its own range.
    if (this.isContiguous) return this.backend.read(this.storage.buffer, this.offset, this.size);
    const c = this.#packed();
    try {
      return await this.backend.read(c.storage.buffer, 0, this.size);
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /**
   * Synchronous `data()`. Throws BackendError on a backend without sync reads (WebGPU, or
   * `cpu({ syncRead: false })`): use `await data()` there.
   */
  dataSync(): DataArray {
    this.assertLive("dataSync");
    const readSync = this.backend.readSync;
    if (!readSync || !this.backend.capabilities.syncRead) {
      throw new BackendError(
        `dataSync: backend ${this.backend.label} has no synchronous read; use await t.data()`,
      );
    }
    const c = this.#packed();
    try {
      return sliceTo(readSync.call(this.backend, c.storage.buffer), this.size);
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /** Values as nested arrays (a number or boolean for a 0-d tensor). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  /** Synchronous `array()`; see `dataSync` for when it throws. */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  /**
   * The single value of a one-element tensor, as a number (so `(await loss.item()).toFixed(4)`
   * type-checks): a bool tensor gives 1 or 0, as `data()` does (`array()` gives `true`/`false`).
   * Throws ValueError for any other size.
   */
  async item(): Promise<number> {
    this.#checkItem();
    return (await this.data())[0] as number;
  }

  /** Synchronous `item()`; see `dataSync` for when it throws. */
  itemSync(): number {
    this.#checkItem();
    return this.dataSync()[0] as number;
  }

  /**
   * Copies this tensor to another backend instance (PyTorch's `.to(device)`). Async, since a
   * GPU reads back asynchronously. On the same backend it resolves to a new view of the same storage.
   * Rejects with BackendError when `backend` is not a Backend (a Promise: `await` it first).
   */
  async to(backend: Backend): Promise<Tensor> {
    this.assertLive("to");
    checkBackend("to", backend);
    if (backend === this.backend)
      return new Tensor(this.storage, this.shape, this.strides, this.offset);
    checkAlloc("to", this.shape, this.dtype, backend);
    const values = await this.data();
    const storage = new Storage(
      backend,
      backend.alloc(this.dtype, values.length),
      this.dtype,
      values.length,
    );
    backend.write(storage.buffer, values);
    return new Tensor(storage, this.shape, contiguousStrides(this.shape), 0);
  }

  /** Prints like PyTorch (`tensor([1., 2.])`) where the backend reads synchronously; else a summary. */
  toString(): string {
    if (this.#disposed)
      return `tensor(<disposed>, shape=[${this.shape.join(", ")}], dtype=${this.dtype})`;
    if (!this.backend.capabilities.syncRead) {
      return `tensor(<on ${this.backend.label}; await t.format()>, shape=[${this.shape.join(", ")}], dtype=${this.dtype})`;
    }
    return formatTensor(
      toElems(this.dataSync(), this.dtype),
      this.shape,
      this.dtype,
      this.#suffix(),
    );
  }

  /** `console.log(t)` in Node prints `toString()` (the key is Node's; nothing is imported). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** `toString()` for every backend: reads the values asynchronously. */
  async format(): Promise<string> {
    return formatTensor(
      toElems(await this.data(), this.dtype),
      this.shape,
      this.dtype,
      this.#suffix(),
    );
  }

  #suffix(): string[] {
    const s: string[] = [];
    if (this.backend.name !== "cpu") s.push(`device=${this.backend.label}`);
    // As torch: float64 always; any non-default dtype when no values show it (empty).
    if (this.dtype === "float64" || (this.size === 0 && this.dtype !== "float32"))
      s.push(`dtype=${this.dtype}`);
    if (this.requiresGrad) s.push("requiresGrad=true");
    return s;
  }

  #checkItem(): void {
    if (this.size !== 1) {
      throw new ValueError(
        `item: a tensor with ${this.size} elements (shape [${this.shape.join(", ")}]) has no single value`,
      );
    }
  }

  /** This tensor if it covers its whole storage row-major from 0, else a packed copy. */
  #packed(): Tensor {
    if (this.offset === 0 && this.isContiguous && this.storage.size === this.size) return this;
    const out = empty(this.shape, this.dtype, this.backend);
    copyView(this.backend, this.stridedView(), out.stridedView());
    return out;
  }
}

/**
 * A new contiguous tensor of `shape` (zero-filled by the backend). `op` names the caller in the
 * AllocationError thrown, before allocating, for a tensor over `capabilities.maxBufferBytes`.
 */
export function empty(
  shape: Shape,
  dtype: DType,
  backend: Backend = getBackend(),
  op = "empty",
): Tensor {
  return emptyOwned([...shape], dtype, backend, op);
}

/**
 * `empty` that keeps `shape` itself as the tensor's shape (no copy): for callers that own the
 * array and never change it (internal).
 */
export function emptyOwned(shape: Shape, dtype: DType, backend: Backend, op = "empty"): Tensor {
  checkAlloc(op, shape, dtype, backend);
  const size = sizeOf(shape);
  let buffer: BackendBuffer;
  try {
    buffer = backend.alloc(dtype, size);
  } catch (e) {
    // "Array buffer allocation failed", WebAssembly memory that cannot grow: out of memory.
    if (!(e instanceof RangeError)) throw e;
    const bytes = bytesOf(backend, dtype, size);
    throw outOfMemory(
      op,
      shape,
      dtype,
      backend,
      bytes,
      `what the runtime could allocate (${e.message})`,
    );
  }
  const storage = new Storage(backend, buffer, dtype, size);
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

/**
 * A new contiguous tensor holding `values` (already of `dtype`'s array type). `op` names the
 * caller in errors (AllocationError over the backend's `maxBufferBytes`).
 */
export function fromArray(
  values: DataArray,
  shape: Shape,
  dtype: DType,
  backend: Backend = getBackend(),
  op = "fromArray",
): Tensor {
  const t = empty(shape, dtype, backend, op);
  if (values.length) backend.write(t.storage.buffer, values);
  return t;
}

/** A view of `t`'s storage with other metadata (no copy). */
export function viewOf(
  t: Tensor,
  shape: Shape,
  strides: readonly number[],
  offset: number,
): Tensor {
  return new Tensor(t.storage, shape, strides, offset);
}

/** True for a Tensor of any copy of this package. */
export function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[TENSOR_BRAND] === true
  );
}

function sliceTo(a: DataArray, n: number): DataArray {
  return a.length === n ? a : a.slice(0, n);
}

function toElems(a: DataArray, dtype: DType): ArrayLike<number | boolean> {
  return dtype === "bool" ? Array.from(a, (v) => v !== 0) : a;
}

/** Nested arrays of `a`, built innermost dim first (no recursion, so any number of dims works). */
function nest(a: DataArray, shape: Shape, dtype: DType): NestedArray {
  let level: NestedArray[] = Array.from(toElems(a, dtype));
  // count: how many arrays of dim d there are, the product of the sizes before it.
  const before = [1];
  for (let d = 0; d < shape.length; d++) before.push((before[d] as number) * (shape[d] as number));
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    const count = before[d] as number;
    const next: NestedArray[] = new Array(count);
    for (let i = 0; i < count; i++) next[i] = level.slice(i * n, (i + 1) * n);
    level = next;
  }
  return level[0] as NestedArray;
}

/** A tensor, a JS number or a boolean: the operand of a binary method. */
type Operand = Tensor | number | boolean;
/** One dim or several (reductions); all dims when omitted. */
type Dims = number | readonly number[] | null;

/**
 * The methods of `Tensor`, each the free function of the same name with the tensor as its first
 * argument (`x.sum(1)` is `sum(x, 1)`; see each function for shapes, dtypes and errors). The
 * elementwise ones come from the op table, one per row.
 */
export type TensorMethods = { [K in UnaryName]: () => Tensor } & {
  [K in BinaryName]: (other: Operand) => Tensor;
} & {
  /** `where(cond, this, other)`: this where `cond` is true, else `other` (torch.Tensor.where). */
  where(cond: Tensor, other: Operand): Tensor;
  clamp(min?: number | null, max?: number | null): Tensor;
  /** A copy converted to `dtype` (see `cast`). */
  cast(dtype: DType): Tensor;
  /** `cast(this, "float32")`. */
  float(): Tensor;
  /** `cast(this, "float64")`. */
  double(): Tensor;
  /** `cast(this, "int32")`. */
  int(): Tensor;
  /** `cast(this, "bool")`. */
  bool(): Tensor;
  matmul(other: Tensor): Tensor;
  sum(dim?: Dims, keepdim?: boolean): Tensor;
  prod(dim?: Dims, keepdim?: boolean): Tensor;
  mean(dim?: Dims, keepdim?: boolean): Tensor;
  /** Reduction (`max(x, dim)`); the elementwise maximum of two tensors is `maximum`. */
  max(dim?: Dims, keepdim?: boolean): Tensor;
  /** Reduction (`min(x, dim)`); the elementwise minimum of two tensors is `minimum`. */
  min(dim?: Dims, keepdim?: boolean): Tensor;
  std(dim?: Dims, keepdim?: boolean, correction?: number): Tensor;
  var(dim?: Dims, keepdim?: boolean, correction?: number): Tensor;
  /** The vector norm (`norm(x, p, dim, keepdim)`, torch.Tensor.norm): "fro" (default) or any p. */
  norm(p?: "fro" | number, dim?: Dims, keepdim?: boolean): Tensor;
  logsumexp(dim: number | readonly number[], keepdim?: boolean): Tensor;
  argmax(dim?: number | null, keepdim?: boolean): Tensor;
  argmin(dim?: number | null, keepdim?: boolean): Tensor;
  reshape(shape: readonly number[]): Tensor;
  /** A view with a new shape, never a copy (torch.Tensor.view); `reshape` copies when it must. */
  view(shape: readonly number[]): Tensor;
  permute(dims: readonly number[]): Tensor;
  transpose(dim0: number, dim1: number): Tensor;
  /** The transpose of a matrix (dims 0 and 1; a 0-d or 1-d tensor is returned as a view). */
  t(): Tensor;
  squeeze(dim?: number | readonly number[] | null): Tensor;
  unsqueeze(dim: number): Tensor;
  expand(shape: readonly number[]): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  narrow(dim: number, start: number, length: number): Tensor;
  slice(dim: number, start?: number, end?: number | null, step?: number): Tensor;
  /** Windows of `size` elements `step` apart along `dim`, as a view with a new last dim (torch.Tensor.unfold). */
  unfold(dim: number, size: number, step: number): Tensor;
  contiguous(): Tensor;
  clone(): Tensor;
  /** A view of the same storage that autograd does not record or differentiate through. */
  detach(): Tensor;
  gather(dim: number, index: Tensor): Tensor;
  indexSelect(dim: number, index: Tensor): Tensor;
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  /** In place `this += alpha * other`; returns this. */
  add_(other: Operand, alpha?: number): Tensor;
  /** In place `this *= other`; returns this. */
  mul_(other: Operand): Tensor;
  /** In place: every element 0; returns this. */
  zero_(): Tensor;
  /** In place copy of `src` (broadcast, cast); returns this. */
  copy_(src: Tensor): Tensor;
};
