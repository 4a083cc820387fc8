/**
 * gather and scatterAdd over strided views.
 *
 * gather: one thread per output element. An index outside `[0, size)` cannot raise an error on
 * a GPU: the element is written as 0 (the CPU backend throws IndexError instead).
 *
 * scatterAdd: one thread per index *column* (a position outside `dim`), which walks its index
 * entries along `dim` in order and adds each source into the target element it names. Columns
 * own disjoint target elements, so no atomics are needed (WGSL has no float atomics); each
 * target element receives its sources in the CPU backend's order, so float32 results are
 * bit-identical. Cost: O(index size) reads and writes in all, as on the CPU (scanning the index
 * per target element, as before, was O(target size x index.shape[dim])); parallel over the
 * columns, so a scatter with few columns and a long `dim` runs long threads. Out-of-range
 * indices are skipped (the CPU throws).
 */
import type { Backend, View } from "@nn/tensor";
import { type BindingPlan, bindingDecls, planBindings, storageType } from "./bindings.js";
import { ARGS_WGSL } from "./kernel-args.js";
import { decomposeWgsl, type KernelRunner, MAIN_1D } from "./kernel-runner.js";
import { sizeOf } from "./strided.js";

/** A view with at least `ndim` dims (0-d views become [1] with stride 0). */
function atLeast1d(v: View): View {
  return v.shape.length > 0 ? v : { ...v, shape: [1], strides: [0] };
}

function gatherWgsl(ndim: number, plan: BindingPlan, zero: string): string {
  const [X, I, Y] = plan.names as [string, string, string];
  // Args: total size step xoff ioff yoff | shape[nd] | x strides (dim zeroed) | i strides | y strides.
  const shapeAt = 6;
  const walk = decomposeWgsl(
    "idx",
    ndim,
    shapeAt,
    [
      { variable: "ox", strideAt: shapeAt + ndim },
      { variable: "oi", strideAt: shapeAt + 2 * ndim },
      { variable: "oy", strideAt: shapeAt + 3 * ndim },
    ],
    "rem",
  );
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${MAIN_1D}
  if (idx >= arg(0u)) { return; }
  var ox = argi(3u); var oi = argi(4u); var oy = argi(5u);
  ${walk}
  let j = ${I}[oi];
  if (j < 0i || u32(j) >= arg(1u)) { ${Y}[oy] = ${zero}; return; }
  ${Y}[oy] = ${X}[ox + j * argi(2u)];
}
`;
}

/** Runs gather (see Backend.gather). */
export function runGather(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  input: View,
  dim: number,
  index: View,
  out: View,
): void {
  const total = sizeOf(index.shape);
  if (total === 0) return;
  const x = atLeast1d(input);
  const idx = atLeast1d(index);
  const y = atLeast1d(out);
  const nd = idx.shape.length;
  const plan = planBindings("gather", [x, idx, y], owner, maxStorageBuffers, {
    views: [2],
    whole: true,
  });
  const key = `gather|${input.dtype}|${nd}|${plan.key}`;
  const zero = `${storageType(input.dtype)}(0)`;
  const pipeline = runner.pipeline(key, plan.buffers.length, () => gatherWgsl(nd, plan, zero));
  const xStrides = Array.from({ length: nd }, (_, d) => (d === dim ? 0 : (x.strides[d] ?? 0)));
  const args = runner
    .args()
    .u32(total)
    .u32(x.shape[dim] ?? 1)
    .i32(x.strides[dim] ?? 0)
    .i32s([x.offset, idx.offset, y.offset])
    .u32s(idx.shape)
    .i32s(xStrides)
    .i32s(idx.strides)
    .i32s(y.strides);
  runner.dispatch("gather", pipeline, args, plan, runner.grid(total));
}

// Args of the scatter kernel: columns toff ioff soff n tsize istep sstep tstep | column shape
// (the index's, 1 along dim) | target, index and src strides (0 along dim).
const SCATTER_SHAPE_AT = 9;

function scatterWgsl(ndim: number, plan: BindingPlan, isBool: boolean): string {
  const [T, I, S] = plan.names as [string, string, string];
  const at = SCATTER_SHAPE_AT;
  const walk = decomposeWgsl(
    "idx",
    ndim,
    at,
    [
      { variable: "ot", strideAt: at + ndim },
      { variable: "oi", strideAt: at + 2 * ndim },
      { variable: "os", strideAt: at + 3 * ndim },
    ],
    "rem",
  );
  const add = isBool ? "v | s" : "v + s";
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${MAIN_1D}
  if (idx >= arg(0u)) { return; }
  var ot = argi(1u); var oi = argi(2u); var os = argi(3u);
  ${walk}
  let n = arg(4u);
  let tsize = arg(5u);
  let istep = argi(6u);
  let sstep = argi(7u);
  let tstep = argi(8u);
  for (var k = 0u; k < n; k++) {
    let j = ${I}[oi + i32(k) * istep];
    if (j >= 0i && u32(j) < tsize) {
      let at = ot + j * tstep;
      let v = ${T}[at];
      let s = ${S}[os + i32(k) * sstep];
      ${T}[at] = ${add};
    }
  }
}
`;
}

/** Runs scatterAdd (see Backend.scatterAdd). */
export function runScatterAdd(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  target: View,
  dim: number,
  index: View,
  src: View,
): void {
  if (sizeOf(target.shape) === 0 || sizeOf(index.shape) === 0) return;
  const t = atLeast1d(target);
  const idx = atLeast1d(index);
  const s = atLeast1d(src);
  const nd = idx.shape.length;
  const columns = sizeOf(idx.shape) / (idx.shape[dim] as number);
  const plan = planBindings("scatterAdd", [t, idx, s], owner, maxStorageBuffers, {
    views: [0],
    whole: false,
  });
  const key = `scatterAdd|${target.dtype}|${nd}|${plan.key}`;
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    scatterWgsl(nd, plan, target.dtype === "bool"),
  );
  const along = (xs: readonly number[], value: number) =>
    Array.from({ length: nd }, (_, d) => (d === dim ? value : (xs[d] ?? 0)));
  const args = runner
    .args()
    .u32(columns)
    .i32s([t.offset, idx.offset, s.offset])
    .u32s([idx.shape[dim] as number, t.shape[dim] as number])
    .i32s([idx.strides[dim] as number, s.strides[dim] as number, t.strides[dim] as number])
    .u32s(along(idx.shape, 1))
    .i32s(along(t.strides, 0))
    .i32s(along(idx.strides, 0))
    .i32s(along(s.strides, 0));
  runner.dispatch("scatterAdd", pipeline, args, plan, runner.grid(columns));
}
