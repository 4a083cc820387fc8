/**
 * Reductions over the trailing dims of a view: one workgroup of 64 threads per output element,
 * or, where few outputs each reduce a long range, `G` workgroups per output that each reduce a
 * chunk into a scratch buffer, then a second pass of the same kernel over the `G` partials
 * (sum, prod, max, min; argmax / argmin stay in one pass). Each thread folds every 64th element
 * of its range, then the workgroup combines the 64 partials in shared memory. float32 sums use Neumaier's compensated summation (close to the CPU's float64
 * accumulator); int32 sums and products wrap. max/min/argmax/argmin carry (value, index) pairs
 * so that, as on the CPU, the first index of the extreme wins and a NaN beats everything (the
 * first NaN among NaNs).
 */
import { type Backend, BackendError, type DType, type ReduceOp, type View } from "@nn/tensor";
import { type BindingPlan, bindingDecls, planBindings, storageType } from "./bindings.js";
import { ARGS_WGSL } from "./kernel-args.js";
import { decomposeWgsl, type KernelRunner, WORKGROUP } from "./kernel-runner.js";
import { collapse, padDims, sizeOf } from "./strided.js";
import { mathWgsl } from "./wgsl-math.js";

/** The accumulator type of a sum / product into `out`, and how to convert a raw input to it. */
function accumulator(inType: DType, outType: DType): { t: string; conv: (x: string) => string } {
  const t = outType === "float32" ? "f32" : "i32";
  const raw = storageType(inType);
  return { t, conv: (x) => (raw === t ? x : `${t}(${x})`) };
}

