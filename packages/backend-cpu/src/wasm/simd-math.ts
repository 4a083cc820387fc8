/**
 * Vectorised float32 math for the generated Wasm SIMD kernels (f32x4 lanes), with the JS path's
 * special values (NaN, ±Infinity, -0, overflow to Infinity, underflow through the denormals to
 * 0) and a few ulp of error against the correctly rounded result (measured in
 * test/wasm-elementwise.test.ts):
 *
 * - exp: Cody–Waite reduction by ln 2 (`x = n ln2 + r`, |r| <= ln2 / 2, the high part of ln 2
 *   exact in 9 bits) and Cephes' expf minimax polynomial for `e^r - 1`; `2^n` applied in two
 *   exact power-of-two multiplications, so an underflowing result is rounded once.
 * - expm1: the same `e^r - 1`, as `2^n (e^r - 1 + 1 - 2^-n)` (fdlibm's expm1 idea): one
 *   rounding of a sum instead of the cancellation of `exp(x) - 1`.
 * - log: exponent and mantissa from the bits (denormals scaled by 2^23 first), mantissa in
 *   [sqrt(1/2), sqrt(2)), Cephes' logf polynomial for `log(1 + f)`, `e ln2` added in two parts.
 * - log1p: `log(u) + (x - (u - 1)) / u` with `u = 1 + x` (the rounding error of `u`, corrected
 *   to first order: Goldberg / fdlibm).
 * - tanh: `-expm1(-2|x|) / (2 + expm1(-2|x|))` with x's sign put back (finite ±1 for large |x|).
 * - sin / cos: `x = q pi/2 + r` in float64 lanes (pi/2 in two parts, the first of 33 bits, so
 *   q · part is exact for |q| < 2^20: r to float64 accuracy even next to a multiple of pi/2), then
 *   Cephes' sinf / cosf polynomials on |r| <= pi/4 and the quadrant; |x| >= 1e6 (finite) is
 *   reported out of range (see `Body.outOfRange`).
 * - erf: the Maclaurin series for |x| < 1, above Abramowitz–Stegun 7.1.26 (1.5e-7 absolute,
 *   so a few ulp of results in [0.84, 1]), as the WebGPU backend's (which switches at 0.5).
 *
 * Each function emits code into a `Body`: it takes operands as code that pushes a v128 and
 * returns code that pushes the result, naming intermediate values as fresh v128 locals.
 */
import { op } from "./asm.js";

/** Code that pushes one v128. */
export type V = number[];

/** A function body under construction: its code and its v128 locals (numbered from `first`). */
export class Body {
  readonly code: number[] = [];
  count = 0;
  /**
   * Lane masks of arguments a function cannot take to within its stated accuracy (sin and cos
   * of |x| >= 1e6): the kernel reports them, and its launch reruns on the JS path.
   */
  readonly outOfRange: V[] = [];
  constructor(readonly first: number) {}

  /** Evaluates `v` once into a new local; returns the code that reads it. */
  let(v: V): V {
    const i = this.first + this.count++;
    this.code.push(...v, ...op.set(i));
    return op.get(i);
  }
}

const f = (x: number): V => op.f32x4Const(x);
const i = (n: number): V => op.i32x4Const(n);
const bin =
  (instr: number[]) =>
  (a: V, b: V): V => [...a, ...b, ...instr];
export const add = bin(op.f32x4Add);
export const sub = bin(op.f32x4Sub);
export const mul = bin(op.f32x4Mul);
export const div = bin(op.f32x4Div);
const min = bin(op.f32x4Min);
const max = bin(op.f32x4Max);
export const and = bin(op.v128And);
export const or = bin(op.v128Or);
const eq = bin(op.f32x4Eq);
const lt = bin(op.f32x4Lt);
const ge = bin(op.f32x4Ge);
const iadd = bin(op.i32x4Add);
const isub = bin(op.i32x4Sub);
/** `mask ? a : b`, lane by lane (mask lanes all ones or all zeros). */
export const select = (mask: V, a: V, b: V): V => [...a, ...b, ...mask, ...op.v128Bitselect];
const shl = (a: V, n: number): V => [...a, ...op.i32(n), ...op.i32x4Shl];
const shr = (a: V, n: number): V => [...a, ...op.i32(n), ...op.i32x4ShrS];

const LOG2E = Math.LOG2E;
// ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| < 2^15.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const SIGN = -0x80000000;
const INF = 0x7f800000;
const NAN = 0x7fc00000;

