/**
 * What the backend asks of the machine it runs on: Node built-ins where they exist (without
 * importing them, so bundles for browsers stay free of `node:` imports), else browser globals.
 */

type NodeProcess = { getBuiltinModule?: (id: string) => unknown };

/** A Node built-in module, or undefined outside Node. */
export const nodeModule = <T>(id: string): T | undefined =>
  ((globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.(id) as T) ?? undefined;

/**
 * The number of cores (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in
 * browsers), at least 1.
 */
export function coreCount(): number {
  const os = nodeModule<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os");
  const n =
    os?.availableParallelism?.() ??
    os?.cpus().length ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, n ?? 1);
}

/**
 * The default `maxMemoryBytes`: 3/4 of the machine's memory in Node (`os.totalmem()`), so a
 * loop that never disposes gets an AllocationError before the system runs out; 4 GiB elsewhere
 * (a browser tab's memory is not exposed, and is rarely more).
 */
export function defaultMaxMemoryBytes(): number {
  const os = nodeModule<{ totalmem(): number }>("node:os");
  return os ? Math.floor(os.totalmem() * 0.75) : 2 ** 32;
}
