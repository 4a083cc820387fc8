/**
 * Parameter: a float Tensor that a Module owns and an optimizer updates. It is a subclass of
 * Tensor, so every op takes it; it requires grad, and it is kept out of `tidy` scopes (a model
 * built inside `tidy` keeps its weights).
 */
import { DTypeError, isFloating, keep, Tensor } from "@nn/tensor";

const PARAMETER = Symbol.for("@nn/nn/Parameter");

/**
 * A trainable tensor (torch.nn.Parameter). `new Parameter(data)` makes a new tensor object that
 * shares `data`'s storage (no copy); `data` may be disposed afterwards, the parameter keeps the
 * buffer alive. `requiresGrad` defaults to true. Only float32/float64 data (DTypeError
 * otherwise). The parameter is removed from every `tidy` scope; free it with `dispose()` (or
 * `module.dispose()`).
 */
export class Parameter extends Tensor {
  readonly [PARAMETER] = true;

  constructor(data: Tensor, requiresGrad = true) {
    data.assertLive("Parameter");
    if (!isFloating(data.dtype)) {
      throw new DTypeError(
        `Parameter: data must be float32 or float64 (gradients need a float dtype), got ${data.dtype}`,
      );
    }
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad = requiresGrad;
    keep(this);
  }
}

/** True for a Parameter of any copy of this package. */
export function isParameter(x: unknown): x is Parameter {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[PARAMETER] === true;
}

/** A Parameter holding `data`, which is disposed (the parameter now owns its storage). */
export function toParameter(data: Tensor, requiresGrad = true): Parameter {
  const p = new Parameter(data, requiresGrad);
  data.dispose();
  return p;
}
