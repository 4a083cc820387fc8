// Accuracy of the WGSL math (wgsl-math.ts) against float64 references rounded to float32, the
// values the CPU backend gives. Bounds hold on SwiftShader with margin; they hold on any driver
// that rounds + - * / and sqrt to within an ulp, since the transcendentals are our own code.
import {
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  cos,
  cosh,
  erf,
  exp,
  exp2,
  expm1,
  fmod,
  log,
  log1p,
  log2,
  log10,
  pow,
  rsqrt,
  sin,
  sinh,
  sqrt,
  type Tensor,
  tan,
  tanh,
  tensor,
} from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebGpuBackend, webgpu } from "../src/index.js";
import { adapter, requestDevice } from "./webgpu-env.js";

function ulp(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** erf in float64 from the all-positive series (A&S 7.1.6); enough for float32 references. */
function erf64(x: number): number {
  if (Math.abs(x) > 5.9) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let total = x;
  for (let n = 1; n < 500 && Math.abs(term) > Math.abs(total) * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    total += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * total;
}

/** n float32 points spread over [lo, hi] (geometrically when `geometric`), plus tiny values. */
function grid(lo: number, hi: number, n: number, geometric = false): Float32Array {
  const xs = Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return geometric ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  });
  if (!geometric && lo < 0) for (const e of [-3, -6, -9, -20]) xs.push(10 ** e, -(10 ** e));
  return Float32Array.from(xs);
}

/** Largest error in ulps of the float32-rounded reference. */
async function maxUlps(y: Tensor, xs: Float32Array, ref: (x: number) => number): Promise<number> {
  const got = await y.data();
  let worst = 0;
  xs.forEach((x, i) => {
    const r = ref(x);
    if (Number.isFinite(r) && Math.abs(r) < 3e38) {
      worst = Math.max(worst, Math.abs((got[i] as number) - Math.fround(r)) / ulp(r));
    }
  });
  return worst;
}

const N = 2001;
const CASES: [string, (t: Tensor) => Tensor, (x: number) => number, Float32Array, number][] = [
  ["exp", exp, Math.exp, grid(-87, 88, N), 2],
  ["expm1", expm1, Math.expm1, grid(-20, 20, N), 3],
  ["log", log, Math.log, grid(1e-30, 1e30, N, true), 3],
  ["log1p", log1p, Math.log1p, grid(-0.999, 50, N), 4],
  ["sin", sin, Math.sin, grid(-1e4, 1e4, N), 2],
  ["cos", cos, Math.cos, grid(-1e4, 1e4, N), 2],
  ["tanh", tanh, Math.tanh, grid(-12, 12, N), 3],
  ["sqrt", sqrt, Math.sqrt, grid(1e-20, 1e20, N, true), 3],
  ["rsqrt", rsqrt, (x) => 1 / Math.sqrt(x), grid(1e-20, 1e20, N, true), 3],
  // The op table's composites of the primitives above (and atan2).
  ["tan", tan, Math.tan, grid(-1e4, 1e4, N), 4],
  ["asin", asin, Math.asin, grid(-1, 1, N), 4],
  ["acos", acos, Math.acos, grid(-1, 1, N), 5],
  ["atan", atan, Math.atan, grid(-1e4, 1e4, N), 3],
  ["sinh", sinh, Math.sinh, grid(-89, 89, N), 4],
  ["cosh", cosh, Math.cosh, grid(-89, 89, N), 4],
  ["asinh", asinh, Math.asinh, grid(-1e30, 1e30, N), 3],
  ["acosh", acosh, Math.acosh, grid(1, 1e30, N, true), 4],
  ["atanh", atanh, Math.atanh, grid(-0.9999, 0.9999, N), 5],
  ["log2", log2, Math.log2, grid(1e-30, 1e30, N, true), 5],
  ["log10", log10, Math.log10, grid(1e-30, 1e30, N, true), 6],
  // pow(2, x), through pow's exp(x log 2) off the integers up to 64: rounding x log 2 to float32
  // costs up to 64 ulps (4e-6) near |x| = 126, exp a few more; the fixtures allow 1e-5 (2^-126
  // itself is flushed to 0 on SwiftShader).
  ["exp2", exp2, (x) => 2 ** x, grid(-125, 127, N), 80],
];

