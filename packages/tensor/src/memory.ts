/**
 * Memory: storages are reference counted by the tensors that view them; a buffer is freed when
 * its last tensor is disposed. Scopes (`tidy`) dispose what they created; a FinalizationRegistry
 * releases tensors that were garbage collected without `dispose()`, as a last resort.
 */

import { refuseAsync, refuseThenable } from "./async-guard.js";
import type { Backend, BackendBuffer } from "./backend.js";
import { BYTES_PER_ELEMENT, type DType } from "./dtype.js";
import { AllocationError, ScopeError } from "./errors.js";
import { shared } from "./global.js";
import { sizeOf } from "./shape.js";

/** Device bytes of `size` elements of `dtype` on `backend` (internal). */
export function bytesOf(backend: Backend, dtype: DType, size: number): number {
  return backend.byteSize?.(dtype, size) ?? size * BYTES_PER_ELEMENT[dtype];
}

/**
 * Throws AllocationError, before anything is allocated, when a tensor of `shape` and `dtype`
 * would exceed `backend.capabilities.maxBufferBytes`, or take the backend's live bytes past
 * `capabilities.maxMemoryBytes`; `op` names the caller. Sizes beyond 2^53 are compared
 * approximately, which is enough to refuse them.
 */
export function checkAlloc(
  op: string,
  shape: readonly number[],
  dtype: DType,
  backend: Backend,
): void {
  const size = sizeOf(shape);
  const bytes = bytesOf(backend, dtype, size);
  const limit = backend.capabilities.maxBufferBytes;
  if (bytes > limit) {
    throw new AllocationError(
      `${op}: a ${dtype} tensor of shape [${shape.join(", ")}] (${size} elements, ${bytes} bytes) ` +
        `exceeds the ${limit} bytes a buffer on ${backend.label} can hold (capabilities.maxBufferBytes)`,
    );
  }
  const total = backend.capabilities.maxMemoryBytes;
  if (total !== undefined && stats(backend).bytes + bytes > total) {
    throw outOfMemory(
      op,
      shape,
      dtype,
      backend,
      bytes,
      `the limit of ${total} bytes (capabilities.maxMemoryBytes)`,
    );
  }
}

/**
 * The AllocationError of a backend out of memory: at its `maxMemoryBytes`, or (`why`) an
 * allocation the runtime refused.
 */
export function outOfMemory(
  op: string,
  shape: readonly number[],
  dtype: DType,
  backend: Backend,
  bytes: number,
  why: string,
): AllocationError {
  const s = stats(backend);
  return new AllocationError(
    `${op}: out of memory on ${backend.label}: a ${dtype} tensor of shape [${shape.join(", ")}] ` +
      `needs ${bytes} bytes while ${s.buffers} live buffers hold ${s.bytes} bytes, past ${why}; ` +
      "dispose() tensors no longer needed, or run each step inside tidy(() => ...) (tidyAsync for async steps)",
  );
}

/** A buffer and what the tensors viewing it share: its reference count and version counter. */
export class Storage {
  refs = 0;
  /** Bumped by every in-place write; autograd compares it to refuse stale saved tensors. */
  version = 0;
  /** Device bytes of the buffer. */
  readonly bytes: number;
  /** The live-memory counters of `backend` (the process-wide record; see `stats`). */
  readonly stats: MemoryInfo;
  constructor(
    readonly backend: Backend,
    readonly buffer: BackendBuffer,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.bytes = bytesOf(backend, dtype, size);
    const s = stats(backend);
    this.stats = s;
    s.buffers++;
    s.bytes += this.bytes;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0) return;
    const s = this.stats;
    s.buffers--;
    s.bytes -= this.bytes;
    this.backend.free(this.buffer);
  }
}

/** Live memory of one backend instance. */
export interface MemoryInfo {
  /** Tensors not yet disposed (views count separately). */
  tensors: number;
  /** Buffers held by those tensors. */
  buffers: number;
  /** Bytes in those buffers. */
  bytes: number;
}

// Looked up once: the process-wide Map itself (not a copy), so two copies of this package still
// count into one record.
const statsMap = shared("memory", () => new Map<Backend, MemoryInfo>());
const allStats = () => statsMap;

// The last backend asked for and its counters (the Map's own object): ops create tensors on
// one backend in a row, so most lookups end here.
let lastBackend: Backend | undefined;
let lastStats: MemoryInfo | undefined;

/** Mutable counters of `backend` (internal). */
export function stats(backend: Backend): MemoryInfo {
  if (backend === lastBackend) return lastStats as MemoryInfo;
  const m = statsMap;
  let s = m.get(backend);
  if (!s) {
    s = { tensors: 0, buffers: 0, bytes: 0 };
    m.set(backend, s);
  }
  lastBackend = backend;
  lastStats = s;
  return s;
}

/**
 * Live tensors, buffers and bytes. With a backend: that backend's figures; without: the totals
 * over every backend, plus `byBackend` keyed by backend label.
 */
export function memory(backend?: Backend): MemoryInfo & { byBackend: Record<string, MemoryInfo> } {
  const byBackend: Record<string, MemoryInfo> = {};
  const total: MemoryInfo = { tensors: 0, buffers: 0, bytes: 0 };
  for (const [b, s] of allStats()) {
    if (backend && b !== backend) continue;
    byBackend[b.label] = { ...s };
    total.tensors += s.tensors;
    total.buffers += s.buffers;
    total.bytes += s.bytes;
  }
  return { ...total, byBackend };
}

