/**
 * In-place ops: they write through the tensor's own view, keep its identity (optimizers update
 * parameters this way) and bump the storage's version counter, which autograd checks.
 */
import { recordOp } from "../dispatch.js";
import { category, type DType } from "../dtype.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { input, type Kernel, kernel, param } from "../expr.js";
import { launch } from "../launch.js";
import { broadcastShapes, fmt } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { backendOf, copyInto, resultDTypeOf, type TensorLike } from "./util.js";
import { clone } from "./views.js";

const kernels = new Map<string, Kernel>();
/** The kernel of an in-place op, built once per op and dtypes. */
function cached(key: string, build: () => Kernel): Kernel {
  let k = kernels.get(key);
  if (!k) {
    k = build();
    kernels.set(key, k);
  }
  return k;
}

function checkWritable(op: string, t: Tensor): void {
  if (t.shape.some((d, i) => d > 1 && t.strides[i] === 0)) {
    throw new ValueError(
      `${op}: the target is an expanded view (several elements share one memory location); clone it first`,
    );
  }
}

function checkResultFits(op: string, t: Tensor, resultDType: DType): void {
  if (category(resultDType) > category(t.dtype)) {
    throw new DTypeError(
      `${op}: result type ${resultDType} can't be written into a ${t.dtype} tensor in place`,
    );
  }
}

function checkBroadcastsTo(op: string, src: Tensor, t: Tensor): void {
  const shape = broadcastShapes(op, t.shape, src.shape);
  if (shape.length !== t.ndim || shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `${op}: source shape ${fmt(src.shape)} does not broadcast to target shape ${fmt(t.shape)}`,
    );
  }
}

/** A source that shares storage with the target is copied first, so the write cannot read its own output. */
function detached(src: Tensor, target: Tensor): { t: Tensor; owned: boolean } {
  return src.storage === target.storage ? { t: clone(src), owned: true } : { t: src, owned: false };
}

function bump(op: string, t: Tensor, inputs: Tensor[], attrs: Record<string, unknown>): Tensor {
  t.storage.version++;
  recordOp(op, [t, ...inputs], [t], attrs);
  return t;
}

/**
 * Copies `src` into `t` (torch `copy_`): broadcasts `src` to `t`'s shape and casts it to `t`'s
 * dtype. Returns `t`.
 */
export function copy_(t: Tensor, src: Tensor): Tensor {
  backendOf("copy_", [t, src]);
  checkWritable("copy_", t);
  checkBroadcastsTo("copy_", src, t);
  const { t: s, owned } = detached(src, t);
  copyInto(s, t.stridedView());
  if (owned) s.dispose();
  return bump("copy_", t, [src], {});
}

/**
 * Replaces `t`'s values with `value`'s, which must have the same shape and dtype (like
 * tf.Variable.assign; ShapeError / DTypeError otherwise). Returns `t`.
 */
export function assign(t: Tensor, value: Tensor): Tensor {
  backendOf("assign", [t, value]);
  if (value.ndim !== t.ndim || value.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `assign: value shape ${fmt(value.shape)} must equal target shape ${fmt(t.shape)}`,
    );
  }
  if (value.dtype !== t.dtype)
    throw new DTypeError(`assign: value dtype ${value.dtype} must equal target dtype ${t.dtype}`);
  return copy_(t, value);
}

function inplaceBinary(
  op: string,
  t: Tensor,
  other: TensorLike,
  alpha: number,
  ir: "add" | "mul",
): Tensor {
  const tensors = typeof other === "object" ? [t, other] : [t];
  const backend = backendOf(op, tensors);
  checkWritable(op, t);
  checkResultFits(op, t, resultDTypeOf([t, other, ...(alpha === 1 ? [] : [alpha])], op));
  if (t.dtype === "bool") throw new DTypeError(`${op}: not supported for bool tensors`);
  const dtype = t.dtype;
  let src: Tensor | undefined;
  let owned = false;
  if (typeof other === "object") {
    checkBroadcastsTo(op, other, t);
    ({ t: src, owned } = detached(other, t));
  }
  const k = cached(`${ir}|${dtype}|${src?.dtype ?? "scalar"}`, () => {
    const x = input(0, dtype);
    const y = src ? input(1, src.dtype).cast(dtype) : param(1, dtype);
    return kernel([ir === "add" ? x.add(y.mul(param(0, dtype))) : x.mul(y)]);
  });
  const inputs = [t.stridedView(), ...(src ? [src.stridedView()] : [])];
  launch(backend, k, inputs, [t.stridedView()], src ? [alpha] : [alpha, Number(other)]);
  if (owned) src?.dispose();
  return bump(op, t, typeof other === "object" ? [other] : [], {
    alpha,
    other: typeof other === "object" ? undefined : other,
  });
}

/** `t += alpha * other` in place (torch `add_`). The result dtype must fit `t` (DTypeError). Returns `t`. */
export function add_(t: Tensor, other: TensorLike, alpha = 1): Tensor {
  return inplaceBinary("add_", t, other, alpha, "add");
}

/** `t *= other` in place (torch `mul_`). Returns `t`. */
export function mul_(t: Tensor, other: TensorLike): Tensor {
  return inplaceBinary("mul_", t, other, 1, "mul");
}

/** Sets every element of `t` to 0 in place. Returns `t`. */
export function zero_(t: Tensor): Tensor {
  const backend = backendOf("zero_", [t]);
  checkWritable("zero_", t);
  const k = cached(`fill|${t.dtype}`, () => kernel([param(0, t.dtype)]));
  launch(backend, k, [], [t.stridedView()], [0]);
  return bump("zero_", t, [], {});
}
