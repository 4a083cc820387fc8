/**
 * The page's backend: WebGPU when `navigator.gpu` gives an adapter, else the CPU backend (one
 * thread unless the page is cross-origin isolated and the backend supports browser workers).
 */
import { cpu } from "@nn/backend-cpu";
import { webgpu } from "@nn/backend-webgpu";
import { type Backend, setBackend } from "@nn/tensor";

/** The backend in use and what to show of it. */
export interface ActiveBackend {
  backend: Backend;
  kind: "webgpu" | "cpu";
  /** The adapter's name (WebGPU), or how the CPU backend runs. */
  label: string;
  /** WebGPU was asked for but is not available here. */
  fellBack: boolean;
}

/** A readable name for a WebGPU adapter: its description, else vendor and architecture. */
function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  const name = info?.description || [info?.vendor, info?.architecture].filter(Boolean).join(" ");
  return name || "WebGPU adapter";
}

/**
 * Creates the backend `wanted` (falling back to the CPU backend when WebGPU has no adapter here)
 * and makes it the default for new tensors. Never throws for a missing GPU.
 */
export async function activateBackend(wanted: "webgpu" | "cpu"): Promise<ActiveBackend> {
  if (wanted === "webgpu") {
    const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
    if (adapter) {
      try {
        const backend = await webgpu({ adapter });
        setBackend(backend);
        return { backend, kind: "webgpu", label: adapterName(adapter), fellBack: false };
      } catch (e) {
        console.warn("WebGPU backend failed to start; using the CPU backend", e);
      }
    }
  }
  const backend = cpu({ syncRead: false });
  setBackend(backend);
  const threads = backend.info.threads;
  const label = `WebAssembly, ${threads} thread${threads === 1 ? "" : "s"}`;
  return { backend, kind: "cpu", label, fellBack: wanted === "webgpu" };
}
