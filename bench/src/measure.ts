/**
 * Measuring one row across the contestants: prepare it in every process, warm up and size the
 * samples per contestant, then take the samples in rounds, each round visiting every contestant
 * in turn (starting one further along each time), so a slow minute of a noisy machine falls on
 * all of them alike. A row's figure comes from the median per-iteration time.
 */
import type { Answer, ContestantProcess } from "./process.js";
import type { Row } from "./rows.js";

export interface Cell {
  value?: number;
  /** Why there is no value: the contestant skips the row, or it failed. */
  note?: string;
  /** Per-iteration seconds of each sample. */
  samples?: number[];
}

export interface Settings {
  /** Seconds one sample should last (iterations are sized to it after warm-up). */
  sampleSeconds: number;
  /** Samples per contestant (the median is taken). */
  samples: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const failure = (a: Answer): string | undefined =>
  typeof a.error === "string" ? a.error.split("\n")[0] : undefined;

async function time(p: ContestantProcess, iters: number): Promise<number> {
  const a = await p.request({ cmd: "time", iters });
  const error = failure(a);
  if (error !== undefined) throw new Error(error);
  return a.seconds as number;
}

/** Measures `row` on every live process; returns a cell per column id. */
export async function measureRow(
  row: Row,
  procs: Map<string, ContestantProcess>,
  s: Settings,
): Promise<Map<string, Cell>> {
  const cells = new Map<string, Cell>();
  const iters = new Map<string, number>();
  for (const [id, p] of procs) {
    const a = await p.request({ cmd: "prepare", workload: row.workload });
    if (a.skip !== undefined || failure(a) !== undefined) {
      cells.set(id, { note: (a.skip as string) ?? `error: ${failure(a)}` });
      continue;
    }
    try {
      await time(p, 1); // first call: compiles, allocates
      let n = 1;
      let t = await time(p, n);
      while (t < s.sampleSeconds / 4) {
        n *= Math.min(100, Math.max(2, Math.ceil(s.sampleSeconds / 4 / Math.max(t, 1e-6))));
        t = await time(p, n);
      }
      iters.set(id, Math.max(1, Math.round((n * s.sampleSeconds) / t)));
      cells.set(id, { samples: [] });
    } catch (e) {
      cells.set(id, { note: `error: ${(e as Error).message}` });
    }
  }
  const ids = [...iters.keys()];
  for (let round = 0; round < s.samples; round++) {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(round + k) % ids.length]!;
      const cell = cells.get(id)!;
      if (!cell.samples) continue;
      try {
        const n = iters.get(id)!;
        cell.samples.push((await time(procs.get(id)!, n)) / n);
      } catch (e) {
        cells.set(id, { note: `error: ${(e as Error).message}` });
      }
    }
  }
  for (const cell of cells.values()) {
    if (cell.samples?.length) cell.value = row.figure(median(cell.samples));
  }
  return cells;
}
