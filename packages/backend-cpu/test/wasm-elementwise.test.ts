// The Wasm SIMD elementwise kernels against the JS path (`cpu({ wasm: false })`, which rounds
// the double result of Math.exp & co. to float32, so is all but correctly rounded): the
// vectorised transcendental functions within a stated number of ulp over special values,
// their edges and every exponent, the rest bit-identical; each operand layout; the Wasm path
// taken (and compiled once) where it should be, and not elsewhere.
import { type Expr, input, type Kernel, kernel, param, type View } from "@nn/tensor";
import { describe, expect, it } from "vitest";
import { CpuBackend, cpu } from "../src/index.js";
import { WASM_MIN_ELEMENTS } from "../src/wasm/elementwise.js";

function view(buffer: ArrayLike<number>, shape: number[], strides?: number[], offset = 0): View {
  const s =
    strides ?? shape.map((_, d) => shape.slice(d + 1).reduce((a: number, b: number) => a * b, 1));
  const dtype =
    buffer instanceof Float64Array ? "float64" : buffer instanceof Uint8Array ? "bool" : "float32";
  return { buffer: buffer as View["buffer"], dtype, shape, strides: s, offset };
}

const wasm = cpu();
wasm.compiler.wasmMinElements = 0; // every launch it can run goes to Wasm
const js = cpu({ wasm: false });

/** Runs a one-output kernel on both backends; returns [wasm, js] results. */
function both(
  k: Kernel,
  inputs: (shape: number[]) => View[],
  shape: number[],
  params: number[] = [],
) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = [new Float32Array(n), new Float32Array(n)];
  const before = wasm.compiler.wasm?.launchCount ?? 0;
  wasm.elementwise(k, inputs(shape), [view(out[0] as Float32Array, shape)], params);
  const ranInWasm = (wasm.compiler.wasm?.launchCount ?? 0) > before;
  js.elementwise(k, inputs(shape), [view(out[1] as Float32Array, shape)], params);
  return { got: out[0] as Float32Array, want: out[1] as Float32Array, ranInWasm };
}

/** Distance in float32 steps; NaN matches NaN only, and +0 and -0 are apart. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (Object.is(a, b)) return 0;
  if (a === b) return Infinity; // +0 against -0
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  const key = (x: number) => (x < 0 ? -0x80000000 - x : x); // monotone in the float's value
  return Math.abs(key(i[0] as number) - key(i[1] as number));
}

/** The largest `ulps` over two arrays, and the index where it is. */
function worst(got: Float32Array, want: Float32Array): { max: number; index: number } {
  let max = 0;
  let index = 0;
  for (let i = 0; i < got.length; i++) {
    const e = ulps(got[i] as number, want[i] as number);
    if (e > max) [max, index] = [e, i];
  }
  return { max, index };
}

const F32 = new Float32Array(1);
const bitsToFloat = (u: number) => {
  new Uint32Array(F32.buffer)[0] = u >>> 0;
  return F32[0] as number;
};

/** Special values, the ranges' edges, a dense grid and random bit patterns (a fixed LCG). */
function testValues(): Float32Array {
  const v: number[] = [
    Number.NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2,
    -2,
    bitsToFloat(1),
    bitsToFloat(0x80000001),
    bitsToFloat(0x007fffff),
    bitsToFloat(0x807fffff),
    bitsToFloat(0x00800000),
    bitsToFloat(0x80800000),
    bitsToFloat(0x7f7fffff),
    bitsToFloat(0xff7fffff),
    88.72283,
    88.72284,
    88.7229,
    89,
    -87.33654,
    -87.3366,
    -103.972,
    -103.973,
    -104,
    -110,
    -150,
    20,
    -20,
    -17.33,
    -17.34,
    9,
    -9,
    1e-8,
    -1e-8,
    2 ** -24,
    -(2 ** -24),
    Math.LN2,
    -0.9999999,
    Math.SQRT1_2,
    Math.SQRT2,
    0.29,
    -0.29,
    0.347,
    -0.347,
  ];
  for (let x = -120; x <= 120; x += 1 / 64) v.push(x);
  for (let x = -2; x <= 2; x += 1 / 4096) v.push(x);
  let s = 12345;
  for (let i = 0; i < 1 << 16; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const hi = s >>> 16;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v.push(bitsToFloat((hi << 16) | (s >>> 16)));
  }
  // Every exponent, both signs, a few mantissas.
  for (let e = 0; e < 256; e++) {
    for (const mant of [0, 1, 0x2aaaaa, 0x400000, 0x7fffff]) {
      v.push(bitsToFloat((e << 23) | mant), bitsToFloat(0x80000000 | (e << 23) | mant));
    }
  }
  return new Float32Array(v);
}

