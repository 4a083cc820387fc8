/**
 * Numerically stable scalar expressions the activations share. Every constant takes the dtype
 * of the expression it meets (a float64 kernel never sees a float32-rounded constant), and each
 * helper lets NaN through.
 */
import { constant, type Expr } from "@nn/tensor";

/** The constant `v` in `like`'s dtype. */
export function k(v: number, like: Expr): Expr {
  return constant(v, like.dtype);
}

/**
 * `-|x|` written as `x >= 0 ? -x : x`: the same value, but each side is a smooth function of x,
 * so a symbolic derivative takes the side the value came from (-1 at 0) instead of abs'(0) = 0.
 * The stable forms below use it: built on `abs`, their second derivatives (and so gradients of
 * gradients) came out 0 at x = 0, where σ'(0) = 1/4.
 */
export function negAbsOf(x: Expr): Expr {
  return x.ge(0).where(x.neg(), x);
}

/**
 * The logistic sigmoid `1 / (1 + e^-x)` without overflow: with `z = e^-|x|`, `1 / (1 + z)` for
 * x >= 0 and `z / (1 + z)` below (exactly 0 and 1 at -inf and +inf, NaN for NaN).
 */
export function sigmoidOf(x: Expr): Expr {
  const z = negAbsOf(x).exp();
  const d = z.add(1);
  return x.ge(0).where(k(1, x).div(d), z.div(d));
}

/**
 * `log(1 + e^u)` without overflow: `max(u, 0) + log1p(e^-|u|)`, the max taken as `u >= 0 ? u : 0`
 * so that its derivative is that of the side used (1 at 0, not a tie's 1/2).
 */
export function softplusOf(u: Expr): Expr {
  return u.ge(0).where(u, k(0, u)).add(negAbsOf(u).exp().log1p());
}

/** `u` clamped into `[lo, hi]`; NaN stays NaN (unlike a max/min pair on some backends). */
export function clampOf(u: Expr, lo: Expr | number, hi: Expr | number): Expr {
  const l = typeof lo === "number" ? k(lo, u) : lo;
  const h = typeof hi === "number" ? k(hi, u) : hi;
  return u.lt(l).where(l, u.gt(h).where(h, u));
}

/** 1 where `lo < x < hi`, else 0 (the derivative of a clamp, as PyTorch's hardtanh_backward). */
export function insideOf(x: Expr, lo: Expr | number, hi: Expr | number): Expr {
  return x.gt(lo).logicalAnd(x.lt(hi)).where(k(1, x), k(0, x));
}
