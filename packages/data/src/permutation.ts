/**
 * Seeded permutations for shuffling and splitting, from the same counter-based generator as
 * the tensors (Philox4x32-10 from @nn/tensor): reproducible on every machine and backend.
 */
import { ValueError } from "@nn/tensor";
import { philox4x32, seedWords, uniform53 } from "@nn/tensor/internal";

/**
 * A permutation of 0..n-1 (Fisher–Yates), determined by `seed` and `stream` (e.g. the epoch):
 * swap `i` with `floor(u_i * (i + 1))`, `u_i` the 53-bit uniform of the Philox block with key
 * `seed` and counter `(i, stream)`.
 */
export function randomPermutation(n: number, seed: number, stream = 0): number[] {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`randomPermutation: n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValueError(`randomPermutation: seed must be an integer in [0, 2^53), got ${seed}`);
  const [k0, k1] = seedWords(seed);
  const block = new Uint32Array(4);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    philox4x32(i, stream, k0, k1, block);
    const j = Math.floor(uniform53(block[0] as number, block[1] as number) * (i + 1));
    const t = out[i] as number;
    out[i] = out[j] as number;
    out[j] = t;
  }
  return out;
}