const VALUES = testValues();

function sigmoid(x: Expr): Expr {
  const z = x.abs().neg().exp();
  const d = z.add(1);
  return x.ge(0).where(x.fullLike(1).div(d), z.div(d));
}
const x0 = input(0, "float32");
const x1 = input(1, "float32");

/** Max ulp of the Wasm kernel `f(x)` against the JS path over VALUES; checks it ran in Wasm. */
function maxUlps(f: (x: Expr) => Expr, values = VALUES): { max: number; at: number } {
  const k = kernel([f(x0)]);
  const { got, want, ranInWasm } = both(k, (s) => [view(values, s)], [values.length]);
  expect(ranInWasm).toBe(true);
  const { max, index } = worst(got, want);
  return { max, at: values[index] as number };
}

// sin and cos in Wasm take |x| < 1e6 (and NaN, ±Infinity); a launch with more reruns in JS.
const SINCOS_VALUES = VALUES.filter((x) => !(Math.abs(x) >= 1e6 && Number.isFinite(x)));

describe("Wasm SIMD float32 transcendental functions, against the JS path", () => {
  // Bounds as measured over VALUES (0 would mean bit-identical to the correctly rounded result).
  const BOUNDS: [string, (x: Expr) => Expr, number, Float32Array?][] = [
    ["exp", (x) => x.exp(), 1],
    ["expm1", (x) => x.expm1(), 2],
    ["log", (x) => x.log(), 1],
    ["log1p", (x) => x.log1p(), 1],
    ["tanh", (x) => x.tanh(), 2],
    ["erf", (x) => x.erf(), 3],
    ["sin (|x| < 1e6)", (x) => x.sin(), 1, SINCOS_VALUES],
    ["cos (|x| < 1e6)", (x) => x.cos(), 1, SINCOS_VALUES],
    ["sigmoid (via exp, as @nn/activations builds it)", sigmoid, 2],
  ];
  for (const [name, f, bound, values] of BOUNDS) {
    it(`${name}: within ${bound} ulp, the same NaN, ±Infinity, ±0 and denormals`, () => {
      const { max, at } = maxUlps(f, values);
      expect(max, `worst at x = ${at}`).toBeLessThanOrEqual(bound);
    });
  }

  it("rsqrt within 1 ulp (sqrt and the division each round in float32)", () => {
    expect(maxUlps((x) => x.rsqrt()).max).toBeLessThanOrEqual(1);
  });
});

describe("Wasm SIMD float32 arithmetic is bit-identical to the JS path", () => {
  const UNARY: [string, (x: Expr) => Expr][] = [
    ["neg", (x) => x.neg()],
    ["abs", (x) => x.abs()],
    ["sign", (x) => x.sign()],
    ["sqrt", (x) => x.sqrt()],
    ["floor", (x) => x.floor()],
    ["ceil", (x) => x.ceil()],
    ["round (half to even)", (x) => x.round()],
    ["isnan, not and where", (x) => x.isnan().where(1, x.unary("not").where(-3, x))],
    [
      "a bool cast and back",
      (x) => x.cast("bool").cast("float32").add(x.cast("bool").cast("float32")),
    ],
  ];
  for (const [name, f] of UNARY) {
    it(name, () => expect(maxUlps(f).max).toBe(0));
  }

  it("binary ops, comparisons, and/or, where, with a float32 and a bool param", () => {
    const n = VALUES.length;
    const y = VALUES.slice().reverse();
    const p = param(0, "float32");
    const flag = param(1, "bool");
    const exprs: Expr[] = [
      x0.add(x1),
      x0.sub(x1),
      x0.mul(x1),
      x0.div(x1),
      x0.maximum(x1),
      x0.minimum(x1),
      x0.lt(x1).binary("and", x0.ge(p)).binary("or", x0.eq(x1)).where(x0.mul(p), x1),
      x0.ne(x1).binary("eq", x0.le(x1)).where(x0, x0.gt(x1).where(x1, p)),
      flag.where(x0.add(p), x1),
    ];
    for (const e of exprs) {
      for (const params of [
        [0.1, 1],
        [-2.5, 0],
        [Number.NaN, Number.NaN],
      ]) {
        const r = both(kernel([e]), (s) => [view(VALUES, s), view(y, s)], [n], params);
        expect(r.ranInWasm).toBe(true);
        expect(worst(r.got, r.want).max).toBe(0);
      }
    }
  });
});

