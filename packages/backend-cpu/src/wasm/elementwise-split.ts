/**
 * How a Wasm elementwise launch (`elementwise.ts`) is split across threads: whole rows per
 * thread, or, for a single row, whole 4-lane vectors. Each element is computed by the same
 * instructions whichever thread runs it, so results do not depend on the thread count.
 */
import type { InputKind } from "./elementwise.js";

/** One launch: `rows` × `cols4` lanes; per input its kind, byte offset and bytes per element. */
export interface Launch {
  rows: number;
  cols4: number;
  kinds: readonly InputKind[];
  /** Byte offsets of the inputs, then of the outputs. */
  offsets: readonly number[];
  /** Bytes per element of the inputs, then of the outputs (1 for bool, else 4). */
  bytes: readonly number[];
  /** The params, as the entry takes them. */
  params: readonly number[];
}

/**
 * The entry's argument tuples `(rows, vectors per row, offsets..., params...)` of up to
 * `threads` shares, one per thread: rows split evenly when there are several, else the row's
 * vectors.
 */
export function splitLaunch(l: Launch, threads: number): number[][] {
  const byRows = l.rows > 1;
  const units = byRows ? l.rows : l.cols4 / 4;
  const t = Math.max(1, Math.min(threads, units));
  const shares: number[][] = [];
  for (let s = 0; s < t; s++) {
    const from = Math.floor((s * units) / t);
    const to = Math.floor(((s + 1) * units) / t);
    const offsets = l.offsets.map((off, j) => {
      const kind = l.kinds[j] ?? "v"; // outputs are laid out as `v` inputs
      const bytes = l.bytes[j] as number;
      if (kind === "s") return off;
      if (byRows) {
        if (kind === "c") return off;
        return off + from * bytes * (kind === "r" ? 1 : l.cols4);
      }
      return kind === "r" ? off : off + 4 * from * bytes; // `c` of one row is a `v`
    });
    const [rows, vectors] = byRows ? [to - from, l.cols4 / 4] : [1, to - from];
    shares.push([rows, vectors, ...offsets, ...l.params]);
  }
  return shares;
}
