/**
 * gather and scatterAdd over strided views.
 *
 * gather: one thread per output element. An index outside `[0, size)` cannot raise an error on
 * a GPU: the element is written as 0 (the CPU backend throws IndexError instead).
 *
 * scatterAdd: one thread per *target* element, which scans the index entries that could hit it
 * (those equal to it outside `dim`) in order and adds the matching sources. No atomics (WGSL has
 * no float atomics), deterministic, and the additions happen in the CPU backend's order, so
 * float32 results are bit-identical. Cost: O(target size x index.shape[dim]) reads, fine for
 * embedding-gradient sized problems, slow for a huge `dim`. Out-of-range indices never match,
 * so they are ignored (the CPU throws).
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

function scatterWgsl(ndim: number, dim: number, plan: BindingPlan, isBool: boolean): string {
  const [T, I, S] = plan.names as [string, string, string];
  // Args: total toff ioff soff | target shape | target strides | index shape | index strides | src strides.
  const tShape = 4;
  const tStr = tShape + ndim;
  const iShape = tStr + ndim;
  const iStr = iShape + ndim;
  const sStr = iStr + ndim;
  const lines = ["var rem = idx;"];
  for (let d = ndim - 1; d >= 0; d--) {
    lines.push(
      `{ let c = ${d === 0 ? "rem" : `rem % arg(${tShape + d}u)`};${d === 0 ? "" : ` rem = rem / arg(${tShape + d}u);`}`,
    );
    lines.push(`  ot += i32(c) * argi(${tStr + d}u);`);
    if (d === dim) lines.push("  tdim = i32(c);");
    else {
      lines.push(`  if (c >= arg(${iShape + d}u)) { return; }`);
      lines.push(`  oi += i32(c) * argi(${iStr + d}u); os += i32(c) * argi(${sStr + d}u);`);
    }
    lines.push("}");
  }
  const add = isBool ? "v = v | s;" : "v = v + s;";
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${MAIN_1D}
  if (idx >= arg(0u)) { return; }
  var ot = argi(1u); var oi = argi(2u); var os = argi(3u);
  var tdim = 0i;
  ${lines.join("\n  ")}
  let n = arg(${iShape + dim}u);
  let istep = argi(${iStr + dim}u);
  let sstep = argi(${sStr + dim}u);
  var v = ${T}[ot];
  for (var k = 0u; k < n; k++) {
    if (${I}[oi + i32(k) * istep] == tdim) {
      let s = ${S}[os + i32(k) * sstep];
      ${add}
    }
  }
  ${T}[ot] = v;
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
  const total = sizeOf(target.shape);
  if (total === 0 || sizeOf(index.shape) === 0) return;
  const t = atLeast1d(target);
  const idx = atLeast1d(index);
  const s = atLeast1d(src);
  const nd = idx.shape.length;
  const plan = planBindings("scatterAdd", [t, idx, s], owner, maxStorageBuffers, {
    views: [0],
    whole: false,
  });
  const key = `scatterAdd|${target.dtype}|${nd}:${dim}|${plan.key}`;
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    scatterWgsl(nd, dim, plan, target.dtype === "bool"),
  );
  const pad = (xs: readonly number[], fill: number) =>
    Array.from({ length: nd }, (_, d) => xs[d] ?? fill);
  const args = runner
    .args()
    .u32(total)
    .i32s([t.offset, idx.offset, s.offset])
    .u32s(pad(t.shape, 1))
    .i32s(pad(t.strides, 0))
    .u32s(idx.shape)
    .i32s(idx.strides)
    .i32s(pad(s.strides, 0));
  runner.dispatch("scatterAdd", pipeline, args, plan, runner.grid(total));
}
