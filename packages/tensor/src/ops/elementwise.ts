/**
 * Elementwise ops, each one expression of the IR, with PyTorch's dtype promotion
 * (`resultType`) and broadcasting. Float-only math (exp, log, ...) promotes integer and bool
 * inputs to float32, as PyTorch does.
 */
import { recordOp } from "../dispatch.js";
import { checkDType, type DType, isFloating } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import type { BinaryOp, Expr, UnaryOp } from "../expr.js";
import type { Tensor } from "../tensor.js";
import { backendOf, elementwise, resultDTypeOf, type Scalar, type TensorLike } from "./util.js";

function unaryOp(op: UnaryOp, x: Tensor, attrs: Record<string, unknown> = {}): Tensor {
  const floatOnly = !["neg", "abs", "sign", "floor", "ceil", "round"].includes(op);
  if (x.dtype === "bool" && !floatOnly && op !== "sign") {
    throw new DTypeError(
      `${op}: not supported for bool tensors; cast to int32 or a float dtype first`,
    );
  }
  const dtype = floatOnly && !isFloating(x.dtype) ? "float32" : x.dtype;
  const [out] = elementwise(op, [x], dtype, ([a]) => (a as Expr)[op]()) as [Tensor];
  recordOp(op, [x], [out], attrs);
  return out;
}

