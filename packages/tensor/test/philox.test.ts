// Philox4x32-10 known-answer vectors from the Random123 distribution (kat_vectors, "philox4x32
// 10" lines): counter words c0..c3, key words k0 k1, expected output words.
import { mulhi32, philox4x32, seedWords, uniform24, uniform53 } from "@nn/tensor/internal";
import { describe, expect, it } from "vitest";

const KAT: [string, number[], number[], number[]][] = [
  ["zeros", [0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [
    "all ones",
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    "digits of pi",
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

describe("philox4x32 (Random123 known answers)", () => {
  it.each(KAT)("%s", (_name, [c0, c1, c2, c3], [k0, k1], expected) => {
    const out = new Uint32Array(4);
    philox4x32(c0 as number, c1 as number, k0 as number, k1 as number, out, c2, c3);
    expect(Array.from(out)).toEqual(expected);
  });
});

describe("the helpers the backends share", () => {
  it("mulhi32 is the exact high word of a 32x32-bit product", () => {
    const pairs = [
      [0xffffffff, 0xffffffff],
      [0xd2511f53, 0x12345678],
      [0xcd9e8d57, 0xfedcba98],
      [1, 0xffffffff],
      [0x80000000, 2],
      [0, 0xdeadbeef],
    ];
    for (const [a, b] of pairs) {
      const hi = Number((BigInt(a as number) * BigInt(b as number)) >> 32n);
      expect(mulhi32(a as number, b as number)).toBe(hi);
    }
  });

  it("seedWords splits a seed below 2^53 into low and high words", () => {
    expect(seedWords(0)).toEqual([0, 0]);
    expect(seedWords(2 ** 32 + 5)).toEqual([5, 1]);
    expect(seedWords(2 ** 53 - 1)).toEqual([0xffffffff, 0x1fffff]);
  });

  it("uniform24 and uniform53 stay in [0, 1) at the extremes", () => {
    expect(uniform24(0)).toBe(0);
    expect(uniform24(0xffffffff)).toBe(1 - 2 ** -24);
    expect(uniform53(0, 0)).toBe(0);
    expect(uniform53(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
  });
});