describe.skipIf(!adapter)("webgpu math accuracy (float32)", () => {
  let device: GPUDevice;
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    device = await requestDevice();
    gpu = await webgpu({ device });
  });
  afterAll(() => {
    gpu?.destroy();
    device?.destroy();
  });

  for (const [name, op, ref, xs, bound] of CASES) {
    it(`${name} is within ${bound} ulps`, async () => {
      expect(await maxUlps(op(tensor(xs, { backend: gpu })), xs, ref)).toBeLessThanOrEqual(bound);
    });
  }

  it("erf is within 3e-7 absolute (Abramowitz–Stegun 7.1.26) and 2 ulps near 0", async () => {
    const xs = grid(-5, 5, N);
    const got = await erf(tensor(xs, { backend: gpu })).data();
    xs.forEach((x, i) => {
      const r = erf64(x);
      const g = got[i] as number;
      if (Math.abs(x) < 0.5) expect(Math.abs(g - Math.fround(r)) / ulp(r)).toBeLessThanOrEqual(2);
      else expect(Math.abs(g - r)).toBeLessThanOrEqual(3e-7);
    });
  });

  it("pow: exact squares, C special cases, and exp(y log x) within 40 ulps", async () => {
    const a = Float32Array.from({ length: 4000 }, (_, i) => 0.01 + (i % 200) * 0.05);
    const b = Float32Array.from({ length: 4000 }, (_, i) => -8 + Math.floor(i / 200) * 0.8);
    const got = await pow(tensor(a, { backend: gpu }), tensor(b, { backend: gpu })).data();
    let worst = 0;
    a.forEach((x, i) => {
      const r = x ** (b[i] as number);
      if (r < 3e38 && r > 1e-37) {
        worst = Math.max(worst, Math.abs((got[i] as number) - Math.fround(r)) / ulp(r));
      }
    });
    expect(worst).toBeLessThanOrEqual(40);
    const x = tensor([3, -3, -2, 1, 0, -8, 1.5], { dtype: "float32", backend: gpu });
    const y = tensor([2, 3, 0.5, 0.5, 2, 1 / 3, 0], { dtype: "float32", backend: gpu });
    const p = await pow(x, y).data();
    expect(Array.from(p.subarray(0, 2))).toEqual([9, -27]);
    expect(p[2]).toBeNaN();
    expect(Array.from(p.subarray(3, 5))).toEqual([1, 0]);
    expect(p[5]).toBeNaN();
    expect(p[6]).toBe(1);
  });

  it("atan2 is within 2 ulps, with C's values at zeros and infinities", async () => {
    const ys: number[] = [];
    const xs: number[] = [];
    for (let i = 0; i < 64; i++)
      for (let j = 0; j < 64; j++) {
        ys.push(Math.fround(Math.sinh((i - 31.5) / 4)));
        xs.push(Math.fround(Math.sinh((j - 31.5) / 5)));
      }
    ys.push(3e38, 2e38, -3.3e38, 1e-30, 2.5e38);
    xs.push(2e38, 3e38, 3.4e38, 3e38, -1e38);
    const y = Float32Array.from(ys);
    const x = Float32Array.from(xs);
    const got = await atan2(tensor(y, { backend: gpu }), tensor(x, { backend: gpu })).data();
    let worst = 0;
    y.forEach((v, i) => {
      const r = Math.atan2(v, x[i] as number);
      const e = Math.abs((got[i] as number) - Math.fround(r)) / ulp(r);
      worst = Math.max(worst, e);
    });
    expect(worst).toBeLessThanOrEqual(2);
    const inf = Number.POSITIVE_INFINITY;
    const sy = [0, -0, 0, -0, 1, -1, inf, inf, -inf, 3, 3, -0];
    const sx = [0, 0, -0, -0, 0, -0, inf, -inf, 2, inf, -inf, -2];
    const s = await atan2(
      tensor(sy, { dtype: "float32", backend: gpu }),
      tensor(sx, { dtype: "float32", backend: gpu }),
    ).data();
    expect(Array.from(s)).toEqual(sy.map((v, i) => Math.fround(Math.atan2(v, sx[i] as number))));
  });

  it("fmod is exact (C's fmod, as JS's %), whatever the ratio of the operands", async () => {
    const as: number[] = [];
    const bs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const a = Math.fround(Math.sin(i * 12.9898) * 10 ** ((i % 77) / 2 - 19));
      const b = Math.fround(Math.cos(i * 78.233) * 10 ** (((i * 7) % 61) / 3 - 10));
      as.push(a);
      bs.push(b === 0 ? 1 : b);
    }
    as.push(-0, 0, 5, -5, 6, -6, Math.fround(1e30), Math.fround(3.4e38));
    bs.push(3, -3, 0.5, 0.5, -3, 3, 3, Math.fround(1e-30));
    const got = await fmod(
      tensor(as, { dtype: "float32", backend: gpu }),
      tensor(bs, { dtype: "float32", backend: gpu }),
    ).data();
    const want = as.map((a, i) => a % (bs[i] as number));
    const off = want
      .map((w, i) => [as[i], bs[i], w, got[i]])
      .filter(([, , w, g]) => !Object.is(w, g));
    expect(off).toEqual([]);
    const ints = await fmod(
      tensor([7, -7, 7, -7, 5, -2147483648], { dtype: "int32", backend: gpu }),
      tensor([2, 2, -2, -2, 0, -1], { dtype: "int32", backend: gpu }),
    ).data();
    expect(Array.from(ints)).toEqual([1, -1, 1, -1, 0, 0]);
  });
});
