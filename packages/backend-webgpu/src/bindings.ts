/**
 * Storage bindings of a kernel: each distinct GPU buffer among a kernel's views is bound once
 * (binding 1, 2, ...; binding 0 is the args uniform), all as `read_write` storage. Binding a
 * buffer once keeps within `maxStorageBuffersPerShaderStage` when views share a buffer (x * x,
 * in-place updates), and read_write for all avoids WebGPU's rule that one buffer may not be
 * both read-only and writable storage in one dispatch. An elementwise kernel over more buffers
 * than the device allows gets its inputs packed into scratch buffers (browsers allow 8).
 */
import { type Backend, BackendError, type DType, type View } from "@nn/tensor";
import { checkGpuDType, GpuBuffer } from "./gpu-buffer.js";
import { collapse, sizeOf } from "./strided.js";

/** A copy of a range of one buffer into a scratch buffer, before the dispatch. */
export interface Pack {
  readonly from: GpuBuffer;
  readonly fromByte: number;
  readonly into: GpuBuffer;
  readonly intoByte: number;
  readonly bytes: number;
}

/** Where each view of a kernel is bound. */
export interface BindingPlan {
  /** The distinct buffers, in binding order (binding i + 1). */
  readonly buffers: readonly GpuBuffer[];
  /** For each view, the WGSL name of its buffer (`b0`, `b1`, ...). */
  readonly names: readonly string[];
  /** The views as bound: a packed input's view moves into its scratch buffer (new offset). */
  readonly views: readonly View[];
  /** Sharing and storage types (e.g. "0,1,0/f32,u32"), part of every pipeline cache key. */
  readonly key: string;
  /** Buffers the kernel writes whole and does not read (a stale one needs no clearing). */
  readonly overwritten: readonly GpuBuffer[];
  /** Copies of inputs into scratch buffers, encoded before the dispatch. */
  readonly packs: readonly Pack[];
  /** Scratch buffers to free once the dispatch is encoded. */
  readonly scratch: readonly GpuBuffer[];
}

/** Which views a kernel writes, and how. */
export interface Writes {
  /** Indices of the views the kernel writes. */
  readonly views: readonly number[];
  /** Whether every element of each written view is written (scatterAdd only adds to some). */
  readonly whole: boolean;
  /**
   * Whether inputs may be packed into scratch buffers to keep within the device's storage
   * limit; the caller must then read offsets from `plan.views`.
   */
  readonly packInputs?: boolean;
}

/** WGSL storage element type of a dtype (bool is u32 0/1). */
export function storageType(dtype: DType): string {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "u32";
}

/** The GpuBuffer of a view, checked to belong to `owner`. */
export function gpuBufferOf(op: string, view: View, owner: Backend): GpuBuffer {
  const b = view.buffer;
  if (!(b instanceof GpuBuffer) || b.owner !== owner) {
    throw new BackendError(`webgpu ${op}: a view's buffer does not belong to this backend`);
  }
  if (b.freed) throw new BackendError(`webgpu ${op}: a view's buffer was freed`);
  checkGpuDType(op, view.dtype);
  return b;
}

/**
 * The elements `[lo, hi]` a view reaches (undefined for an empty view). Throws BackendError when
 * they fall outside its buffer: the whole buffer is bound, and WebGPU would clamp or drop such
 * accesses silently instead of failing.
 */
function extent(op: string, v: View, b: GpuBuffer): [number, number] | undefined {
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    const n = v.shape[d] as number;
    if (n === 0) return undefined;
    const reach = (n - 1) * (v.strides[d] as number);
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  if (lo < 0 || hi >= b.size) {
    throw new BackendError(
      `webgpu ${op}: a view of shape [${v.shape.join(", ")}] (strides [${v.strides.join(", ")}], ` +
        `offset ${v.offset}) reaches elements ${lo}..${hi} of a buffer of ${b.size}`,
    );
  }
  return [lo, hi];
}

/** Whether `v` covers every element of `b` exactly once, in order. */
function coversBuffer(v: View, b: GpuBuffer): boolean {
  if (v.offset !== 0 || sizeOf(v.shape) !== b.size) return false;
  const c = collapse(v.shape, [v.strides]);
  return c.shape.length === 0 || (c.shape.length === 1 && c.strides[0]?.[0] === 1);
}

/**
 * Moves the inputs that only read their buffer into one scratch buffer per storage type (the
 * range each view reaches, copied before the dispatch), so the kernel binds fewer buffers.
 */
