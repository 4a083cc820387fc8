/**
 * Reproducible randomness that survives a resume. @nn/tensor keeps a global Philox seed and
 * counter offset but has no public getter for the offset, so a checkpoint cannot record where
 * the generator stood. Instead every training step reseeds the generator with a seed derived
 * from (run seed, epoch, step): whatever a step draws (rrelu's slopes, dropout masks) depends
 * only on those three numbers, and a run resumed at step s of epoch e draws exactly what the
 * uninterrupted run drew. The batch order of epoch e is DataLoader's seeded permutation for
 * (seed, e), which needs no generator state either.
 */
import { manualSeed } from "@nn/tensor";
import { philox4x32, seedWords } from "@nn/tensor/internal";

const block = new Uint32Array(4);

/**
 * The seed of step `step` of epoch `epoch` (both from 0) of a run seeded with `seed`: the first
 * 53 bits of the Philox4x32-10 block with key `seed` and counter (step, epoch, 1, 0) (counter
 * word 2 set so these never coincide with the data loader's shuffle blocks).
 */
export function stepSeed(seed: number, epoch: number, step: number): number {
  const [k0, k1] = seedWords(seed);
  philox4x32(step, epoch, k0, k1, block, 1, 0);
  return (block[0] as number) + ((block[1] as number) & 0x1fffff) * 2 ** 32;
}

/** Reseeds the global generator for a step (see the module doc). */
export function seedStep(seed: number, epoch: number, step: number): void {
  manualSeed(stepSeed(seed, epoch, step));
}
