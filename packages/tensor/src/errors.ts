/**
 * Typed errors. Each names the op, the shapes or dtypes involved, and what would be valid.
 * Names are set explicitly so they survive minification.
 */

/** Base class of every error thrown by nn. */
export class NNError extends Error {
  override name = "NNError";
}

/** Shapes that cannot broadcast, mismatched matmul dimensions, ragged nested arrays, bad reshapes. */
export class ShapeError extends NNError {
  override name = "ShapeError";
}

/** A dtype an op does not accept, or a mix of dtypes PyTorch would refuse. */
export class DTypeError extends NNError {
  override name = "DTypeError";
}

/** No backend set, a backend missing a capability, or inputs living on different backends. */
export class BackendError extends NNError {
  override name = "BackendError";
}

/** A tensor used after `dispose()` (or after the `tidy` scope that owned it ended). */
export class DisposedTensorError extends NNError {
  override name = "DisposedTensorError";
}

/** A dimension or an index out of range (PyTorch raises IndexError for these too). */
export class IndexError extends NNError {
  override name = "IndexError";
}

/** Any other invalid argument value (a non-numeric element, a negative count, an empty list). */
export class ValueError extends NNError {
  override name = "ValueError";
}
