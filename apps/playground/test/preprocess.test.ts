import { describe, expect, it } from "vitest";
import { PIXELS } from "../src/digits.js";
import { toMnist } from "../src/train/preprocess.js";
import { readDigits } from "./digits.js";

/** Centre of mass (x, y) of a 28x28 image. */
function centre(img: Float32Array): [number, number] {
  let m = 0;
  let x = 0;
  let y = 0;
  img.forEach((v, k) => {
    m += v;
    x += v * (k % 28);
    y += v * Math.floor(k / 28);
  });
  return [x / m, y / m];
}

describe("a drawing made MNIST-like", () => {
  it("is null without ink", () => {
    expect(toMnist(new Float32Array(100 * 100), 100, 100)).toBeNull();
  });

  it("puts the ink's centre of mass at the centre, in a 20-pixel box", () => {
    // a bar drawn small in a corner of a 100x100 pad
    const gray = new Float32Array(100 * 100);
    for (let y = 5; y < 25; y++) for (let x = 70; x < 75; x++) gray[y * 100 + x] = 1;
    const img = toMnist(gray, 100, 100) as Float32Array;
    const [cx, cy] = centre(img);
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(0.5);
    const rows = new Set<number>();
    img.forEach((v, k) => {
      if (v > 0) rows.add(Math.floor(k / 28));
    });
    expect(rows.size).toBe(20);
  });

  it("keeps a real digit drawn 10x larger close to the original", () => {
    const d = readDigits();
    const src = d.images.subarray(1600 * PIXELS, 1601 * PIXELS);
    const big = new Float32Array(280 * 280);
    for (let y = 0; y < 280; y++)
      for (let x = 0; x < 280; x++)
        big[y * 280 + x] = src[Math.floor(y / 10) * 28 + Math.floor(x / 10)] as number;
    const img = toMnist(big, 280, 280) as Float32Array;
    // MNIST digits are already boxed and centred this way: the pixels come back
    let diff = 0;
    img.forEach((v, k) => {
      diff += Math.abs(v - (src[k] as number));
    });
    let ink = 0;
    for (const v of src) ink += v;
    expect(diff / ink).toBeLessThan(0.05);
  });
});
