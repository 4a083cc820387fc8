/**
 * Storage bindings of a kernel: each distinct GPU buffer among a kernel's views is bound once
 * (binding 1, 2, ...; binding 0 is the args uniform), all as `read_write` storage. Binding a
 * buffer once keeps within `maxStorageBuffersPerShaderStage` when views share a buffer (x * x,
 * in-place updates), and read_write for all avoids WebGPU's rule that one buffer may not be
 * both read-only and writable storage in one dispatch.
 */
import { BackendError, type DType, type View } from "@nn/tensor";
import { checkGpuDType, GpuBuffer } from "./gpu-buffer.js";

/** Where each view of a kernel is bound. */
export interface BindingPlan {
  /** The distinct buffers, in binding order (binding i + 1). */
  readonly buffers: readonly GpuBuffer[];
  /** For each view, the WGSL name of its buffer (`b0`, `b1`, ...). */
  readonly names: readonly string[];
  /** Sharing and storage types (e.g. "0,1,0/f32,u32"), part of every pipeline cache key. */
  readonly key: string;
}

/** WGSL storage element type of a dtype (bool is u32 0/1). */
export function storageType(dtype: DType): string {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "u32";
}

/** The GpuBuffer of a view, checked to belong to `owner`. */
export function gpuBufferOf(op: string, view: View, owner: object): GpuBuffer {
  const b = view.buffer;
  if (!(b instanceof GpuBuffer) || b.owner !== owner) {
    throw new BackendError(`webgpu ${op}: a view's buffer does not belong to this backend`);
  }
  if (b.freed) throw new BackendError(`webgpu ${op}: a view's buffer was freed`);
  checkGpuDType(op, view.dtype);
  return b;
}

/**
 * Throws BackendError when a view reaches outside its buffer: the whole buffer is bound, and
 * WebGPU would clamp or drop such accesses silently instead of failing.
 */
function checkExtent(op: string, v: View, b: GpuBuffer): void {
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    const n = v.shape[d] as number;
    if (n === 0) return;
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
}

/** Plans the bindings of `views`; throws BackendError beyond the device's storage-buffer limit. */
export function planBindings(
  op: string,
  views: readonly View[],
  owner: object,
  maxStorageBuffers: number,
): BindingPlan {
  const buffers: GpuBuffer[] = [];
  const slots = views.map((v) => {
    const b = gpuBufferOf(op, v, owner);
    checkExtent(op, v, b);
    let i = buffers.indexOf(b);
    if (i < 0) i = buffers.push(b) - 1;
    return i;
  });
  if (buffers.length > maxStorageBuffers) {
    throw new BackendError(
      `webgpu ${op}: the kernel reads and writes ${buffers.length} distinct buffers, more than ` +
        `this device's maxStorageBuffersPerShaderStage (${maxStorageBuffers}); split the expression`,
    );
  }
  const types = buffers.map((b) => storageType(b.dtype)).join(",");
  return { buffers, names: slots.map((i) => `b${i}`), key: `${slots.join(",")}/${types}` };
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
