/**
 * Scalar math for the generated WGSL, with the CPU backend's semantics and float32 accuracy that
 * does not depend on the driver (WGSL lets builtins such as sin, exp and log be as loose as
 * 2^-11 absolute, and lets them drop NaN/inf). Each helper names the ones it calls; `mathWgsl`
 * emits a set of helpers with their dependencies, in dependency order.
 *
 * - exp: Cody–Waite reduction by ln 2 and Cephes' expf polynomial; ±1 ulp-ish.
 * - log: frexp to [sqrt(1/2), sqrt(2)), then 2 atanh(f / (2 + f)) as a short odd series.
 * - expm1 / log1p: series near 0 (relative accuracy for tiny x), exp / log elsewhere.
 * - tanh: -expm1(-2|x|) / (2 + expm1(-2|x|)) with the sign put back: finite ±1 for large |x|.
 * - erf: Maclaurin series for |x| < 0.5, Abramowitz–Stegun 7.1.26 (1.5e-7 absolute) above.
 * - sin / cos: reduction by pi/2 in three parts (Cody–Waite) and Cephes' sinf/cosf polynomials;
 *   accurate for |x| up to about 1e4.
 * - pow: C semantics (pow(1, y) = pow(x, 0) = 1, negative base only with integer exponents),
 *   repeated squaring for integer exponents up to 64, exp(y log|x|) otherwise.
 * - atan2: C semantics at zeros and infinities; atan of min/max of |y|, |x| in [0, 1] by Cephes'
 *   atanf (above tan(pi/8) through atan(t) = pi/4 + atan((t - 1) / (t + 1))), then the octant.
 *   Within 2 ulps.
 * - fmod: exact, as C's: long division of |x| by |y| * 2^k for k down to 0, each step a
 *   subtraction of two numbers within a factor 2 of each other (exact by Sterbenz' lemma).
 *   WGSL's own % on f32 is x - y * trunc(x / y), which is not exact.
 */

interface Helper {
  deps: readonly string[];
  code: string;
}

