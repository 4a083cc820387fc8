/** Helpers shared by the gradient rules. */
import { cast, type DType, reshape, type Shape, sum, type Tensor } from "@nn/tensor";

/**
 * Sums a broadcast gradient back to the shape of the input it came from (over added leading
 * dims and over dims where the input had size 1), cast to the input's dtype.
 */
export function unbroadcast(g: Tensor, shape: Shape, dtype: DType): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let r = g;
  if (dims.length) r = reshape(sum(g, dims, true), shape);
  else if (g.ndim !== shape.length) r = reshape(g, shape);
  return r.dtype === dtype ? r : cast(r, dtype);
}

/** The two operands of a binary op as recorded: tensors from `inputs`, scalars from `attrs.a` / `attrs.b`. */
export function operands(
  inputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
): [Tensor | number, Tensor | number] {
  let i = 0;
  const a = attrs.a !== undefined ? Number(attrs.a) : (inputs[i++] as Tensor);
  const b = attrs.b !== undefined ? Number(attrs.b) : (inputs[i++] as Tensor);
  return [a, b];
}

/** Keeps only the tensor entries, in order (the rule's return value lines up with the recorded inputs). */
export function forTensors(pairs: readonly [Tensor | number, Tensor | null][]): (Tensor | null)[] {
  return pairs.filter(([x]) => typeof x === "object").map(([, g]) => g);
}

/** Reshapes a reduced gradient (kept dims only) so it broadcasts against the input again. */
export function keepDims(
  g: Tensor,
  inputShape: Shape,
  dims: readonly number[],
  keepdim: boolean,
): Tensor {
  if (keepdim) return g;
  return reshape(
    g,
    inputShape.map((d, i) => (dims.includes(i) ? 1 : d)),
  );
}
