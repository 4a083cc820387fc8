// Random draws: the documented bits (element i = Philox4x32-10 block with counter offset + i and
// key = seed), seeding, per-call seeds, ranges and moments.
import {
  DTypeError,
  initialSeed,
  manualSeed,
  rand,
  randint,
  randn,
  setBackend,
  ValueError,
} from "@nn/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { cpu } from "../src/index.js";

const backend = setBackend(cpu());
beforeEach(() => {
  setBackend(backend);
});

/** An independent Philox4x32-10 on BigInt (Salmon et al. 2011), for the first two words. */
function philoxRef(counter: number, seed: number): [number, number] {
  const M = 0xffffffffn;
  let c = [BigInt(counter % 2 ** 32), BigInt(Math.floor(counter / 2 ** 32)), 0n, 0n];
  let k = [BigInt(seed % 2 ** 32), BigInt(Math.floor(seed / 2 ** 32))];
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * (c[0] as bigint);
    const p1 = 0xcd9e8d57n * (c[2] as bigint);
    c = [
      (p1 >> 32n) ^ (c[1] as bigint) ^ (k[0] as bigint),
      p1 & M,
      (p0 >> 32n) ^ (c[3] as bigint) ^ (k[1] as bigint),
      p0 & M,
    ];
    k = [((k[0] as bigint) + 0x9e3779b9n) & M, ((k[1] as bigint) + 0xbb67ae85n) & M];
  }
  return [Number(c[0]), Number(c[1])];
}

describe("the bits of a draw", () => {
  const seed = 2 ** 40 + 12345; // both key words nonzero

  it("rand float32: element i is the top 24 bits of word 0 of block i", () => {
    const got = rand([64], { seed }).dataSync();
    const want = Float32Array.from(
      { length: 64 },
      (_, i) => (philoxRef(i, seed)[0] >>> 8) / 2 ** 24,
    );
    expect(got).toEqual(want);
  });

  it("rand float64: 53 bits from words 0 and 1", () => {
    const got = rand([64], { seed, dtype: "float64" }).dataSync();
    const want = Float64Array.from({ length: 64 }, (_, i) => {
      const [w0, w1] = philoxRef(i, seed);
      return ((w0 >>> 5) * 2 ** 26 + (w1 >>> 6)) / 2 ** 53;
    });
    expect(got).toEqual(want);
    // More than float32's 24 bits are used.
    expect(Array.from(got).some((v) => !Number.isInteger(v * 2 ** 24))).toBe(true);
  });

  it("randint: low + word 0 mod (high - low)", () => {
    const got = randint(-7, 1000, [64], { seed }).dataSync();
    const want = Int32Array.from({ length: 64 }, (_, i) => -7 + (philoxRef(i, seed)[0] % 1007));
    expect(got).toEqual(want);
  });

  it("randn: Box-Muller of words 0 and 1, to float32 rounding", () => {
    const got = randn([64], { seed, dtype: "float64" }).dataSync();
    const f32 = randn([64], { seed }).dataSync();
    for (let i = 0; i < 64; i++) {
      const [w0, w1] = philoxRef(i, seed);
      const u1 = (w0 + 1) / 2 ** 32;
      const u2 = w1 / 2 ** 32;
      const want = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      expect(got[i]).toBeCloseTo(want, 12);
      expect(f32[i]).toBe(Math.fround(got[i] as number));
    }
  });
});

