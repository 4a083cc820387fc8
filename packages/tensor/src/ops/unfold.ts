/**
 * Overlapping windows as a strided view (torch.Tensor.unfold) and its gradient, which sums the
 * overlaps back (aten's unfold_backward). Convolutions and pooling are built on these.
 */
import type { View } from "../backend.js";
import { recordOp } from "../dispatch.js";
import type { DType } from "../dtype.js";
import { ShapeError, ValueError } from "../errors.js";
import { input, type Kernel, kernel } from "../expr.js";
import { launch } from "../launch.js";
import { fmt, normalizeDim, type Shape } from "../shape.js";
import { type Tensor, viewOf } from "../tensor.js";
import { zeros } from "./creation.js";
import { backendOf, noScalar } from "./util.js";

/** Windows along `dim`: their count, or a typed error for a bad size or step. */
function windowCount(op: string, shape: Shape, dim: number, size: number, step: number): number {
  const n = shape[dim] as number;
  if (!Number.isInteger(step) || step <= 0) {
    throw new ValueError(`${op}: step must be a positive integer, got ${step}`);
  }
  if (!Number.isInteger(size) || size < 0 || size > n) {
    throw new ShapeError(
      `${op}: size ${size} must be an integer in [0, ${n}] (dim ${dim} of shape ${fmt(shape)})`,
    );
  }
  return Math.floor((n - size) / step) + 1;
}

/**
 * Every window of `size` elements along `dim`, `step` apart (torch.Tensor.unfold): a view (no
 * copy) of shape `x.shape` with `dim` replaced by the window count `floor((n - size) / step) + 1`
 * and a new last dim of `size`; window `i` starts at element `i * step`. Windows overlap when
 * `step < size`, so several view elements share one storage element (write to a copy). Its
 * gradient (`unfoldBackward`) sums the overlapping windows back.
 *
 * Throws IndexError for a 0-d `x` or a dim out of range, ValueError unless `step` is a positive
 * integer, ShapeError unless `size` is an integer in `[0, x.shape[dim]]`.
 */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  x.assertLive("unfold");
  noScalar("unfold", x);
  const d = normalizeDim("unfold", dim, x.ndim);
  const count = windowCount("unfold", x.shape, d, size, step);
  const stride = x.strides[d] as number;
  const shape = [...x.shape, size];
  const strides = [...x.strides, stride];
  shape[d] = count;
  strides[d] = stride * step;
  const out = viewOf(x, shape, strides, x.offset);
  recordOp("unfold", [x], [out], { dim: d, size, step });
  return out;
}

const addKernels = new Map<string, Kernel>();
/** `a + b` in `a`'s dtype: the kernel that accumulates one group of windows. */
function addKernel(to: DType, from: DType): Kernel {
  const key = `${to}+${from}`;
  let k = addKernels.get(key);
  if (!k) {
    k = kernel([input(0, to).binary("add", input(1, from).cast(to))]);
    addKernels.set(key, k);
  }
  return k;
}

/**
 * `dst` and `src` (one shape) with their dims in one new order, by decreasing sum of strides, so
 * that a kernel's inner loop runs along the dims that are densest in both: the gradient reaching
 * `unfoldBackward` is often a permuted view whose last dim is short and far apart.
 */
function loopOrder(dst: View, src: View): [View, View] {
  const order = dst.shape.map((_, i) => i);
  const weight = (i: number) =>
    Math.abs(dst.strides[i] as number) + Math.abs(src.strides[i] as number);
  order.sort((a, b) => weight(b) - weight(a));
  const by = (v: View): View => ({
    ...v,
    shape: order.map((i) => v.shape[i] as number),
    strides: order.map((i) => v.strides[i] as number),
  });
  return [by(dst), by(src)];
}

/**
 * The gradient of `unfold(x, dim, size, step)` for `x` of shape `inputShape` (aten's
 * unfold_backward): a new contiguous tensor of `inputShape` and `grad`'s dtype where each element
 * is the sum of `grad` over the windows that hold it. `grad` has `unfold`'s output shape. It
 * takes `size` strided additions, one per offset `k` in the window (`out[k::step] += grad[..., k]`
 * along `dim`), on any backend. Its own gradient is `unfold`.
 *
 * Throws ShapeError when `grad`'s shape is not `unfold`'s output shape for these arguments, and
 * the errors of `unfold` for a bad dim, size or step.
 */
export function unfoldBackward(
  grad: Tensor,
  inputShape: readonly number[],
  dim: number,
  size: number,
  step: number,
): Tensor {
  const backend = backendOf("unfoldBackward", [grad]);
  if (inputShape.length === 0) noScalar("unfoldBackward", grad);
  const d = normalizeDim("unfoldBackward", dim, inputShape.length);
  const count = windowCount("unfoldBackward", inputShape, d, size, step);
  const expected = [...inputShape, size];
  expected[d] = count;
  if (grad.ndim !== expected.length || grad.shape.some((s, i) => s !== expected[i])) {
    throw new ShapeError(
      `unfoldBackward: grad of shape ${fmt(grad.shape)} must have unfold's output shape ${fmt(expected)} (input ${fmt(inputShape)}, dim ${d}, size ${size}, step ${step})`,
    );
  }
  const out = zeros(inputShape, { dtype: grad.dtype, backend });
  if (out.size > 0) {
    const k = addKernel(out.dtype, grad.dtype);
    const shape = [...inputShape];
    shape[d] = count;
    const o = out.stridedView();
    const g = grad.stridedView();
    const dst: View = {
      ...o,
      shape,
      strides: o.strides.map((s, i) => (i === d ? s * step : s)),
    };
    const src: View = { ...g, shape, strides: g.strides.slice(0, -1) };
    for (let at = 0; at < size; at++) {
      const [dv, sv] = loopOrder(
        { ...dst, offset: at * (o.strides[d] as number) },
        { ...src, offset: g.offset + at * (g.strides[g.strides.length - 1] as number) },
      );
      launch(backend, k, [dv, sv], [dv]);
    }
  }
  recordOp("unfoldBackward", [grad], [out], { dim: d, size, step });
  return out;
}
