/**
 * The one way a kernel is launched and the one copy kernel. Every elementwise op, `defineMap`,
 * the in-place ops and every copy (contiguous, clone, reading a strided view back) come through
 * here. It sees only views, not tensors, so `tensor.ts` can use it too.
 */
import type { Backend, View } from "./backend.js";
import type { DType } from "./dtype.js";
import { input, type Kernel, kernel } from "./expr.js";
import type { Shape } from "./shape.js";

const NO_PARAMS: readonly number[] = Object.freeze([]);

/** View `v` seen through `shape` (broadcast dims get stride 0). Assumes the shapes broadcast. */
export function broadcastView(v: View, shape: Shape): View {
  if (sameShape(v.shape, shape)) return v; // its strides already are the broadcast ones
  const lead = shape.length - v.shape.length;
  const strides = shape.map((d, i) => {
    if (i < lead) return 0;
    return v.shape[i - lead] === 1 && d !== 1 ? 0 : (v.strides[i - lead] as number);
  });
  return { ...v, shape, strides };
}

/**
 * Runs `k` at every index of `outputs[0]`'s shape, each input broadcast to it. Outputs may be
 * inputs (same view, element for element), as in-place ops do.
 */
export function launch(
  backend: Backend,
  k: Kernel,
  inputs: readonly View[],
  outputs: readonly View[],
  params: readonly number[] = NO_PARAMS,
): void {
  const shape = (outputs[0] as View).shape;
  const views: View[] = [];
  for (let i = 0; i < inputs.length; i++) views.push(broadcastView(inputs[i] as View, shape));
  backend.elementwise(k, views, outputs, params);
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const copies = new Map<string, Kernel>();

/** The copy kernel: `out = cast(x, to)` for an input of dtype `from` (built once per pair). */
function copyKernel(from: DType, to: DType): Kernel {
  const key = `${from}>${to}`;
  let k = copies.get(key);
  if (!k) {
    k = kernel([input(0, from).cast(to)]);
    copies.set(key, k);
  }
  return k;
}

/** Writes `src` through `dst`: broadcast to `dst`'s shape, cast to `dst`'s dtype. */
export function copyView(backend: Backend, src: View, dst: View): void {
  launch(backend, copyKernel(src.dtype, dst.dtype), [src], [dst]);
}