/** `-x`. Any dtype but bool (DTypeError). */
export const neg = (x: Tensor): Tensor => unaryOp("neg", x);
/** `|x|`. Any dtype but bool. */
export const abs = (x: Tensor): Tensor => unaryOp("abs", x);
/** -1, 0 or 1 by the sign of x (0 for ±0 and for NaN, as torch.sign); bool stays bool. */
export const sign = (x: Tensor): Tensor => unaryOp("sign", x);
/** `e^x`. Int/bool inputs give float32. */
export const exp = (x: Tensor): Tensor => unaryOp("exp", x);
/** `e^x - 1`, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => unaryOp("expm1", x);
/** Natural log (NaN below 0, -inf at 0). */
export const log = (x: Tensor): Tensor => unaryOp("log", x);
/** `log(1 + x)`, accurate near 0. */
export const log1p = (x: Tensor): Tensor => unaryOp("log1p", x);
/** Square root (NaN below 0). */
export const sqrt = (x: Tensor): Tensor => unaryOp("sqrt", x);
/** `1 / sqrt(x)`. */
export const rsqrt = (x: Tensor): Tensor => unaryOp("rsqrt", x);
/** Sine (radians). */
export const sin = (x: Tensor): Tensor => unaryOp("sin", x);
/** Cosine (radians). */
export const cos = (x: Tensor): Tensor => unaryOp("cos", x);
/** Hyperbolic tangent, in (-1, 1); exact ±1 in float32 for |x| > 9. */
export const tanh = (x: Tensor): Tensor => unaryOp("tanh", x);
/** The error function `2/sqrt(pi) * int_0^x e^{-t^2} dt` (fdlibm's rational approximations). */
export const erf = (x: Tensor): Tensor => unaryOp("erf", x);
/** Round toward -inf. Integer inputs are returned unchanged (as a copy). */
export const floor = (x: Tensor): Tensor => unaryOp("floor", x);
/** Round toward +inf. */
export const ceil = (x: Tensor): Tensor => unaryOp("ceil", x);
/** Round half to even (torch.round), e.g. 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export const round = (x: Tensor): Tensor => unaryOp("round", x);

function binaryOp(op: string, irOp: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  let dtype = resultDTypeOf([a, b], op);
  let ir = irOp;
  const isBool = (v: TensorLike) =>
    typeof v === "boolean" || (typeof v === "object" && v.dtype === "bool");
  if (irOp === "sub" && (isBool(a) || isBool(b))) {
    throw new DTypeError(
      `${op}: subtraction with a bool operand is not supported; use logical ops, or cast to int32 first`,
    );
  }
  if (irOp === "pow") checkPow(a, b, dtype);
  if (dtype === "bool") {
    if (irOp === "add") ir = "or";
    else if (irOp === "mul") ir = "and";
  }
  if (irOp === "div" && !isFloating(dtype)) dtype = "float32";
  const [out] = elementwise(
    op,
    [a, b],
    dtype,
    ([x, y]) => (x as Expr)[ir](y as Expr),
    `${op}:${ir}`,
  ) as [Tensor];
  const inputs = [a, b].filter((t): t is Tensor => typeof t === "object");
  recordOp(op, inputs, [out], {
    a: typeof a === "object" ? undefined : a,
    b: typeof b === "object" ? undefined : b,
  });
  return out;
}

function checkPow(a: TensorLike, b: TensorLike, dtype: DType): void {
  if (dtype === "bool")
    throw new DTypeError(
      "pow: not supported for two bool operands; cast to int32 or a float dtype",
    );
  if (dtype === "int32" && typeof b === "number" && b < 0) {
    throw new ValueError(
      `pow: integers to negative integer powers are not allowed (exponent ${b}); use a float base`,
    );
  }
  void a;
}

/** `a + b` with broadcasting and PyTorch promotion (bool + bool is logical or). */
export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp("add", "add", a, b);
/** `a - b`. Two bools: DTypeError. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp("sub", "sub", a, b);
/** `a * b` (bool * bool is logical and). */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp("mul", "mul", a, b);
/** True division `a / b`: integer inputs give float32 (torch.div). x/0 is ±inf or NaN. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp("div", "div", a, b);
/** `a ** b` (C `pow`: pow(1, NaN) = 1, pow(x, 0) = 1, negative base with fractional exponent NaN). */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryOp("pow", "pow", a, b);
/** Elementwise maximum; NaN if either is NaN (torch.maximum). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("maximum", "max", a, b);
/** Elementwise minimum; NaN if either is NaN (torch.minimum). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("minimum", "min", a, b);
/** `a == b` as bool (NaN == NaN is false). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryOp("eq", "eq", a, b);
/** `a != b` as bool. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => binaryOp("ne", "ne", a, b);
/** `a < b` as bool. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryOp("lt", "lt", a, b);
/** `a <= b` as bool. */
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryOp("le", "le", a, b);
/** `a > b` as bool. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryOp("gt", "gt", a, b);
/** `a >= b` as bool. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryOp("ge", "ge", a, b);

/**
 * `cond ? a : b` elementwise, broadcasting all three. `cond` must be bool (DTypeError
 * otherwise); `a` and `b` are promoted together.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  backendOf("where", [cond]);
  if (cond.dtype !== "bool") {
    throw new DTypeError(
      `where: condition must be a bool tensor, got ${cond.dtype}; compare first, e.g. gt(x, 0)`,
    );
  }
  const dtype = resultDTypeOf([a, b], "where");
  const [out] = elementwise("where", [cond, a, b], dtype, ([c, x, y]) =>
    (c as Expr).where(x as Expr, y as Expr),
  ) as [Tensor];
  const inputs = [cond, a, b].filter((t): t is Tensor => typeof t === "object");
  recordOp("where", inputs, [out], {
    a: typeof a === "object" ? undefined : a,
    b: typeof b === "object" ? undefined : b,
  });
  return out;
}

/**
 * Clamps into `[min, max]` (either bound may be null/undefined, not both: ValueError). NaN
 * stays NaN; with min > max every element becomes max; a NaN max gives NaN, a NaN min is
 * ignored (torch.clamp). The result dtype
 * promotes with the bounds (an int32 tensor clamped to 0.5 gives float32).
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const hasMin = min !== null && min !== undefined;
  const hasMax = max !== null && max !== undefined;
  if (!hasMin && !hasMax)
    throw new ValueError("clamp: at least one of min and max must be a number");
  const bounds: Scalar[] = [...(hasMin ? [min] : []), ...(hasMax ? [max] : [])];
  const dtype = resultDTypeOf([x, ...bounds], "clamp");
  const [out] = elementwise(
    "clamp",
    [x, ...bounds],
    dtype,
    ([v, lo, hi]) => {
      let r = v as Expr;
      // max/min would let a NaN bound through; only x's NaN must propagate.
      // As torch: a NaN min changes nothing, a NaN max gives NaN everywhere.
      if (hasMin) r = r.lt(lo as Expr).where(lo as Expr, r);
      const upper = (hasMin ? hi : lo) as Expr;
      if (hasMax) r = r.gt(upper).or(upper.isnan()).where(upper, r);
      return r;
    },
    `clamp:${hasMin}:${hasMax}`,
  ) as [Tensor];
  recordOp("clamp", [x], [out], { min: hasMin ? min : undefined, max: hasMax ? max : undefined });
  return out;
}

/**
 * Converts to `dtype`: float -> int32 truncates toward zero, anything -> bool is `x != 0`
 * (NaN -> true), bool -> number gives 0 or 1. Always returns a new tensor.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType("cast", dtype);
  const [out] = elementwise("cast", [x], dtype, ([v]) => v as Expr, "cast") as [Tensor];
  recordOp("cast", [x], [out], { dtype });
  return out;
}
