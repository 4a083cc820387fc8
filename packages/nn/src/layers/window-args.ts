/** The per-dim integer arguments of window ops (kernel size, stride, padding, dilation). */
import { ValueError } from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";

/**
 * `value` as one integer per spatial dim: a number is repeated `nd` times (PyTorch's `_pair`), a
 * list must have `nd` entries. ValueError naming `op` and `name` unless every entry is an integer
 * of at least `min`.
 */
export function perDim(
  op: string,
  name: string,
  value: number | readonly number[],
  nd: number,
  min: number,
): number[] {
  const list: unknown[] = Array.isArray(value) ? [...value] : new Array(nd).fill(value);
  if (list.length !== nd || list.some((v) => !Number.isInteger(v) || (v as number) < min)) {
    const shown = Array.isArray(value) ? fmt(value) : String(value);
    throw new ValueError(
      `${op}: ${name} must be an integer >= ${min} or a list of ${nd} of them, got ${shown}`,
    );
  }
  return list as number[];
}