describe("bool operands (bytes) in and out", () => {
  const R = 16;
  const C = 48;
  const a = new Float32Array(R * C).map((_, i) => ((i * 7919) % 23) - 11);
  const b = new Float32Array(R * C).map((_, i) => ((i * 104729) % 19) - 9);
  const mask = new Uint8Array(R * C).map((_, i) => ((i * 31) % 3 === 0 ? 1 : 0));
  const rowMask = new Uint8Array(R).map((_, i) => i % 2);
  const colMask = new Uint8Array(C).map((_, i) => (i % 5 === 0 ? 1 : 0));
  const m0 = input(0, "bool");

  /** One launch on each backend with outputs of `dtypes`; the outputs, and whether it ran in Wasm. */
  function launch(k: Kernel, inputs: View[], outDTypes: ("bool" | "float32")[]) {
    const run = (be: CpuBackend) => {
      const outs = outDTypes.map((t) =>
        t === "bool" ? new Uint8Array(R * C) : new Float32Array(R * C),
      );
      be.elementwise(
        k,
        inputs,
        outs.map((o) => view(o, [R, C])),
        [],
      );
      return outs.map((o) => Array.from(o));
    };
    const before = wasm.compiler.wasm?.launchCount ?? 0;
    const got = run(wasm);
    return { got, want: run(js), ranInWasm: (wasm.compiler.wasm?.launchCount ?? 0) > before };
  }

  it("comparisons, and/or/not to bool outputs next to a float32 one", () => {
    const k = kernel([x0.gt(x1), x0.le(x1).binary("or", x0.eq(x1).unary("not")), x0.add(x1)]);
    const r = launch(k, [view(a, [R, C]), view(b, [R, C])], ["bool", "bool", "float32"]);
    expect(r.ranInWasm).toBe(true);
    expect(r.got).toEqual(r.want);
  });

  const layouts: [string, View][] = [
    ["contiguous", view(mask, [R, C])],
    ["a scalar", view(new Uint8Array([1]), [R, C], [0, 0])],
    ["one per row", view(rowMask, [R, C], [1, 0])],
    ["one row for every row", view(colMask, [R, C], [0, 1])],
  ];
  for (const [name, m] of layouts) {
    it(`a bool input, ${name}, as a where condition, cast, negated, to a bool output`, () => {
      const k = kernel([m0.where(x1, x1.neg()).add(m0.cast("float32")), m0.unary("not")]);
      const r = launch(k, [m, view(b, [R, C])], ["float32", "bool"]);
      expect(r.ranInWasm).toBe(true);
      expect(r.got).toEqual(r.want);
    });
  }
});