/** Horner's rule: c[0] x^(k-1) + ... + c[k-1], with x a local. */
function horner(x: V, c: readonly number[]): V {
  let p = f(c[0] as number);
  for (let k = 1; k < c.length; k++) p = add(mul(p, x), f(c[k] as number));
  return p;
}

/** 2^n for int32 lanes n in [-126, 127], from its bits. */
const pow2 = (n: V): V => shl(iadd(n, i(127)), 23);

/** v 2^n for int32 lanes n in [-252, 254]: two exact steps, so only the last one rounds. */
function scale(b: Body, v: V, n: V): V {
  const half = b.let(shr(n, 1));
  return mul(mul(v, pow2(half)), pow2(isub(n, half)));
}

/**
 * `x = n ln2 + r` with x clamped to [lo, hi] (NaN stays NaN): returns `e^r - 1` (Cephes expf's
 * polynomial, |r| <= ln2 / 2) and n as int32 lanes and as float32 lanes.
 */
function expReduce(b: Body, x: V, lo: number, hi: number) {
  const xc = b.let(max(min(x, f(hi)), f(lo)));
  const nf = b.let([...mul(xc, f(LOG2E)), ...op.f32x4Nearest]);
  const r = b.let(sub(sub(xc, mul(nf, f(LN2_HI))), mul(nf, f(LN2_LO))));
  const z = b.let(mul(r, r));
  const p = horner(
    r,
    [
      1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
      5.0000001201e-1,
    ],
  );
  const em1 = b.let(add(mul(p, z), r));
  const n = b.let([...nf, ...op.i32x4TruncSatF32x4S]);
  return { em1, n, nf };
}

/** e^x. Overflow gives Infinity, underflow goes through the denormals to 0. */
export function exp(b: Body, x: V): V {
  // Below -110 the result is 0 and above 100 Infinity; the clamp keeps n within `scale`'s range.
  const { em1, n } = expReduce(b, x, -110, 100);
  return scale(b, add(em1, f(1)), n);
}

/** e^x - 1, accurate relative to the result for small |x|; -0 stays -0. */
export function expm1(b: Body, x: V): V {
  const xv = b.let(x);
  // Below -20 the result rounds to -1; n stays in [-29, 145].
  const { em1, n, nf } = expReduce(b, xv, -20, 100);
  // 1 - 2^-n is exact for n <= 24; above, 2^-n is below the sum's rounding (and under 2^-126).
  const negN = [...min(nf, f(30)), ...op.f32x4Neg, ...op.i32x4TruncSatF32x4S];
  const y = scale(b, add(em1, sub(f(1), pow2(negN))), n);
  return select(eq(xv, f(0)), xv, y);
}

/** Natural log: log(±0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity. */
export function log(b: Body, x: V): V {
  const xv = b.let(x);
  // Denormals (and the zero and negative lanes, fixed below) are scaled into the normal range.
  const den = b.let(lt(xv, f(1.1754943508222875e-38)));
  const xs = b.let(select(den, mul(xv, f(8388608)), xv));
  const e0 = isub(isub(shr(xs, 23), i(126)), and(den, i(23)));
  const m = b.let(or(and(xs, i(0x007fffff)), i(0x3f000000))); // in [0.5, 1)
  const small = b.let(lt(m, f(Math.SQRT1_2)));
  // f = m - 1, or 2m - 1 with e - 1 below sqrt(1/2): both exact; f in [-0.293, 0.414].
  const fr = b.let(sub(select(small, add(m, m), m), f(1)));
  const fe = b.let([...iadd(e0, small), ...op.f32x4ConvertI32x4S]);
  const z = b.let(mul(fr, fr));
  const p = horner(
    fr,
    [
      7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
      -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ],
  );
  let y = mul(mul(p, fr), z);
  y = add(add(y, mul(fe, f(LN2_LO))), mul(z, f(-0.5)));
  const r = add(add(fr, y), mul(fe, f(LN2_HI)));
  const special = select(eq(xv, f(0)), i(0xff800000 | 0), select(eq(xv, i(INF)), xv, r));
  return select(ge(xv, f(0)), special, i(NAN));
}

/** log(1 + x), accurate relative to the result for small |x|; -0 stays -0. */
export function log1p(b: Body, x: V): V {
  const xv = b.let(x);
  const u = b.let(add(xv, f(1)));
  const corr = b.let(div(sub(xv, sub(u, f(1))), u));
  // The correction is NaN only where u is 0 or infinite, where log(u) alone is the answer.
  const y = add(log(b, u), and(corr, eq(corr, corr)));
  return select(eq(xv, f(0)), xv, y);
}

