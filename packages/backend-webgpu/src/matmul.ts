/**
 * Batched matmul with strides (transposed or broadcast views are read in place): 16x16 output
 * tiles per workgroup, staged through shared memory 16 values of k at a time. Each output sums
 * its products in k order (float32 accumulates in f32; int32 wraps). Batches and tiles past the
 * per-dimension workgroup limit are covered by grid-stride loops.
 */
import { type Backend, DTypeError, type View } from "@nn/tensor";
import { type BindingPlan, bindingDecls, planBindings, storageType } from "./bindings.js";
import { ARGS_WGSL, KernelArgs } from "./kernel-args.js";
import type { KernelRunner } from "./kernel-runner.js";
import { collapse, sizeOf } from "./strided.js";

const TILE = 16;

function generate(dtype: "float32" | "int32", nb: number, plan: BindingPlan): string {
  const t = storageType(dtype);
  const [A, B, C] = plan.names as [string, string, string];
  // Args: M N K batch | am ak bk bn cm cn | aoff boff coff | batch shape[nb], a/b/c strides[nb].
  const batchAt = 13;
  const walk: string[] = [];
  if (nb > 0) {
    walk.push("var rem = bz;");
    for (let d = nb - 1; d >= 0; d--) {
      const c = d === 0 ? "i32(rem)" : `i32(rem % arg(${batchAt + d}u))`;
      walk.push(
        `{ let c = ${c}; ao += c * argi(${batchAt + nb + d}u); bo += c * argi(${batchAt + 2 * nb + d}u); co += c * argi(${batchAt + 3 * nb + d}u);${d === 0 ? "" : ` rem = rem / arg(${batchAt + d}u);`} }`,
      );
    }
  }
  return `${ARGS_WGSL}
${bindingDecls(plan)}
var<workgroup> tA: array<array<${t}, ${TILE}>, ${TILE}>;
var<workgroup> tB: array<array<${t}, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = arg(0u); let N = arg(1u); let K = arg(2u); let batch = arg(3u);
  let am = argi(4u); let ak = argi(5u); let bk = argi(6u); let bn = argi(7u);
  let cm = argi(8u); let cn = argi(9u);
  let tilesM = (M + ${TILE - 1}u) / ${TILE}u;
  let tilesN = (N + ${TILE - 1}u) / ${TILE}u;
  for (var bz = wid.z; bz < batch; bz += nwg.z) {
    var ao = argi(10u); var bo = argi(11u); var co = argi(12u);
    ${walk.join("\n    ")}
    for (var ty = wid.y; ty < tilesM; ty += nwg.y) {
      for (var tx = wid.x; tx < tilesN; tx += nwg.x) {
        let row = ty * ${TILE}u + lid.y;
        let col = tx * ${TILE}u + lid.x;
        var acc = ${t}(0);
        for (var k0 = 0u; k0 < K; k0 += ${TILE}u) {
          let ka = k0 + lid.x;
          var a = ${t}(0);
          if (row < M && ka < K) { a = ${A}[ao + i32(row) * am + i32(ka) * ak]; }
          tA[lid.y][lid.x] = a;
          let kb = k0 + lid.y;
          var b = ${t}(0);
          if (kb < K && col < N) { b = ${B}[bo + i32(kb) * bk + i32(col) * bn]; }
          tB[lid.y][lid.x] = b;
          workgroupBarrier();
          for (var k = 0u; k < ${TILE}u; k++) { acc += tA[lid.y][k] * tB[k][lid.x]; }
          workgroupBarrier();
        }
        if (row < M && col < N) { ${C}[co + i32(row) * cm + i32(col) * cn] = acc; }
      }
    }
  }
}
`;
}

/** Runs a batched matmul (see Backend.matmul). */
export function runMatmul(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  a: View,
  b: View,
  out: View,
): void {
  if (out.dtype !== "float32" && out.dtype !== "int32") {
    throw new DTypeError(`webgpu matmul: dtype ${out.dtype} is not supported (float32 or int32)`);
  }
  if (a.dtype !== out.dtype || b.dtype !== out.dtype) {
    throw new DTypeError(
      `webgpu matmul: operands ${a.dtype} and ${b.dtype} must both be ${out.dtype}`,
    );
  }
  const nd = out.shape.length;
  const [M, N] = out.shape.slice(-2) as [number, number];
  const K = a.shape[nd - 1] as number;
  if (sizeOf(out.shape) === 0) return;
  const plan = planBindings("matmul", [a, b, out], owner, maxStorageBuffers, {
    views: [2],
    whole: true,
  });
  const batch = collapse(out.shape.slice(0, -2), [
    a.strides.slice(0, -2),
    b.strides.slice(0, -2),
    out.strides.slice(0, -2),
  ]);
  const nb = batch.shape.length;
  const batchCount = sizeOf(batch.shape);
  const key = `matmul|${out.dtype}|${nb}|${plan.key}`;
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    generate(out.dtype as "float32" | "int32", nb, plan),
  );
  const [am, ak] = a.strides.slice(-2) as [number, number];
  const [bk, bn] = b.strides.slice(-2) as [number, number];
  const [cm, cn] = out.strides.slice(-2) as [number, number];
  const args = new KernelArgs()
    .u32s([M, N, K, batchCount])
    .i32s([am, ak, bk, bn, cm, cn])
    .i32s([a.offset, b.offset, out.offset])
    .u32s(batch.shape)
    .i32s(batch.strides[0] as number[])
    .i32s(batch.strides[1] as number[])
    .i32s(batch.strides[2] as number[]);
  const max = runner.maxGroupsPerDim;
  const groups: [number, number, number] = [
    Math.min(Math.ceil(N / TILE), max),
    Math.min(Math.ceil(M / TILE), max),
    Math.min(batchCount, max),
  ];
  runner.dispatch("matmul", pipeline, args, plan, groups);
}