describe("operand layouts", () => {
  const R = 24;
  const C = 40;
  const a = new Float32Array(R * C).map((_, i) => Math.sin(i) * 10);
  const rowV = new Float32Array(R).map((_, i) => i - 7.5);
  const colV = new Float32Array(C).map((_, i) => Math.cos(i));
  const k = kernel([x0.sub(x1).exp()]);
  const cases: [string, View, boolean][] = [
    ["contiguous", view(a.slice().reverse(), [R, C]), true],
    ["a scalar (all-zero strides)", view(rowV, [R, C], [0, 0], 3), true],
    ["one value per row ([R, 1] broadcast)", view(rowV, [R, C], [1, 0]), true],
    ["one row for every row ([C] broadcast)", view(colV, [R, C], [0, 1]), true],
    ["transposed (JS path)", view(a, [R, C], [1, R]), false],
    [
      "a column stride of 2 (JS path)",
      view(new Float32Array(2 * R * C), [R, C], [2 * C, 2]),
      false,
    ],
  ];
  for (const [name, second, inWasm] of cases) {
    it(`${name}: the JS path's values`, () => {
      const r = both(k, (s) => [view(a, s), second], [R, C]);
      expect(r.ranInWasm).toBe(inWasm);
      expect(worst(r.got, r.want).max).toBeLessThanOrEqual(1);
    });
  }

  it("rows gathered into the scratch: a conv's bias add ([O, N, L] read as [N, O, L]) and a sliced matrix", () => {
    const [N, O, L] = [3, 5, 68];
    const y = new Float32Array(O * N * L).map((_, i) => Math.sin(i) * 10);
    const bias = new Float32Array(O).map((_, i) => i / 3 - 1);
    const add = kernel([x0.add(x1)]);
    const conv = both(add, (s) => [view(y, s, [L, N * L, 1]), view(bias, s, [0, 1, 0])], [N, O, L]);
    expect(conv.ranInWasm).toBe(true);
    expect(worst(conv.got, conv.want).max).toBe(0);
    // Rows of 64 out of rows of 70 (a slice), plus a value per row of a transposed [R, 1].
    const m = new Float32Array(6 * 70).map((_, i) => Math.cos(i) * 3);
    const sliced = both(
      add,
      (s) => [view(m, s, [70, 1], 3), view(new Float32Array(12).fill(0.5), s, [2, 0])],
      [6, 64],
    );
    expect(sliced.ranInWasm).toBe(true);
    expect(worst(sliced.got, sliced.want).max).toBe(0);
    // Rows shorter than 64, or of a length not a multiple of 4: the JS path.
    const short = both(add, (s) => [view(y, s, [L, N * L, 1]), view(bias, s, [0, 1, 0])], [
      N,
      O,
      60,
    ]);
    expect(short.ranInWasm).toBe(false);
  });

  it("rows of a length not a multiple of 4 broadcast per row stay on the JS path", () => {
    const r = both(k, (s) => [view(a, s), view(rowV, s, [1, 0])], [R, 30]);
    expect(r.ranInWasm).toBe(false);
  });

  it("a contiguous view at an offset, odd lengths (a padded last vector), in place", () => {
    const buf = new Float32Array(1 + 4099).map((_, i) => i / 100 - 20);
    const want = buf.slice(1).map((v) => Math.fround(Math.exp(v)));
    const b = new CpuBackend();
    b.elementwise(kernel([x0.exp()]), [view(buf, [4099], [1], 1)], [view(buf, [4099], [1], 1)], []);
    expect(b.compiler.wasm?.launchCount).toBe(1);
    expect(buf[0]).toBe(-20);
    expect(worst(buf.subarray(1), want).max).toBeLessThanOrEqual(1);
  });
});

describe("when the Wasm path runs", () => {
  const big = new Float32Array(WASM_MIN_ELEMENTS).fill(0.5);
  const run = (b: CpuBackend, k: Kernel, data: ArrayLike<number> = big, params: number[] = []) => {
    const out = new (data instanceof Float64Array ? Float64Array : Float32Array)(data.length);
    b.elementwise(k, [view(data, [data.length])], [view(out, [data.length])], params);
    return out;
  };

  it("from WASM_MIN_ELEMENTS elements, compiling once per kernel structure and layout", () => {
    const b = new CpuBackend();
    const w = b.compiler.wasm;
    expect(w).toBeDefined();
    const k = kernel([x0.mul(param(0)).exp()]);
    run(b, k, big.subarray(1));
    expect(w?.launchCount).toBe(0);
    expect(run(b, k, big, [2])[0]).toBe(Math.fround(Math.E));
    expect(run(b, kernel([x0.mul(param(0)).exp()]), big, [0])[5]).toBe(1);
    expect([w?.launchCount, w?.compileCount]).toEqual([2, 1]);
  });

  it("not for ops it does not vectorise, other dtypes, or cpu({ wasm: false })", () => {
    const b = new CpuBackend();
    run(b, kernel([x0.pow(x0)]));
    run(b, kernel([x0.atan2(x0)]));
    run(b, kernel([x0.cast("int32").cast("float32")]));
    run(b, kernel([input(0, "float64").exp()]), new Float64Array(WASM_MIN_ELEMENTS));
    expect(b.compiler.wasm?.launchCount).toBe(0);
    expect(b.compiler.wasm?.compileCount).toBe(0);
    expect(cpu({ wasm: false }).compiler.wasm).toBeUndefined();
  });

  it("a sin or cos argument of 1e6 or more reruns the launch on the JS path", () => {
    const b = new CpuBackend();
    const k = kernel([x0.sin().add(x0.cos())]);
    const x = new Float32Array(WASM_MIN_ELEMENTS).map((_, i) => i - 100);
    run(b, k, x);
    expect(b.compiler.wasm?.launchCount).toBe(1);
    x[77] = 1e6;
    x[1000] = -3e30;
    const got = run(b, k, x);
    expect(b.compiler.wasm?.launchCount).toBe(1);
    const want = run(new CpuBackend({ wasm: false }), k, x);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