/** What scopes and the finalizer need of a tensor. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const TENSOR = Symbol.for("@nn/tensor/Tensor");

/** Brand check that works across duplicate copies of this package (unlike `instanceof`). */
export function isTensorLike(x: unknown): x is Disposable {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[TENSOR] === true;
}

/** The brand symbol set on every Tensor. */
export const TENSOR_BRAND: typeof TENSOR = TENSOR;

/** Where `setDisposeHook` (dispatch.ts) keeps the dispose hook; only tensors are passed to it. */
const hookSlot = shared("disposeHook", () => ({
  hook: undefined as ((tensor: Disposable) => void) | undefined,
}));
export const disposeHookSlot = (): { hook: ((tensor: Disposable) => void) | undefined } => hookSlot;

/** Tells the dispose hook, if any, that `tensor` was disposed (called by `Tensor.dispose`). */
export function notifyDispose(tensor: Disposable): void {
  hookSlot.hook?.(tensor);
}

// Looked up once (the shared array itself, pushed and popped in place by every copy).
const scopeStack = shared("scopes", () => [] as Set<Disposable>[]);
const scopes = () => scopeStack;

/** Called for every new tensor: the innermost `tidy` scope owns it. */
export function track(t: Disposable): void {
  const s = scopeStack;
  if (s.length !== 0) (s[s.length - 1] as Set<Disposable>).add(t);
}

/** Removes `t` from every scope so that `tidy` never disposes it. Returns `t`. */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes()) s.delete(t);
  return t;
}

function collect(x: unknown, out: Set<Disposable>, seen: Set<unknown>): void {
  if (typeof x !== "object" || x === null || seen.has(x)) return;
  seen.add(x);
  if (isTensorLike(x)) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collect(v, out, seen);
  else if (x instanceof Map) for (const v of x.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype)
    for (const v of Object.values(x)) collect(v, out, seen);
}

const TIDY_HINT = "use `await tidyAsync(fn)` for async work";

/**
 * Runs `fn` and disposes every tensor created during it except those it returns (found in
 * arrays, Maps and plain objects of the result). Returned tensors move to the enclosing scope.
 * `fn` must be synchronous: an `async` function is refused with a ValueError before it runs,
 * and a Promise returned by a plain function is refused (its rejection handled, its tensors
 * disposed); `tidyAsync` is the form for async work.
 */
export function tidy<T>(fn: () => T): T {
  refuseAsync("tidy", fn, TIDY_HINT);
  const stack = scopes();
  const scope = new Set<Disposable>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  stack.pop();
  try {
    refuseThenable("tidy", result, TIDY_HINT);
  } catch (e) {
    for (const t of scope) t.dispose();
    throw e;
  }
  return closeScope(scope, result, stack);
}

/** Disposes what `scope` holds except the tensors in `result`, which move to the parent scope. */
function closeScope<T>(scope: Set<Disposable>, result: T, stack: Set<Disposable>[]): T {
  const kept = new Set<Disposable>();
  collect(result, kept, new Set());
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/**
 * `tidy` for async work: awaits `fn` (sync or async) and then disposes every tensor created
 * since the call except those in its resolved value, which move to the enclosing scope. The
 * scope stays open across `fn`'s awaits, so tensors created meanwhile by other code also land
 * in it: scopes must nest (each `tidyAsync` awaited before its enclosing one ends). A scope that
 * ends while one opened after it is still open (two `tidyAsync` run concurrently, e.g. under
 * `Promise.all`) throws ScopeError and disposes its tensors, instead of mixing the two scopes.
 * When `fn` rejects, its tensors are disposed and the rejection propagates.
 */
export async function tidyAsync<T>(fn: () => T | Promise<T>): Promise<Awaited<T>> {
  if (typeof fn !== "function") refuseAsync("tidyAsync", fn, "");
  const stack = scopes();
  const scope = new Set<Disposable>();
  stack.push(scope);
  let result: Awaited<T>;
  try {
    result = await fn();
  } catch (e) {
    leaveScope(scope, stack);
    for (const t of scope) t.dispose();
    throw e;
  }
  leaveScope(scope, stack);
  return closeScope(scope, result, stack);
}

/** Takes `scope` off the stack; if a later scope is still above it, disposes it and throws ScopeError. */
function leaveScope(scope: Set<Disposable>, stack: Set<Disposable>[]): void {
  const i = stack.lastIndexOf(scope);
  if (i === stack.length - 1) {
    stack.pop();
    return;
  }
  if (i >= 0) stack.splice(i, 1);
  for (const t of scope) t.dispose();
  throw new ScopeError(
    `tidyAsync: this scope ended while ${stack.length - Math.max(i, 0)} scope(s) opened after it were still open: ` +
      "concurrent tidyAsync calls (e.g. under Promise.all) would mix their tensors; await each one before starting the next, or nest them",
  );
}

/**
 * Disposes every tensor found in the arguments (tensors, or arrays / Maps / plain objects of
 * them): `dispose(a, b)`, `dispose([a, b])` and `dispose({ a, b })` are the same.
 */
export function dispose(...items: unknown[]): void {
  const found = new Set<Disposable>();
  collect(items, found, new Set());
  for (const t of found) t.dispose();
}
