/**
 * Batched matmul with strides (transposed or broadcast views are read in place), register
 * blocked: a 16x16 workgroup computes a 64x64 output tile, each thread a 4x4 block of it (rows
 * and columns 16 apart, so shared-memory reads and global writes stay contiguous across
 * threads), from 64x16 / 16x64 tiles of a and b staged through shared memory. Each thread
 * keeps 16 accumulators and reuses every loaded value 4 times. Each output sums its products
 * in k order (float32 accumulates in f32; int32 wraps). Batches and tiles past the
 * per-dimension workgroup limit are covered by grid-stride loops.
 */
import { type Backend, DTypeError, type View } from "@nn/tensor";
import { type BindingPlan, bindingDecls, planBindings, storageType } from "./bindings.js";
import { ARGS_WGSL } from "./kernel-args.js";
import type { KernelRunner } from "./kernel-runner.js";
import { collapse, padDims, sizeOf } from "./strided.js";

/** Threads per workgroup side, outputs per thread side, and k values staged per step. */
const THREADS = 16;
const BLOCK = 4;
const TILE = THREADS * BLOCK;
const KSTEP = 16;

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
  const unroll = (body: (i: number) => string) =>
    Array.from({ length: BLOCK }, (_, i) => body(i)).join("\n");
  return `${ARGS_WGSL}
${bindingDecls(plan)}
var<workgroup> tA: array<array<${t}, ${KSTEP}>, ${TILE}>;
var<workgroup> tB: array<array<${t}, ${TILE}>, ${KSTEP}>;
@compute @workgroup_size(${THREADS}, ${THREADS})
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
        let row0 = ty * ${TILE}u + lid.y;
        let col0 = tx * ${TILE}u + lid.x;
        // Zeroed explicitly: without an initializer SwiftShader kept the previous grid-stride
        // iteration's sums.
        var acc = array<array<${t}, ${BLOCK}>, ${BLOCK}>();
        for (var k0 = 0u; k0 < K; k0 += ${KSTEP}u) {
          let ka = k0 + lid.x;
          let kb = k0 + lid.y;
          ${unroll(
            (i) => `{
            let r = row0 + ${i * THREADS}u;
            var a = ${t}(0);
            if (r < M && ka < K) { a = ${A}[ao + i32(r) * am + i32(ka) * ak]; }
            tA[lid.y + ${i * THREADS}u][lid.x] = a;
            let c = col0 + ${i * THREADS}u;
            var b = ${t}(0);
            if (kb < K && c < N) { b = ${B}[bo + i32(kb) * bk + i32(c) * bn]; }
            tB[lid.y][lid.x + ${i * THREADS}u] = b;
          }`,
          )}
          workgroupBarrier();
          for (var k = 0u; k < ${KSTEP}u; k++) {
            ${unroll((i) => `let a${i} = tA[lid.y + ${i * THREADS}u][k];`)}
            ${unroll((j) => `let b${j} = tB[k][lid.x + ${j * THREADS}u];`)}
            ${unroll((i) => Array.from({ length: BLOCK }, (_, j) => `acc[${i}][${j}] += a${i} * b${j};`).join(" "))}
          }
          workgroupBarrier();
        }
        ${unroll(
          (i) => `{
          let r = row0 + ${i * THREADS}u;
          if (r < M) {
            ${Array.from(
              { length: BLOCK },
              (_, j) =>
                `if (col0 + ${j * THREADS}u < N) { ${C}[co + i32(r) * cm + i32(col0 + ${j * THREADS}u) * cn] = acc[${i}][${j}]; }`,
            ).join("\n            ")}
          }
        }`,
        )}
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
  const collapsed = collapse(out.shape.slice(0, -2), [
    a.strides.slice(0, -2),
    b.strides.slice(0, -2),
    out.strides.slice(0, -2),
  ]);
  const keyOf = (nb: number) => `matmul|${out.dtype}|${nb}|${plan.key}`;
  const [nb] = runner.ranks(
    ([r]) => keyOf(r as number),
    plan.buffers.length,
    [collapsed.shape.length],
    [nd - 2],
  ) as [number];
  const batch = padDims(collapsed, nb);
  const batchCount = sizeOf(batch.shape);
  const key = keyOf(nb);
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    generate(out.dtype as "float32" | "int32", nb, plan),
  );
  const [am, ak] = a.strides.slice(-2) as [number, number];
  const [bk, bn] = b.strides.slice(-2) as [number, number];
  const [cm, cn] = out.strides.slice(-2) as [number, number];
  const args = runner
    .args()
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
