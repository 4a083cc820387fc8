/** Input checks shared by every activation. */
import { DTypeError, isFloating, isTensor, type Tensor, ValueError } from "@nn/tensor";
import { dtypeOriginHint } from "@nn/tensor/internal";

/** Throws ValueError unless `x` is a tensor, DTypeError unless it is float32 or float64. */
export function checkInput(op: string, x: unknown, what = "input"): asserts x is Tensor {
  if (!isTensor(x)) {
    throw new ValueError(
      `${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}; create one with tensor(...)`,
    );
  }
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      `${op}: ${what} must be float32 or float64, got ${x.dtype}${dtypeOriginHint(x.dtype)}; cast it first, e.g. cast(x, "float32")`,
    );
  }
}
