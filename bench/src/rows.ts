/**
 * The rows of the table: what each measures, its unit, and how a per-iteration time becomes the
 * figure shown. Every contestant implements the same workloads (see `contestants/`), so a row
 * compares like with like.
 */

/** The work one iteration of a row does, as each contestant sets it up. */
export type Workload =
  | { kind: "matmul"; n: number }
  | { kind: "tinyAdd" }
  | { kind: "chain"; n: number; fused: boolean }
  | { kind: "softmax"; rows: number; cols: number }
  | { kind: "logsumexp"; rows: number; cols: number }
  | { kind: "mlp"; sizes: number[]; batch: number };

export interface Row {
  /** Stable id, for `--only` and the JSON output. */
  id: string;
  title: string;
  unit: string;
  workload: Workload;
  /** The figure shown, from the median seconds of one iteration (higher is better unless `lowerIsBetter`). */
  figure(seconds: number): number;
  lowerIsBetter?: boolean;
  /** Digits after the decimal point in the table. */
  digits: number;
}

const F32 = 4;

function matmulRow(n: number): Row {
  return {
    id: `matmul-${n}`,
    title: `matmul ${n}×${n} f32`,
    unit: "GFLOP/s",
    workload: { kind: "matmul", n },
    figure: (s) => (2 * n ** 3) / s / 1e9,
    digits: 1,
  };
}

function mlpRow(sizes: number[], batch: number): Row {
  return {
    id: `mlp-${sizes.join("-")}-b${batch}`,
    title: `train step ${sizes.join("-")} b${batch} Adam`,
    unit: "steps/s",
    workload: { kind: "mlp", sizes, batch },
    figure: (s) => 1 / s,
    digits: 0,
  };
}

/** Elementwise rows report the bytes of their inputs and output moved per second. */
function chainRow(n: number, fused: boolean): Row {
  return {
    id: fused ? "chain-fused" : "chain-eager",
    title: `tanh(exp(a*b+c)-d) ${n / 2 ** 20}M f32, ${fused ? "fused" : "eager"}`,
    unit: "GB/s",
    workload: { kind: "chain", n, fused },
    figure: (s) => (5 * n * F32) / s / 1e9,
    digits: 2,
  };
}

function lastDimRow(kind: "softmax" | "logsumexp", rows: number, cols: number): Row {
  const outCols = kind === "softmax" ? cols : 1;
  return {
    id: kind,
    title: `${kind} ${rows}×${cols} last dim`,
    unit: "GB/s",
    workload: { kind, rows, cols },
    figure: (s) => (rows * (cols + outCols) * F32) / s / 1e9,
    digits: 2,
  };
}

/** The rows of a full run, or of `--quick` (small sizes, so the bench runs in CI in seconds). */
export function rows(quick: boolean): Row[] {
  const sizes = quick ? [64, 128] : [128, 256, 512, 1024];
  const n = quick ? 2 ** 16 : 2 ** 20;
  const side = quick ? 128 : 1024;
  return [
    ...sizes.map(matmulRow),
    {
      id: "tiny-add",
      title: "add of two 1-element f32, dispose included",
      unit: "µs/op",
      workload: { kind: "tinyAdd" },
      figure: (s) => s * 1e6,
      lowerIsBetter: true,
      digits: 2,
    },
    chainRow(n, false),
    chainRow(n, true),
    lastDimRow("softmax", side, side),
    lastDimRow("logsumexp", side, side),
    mlpRow([784, 128, 10], 64),
    mlpRow(quick ? [784, 64, 64, 10] : [784, 512, 512, 10], quick ? 32 : 128),
  ];
}

/** The row whose peak resident memory is reported per contestant. */
export const MEMORY_ROW = "mlp-784-128-10-b64";