function generate(
  op: ReduceOp,
  inType: DType,
  outType: DType,
  nk: number,
  nr: number,
  plan: BindingPlan,
): string {
  const bIn = plan.names[0] as string;
  const bOut = plan.names[1] as string;
  const keptAt = 4;
  const redAt = 4 + 3 * nk;
  const splitAt = redAt + 2 * nr;
  const walkKept = decomposeWgsl(
    "o",
    nk,
    keptAt,
    [
      { variable: "ib", strideAt: keptAt + nk },
      { variable: "ob", strideAt: keptAt + 2 * nk },
    ],
    "remk",
  );
  const walkRed = decomposeWgsl("r", nr, redAt, [{ variable: "ro", strideAt: redAt + nr }], "remr");
  const loop = (
    body: string,
    extra = "",
  ) => `for (var r = g * chunk + lid; r < end; r += ${WORKGROUP}u) {
    var ro = ib;
    ${walkRed}
    let x = ${bIn}[ro];
    ${body}
  }${extra}`;
  const uses = new Set<string>();
  let shared: string;
  let main: string;
  const tree = (combine: string) => `workgroupBarrier();
  for (var w = ${WORKGROUP / 2}u; w > 0u; w = w >> 1u) {
    if (lid < w) {
      ${combine}
    }
    workgroupBarrier();
  }`;
  if (op === "sum" && outType === "float32") {
    uses.add("isfinite");
    const { conv } = accumulator(inType, outType);
    shared = `var<workgroup> ss: array<f32, ${WORKGROUP}>;\nvar<workgroup> sc: array<f32, ${WORKGROUP}>;`;
    main = `var s = 0.0f;
  var c = 0.0f;
  ${loop(`let v = ${conv("x")};
    let t = s + v;
    if (abs(s) >= abs(v)) { c += (s - t) + v; } else { c += (v - t) + s; }
    s = t;`)}
  ss[lid] = s;
  sc[lid] = c;
  ${tree(`let s1 = ss[lid];
      let s2 = ss[lid + w];
      let t = s1 + s2;
      var e = 0.0f;
      if (abs(s1) >= abs(s2)) { e = (s1 - t) + s2; } else { e = (s2 - t) + s1; }
      ss[lid] = t;
      sc[lid] = sc[lid] + sc[lid + w] + e;`)}
  if (lid == 0u) {
    let total = ss[0];
    ${bOut}[ob] = select(total, total + sc[0], nn_isfinite(total));
  }`;
  } else if (op === "sum" || op === "prod") {
    const { t, conv } = accumulator(inType, outType);
    const sym = op === "sum" ? "+" : "*";
    const init = op === "sum" ? `${t}(0)` : `${t}(1)`;
    shared = `var<workgroup> ss: array<${t}, ${WORKGROUP}>;`;
    main = `var s = ${init};
  ${loop(`s = s ${sym} ${conv("x")};`)}
  ss[lid] = s;
  ${tree(`ss[lid] = ss[lid] ${sym} ss[lid + w];`)}
  if (lid == 0u) { ${bOut}[ob] = ss[0]; }`;
  } else {
    const isMax = op === "max" || op === "argmax";
    const vt = storageType(inType);
    const isF = inType === "float32";
    if (isF) uses.add("isnan");
    const better = isMax ? ">" : "<";
    shared = `var<workgroup> sv: array<${vt}, ${WORKGROUP}>;\nvar<workgroup> si: array<u32, ${WORKGROUP}>;`;
    const nanFirst = isF
      ? `let an = nn_isnan(av); let bn = nn_isnan(bv);
      let take = select(select(bv ${better} av || (bv == av && bi < ai), false, an), select(true, bi < ai, an), bn);`
      : `let take = bv ${better} av || (bv == av && bi < ai);`;
    main = `var best = ${vt}(0);
  var at = 0xffffffffu;
  ${loop(`if (at == 0xffffffffu${isF ? " || nn_isnan(x)" : ""} || x ${better} best) {
      best = x;
      at = r;
      ${isF ? "if (nn_isnan(x)) { break; }" : ""}
    }`)}
  sv[lid] = best;
  si[lid] = at;
  ${tree(`let ai = si[lid]; let bi = si[lid + w];
      let av = sv[lid]; let bv = sv[lid + w];
      if (bi != 0xffffffffu) {
        ${nanFirst}
        if (ai == 0xffffffffu || take) { sv[lid] = bv; si[lid] = bi; }
      }`)}
  if (lid == 0u) { ${bOut}[ob] = ${op.startsWith("arg") ? "i32(si[0])" : "sv[0]"}; }`;
  }
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${shared}
${mathWgsl(uses)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  // Workgroup g of output o reduces elements [g * chunk, (g + 1) * chunk) into slot g.
  let groups = arg(${splitAt}u);
  let chunk = arg(${splitAt + 1}u);
  let o = (wid.y * nwg.x + wid.x) / groups;
  let g = (wid.y * nwg.x + wid.x) % groups;
  if (o >= arg(0u)) { return; }
  let end = min(arg(1u), (g + 1u) * chunk);
  var ib = argi(2u);
  var ob = argi(3u) + i32(g);
  ${walkKept}
  ${main}
}
`;
}

/** Elements one workgroup of a split reduction folds (64 per thread). */
const CHUNK = 64 * WORKGROUP;

/** Below this many outputs a long reduction is split: they alone would leave the GPU idle. */
const SPLIT_BELOW_OUTPUTS = 256;

/** Workgroups per output of a split reduction, at most (so the second pass stays short). */
const MAX_GROUPS = 256;

/** Runs a reduction (see Backend.reduce). */
export function runReduce(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  op: ReduceOp,
  input: View,
  reduceDims: number,
  output: View,
): void {
  const nd = input.shape.length;
  if (reduceDims < 0 || reduceDims > nd) {
    throw new BackendError(`webgpu reduce: cannot reduce ${reduceDims} dims of a ${nd}-d view`);
  }
  const keptShape = input.shape.slice(0, nd - reduceDims);
  const total = sizeOf(keptShape);
  if (total === 0) return;
  const n = sizeOf(input.shape.slice(nd - reduceDims));
  if (n === 0 && op !== "sum" && op !== "prod") {
    throw new BackendError(`webgpu reduce: ${op} of an empty reduction`);
  }
  if (output.dtype === "bool" && (op === "sum" || op === "prod")) {
    throw new BackendError(`webgpu reduce: ${op} into a bool output`);
  }
  const wanted =
    op.startsWith("arg") || total >= SPLIT_BELOW_OUTPUTS
      ? 1
      : Math.min(MAX_GROUPS, Math.ceil(n / CHUNK));
  // Recomputed from the chunk, so that no workgroup gets an empty range (its partial would be
  // the op's identity, and max / min have none).
  const groups = wanted <= 1 ? 1 : Math.ceil(n / Math.ceil(n / wanted));
  if (groups <= 1) {
    reducePass(runner, owner, maxStorageBuffers, op, input, reduceDims, output, 1);
    return;
  }
  // Partials [..kept, groups] (contiguous), then the same op over the last dim. Max and min
  // of partial extremes, sums of partial sums (each compensated) give the full reduction.
  const partials = owner.alloc(output.dtype, total * groups);
  const partialShape = [...keptShape, groups];
  const contiguous = partialShape.map((_, d) => sizeOf(partialShape.slice(d + 1)));
  const scratch = { buffer: partials, dtype: output.dtype, shape: partialShape, offset: 0 };
  reducePass(
    runner,
    owner,
    maxStorageBuffers,
    op,
    input,
    reduceDims,
    { ...scratch, shape: keptShape, strides: contiguous.slice(0, -1) },
    groups,
  );
  reducePass(
    runner,
    owner,
    maxStorageBuffers,
    op,
    { ...scratch, strides: contiguous },
    1,
    output,
    1,
  );
  owner.free(partials);
}

/**
 * One reduction kernel launch: `groups` workgroups per output, workgroup g writing its partial
 * at `output` offset + g (so with groups > 1, `output` views the partials buffer).
 */
function reducePass(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  op: ReduceOp,
  input: View,
  reduceDims: number,
  output: View,
  groups: number,
): void {
  const nd = input.shape.length;
  const keptShape = input.shape.slice(0, nd - reduceDims);
  const total = sizeOf(keptShape);
  const redShape = input.shape.slice(nd - reduceDims);
  const n = sizeOf(redShape);
  const plan = planBindings("reduce", [input, output], owner, maxStorageBuffers, {
    views: [1],
    whole: groups === 1,
  });
  const keptC = collapse(keptShape, [input.strides.slice(0, nd - reduceDims), output.strides]);
  const redC = collapse(redShape, [input.strides.slice(nd - reduceDims)]);
  const keyOf = (k: number, r: number) =>
    `reduce|${op}|${input.dtype}>${output.dtype}|${k}:${r}|${plan.key}`;
  const [nk, nr] = runner.ranks(
    ([k, r]) => keyOf(k as number, r as number),
    plan.buffers.length,
    [keptC.shape.length, redC.shape.length],
    [keptShape.length, redShape.length],
  ) as [number, number];
  const kept = padDims(keptC, nk);
  const red = padDims(redC, nr);
  const key = keyOf(nk, nr);
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    generate(op, input.dtype, output.dtype, nk, nr, plan),
  );
  const args = runner
    .args()
    .u32(total)
    .u32(n)
    .i32(input.offset)
    .i32(output.offset)
    .u32s(kept.shape)
    .i32s(kept.strides[0] as number[])
    .i32s(kept.strides[1] as number[])
    .u32s(red.shape)
    .i32s(red.strides[0] as number[])
    .u32(groups)
    .u32(Math.ceil(n / groups));
  runner.dispatch("reduce", pipeline, args, plan, runner.grid(total * groups, 1));
}
