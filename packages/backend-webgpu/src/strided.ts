/** Shape helpers for strided views. */

/** Strides of a view, one list per view, over a common shape. */
export interface Collapsed {
  shape: number[];
  strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbouring dims that are contiguous in every view, so a
 * kernel decomposes its linear index over as few dims as possible (often one). May return
 * zero dims (a single element).
 */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d] as number;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 &&
      strides.every((s, j) => (outStrides[j] as number[])[last] === (s[d] as number) * size);
    if (mergeable) {
      outShape[last] = (outShape[last] as number) * size;
      strides.forEach((s, j) => {
        (outStrides[j] as number[])[last] = s[d] as number;
      });
    } else {
      outShape.push(size);
      strides.forEach((s, j) => {
        (outStrides[j] as number[]).push(s[d] as number);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** `c` with leading size-1 dims (stride 0 in every view) up to `ndim` dims. */
export function padDims(c: Collapsed, ndim: number): Collapsed {
  const pad = Math.max(0, ndim - c.shape.length);
  return {
    shape: [...new Array<number>(pad).fill(1), ...c.shape],
    strides: c.strides.map((s) => [...new Array<number>(pad).fill(0), ...s]),
  };
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