function packInputs(
  views: View[],
  bufs: GpuBuffer[],
  written: ReadonlySet<GpuBuffer>,
  owner: Backend,
): { packs: Pack[]; scratch: GpuBuffer[] } {
  const packs: Pack[] = [];
  const scratch: GpuBuffer[] = [];
  const byType = new Map<string, GpuBuffer[]>();
  for (const b of new Set(bufs)) {
    if (written.has(b)) continue;
    const t = storageType(b.dtype);
    byType.set(t, [...(byType.get(t) ?? []), b]);
  }
  for (const group of byType.values()) {
    if (group.length < 2) continue;
    // The range of each buffer its views reach, and where it lands in the scratch buffer.
    const ranges = new Map<GpuBuffer, { lo: number; hi: number; at: number }>();
    views.forEach((v, i) => {
      const b = bufs[i] as GpuBuffer;
      if (!group.includes(b)) return;
      const [lo, hi] = extent("elementwise", v, b) ?? [0, 0];
      const r = ranges.get(b);
      ranges.set(b, { lo: Math.min(lo, r?.lo ?? lo), hi: Math.max(hi, r?.hi ?? hi), at: 0 });
    });
    let total = 0;
    for (const r of ranges.values()) {
      r.at = total;
      total += r.hi - r.lo + 1;
    }
    const into = owner.alloc((group[0] as GpuBuffer).dtype, total) as GpuBuffer;
    scratch.push(into);
    for (const [from, r] of ranges) {
      packs.push({
        from,
        fromByte: r.lo * 4,
        into,
        intoByte: r.at * 4,
        bytes: (r.hi - r.lo + 1) * 4,
      });
    }
    views.forEach((v, i) => {
      const r = ranges.get(bufs[i] as GpuBuffer);
      if (!r) return;
      views[i] = { ...v, buffer: into, offset: r.at + v.offset - r.lo };
      bufs[i] = into;
    });
  }
  return { packs, scratch };
}

/**
 * Plans the bindings of `views`. Beyond the device's storage-buffer limit, inputs are packed
 * where `writes.packInputs` allows it; otherwise (or if still over) throws BackendError.
 */
export function planBindings(
  op: string,
  views: readonly View[],
  owner: Backend,
  maxStorageBuffers: number,
  writes: Writes,
): BindingPlan {
  const bound = [...views];
  const bufs = views.map((v) => {
    const b = gpuBufferOf(op, v, owner);
    extent(op, v, b);
    return b;
  });
  const written = new Set(writes.views.map((i) => bufs[i] as GpuBuffer));
  let packs: Pack[] = [];
  let scratch: GpuBuffer[] = [];
  if (new Set(bufs).size > maxStorageBuffers && writes.packInputs) {
    ({ packs, scratch } = packInputs(bound, bufs, written, owner));
  }
  const buffers: GpuBuffer[] = [];
  const slots = bufs.map((b) => {
    let i = buffers.indexOf(b);
    if (i < 0) i = buffers.push(b) - 1;
    return i;
  });
  if (buffers.length > maxStorageBuffers) {
    for (const s of scratch) owner.free(s);
    throw new BackendError(
      `webgpu ${op}: the kernel reads and writes ${buffers.length} distinct buffers, more than ` +
        `this device's maxStorageBuffersPerShaderStage (${maxStorageBuffers})` +
        (writes.packInputs ? `, even with its inputs packed (it writes ${written.size})` : ""),
    );
  }
  // A written buffer no other view reads, covered whole by its view, needs no zeroing first.
  const overwritten = writes.whole
    ? [...written].filter((b) => {
        const uses = bound.filter((_, i) => bufs[i] === b);
        return uses.length === 1 && coversBuffer(uses[0] as View, b);
      })
    : [];
  const types = buffers.map((b) => storageType(b.dtype)).join(",");
  return {
    buffers,
    names: slots.map((i) => `b${i}`),
    views: bound,
    key: `${slots.join(",")}/${types}`,
    overwritten,
    packs,
    scratch,
  };
}

/** WGSL declarations of the plan's storage bindings. */
export function bindingDecls(plan: BindingPlan): string {
  return plan.buffers
    .map(
      (b, i) =>
        `@group(0) @binding(${i + 1}) var<storage, read_write> b${i}: array<${storageType(b.dtype)}>;`,
    )
    .join("\n");
}
