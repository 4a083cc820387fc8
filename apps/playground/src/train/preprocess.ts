/**
 * A drawing made MNIST-like, as the MNIST digits were (LeCun et al.): the ink's bounding box
 * scaled to fit a 20x20 box (aspect kept, anti-aliased by averaging), then placed in a 28x28
 * image so that its centre of mass is at the centre.
 */

const SIDE = 28;
const BOX = 20;
/** Sub-samples per output pixel side when averaging the source. */
const SUPER = 4;

/**
 * A 28x28 image (784 values in [0, 1], row-major) of the ink in `gray` (`width` x `height`
 * intensities in [0, 1]); null when there is no ink (nothing above 0.05).
 */
export function toMnist(gray: Float32Array, width: number, height: number): Float32Array | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((gray[y * width + x] as number) > 0.05) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));
  // the box, by averaging SUPER x SUPER samples of the source per output pixel
  const small = new Float32Array(ow * oh);
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      let s = 0;
      for (let v = 0; v < SUPER; v++) {
        for (let u = 0; u < SUPER; u++) {
          const sx = Math.min(x1, Math.floor(x0 + ((i + (u + 0.5) / SUPER) * bw) / ow));
          const sy = Math.min(y1, Math.floor(y0 + ((j + (v + 0.5) / SUPER) * bh) / oh));
          s += gray[sy * width + sx] as number;
        }
      }
      small[j * ow + i] = s / (SUPER * SUPER);
    }
  }
  // centre of mass to the centre of the 28x28 image
  let mass = 0;
  let cx = 0;
  let cy = 0;
  small.forEach((v, k) => {
    mass += v;
    cx += v * (k % ow);
    cy += v * Math.floor(k / ow);
  });
  const dx = Math.round(SIDE / 2 - 0.5 - cx / mass);
  const dy = Math.round(SIDE / 2 - 0.5 - cy / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let j = 0; j < oh; j++) {
    for (let i = 0; i < ow; i++) {
      const x = i + dx;
      const y = j + dy;
      if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) out[y * SIDE + x] = small[j * ow + i] as number;
    }
  }
  return out;
}
