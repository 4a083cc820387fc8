/**
 * Compiles WGSL into compute pipelines (cached by a structural key, counted for tests) and
 * encodes their dispatches into the backend's pending batch: args uniform at binding 0, storage
 * buffers after it, one compute pass per dispatch (labelled with the op, which GPU error
 * messages quote). Grids wider than `maxComputeWorkgroupsPerDimension` fold into a second
 * dimension.
 */
import { BackendError } from "@nn/tensor";
import type { BindingPlan } from "./bindings.js";
import type { CommandBatch } from "./command-batch.js";
import { SHADER_STAGE_COMPUTE } from "./gpu-constants.js";
import { KernelArgs } from "./kernel-args.js";

/** Threads per workgroup of the 1-D kernels (elementwise, gather, scatter, random, reduce). */
export const WORKGROUP = 64;

/** WGSL: the entry point header of a 1-D kernel, defining `idx` (one per thread). */
export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid;`;

export class KernelRunner {
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #layouts = new Map<number, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  /** Number of shader modules compiled so far (a cached structure never compiles again). */
  compiles = 0;
  /** Outcomes of compilations not yet awaited (a message for a failure). */
  #checks: Promise<string | undefined>[] = [];

  readonly #argsBuilder = new KernelArgs();

  /** Workgroups per grid dimension (the device limit, or less for tests). */
  readonly maxGroupsPerDim: number;

  constructor(
    readonly device: GPUDevice,
    readonly batch: CommandBatch,
    maxGroupsPerDim?: number,
  ) {
    this.maxGroupsPerDim = Math.min(
      maxGroupsPerDim ?? Number.POSITIVE_INFINITY,
      device.limits.maxComputeWorkgroupsPerDimension,
    );
  }

  #layout(storageBuffers: number) {
    let l = this.#layouts.get(storageBuffers);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: "uniform" } },
      ];
      for (let i = 0; i < storageBuffers; i++) {
        entries.push({
          binding: i + 1,
          visibility: SHADER_STAGE_COMPUTE,
          buffer: { type: "storage" },
        });
      }
      const group = this.device.createBindGroupLayout({ entries });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.#layouts.set(storageBuffers, l);
    }
    return l;
  }

  /** The pipeline cached under `key`, compiling `source()` the first time. */
  pipeline(key: string, storageBuffers: number, source: () => string): GPUComputePipeline {
    const full = `${storageBuffers}|${key}`;
    let p = this.#pipelines.get(full);
    if (!p) {
      const code = source();
      this.device.pushErrorScope("validation");
      const module = this.device.createShaderModule({ code, label: key.slice(0, 200) });
      p = this.device.createComputePipeline({
        layout: this.#layout(storageBuffers).pipeline,
        compute: { module, entryPoint: "main" },
        label: key.slice(0, 200),
      });
      const check = this.device
        .popErrorScope()
        .then((e) =>
          e ? `kernel ${key.slice(0, 120)} failed to compile: ${e.message}` : undefined,
        );
      this.#checks.push(check);
      this.compiles++;
      this.#pipelines.set(full, p);
    }
    return p;
  }

  /**
   * An empty args builder for the next dispatch: one builder is reused, since `dispatch` copies
   * its words into the batch at once.
   */
  args(): KernelArgs {
    this.#argsBuilder.at = 0;
    return this.#argsBuilder;
  }

  /**
   * The ranks to compile a kernel for: `min` (the collapsed ranks of this launch) unless the
   * kernel of the same structure was compiled for higher ranks up to `max`, which runs this
   * launch too once size-1 dims are padded in (`padDims`). So the last batch of an epoch whose
   * size-1 dims collapse away (a batch of 1) reuses the full batches' kernels.
   */
  ranks(
    keyOf: (ranks: readonly number[]) => string,
    storageBuffers: number,
    min: readonly number[],
    max: readonly number[],
  ): number[] {
    const cached = (r: readonly number[]) => this.#pipelines.has(`${storageBuffers}|${keyOf(r)}`);
    if (cached(min)) return [...min];
    // Every combination of ranks between min and max, the smallest first.
    let combos: number[][] = [[]];
    min.forEach((lo, i) => {
      const hi = Math.max(lo, max[i] as number);
      combos = combos.flatMap((c) => Array.from({ length: hi - lo + 1 }, (_, k) => [...c, lo + k]));
    });
    return combos.find(cached) ?? [...min];
  }

  /**
   * Encodes `pipeline` over `groups` workgroups into the pending batch, with the buffers of
   * `plan` bound. A stale (reused) buffer is cleared first unless the kernel overwrites it whole.
   */
  dispatch(
    op: string,
    pipeline: GPUComputePipeline,
    args: KernelArgs,
    plan: BindingPlan,
    groups: readonly [number, number, number],
  ): void {
    const batch = this.batch;
    const argsWindow = batch.args(args.words());
    const encoder = batch.encoder(op);
    for (const pack of plan.packs) {
      pack.into.stale = false;
      batch.use(pack.into.gpu);
      batch.use(pack.from.gpu);
      encoder.copyBufferToBuffer(
        pack.from.gpu,
        pack.fromByte,
        pack.into.gpu,
        pack.intoByte,
        pack.bytes,
      );
    }
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: argsWindow }];
    plan.buffers.forEach((b, i) => {
      if (b.stale) {
        if (!plan.overwritten.includes(b)) encoder.clearBuffer(b.gpu);
        b.stale = false;
      }
      batch.use(b.gpu);
      entries.push({ binding: i + 1, resource: { buffer: b.gpu } });
    });
    const bindGroup = this.device.createBindGroup({
      label: op,
      layout: this.#layout(plan.buffers.length).group,
      entries,
    });
    const pass = encoder.beginComputePass({ label: op });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    pass.end();
  }

  /** Workgroups for `count` items of `perGroup` each, folded into 2-D past the per-dim limit. */
  grid(count: number, perGroup = WORKGROUP): [number, number, number] {
    const groups = Math.ceil(count / perGroup);
    const max = this.maxGroupsPerDim;
    if (groups <= max) return [Math.max(groups, 1), 1, 1];
    const y = Math.ceil(groups / max);
    if (y > max) {
      throw new BackendError(`webgpu: ${count} elements exceed one dispatch (${max}^2 workgroups)`);
    }
    return [max, y, 1];
  }

  /** The first compile failure since the last call, if any (awaits pending compilations). */
  async compileErrors(): Promise<string | undefined> {
    const checks = this.#checks;
    this.#checks = [];
    return (await Promise.all(checks)).find((m) => m !== undefined);
  }

  destroy(): void {
    this.#pipelines.clear();
  }
}

/**
 * WGSL that walks a linear index over a shape held in the args (dims `shapeAt ..`, innermost
 * last) and adds `coordinate * stride` to i32 variables, one per view: strides of view j are at
 * `strideAt[j] ..`. Dims are unrolled (their count is part of the pipeline key).
 */
export function decomposeWgsl(
  linear: string,
  ndim: number,
  shapeAt: number,
  targets: readonly { variable: string; strideAt: number }[],
  tmp: string,
): string {
  if (ndim === 0) return "";
  const lines = [`var ${tmp} = ${linear};`];
  for (let d = ndim - 1; d >= 0; d--) {
    const coord = d === 0 ? `i32(${tmp})` : `i32(${tmp} % arg(${shapeAt + d}u))`;
    const adds = targets.map((t) => `${t.variable} += c * argi(${t.strideAt + d}u);`).join(" ");
    const next = d === 0 ? "" : ` ${tmp} = ${tmp} / arg(${shapeAt + d}u);`;
    lines.push(`{ let c = ${coord}; ${adds}${next} }`);
  }
  return lines.join("\n  ");
}