const H: Record<string, Helper> = {
  bits: {
    deps: [],
    // A runtime value, so NaN / inf bit patterns are not rejected as constant expressions.
    code: "fn nn_bits(b: u32) -> f32 { var v = b; return bitcast<f32>(v); }",
  },
  isnan: {
    deps: [],
    code: "fn nn_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }",
  },
  isfinite: {
    deps: [],
    code: "fn nn_isfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }",
  },
  sign: {
    deps: [],
    code: "fn nn_sign(x: f32) -> f32 { return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0); }",
  },
  max: {
    deps: ["isnan", "bits"],
    code: `fn nn_max(a: f32, b: f32) -> f32 {
  if (nn_isnan(a) || nn_isnan(b)) { return nn_bits(0x7fc00000u); }
  return select(a, b, b > a);
}`,
  },
  min: {
    deps: ["isnan", "bits"],
    code: `fn nn_min(a: f32, b: f32) -> f32 {
  if (nn_isnan(a) || nn_isnan(b)) { return nn_bits(0x7fc00000u); }
  return select(a, b, b < a);
}`,
  },
  f2i: {
    deps: [],
    // float -> int32 as the CPU backend (x86): truncation; NaN and out of range give INT32_MIN.
    code: `fn nn_f2i(x: f32) -> i32 {
  if (x >= -2147483648.0 && x < 2147483648.0) { return i32(x); }
  return -2147483647i - 1i;
}`,
  },
  ldexp: {
    deps: [],
    // Two steps keep each exponent within the range WGSL defines ldexp for.
    code: `fn nn_ldexp(x: f32, n: i32) -> f32 {
  let h = n / 2i;
  return ldexp(ldexp(x, h), n - h);
}`,
  },
  exp: {
    deps: ["isnan", "bits", "ldexp"],
    code: `fn nn_exp(x: f32) -> f32 {
  if (nn_isnan(x)) { return x; }
  if (x > 88.72283935546875) { return nn_bits(0x7f800000u); }
  if (x < -103.97208404541015625) { return 0.0; }
  let n = floor(x * 1.44269504088896341 + 0.5);
  var r = x - n * 0.693359375;
  r = r - n * -2.12194440e-4;
  let z = r * r;
  let p = (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r
    + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1) * z + r + 1.0;
  return nn_ldexp(p, i32(n));
}`,
  },
  log1p_series: {
    deps: [],
    // log(1 + f) = 2 atanh(s), s = f / (2 + f); for f in [-0.3, 0.42], |s| <= 0.18.
    code: `fn nn_log1p_series(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  let p = 1.0 + z * (0.333333333333 + z * (0.2 + z * (0.142857142857 + z * (0.111111111111
    + z * (0.0909090909091 + z * 0.0769230769231)))));
  return 2.0 * s * p;
}`,
  },
  log: {
    deps: ["isfinite", "isnan", "bits", "log1p_series"],
    code: `fn nn_log(x: f32) -> f32 {
  if (nn_isnan(x) || x < 0.0) { return nn_bits(0x7fc00000u); }
  if (x == 0.0) { return nn_bits(0xff800000u); }
  if (!nn_isfinite(x)) { return x; }
  let fe = frexp(x);
  var m = fe.fract;
  var e = f32(fe.exp);
  if (m < 0.70710678118654752) { m = m * 2.0; e = e - 1.0; }
  return (nn_log1p_series(m - 1.0) + e * -2.12194440e-4) + e * 0.693359375;
}`,
  },
  log1p: {
    deps: ["log", "log1p_series"],
    code: `fn nn_log1p(x: f32) -> f32 {
  if (abs(x) < 0.29) { return nn_log1p_series(x); }
  return nn_log(1.0 + x);
}`,
  },
  expm1: {
    deps: ["exp"],
    code: `fn nn_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    var p = 1.0 + x * (1.0 / 10.0);
    p = 1.0 + x * (1.0 / 9.0) * p;
    p = 1.0 + x * (1.0 / 8.0) * p;
    p = 1.0 + x * (1.0 / 7.0) * p;
    p = 1.0 + x * (1.0 / 6.0) * p;
    p = 1.0 + x * (1.0 / 5.0) * p;
    p = 1.0 + x * (1.0 / 4.0) * p;
    p = 1.0 + x * (1.0 / 3.0) * p;
    p = 1.0 + x * 0.5 * p;
    return x * p;
  }
  return nn_exp(x) - 1.0;
}`,
  },
  tanh: {
    deps: ["expm1", "isnan"],
    code: `fn nn_tanh(x: f32) -> f32 {
  if (nn_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 9.0) { return select(1.0, -1.0, x < 0.0); }
  let e = nn_expm1(-2.0 * a);
  let t = -e / (2.0 + e);
  return select(t, -t, x < 0.0);
}`,
  },
  erf: {
    deps: ["exp", "isnan"],
    code: `fn nn_erf(x: f32) -> f32 {
  if (nn_isnan(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    let p = 1.0 + z * (-0.333333333333 + z * (0.1 + z * (-0.0238095238095 + z * (0.00462962962963
      + z * (-7.57575757576e-4 + z * 1.06837606838e-4)))));
    return 1.12837916709551257 * x * p;
  }
  if (a >= 4.0) { return select(1.0, -1.0, x < 0.0); }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
    + 0.254829592) * t;
  let y = 1.0 - poly * nn_exp(-a * a);
  return select(y, -y, x < 0.0);
}`,
  },
  sincos_poly: {
    deps: [],
    // (sin r, cos r) for |r| <= pi/4 (Cephes sinf / cosf).
    code: `fn nn_sincos_poly(r: f32) -> vec2<f32> {
  let z = r * r;
  let s = r + r * z * ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1);
  let c = 1.0 - 0.5 * z + z * z * ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z
    + 4.166664568298827e-2);
  return vec2<f32>(s, c);
}`,
  },
  sincos: {
    deps: ["sincos_poly", "isfinite", "bits"],
    code: `fn nn_sincos(x: f32) -> vec2<f32> {
  if (!nn_isfinite(x)) { let n = nn_bits(0x7fc00000u); return vec2<f32>(n, n); }
  let q = round(x * 0.636619772367581343);
  let r = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
  let sc = nn_sincos_poly(r);
  switch (i32(q) & 3i) {
    case 0i: { return sc; }
    case 1i: { return vec2<f32>(sc.y, -sc.x); }
    case 2i: { return -sc; }
    default: { return vec2<f32>(-sc.y, sc.x); }
  }
}`,
  },
  pow: {
    deps: ["isnan", "bits", "exp", "log"],
    code: `fn nn_pow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (nn_isnan(a) || nn_isnan(b)) { return nn_bits(0x7fc00000u); }
  let inf = nn_bits(0x7f800000u);
  let ab = abs(a);
  if (abs(b) == inf) {
    if (ab == 1.0) { return 1.0; }
    return select(0.0, inf, (ab > 1.0) == (b > 0.0));
  }
  let isInt = floor(b) == b;
  let odd = isInt && floor(b * 0.5) != b * 0.5;
  if (isInt && abs(b) <= 64.0) {
    var e = u32(abs(b));
    var base = a;
    var r = 1.0;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    return select(r, 1.0 / r, b < 0.0);
  }
  if (ab == 0.0) {
    let mag = select(inf, 0.0, b > 0.0);
    return select(mag, select(mag, -mag, a < 0.0 || (a == 0.0 && (bitcast<u32>(a) >> 31u) == 1u)), odd);
  }
  if (ab == inf) {
    let mag = select(0.0, inf, b > 0.0);
    return select(mag, -mag, a < 0.0 && odd);
  }
  if (a < 0.0 && !isInt) { return nn_bits(0x7fc00000u); }
  let r = nn_exp(b * nn_log(ab));
  return select(r, -r, a < 0.0 && odd);
}`,
  },
  atan_ratio: {
    deps: [],
    // atan(s / b) for 0 <= s <= b (Cephes atanf); above tan(pi/8) by pi/4 + atan((s - b) / (s + b)),
    // from s and b rather than the rounded ratio (scaled down first, so that s + b is finite).
    code: `fn nn_atan_ratio(s0: f32, b0: f32) -> f32 {
  var s = s0;
  var b = b0;
  if (b > 1.0e38) { s = s * 0.25; b = b * 0.25; }
  var x = s / b;
  var base = 0.0;
  if (s > 0.41421356237309505 * b) {
    x = (s - b) / (s + b);
    base = 0.78539816339744831;
  }
  let z = x * x;
  return base + ((((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z
    - 3.33329491539e-1) * z * x + x);
}`,
  },
  atan2: {
    deps: ["atan_ratio", "isnan", "bits"],
    code: `fn nn_atan2(y: f32, x: f32) -> f32 {
  if (nn_isnan(x) || nn_isnan(y)) { return nn_bits(0x7fc00000u); }
  let inf = nn_bits(0x7f800000u);
  let ay = abs(y);
  let ax = abs(x);
  let xneg = (bitcast<u32>(x) >> 31u) == 1u;
  var r: f32;
  if (ay == 0.0 || (ax == inf && ay != inf)) {
    r = select(0.0, 3.14159265358979324, xneg);
  } else if (ax == 0.0 || (ay == inf && ax != inf)) {
    r = 1.57079632679489662;
  } else if (ax == inf) {
    r = select(0.78539816339744831, 2.35619449019234492, xneg);
  } else {
    var a = nn_atan_ratio(min(ax, ay), max(ax, ay));
    if (ay > ax) { a = 1.57079632679489662 - a; }
    r = select(a, 3.14159265358979324 - a, xneg);
  }
  return select(r, -r, (bitcast<u32>(y) >> 31u) == 1u);
}`,
  },
  fmod: {
    deps: ["isnan", "isfinite", "bits", "ldexp"],
    code: `fn nn_fmod(a: f32, b: f32) -> f32 {
  let ax = abs(a);
  let ab = abs(b);
  if (nn_isnan(a) || nn_isnan(b) || !nn_isfinite(a) || ab == 0.0) { return nn_bits(0x7fc00000u); }
  if (ax < ab) { return a; }
  let k = frexp(ax).exp - frexp(ab).exp;
  var d = nn_ldexp(ab, k);
  var r = ax;
  for (var i = k; i >= 0i; i = i - 1i) {
    if (r >= d) { r = r - d; }
    d = d * 0.5;
  }
  return select(r, -r, a < 0.0);
}`,
  },
  ipow: {
    deps: [],
    // Integer power with wrap-around; a negative exponent truncates 1 / a^|b| toward zero.
    code: `fn nn_ipow(a: i32, b: i32) -> i32 {
  if (b < 0i) {
    if (a == 1i) { return 1i; }
    if (a == -1i) { return select(1i, -1i, (b & 1i) == 1i); }
    return 0i;
  }
  var r = 1i;
  var base = a;
  var e = u32(b);
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}`,
  },
};

/** The WGSL of `names` and everything they call, each once, callees first. */
export function mathWgsl(names: Iterable<string>): string {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    done.add(name);
    const h = H[name];
    if (!h) throw new Error(`webgpu: unknown WGSL helper ${name}`);
    for (const d of h.deps) visit(d);
    out.push(h.code);
  };
  for (const n of names) visit(n);
  return out.join("\n");
}
