/**
 * Scalar math the JS runtime lacks or defines differently from C (and so from PyTorch):
 * erf, C's pow, integer pow, and round-half-to-even. All act on doubles.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * The error function, to about 1 ulp in double: for |x| < 3 the all-positive series
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)) (Abramowitz & Stegun 7.1.6),
 * else 1 - erfc(x) with erfc from its continued fraction (A&S 7.1.14), evaluated by Lentz's method.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcLarge(ax);
  return x > 0 ? r : -r;
}

/** erfc(x) for x >= 3: e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / f;
}

/** C99 `pow`: like Math.pow except pow(1, y) = 1 and pow(x, ±0) = 1 for every y/x (NaN too), pow(-1, ±inf) = 1. */
export function powC(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

/** Integer power with int32 wrap-around; a negative exponent truncates 1/a^|b| toward zero. */
export function ipow(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return r;
}

/** Round half to even (torch.round, IEEE roundTiesToEven): 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** float -> int32 as x86 converts (truncation; NaN and out-of-range give INT32_MIN). */
export function toInt32(x: number): number {
  return x >= -2147483648 && x < 2147483648 ? x | 0 : -2147483648;
}
