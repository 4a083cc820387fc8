/** Internal helpers shared by the ops: backend checks, broadcast views, elementwise launch. */
import { type Backend, getBackend, type View } from "../backend.js";
import { recordOp } from "../dispatch.js";
import { type DType, type PromotionOperand, resultType, scalarDType } from "../dtype.js";
import { BackendError, IndexError, ValueError } from "../errors.js";
import { type Expr, input, type Kernel, kernel, param } from "../expr.js";
import { copyView, launch } from "../launch.js";
import { broadcastShapes } from "../shape.js";
import { empty, isTensor, type Tensor } from "../tensor.js";

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
  for (const [i, t] of tensors.entries()) {
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
  args.forEach((a, i) => {
    if (typeof a === "number" || typeof a === "boolean" || isTensor(a)) return;
    throw new ValueError(
      `${op}: operand ${i} is ${describeValue(a)}; expected a tensor, a number or a boolean${arrayHint(a)}`,
    );
  });
}

function describeValue(a: unknown): string {
  return Array.isArray(a)
    ? "an array"
    : a === null
      ? "null"
      : a === undefined
        ? "undefined"
        : `a ${typeof a}`;
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

const kernelCache = new Map<string, Kernel>();

/**
 * Runs an elementwise op over tensors and scalars, and records it for autograd: the one path of
 * every elementwise op. Tensors become kernel inputs cast to `computeDType`; scalars become
 * kernel params of that dtype, so changing them never recompiles. `build` maps the operand
 * expressions to the output expression; `key` names the op's structure (the kernel is cached
 * under it and the operand dtypes; default `op`); `attrs` are recorded with the op (its
 * non-tensor arguments). Returns the output, shaped by broadcasting the tensor operands.
 */
export function elementwise(
  op: string,
  args: readonly TensorLike[],
  computeDType: DType,
  build: (operands: Expr[]) => Expr,
  { key = op, attrs = {} }: { key?: string; attrs?: Record<string, unknown> } = {},
): Tensor {
  checkOperands(op, args);
  const tensors = args.filter((a): a is Tensor => typeof a === "object");
  const backend = backendOf(op, tensors);
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  const sig = args.map((a) => (typeof a === "object" ? a.dtype : "s")).join(",");
  const cacheKey = `${key}|${sig}|${computeDType}`;
  let k = kernelCache.get(cacheKey);
  if (!k) {
    let ti = 0;
    let pi = 0;
    const operands = args.map((a) =>
      typeof a === "object" ? input(ti++, a.dtype).cast(computeDType) : param(pi++, computeDType),
    );
    k = kernel([build(operands)]);
    kernelCache.set(cacheKey, k);
  }
  const params = args.filter((a): a is Scalar => typeof a !== "object").map(Number);
  const out = empty(shape, (k.outputs[0] as Expr).dtype, backend);
  launch(
    backend,
    k,
    tensors.map((t) => t.stridedView()),
    [out.stridedView()],
    params,
  );
  recordOp(op, tensors, [out], attrs);
  return out;
}

/** Writes `src` (broadcast to `dst.shape`, cast to `dst.dtype`) through the view `dst`. */
export function copyInto(src: Tensor, dst: View): void {
  copyView(src.backend, src.stridedView(), dst);
}
