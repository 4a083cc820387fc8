/**
 * Typed errors. Each names the op, the shapes or dtypes involved, and what would be valid.
 * Names are set explicitly so they survive minification.
 *
 * `instanceof` works across duplicate copies of this package (CJS + ESM): every error carries
 * the names of its class and its ancestors under a `Symbol.for` key, and each class checks
 * that list instead of its own prototype.
 */

const KINDS = Symbol.for("@nn/tensor/error-kinds");

/** Base class of every error thrown by nn. Subclass it with a `static readonly kind`. */
export class NNError extends Error {
  static readonly kind: string = "NNError";
  override name = "NNError";
  declare readonly [KINDS]: readonly string[];

  constructor(message?: string) {
    super(message);
    const kinds: string[] = [];
    for (
      let c = new.target as unknown as { kind?: string } | null;
      c && c !== (Error as unknown);
      c = Object.getPrototypeOf(c)
    ) {
      if (typeof c.kind === "string" && !kinds.includes(c.kind)) kinds.push(c.kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
    this.name = kinds[0] ?? "NNError";
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    const kinds = (x as { [KINDS]?: readonly string[] } | null)?.[KINDS];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested (ShapeError, ...), not NNError.
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** Shapes that cannot broadcast, mismatched matmul dimensions, ragged nested arrays, bad reshapes. */
export class ShapeError extends NNError {
  static override readonly kind = "ShapeError";
  override name = "ShapeError";
}

/** A dtype an op does not accept, or a mix of dtypes PyTorch would refuse. */
export class DTypeError extends NNError {
  static override readonly kind = "DTypeError";
  override name = "DTypeError";
}

/** No backend set, a backend missing a capability, or inputs living on different backends. */
export class BackendError extends NNError {
  static override readonly kind = "BackendError";
  override name = "BackendError";
}

/** A tensor used after `dispose()` (or after the `tidy` scope that owned it ended). */
export class DisposedTensorError extends NNError {
  static override readonly kind = "DisposedTensorError";
  override name = "DisposedTensorError";
}

/** A dimension or an index out of range (PyTorch raises IndexError for these too). */
export class IndexError extends NNError {
  static override readonly kind = "IndexError";
  override name = "IndexError";
}

/**
 * A tensor larger than its backend can hold (`capabilities.maxBufferBytes`), or one that would
 * take the backend's live memory past `capabilities.maxMemoryBytes` or past what the runtime can
 * allocate ("out of memory"), refused before anything is allocated.
 */
export class AllocationError extends NNError {
  static override readonly kind = "AllocationError";
  override name = "AllocationError";
}

/** Any other invalid argument value (a non-numeric element, a negative count, an empty list). */
export class ValueError extends NNError {
  static override readonly kind = "ValueError";
  override name = "ValueError";
}

/**
 * Scopes used out of order: a `tidyAsync` scope that ends while a scope opened after it is still
 * open (concurrent async scopes), which would otherwise dispose or keep the wrong tensors.
 */
export class ScopeError extends NNError {
  static override readonly kind = "ScopeError";
  override name = "ScopeError";
}

/** A user's value as errors name it: "an array", "null", "undefined", "a string", "an object", ... */
export function describeValue(a: unknown): string {
  return Array.isArray(a)
    ? "an array"
    : a === null
      ? "null"
      : a === undefined
        ? "undefined"
        : `${typeof a === "object" ? "an" : "a"} ${typeof a}`;
}
