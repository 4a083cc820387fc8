/**
 * A PNG file as the models' input: decoded with fast-png (every bit depth, palette, alpha,
 * interlacing), made grayscale, inverted when its background is light, and scaled to 28x28.
 *
 * The training images (MNIST, Fashion-MNIST) are light objects on a black background, so a PNG
 * whose border is mostly light (a dark digit drawn on white paper) is inverted. Transparent
 * pixels count as background: they are composited onto the background colour of the opaque
 * border, or onto black when the image is fully transparent at its border. Scaling averages the
 * source pixels each target pixel covers (area averaging; no cropping or centring, unlike
 * MNIST's own 20x20-box-and-centre-of-mass preparation, so draw the object to fill the image).
 */
import { readFile } from "node:fs/promises";
import { convertIndexedToRgb, decode } from "fast-png";
import { messageOf, UserError } from "../errors.js";

/** The side of the models' square input images. */
export const SIDE = 28;

/** A decoded image as gray levels in [0, 1] (1 = white) and alpha in [0, 1], row-major. */
interface Gray {
  width: number;
  height: number;
  gray: Float64Array;
  alpha: Float64Array;
}

/** Decodes PNG bytes into gray levels and alpha. Throws fast-png's Error for a bad file. */
function decodeGray(bytes: Uint8Array): Gray {
  const png = decode(bytes);
  let data: ArrayLike<number> = png.data;
  let channels = png.channels;
  let max = 2 ** png.depth - 1;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    max = 255;
  }
  const n = png.width * png.height;
  const gray = new Float64Array(n);
  const alpha = new Float64Array(n).fill(1);
  const hasAlpha = channels === 2 || channels === 4;
  for (let i = 0; i < n; i++) {
    const at = i * channels;
    const v = (k: number) => (data[at + k] as number) / max;
    // ITU-R BT.601 luma, as PIL's convert("L").
    gray[i] = channels >= 3 ? 0.299 * v(0) + 0.587 * v(1) + 0.114 * v(2) : v(0);
    if (hasAlpha) alpha[i] = v(channels - 1);
  }
  return { width: png.width, height: png.height, gray, alpha };
}

/** The mean gray level of the opaque border pixels (null when the border is transparent). */
function borderLevel({ width, height, gray, alpha }: Gray): number | null {
  let sum = 0;
  let weight = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      const i = y * width + x;
      sum += (gray[i] as number) * (alpha[i] as number);
      weight += alpha[i] as number;
    }
  }
  return weight > 0 ? sum / weight : null;
}

/** Area-averages `src` (width x height) down or up to SIDE x SIDE. */
function scale(src: Float64Array, width: number, height: number): Float32Array {
  const out = new Float32Array(SIDE * SIDE);
  const sx = width / SIDE;
  const sy = height / SIDE;
  for (let ty = 0; ty < SIDE; ty++) {
    const y0 = ty * sy;
    const y1 = y0 + sy;
    for (let tx = 0; tx < SIDE; tx++) {
      const x0 = tx * sx;
      const x1 = x0 + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), height); y++) {
        const h = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), width); x++) {
          const w = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += (src[y * width + x] as number) * w * h;
          area += w * h;
        }
      }
      out[ty * SIDE + tx] = area > 0 ? sum / area : 0;
    }
  }
  return out;
}

/** An image ready for the model: 784 pixels in [0, 1], light on dark, and whether it was inverted. */
export interface ModelImage {
  pixels: Float32Array;
  inverted: boolean;
  width: number;
  height: number;
}

/** Converts PNG bytes to the model's 28x28 input (see the file comment). */
export function pngToInput(bytes: Uint8Array): ModelImage {
  const img = decodeGray(bytes);
  const border = borderLevel(img);
  const background = border ?? 0;
  const inverted = background > 0.5;
  const flat = new Float64Array(img.gray.length);
  for (let i = 0; i < flat.length; i++) {
    const a = img.alpha[i] as number;
    const v = (img.gray[i] as number) * a + background * (1 - a);
    flat[i] = inverted ? 1 - v : v;
  }
  return {
    pixels: scale(flat, img.width, img.height),
    inverted,
    width: img.width,
    height: img.height,
  };
}

/** Reads and converts the PNG at `path`. UserError naming the file when it cannot be read or decoded. */
export async function readPngInput(path: string): Promise<ModelImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UserError(`cannot read the image ${path}: ${messageOf(e)}`);
  }
  try {
    return pngToInput(bytes);
  } catch (e) {
    throw new UserError(
      `${path} is not a PNG image fast-png can decode (${messageOf(e)}); pass a .png file`,
    );
  }
}