describe("seeding", () => {
  it("manualSeed gives identical draws, and sets initialSeed", () => {
    manualSeed(42);
    expect(initialSeed()).toBe(42);
    const a = rand([5, 7]).dataSync();
    const n = randn([9]).dataSync();
    manualSeed(42);
    expect(rand([5, 7]).dataSync()).toEqual(a);
    expect(randn([9]).dataSync()).toEqual(n);
  });

  it("consecutive draws continue the counter: two draws equal one of their total size", () => {
    manualSeed(7);
    const a = rand([3]).dataSync();
    const b = rand([2, 2]).dataSync();
    manualSeed(7);
    expect(rand([7]).dataSync()).toEqual(new Float32Array([...a, ...b]));
  });

  it("manualSeed(s) draws element i from counter i, like a per-call seed s", () => {
    manualSeed(99);
    expect(rand([10]).dataSync()).toEqual(rand([10], { seed: 99 }).dataSync());
  });

  it("a per-call seed draws from counter 0 and leaves the global generator alone", () => {
    manualSeed(3);
    const expected = rand([6]).dataSync();
    manualSeed(3);
    const s1 = rand([4], { seed: 11 }).dataSync();
    randn([100], { seed: 12 });
    randint(0, 5, [10], { seed: 13 });
    expect(rand([6]).dataSync()).toEqual(expected);
    expect(rand([4], { seed: 11 }).dataSync()).toEqual(s1);
    expect(initialSeed()).toBe(3);
  });

  it("different seeds give different draws", () => {
    expect(rand([8], { seed: 1 }).dataSync()).not.toEqual(rand([8], { seed: 2 }).dataSync());
  });

  it("the same seed gives the same draws on two backend instances", () => {
    const other = cpu({ syncRead: false });
    return rand([16], { seed: 5, backend: other })
      .data()
      .then((d) => expect(d).toEqual(rand([16], { seed: 5 }).dataSync()));
  });

  it("refuses seeds that are not integers in [0, 2^53)", () => {
    for (const s of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => manualSeed(s)).toThrow(ValueError);
      expect(() => rand([1], { seed: s })).toThrow(ValueError);
    }
  });
});

describe("ranges and moments (100k draws; bounds at about 5 sigma)", () => {
  const N = 100_000;
  const extreme = (a: ArrayLike<number>, pick: (x: number, y: number) => number, from: number) => {
    let m = from;
    for (let i = 0; i < a.length; i++) m = pick(m, a[i] as number);
    return m;
  };
  const minOf = (a: ArrayLike<number>) => extreme(a, Math.min, Infinity);
  const maxOf = (a: ArrayLike<number>) => extreme(a, Math.max, -Infinity);
  const moments = (a: ArrayLike<number>) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < a.length; i++) s += a[i] as number;
    const mean = s / a.length;
    for (let i = 0; i < a.length; i++) s2 += ((a[i] as number) - mean) ** 2;
    return { mean, variance: s2 / (a.length - 1) };
  };

  it("rand float32 lies in [0, 1) with mean 1/2 and variance 1/12", () => {
    const d = rand([N], { seed: 2024 }).dataSync();
    expect(minOf(d)).toBeGreaterThanOrEqual(0);
    expect(maxOf(d)).toBeLessThan(1);
    const { mean, variance } = moments(d);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / N));
  });

  it("rand float64 lies in [0, 1)", () => {
    const t = rand([N], { seed: 77, dtype: "float64" });
    expect(t.dtype).toBe("float64");
    const d = t.dataSync();
    expect(minOf(d)).toBeGreaterThanOrEqual(0);
    expect(maxOf(d)).toBeLessThan(1);
    expect(Math.abs(moments(d).mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
  });

  it("randn has mean 0 and variance 1", () => {
    const d = randn([N], { seed: 31337 }).dataSync();
    const { mean, variance } = moments(d);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(d.every(Number.isFinite)).toBe(true);
  });

  it("randint stays in [low, high) and hits every value", () => {
    const d = randint(-3, 4, [10_000], { seed: 8 }).dataSync();
    const seen = new Set(d);
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    const wide = randint(-(2 ** 31), 2 ** 31 - 1, [1000], { seed: 9 });
    expect(wide.dtype).toBe("int32");
    const w = wide.dataSync();
    expect(minOf(w)).toBeLessThan(-(2 ** 29));
    expect(maxOf(w)).toBeGreaterThan(2 ** 29);
  });

  it("randint refuses ranges the dtype cannot hold, and empty ranges", () => {
    expect(() => randint(0, 2 ** 32, [2])).toThrow(ValueError);
    expect(() => randint(2 ** 31, 2 ** 31 + 2, [2])).toThrow(/does not fit int32/);
    expect(() => randint(0, 3, [2], { dtype: "bool" })).toThrow(/does not fit bool/);
    expect(() => randint(3, 3, [2])).toThrow(ValueError);
    expect(randint(0, 2, [50], { seed: 1, dtype: "bool" }).dtype).toBe("bool");
  });

  it("rand and randn refuse non-float dtypes", () => {
    expect(() => rand([2], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => randn([2], { dtype: "bool" })).toThrow(DTypeError);
  });

  it("empty draws are empty and take no counters", () => {
    manualSeed(5);
    expect(rand([0, 3]).shape).toEqual([0, 3]);
    const a = rand([2]).dataSync();
    manualSeed(5);
    expect(rand([2]).dataSync()).toEqual(a);
  });
});
