/**
 * What every JavaScript contestant implements. A contestant runs in its own process (see
 * `worker.ts`), sets up its library once, then prepares one row's workload at a time.
 */
import type { Workload } from "../rows.js";

/** A workload made ready to run: inputs allocated, kernels possibly compiled by warm-up. */
export interface Prepared {
  /**
   * Runs `iters` iterations and returns when their results exist (an asynchronous library
   * reads back one small value at the end, so queued work is counted).
   */
  run(iters: number): Promise<void>;
  /** Frees what `prepare` allocated. */
  release(): void;
}

export interface Contestant {
  /** Starts the library; returns a short description (backend, version, features). */
  setup(): Promise<string>;
  /** Prepares `w`, or returns a reason it does not apply (shown in the table as "—"). */
  prepare(w: Workload): Prepared | string;
}

/**
 * A contestant by column id, made on demand; a string (or a promise of one) says why the column
 * has no figures here (a library or a device missing).
 */
export type Variants = Record<
  string,
  (() => Contestant | string | Promise<Contestant | string>) | string
>;

/** `p` whose `run` also waits for the device: `flush` resolves once every queued kernel ran. */
export function synced(p: Prepared | string, flush: () => Promise<unknown>): Prepared | string {
  if (typeof p === "string") return p;
  return {
    run: async (iters) => {
      await p.run(iters);
      await flush();
    },
    release: () => p.release(),
  };
}

/** The chain row's inputs: four float32 arrays of `n` values in a range where exp stays finite. */
export function chainInputs(n: number): Float32Array[] {
  return [0, 1, 2, 3].map((k) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + k) * 0.5;
    return a;
  });
}

/** Deterministic pseudo-random values in [-1, 1), for inputs that need no particular law. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Class labels in [0, classes) for `n` samples. */
export function labels(n: number, classes: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) % classes;
  return out;
}
