/** Constant padding (torch.nn.functional.pad, mode "constant"). */
import { recordOp } from "../dispatch.js";
import { ValueError } from "../errors.js";
import { copyView } from "../launch.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { full } from "./creation.js";
import { backendOf } from "./util.js";

/**
 * `x` padded with `value` (torch.nn.functional.pad, constant mode). `pad` holds pairs
 * `[before, after]` for the last dim, then the one before it, and so on
 * (`[left, right, top, bottom]` pads W then H of an NCHW tensor); dims it does not reach are left
 * alone. A negative pad crops. The result is a new contiguous tensor of `x`'s dtype (`value` is
 * cast to it), of shape `x.shape` with each padded dim grown by its pair. Its gradient is `pad`
 * with the pads negated (a crop of the gradient).
 *
 * Throws ValueError when `pad` is not a list of an even number of integers, at most two per dim
 * of `x`, or `value` is not a number; ShapeError when a negative pad leaves a dim below size 0.
 */
export function pad(x: Tensor, pad: readonly number[], value = 0): Tensor {
  const backend = backendOf("pad", [x]);
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || pad.some((p) => !Number.isInteger(p))) {
    throw new ValueError(
      `pad: pad must be a list of an even number of integers ([before, after] per dim from the last), got ${Array.isArray(pad) ? fmt(pad) : String(pad)}`,
    );
  }
  if (pad.length / 2 > x.ndim) {
    throw new ValueError(
      `pad: ${fmt(pad)} pads ${pad.length / 2} dims, but the input of shape ${fmt(x.shape)} has ${x.ndim}`,
    );
  }
  if (typeof value !== "number") {
    throw new ValueError(`pad: value must be a number, got ${typeof value}`);
  }
  const outShape = [...x.shape];
  // Per padded dim: where x's kept part starts in x and in the result, and its length.
  let srcOffset = x.offset;
  let dstOffset = 0;
  const keep = [...x.shape];
  for (let i = 0; i < pad.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const before = pad[2 * i] as number;
    const after = pad[2 * i + 1] as number;
    const n = x.shape[d] as number;
    const size = n + before + after;
    if (size < 0) {
      throw new ValueError(
        `pad: dim ${d} of size ${n} padded by (${before}, ${after}) would have size ${size} (input shape ${fmt(x.shape)})`,
      );
    }
    outShape[d] = size;
    keep[d] = Math.max(0, n - Math.max(0, -before) - Math.max(0, -after));
    srcOffset += Math.max(0, -before) * (x.strides[d] as number);
  }
  const out = full(outShape, value, { dtype: x.dtype, backend });
  for (let i = 0; i < pad.length / 2; i++) {
    const d = x.ndim - 1 - i;
    dstOffset += Math.max(0, pad[2 * i] as number) * (out.strides[d] as number);
  }
  if (keep.every((k) => k > 0)) {
    const src = { ...x.stridedView(), shape: keep, offset: srcOffset };
    copyView(backend, src, { ...out.stridedView(), shape: keep, offset: dstOffset });
  }
  recordOp("pad", [x], [out], { pad: [...pad] });
  return out;
}
