/**
 * The columns of the table, in order. Each runs in a process of its own: the JavaScript ones
 * through `worker.ts`, PyTorch through `torch_worker.py` with Debian's `/usr/bin/python3`.
 */
import type { Contestant, Variants } from "./contestant.js";

export interface Column {
  id: string;
  label: string;
  runtime: "node" | "python";
}

export const COLUMNS: Column[] = [
  { id: "nn", label: "nn cpu", runtime: "node" },
  { id: "nn-1t", label: "nn cpu 1 thread", runtime: "node" },
  { id: "nn-js", label: "nn pure JS", runtime: "node" },
  { id: "tfjs-cpu", label: "tfjs cpu", runtime: "node" },
  { id: "tfjs-wasm", label: "tfjs-wasm", runtime: "node" },
  { id: "jax", label: "jax-js wasm", runtime: "node" },
  { id: "torch", label: "PyTorch 1 thread", runtime: "python" },
  { id: "nn-webgpu", label: "nn webgpu", runtime: "node" },
  { id: "tfjs-webgpu", label: "tfjs-webgpu", runtime: "node" },
];

/**
 * Loads a JavaScript contestant by column id (only its own library is imported), or returns why
 * the column has no figures of its own.
 */
export async function loadContestant(id: string): Promise<Contestant | string> {
  const modules: Record<string, () => Promise<{ variants: Variants }>> = {
    nn: () => import("./nn.js"),
    tfjs: () => import("./tfjs.js"),
    jax: () => import("./jax.js"),
  };
  const load = modules[id.split("-")[0]!];
  const make = load && (await load()).variants[id];
  if (!make) throw new Error(`no JavaScript contestant ${id}`);
  return typeof make === "string" ? make : await make();
}
