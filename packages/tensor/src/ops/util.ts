/** Internal helpers shared by the ops: backend checks, broadcast views, elementwise launch. */
import { type Backend, getBackend, type View } from "../backend.js";
import { recordOp } from "../dispatch.js";
import { type DType, type PromotionOperand, resultType, scalarDType } from "../dtype.js";
import { BackendError, describeValue, IndexError, ValueError } from "../errors.js";
import { type Expr, input, type Kernel, kernel, param } from "../expr.js";
import { copyView, launch } from "../launch.js";
import { broadcastShapes, type Shape } from "../shape.js";
import { emptyOwned, isTensor, type Tensor } from "../tensor.js";

/** A JS number or boolean used where a tensor may be (PyTorch's "wrapped number"). */
export type Scalar = number | boolean;
/** A tensor or a scalar operand. */
export type TensorLike = Tensor | Scalar;

/**
 * The backend all `tensors` live on, after checking none is disposed. Throws BackendError
 * naming both backends when they differ (never a silent copy).
 */
export function backendOf(op: string, tensors: readonly Tensor[]): Backend {
  let b: Backend | undefined;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i] as Tensor;
    if (!isTensor(t)) {
      throw new ValueError(
        `${op}: input ${i} is ${describeValue(t)}; expected a tensor${arrayHint(t)}`,
      );
    }
    t.assertLive(op);
    if (b === undefined) b = t.backend;
    else if (t.backend !== b) {
      throw new BackendError(
        `${op}: inputs live on different backends (${b.label} and ${t.backend.label}); ` +
          "move one with `await t.to(backend)` first",
      );
    }
  }
  return b ?? getBackend();
}

/** Throws IndexError for a 0-d tensor, which has no dim to slice or split (as torch). */
export function noScalar(op: string, x: Tensor): void {
  if (x.ndim === 0) {
    throw new IndexError(`${op}: cannot be applied to a 0-d tensor; reshape it to [1] first`);
  }
}

/**
 * Throws ValueError unless every operand is a live tensor, a number or a boolean (a JS array
 * is not a tensor: wrap it with `tensor(...)`).
 */
export function checkOperands(op: string, args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "number" || typeof a === "boolean" || isTensor(a)) continue;
    throw new ValueError(
      `${op}: operand ${i} is ${describeValue(a)}; expected a tensor, a number or a boolean${arrayHint(a)}`,
    );
  }
}

function arrayHint(a: unknown): string {
  return Array.isArray(a) ? " (wrap arrays with tensor([...]))" : "";
}

/** Promotion operands of tensors and scalars (tier 2 tensor with dims, 1 for 0-d, 0 scalar). */
export function promotionOf(args: readonly TensorLike[]): PromotionOperand[] {
  return args.map((a) =>
    typeof a === "number" || typeof a === "boolean"
      ? { dtype: scalarDType(a), tier: 0 as const }
      : { dtype: a.dtype, tier: a.ndim === 0 ? (1 as const) : (2 as const) },
  );
}

/** PyTorch's result dtype of an op over these operands. */
export function resultDTypeOf(args: readonly TensorLike[], op = "resultType"): DType {
  checkOperands(op, args);
  return resultType(promotionOf(args));
}

/** Small codes of the operand kinds in a kernel-cache signature (a scalar is 0). */
const DTYPE_CODE: Readonly<Record<DType, number>> = { float32: 1, float64: 2, int32: 3, bool: 4 };

/**
 * Kernels by structure key, then by a number encoding the operand dtypes (scalars as 0) and the
 * compute dtype: no strings are built per call.
 */
const kernelCache = new Map<string, Map<number, Kernel>>();

const NO_PARAMS: readonly number[] = Object.freeze([]);
const NO_ATTRS: Readonly<Record<string, unknown>> = Object.freeze({});

/** True when two shapes are equal element for element. */
function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs an elementwise op over tensors and scalars, and records it for autograd: the one path of
 * every elementwise op. Tensors become kernel inputs cast to `computeDType`; scalars become
 * kernel params of that dtype, so changing them never recompiles. `build` maps the operand
 * expressions to the output expression; `key` names the op's structure (the kernel is cached
 * under it and the operand dtypes; default `op`); `attrs` are recorded with the op (its
 * non-tensor arguments). Returns the output, shaped by broadcasting the tensor operands.
 * Throws ValueError for an operand that is not a tensor, a number or a boolean,
 * DisposedTensorError for a disposed one, BackendError for tensors on two backends and
 * ShapeError for shapes that do not broadcast.
 */
export function elementwise(
  op: string,
  args: readonly TensorLike[],
  computeDType: DType,
  build: (operands: Expr[]) => Expr,
  options?: { key?: string; attrs?: Record<string, unknown> },
): Tensor {
  checkOperands(op, args);
  // One pass: the tensors, the scalar params, the kernel signature and the broadcast shape.
  const tensors: Tensor[] = [];
  let params = NO_PARAMS as number[];
  let sig = DTYPE_CODE[computeDType];
  let shape: Shape | undefined;
  let same = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as TensorLike;
    if (typeof a === "object") {
      tensors.push(a);
      sig = sig * 5 + DTYPE_CODE[a.dtype];
      if (shape === undefined) shape = a.shape;
      else if (same && !sameShape(shape, a.shape)) same = false;
    } else {
      if (params === NO_PARAMS) params = [];
      params.push(Number(a));
      sig *= 5;
    }
  }
  const backend = backendOf(op, tensors);
  const outShape: Shape =
    shape === undefined ? [] : same ? shape : broadcastShapes(op, ...tensors.map((t) => t.shape));
  const key = options?.key ?? op;
  let byKey = kernelCache.get(key);
  if (byKey === undefined) {
    byKey = new Map();
    kernelCache.set(key, byKey);
  }
  let k = byKey.get(sig);
  if (k === undefined) {
    let ti = 0;
    let pi = 0;
    const operands = args.map((a) =>
      typeof a === "object" ? input(ti++, a.dtype).cast(computeDType) : param(pi++, computeDType),
    );
    k = kernel([build(operands)]);
    byKey.set(sig, k);
  }
  // A tensor's shape array is never changed once made, so the output may share an input's.
  const out = emptyOwned(outShape, (k.outputs[0] as Expr).dtype, backend, op);
  const views: View[] = [];
  for (let i = 0; i < tensors.length; i++) views.push((tensors[i] as Tensor).stridedView());
  launch(backend, k, views, [out.stridedView()], params);
  recordOp(op, tensors, [out], options?.attrs ?? NO_ATTRS);
  return out;
}

/** Writes `src` (broadcast to `dst.shape`, cast to `dst.dtype`) through the view `dst`. */
export function copyInto(src: Tensor, dst: View): void {
  copyView(src.backend, src.stridedView(), dst);
}
