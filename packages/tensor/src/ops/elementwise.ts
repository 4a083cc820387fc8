import { checkDType, type DType } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import type { Expr } from "../expr.js";
import type { Tensor } from "../tensor.js";
import { binaryFn, scalarsOf, unaryFn } from "./table-fns.js";
import { backendOf, elementwise, resultDTypeOf, type Scalar, type TensorLike } from "./util.js";

// The functions of the op table's rows. Each is one kernel (a row's forward expression) with the
// row's dtype rules, recorded for autograd under the row's name.

/** `-x`. Any dtype but bool (DTypeError). */
export const neg = unaryFn("neg");
/** `|x|`. Any dtype but bool. */
export const abs = unaryFn("abs");
/** -1, 0 or 1 by the sign of x (0 for ±0 and for NaN, as torch.sign); bool stays bool. */
export const sign = unaryFn("sign");
/** `e^x`. Int/bool inputs give float32. */
export const exp = unaryFn("exp");
/** `e^x - 1`, accurate near 0. */
export const expm1 = unaryFn("expm1");
/** Natural log (NaN below 0, -inf at 0). */
export const log = unaryFn("log");
/** `log(1 + x)`, accurate near 0. */
export const log1p = unaryFn("log1p");
/** Square root (NaN below 0). */
export const sqrt = unaryFn("sqrt");
/** `1 / sqrt(x)`. */
export const rsqrt = unaryFn("rsqrt");
/** Sine (radians). */
export const sin = unaryFn("sin");
/** Cosine (radians). */
export const cos = unaryFn("cos");
/** Hyperbolic tangent, in (-1, 1); exact ±1 in float32 for |x| > 9. */
export const tanh = unaryFn("tanh");
/** The error function `2/sqrt(pi) * int_0^x e^{-t^2} dt` (fdlibm's rational approximations). */
export const erf = unaryFn("erf");
/** Round toward -inf. Integer inputs are returned unchanged (as a copy). */
export const floor = unaryFn("floor");
/** Round toward +inf. */
export const ceil = unaryFn("ceil");
/** Round half to even (torch.round), e.g. 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export const round = unaryFn("round");
/** True where x is NaN, as bool (false everywhere for int and bool tensors). */
export const isnan = unaryFn("isnan");
/** `x == 0` as bool: logical not, reading any nonzero (NaN included) as true (torch.logical_not). */
export const logicalNot = unaryFn("logicalNot");
/** Tangent (radians), `sin(x) / cos(x)`; NaN at ±inf; int/bool give float32 (torch.tan). */
export const tan = unaryFn("tan");
/**
 * Arcsine in [-pi/2, pi/2], `atan2(x, sqrt((1 - x)(1 + x)))`: ±pi/2 at ±1, NaN outside [-1, 1],
 * asin(-0) = -0; int/bool give float32 (torch.asin).
 */
export const asin = unaryFn("asin");
/** Arccosine in [0, pi], `atan2(sqrt((1 - x)(1 + x)), x)`: 0 at 1, pi at -1, NaN outside [-1, 1] (torch.acos). */
export const acos = unaryFn("acos");
/** Arctangent in (-pi/2, pi/2), `atan2(x, 1)`: ±pi/2 at ±inf, atan(-0) = -0 (torch.atan). */
export const atan = unaryFn("atan");
/**
 * Hyperbolic sine, through expm1 below |x| = 1 (accurate near 0) and `e^(x/2)^2 / 2 - e^(-x/2)^2 / 2`
 * above, finite wherever the result is (float32 sinh(89) = 2.24e38); sinh(-0) = -0 (torch.sinh).
 */
export const sinh = unaryFn("sinh");
/** Hyperbolic cosine, `e^(x/2)^2 / 2 + e^(-x/2)^2 / 2`: finite wherever the result is, >= 1 (torch.cosh). */
export const cosh = unaryFn("cosh");
/**
 * Inverse hyperbolic sine, `log1p(|x| + x^2 / (1 + sqrt(1 + x^2)))` with x's sign (glibc's
 * formula: accurate near 0, `log(2|x|)` above 2^28); ±inf at ±inf (torch.asinh).
 */
export const asinh = unaryFn("asinh");
/**
 * Inverse hyperbolic cosine, `log1p(t + sqrt(t (t + 2)))` with t = x - 1 (accurate near 1,
 * `log(2x)` above 2^28): 0 at 1, NaN below 1, inf at inf (torch.acosh).
 */
export const acosh = unaryFn("acosh");
/**
 * Inverse hyperbolic tangent, `log1p(2|x| / (1 - |x|)) / 2` with x's sign: ±inf at ±1, NaN
 * outside [-1, 1] (torch.atanh).
 */
export const atanh = unaryFn("atanh");
/** Base-2 log, `log(x) / ln 2`: -inf at 0, NaN below 0; int/bool give float32 (torch.log2). */
export const log2 = unaryFn("log2");
/** Base-10 log, `log(x) / ln 10`: -inf at 0, NaN below 0 (torch.log10). */
export const log10 = unaryFn("log10");
/** `2^x` (C's pow(2, x): exact at integers), 0 at -inf, inf at inf; int/bool give float32 (torch.exp2). */
export const exp2 = unaryFn("exp2");
/**
 * Rounds toward zero (trunc(-0.5) = -0; ±inf and NaN kept). Integers are returned unchanged (as
 * a copy); bool: DTypeError (torch.trunc).
 */
export const trunc = unaryFn("trunc");
/**
 * Fractional part `x - trunc(x)`, with x's sign (frac(-2.75) = -0.75); NaN at ±inf. Float
 * tensors only, as torch.frac (DTypeError for int32 and bool).
 */