/** Hyperbolic tangent; ±1 for large |x|, -0 stays -0. */
export function tanh(b: Body, x: V): V {
  const xv = b.let(x);
  const e = b.let(expm1(b, mul([...xv, ...op.f32x4Abs], f(-2))));
  const t = div([...e, ...op.f32x4Neg], add(f(2), e));
  return or(t, and(xv, i(SIGN)));
}

// erf(x) = 2/sqrt(pi) x sum_n (-x^2)^n / (n! (2n + 1)) (A&S 7.1.5), highest power first: 12
// terms leave under 1e-10 for x^2 < 1; the alternating terms stay below 1/3 of the sum there.
const ERF_SERIES_BELOW = 1;
const ERF_SERIES = Array.from({ length: 12 }, (_, k) => {
  const n = 11 - k;
  let factorial = 1;
  for (let j = 2; j <= n; j++) factorial *= j;
  return (n % 2 ? -1 : 1) / (factorial * (2 * n + 1));
});

/** The error function; ±1 for large |x|, -0 stays -0. */
export function erf(b: Body, x: V): V {
  const xv = b.let(x);
  const a = b.let([...xv, ...op.f32x4Abs]);
  const z = b.let(mul(xv, xv));
  const small = mul(mul(f(1.1283791670955126), xv), horner(z, ERF_SERIES));
  const t = b.let(div(f(1), add(f(1), mul(f(0.3275911), a))));
  const poly = mul(
    horner(t, [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592]),
    t,
  );
  const large = sub(f(1), mul(poly, exp(b, [...z, ...op.f32x4Neg])));
  return select(lt(a, f(ERF_SERIES_BELOW)), small, or(large, and(xv, i(SIGN))));
}

const TWO_OVER_PI = 2 / Math.PI;
// pi/2 = PIO2_HI + PIO2_LO: PIO2_HI with 32 fraction bits; PIO2_LO adds back what the double
// Math.PI / 2 drops (pi/2 - Math.PI/2 = 6.123233995736766e-17).
const PIO2_HI = Math.round((Math.PI / 2) * 2 ** 32) / 2 ** 32;
const PIO2_LO = Math.PI / 2 - PIO2_HI + 6.123233995736766e-17;
const SINCOS_LIMIT = 1e6;
const d = (x: number): V => op.f64x2Const(x);
const dmul = bin(op.f64x2Mul);
const dsub = bin(op.f64x2Sub);
/** Lanes 0-1 of a, then lanes 0-1 of b (as float32 lanes). */
const lowHalves = (a: V, b: V): V => [
  ...a,
  ...b,
  ...op.i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]),
];

/** sin(x) and cos(x) (code for each; both share the reduction). */
export function sincos(b: Body, x: V): { sin: V; cos: V } {
  const xv = b.let(x);
  const a = [...xv, ...op.f32x4Abs];
  b.outOfRange.push(b.let(and(ge(a, f(SINCOS_LIMIT)), lt(a, i(INF)))));
  const half = (lanes: V) => {
    const xd = b.let([...lanes, ...op.f64x2PromoteLowF32x4]);
    const qd = b.let([...dmul(xd, d(TWO_OVER_PI)), ...op.f64x2Nearest]);
    const rd = dsub(dsub(xd, dmul(qd, d(PIO2_HI))), dmul(qd, d(PIO2_LO)));
    return { r: [...rd, ...op.f32x4DemoteF64x2Zero], q: [...qd, ...op.f32x4DemoteF64x2Zero] };
  };
  const lo = half(xv);
  const hi = half([
    ...xv,
    ...xv,
    ...op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
  ]);
  const r = b.let(lowHalves(lo.r, hi.r));
  const n = b.let([...lowHalves(lo.q, hi.q), ...op.i32x4TruncSatF32x4S]);
  const z = b.let(mul(r, r));
  const s = b.let(
    add(r, mul(mul(r, z), horner(z, [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]))),
  );
  const c = b.let(
    add(
      sub(f(1), mul(f(0.5), z)),
      mul(
        mul(z, z),
        horner(z, [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]),
      ),
    ),
  );
  const odd = b.let(shr(shl(n, 31), 31));
  // Quadrant n: sin = s, c, -s, -c and cos = c, -s, -c, s; bit 1 of n (of n + 1) is sin's (cos's) sign.
  const sign = (k: V) => and(shl(k, 30), i(SIGN));
  const sin = [...select(odd, c, s), ...sign(n), ...op.v128Xor];
  const cos = [...select(odd, s, c), ...sign(iadd(n, i(1))), ...op.v128Xor];
  return { sin: select(eq(xv, f(0)), xv, sin), cos };
}