export const frac = unaryFn("frac");
/** `1 / x`: ±inf at ±0, ±0 at ±inf; int/bool give float32 (torch.reciprocal). */
export const reciprocal = unaryFn("reciprocal");
/** `x * x`. Ints stay int32; bool gives int32 (torch.square, as pow(x, 2), gives int64). */
export const square = unaryFn("square");

/** `a + b` with broadcasting and PyTorch promotion (bool + bool is logical or). */
export const add = binaryFn("add");
/** `a - b`. A bool operand: DTypeError. */
export const sub = binaryFn("sub");
/** `a * b` (bool * bool is logical and). */
export const mul = binaryFn("mul");
/** True division `a / b`: integer inputs give float32 (torch.div). x/0 is ±inf or NaN. */
export const div = binaryFn("div");
/** `a ** b` (C `pow`: pow(1, NaN) = 1, pow(x, 0) = 1, negative base with fractional exponent NaN). */
export const pow = binaryFn("pow");
/** Elementwise maximum; NaN if either is NaN (torch.maximum). */
export const maximum = binaryFn("maximum");
/** Elementwise minimum; NaN if either is NaN (torch.minimum). */
export const minimum = binaryFn("minimum");
/** `a == b` as bool (NaN == NaN is false). */
export const eq = binaryFn("eq");
/** `a != b` as bool. */
export const ne = binaryFn("ne");
/** `a < b` as bool. */
export const lt = binaryFn("lt");
/** `a <= b` as bool. */
export const le = binaryFn("le");
/** `a > b` as bool. */
export const gt = binaryFn("gt");
/** `a >= b` as bool. */
export const ge = binaryFn("ge");
/** Logical and of the operands read as bool (nonzero, NaN included, is true), as bool. */
export const logicalAnd = binaryFn("logicalAnd");
/** Logical or of the operands read as bool, as bool. */
export const logicalOr = binaryFn("logicalOr");
/**
 * The angle of the point (b, a) in radians, in [-pi, pi] (C's atan2(a, b): atan2(±0, +0) = ±0,
 * atan2(±0, -0) = ±pi, atan2(±inf, ±inf) = ±pi/4 or ±3pi/4; NaN if either is NaN). Int and bool
 * operands give float32 (torch.atan2).
 */
export const atan2 = binaryFn("atan2");
/**
 * C's fmod: `a - trunc(a / b) * b`, computed exactly, with the sign of the dividend `a`
 * (fmod(-5, 3) = -2, fmod(-0, 3) = -0); fmod(x, 0), fmod(±inf, y) and NaN operands give NaN,
 * fmod(x, ±inf) = x (torch.fmod). Integers stay integers; an integer divisor of 0 gives 0 (torch
 * raises ZeroDivisionError, which a kernel cannot); bool operands: DTypeError.
 */
export const fmod = binaryFn("fmod");
/**
 * Python's modulo: `a - floor(a / b) * b` with the sign of the divisor `b`, as fmod(a, b) + b
 * where that is nonzero and its sign differs from b's (remainder(-5, 3) = 1,
 * remainder(5, -inf) = -inf, remainder(-0, 3) = -0); NaN for b = 0 or a = ±inf. Integers stay
 * integers (a divisor of 0 gives 0, where torch raises); bool operands: DTypeError (torch.remainder).
 */
export const remainder = binaryFn("remainder");
/**
 * `|a|` with the sign bit of `b` (copysign(1, -0) = -1, copysign(x, NaN) = |x| for the NaNs nn
 * makes from numbers). Int and bool operands give float32 (torch.copysign).
 */
export const copysign = binaryFn("copysign");
/**
 * `sqrt(a^2 + b^2)` without overflow or underflow in between (max * sqrt(1 + (min/max)^2)):
 * inf if either is ±inf, even with a NaN; hypot(0, 0) = 0. Float operands only, as
 * torch.hypot (DTypeError for int32 and bool).
 */
export const hypot = binaryFn("hypot");
/**
 * `log(exp(a) + exp(b))` as `max(a, b) + log1p(exp(-|a - b|))`, which never overflows;
 * logaddexp(-inf, -inf) = -inf, logaddexp(inf, inf) = inf. Float operands only (torch.logaddexp).
 */
export const logaddexp = binaryFn("logaddexp");
/**
 * `a * log(b)`, 0 where a == 0 (even where log b is -inf or NaN) unless b is NaN, which gives
 * NaN (xlogy(0, 0) = 0, xlogy(0, nan) = nan). Int and bool operands give float32 (torch.xlogy).
 */
export const xlogy = binaryFn("xlogy");

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
  return elementwise(
    "where",
    [cond, a, b],
    dtype,
    ([c, x, y]) => (c as Expr).where(x as Expr, y as Expr),
    { attrs: scalarsOf(a, b) },
  );
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
  return elementwise(
    "clamp",
    [x, ...bounds],
    dtype,
    ([v, lo, hi]) => {
      let r = v as Expr;
      // max/min would let a NaN bound through; only x's NaN must propagate.
      // As torch: a NaN min changes nothing, a NaN max gives NaN everywhere.
      if (hasMin) r = r.lt(lo as Expr).where(lo as Expr, r);
      const upper = (hasMin ? hi : lo) as Expr;
      if (hasMax) r = r.gt(upper).logicalOr(upper.isnan()).where(upper, r);
      return r;
    },
    {
      key: `clamp:${hasMin}:${hasMax}`,
      attrs: { min: hasMin ? min : undefined, max: hasMax ? max : undefined },
    },
  );
}

/**
 * Converts to `dtype`: float -> int32 truncates toward zero, anything -> bool is `x != 0`
 * (NaN -> true), bool -> number gives 0 or 1. Always returns a new tensor.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType("cast", dtype);
  return elementwise("cast", [x], dtype, ([v]) => v as Expr, { attrs: { dtype } });
}
