/** The report of a run and its two renderings: a terminal table and Markdown for the README. */
import Table from "cli-table3";
import type { Column } from "./contestants/index.js";
import type { Machine } from "./machine.js";
import type { MainJob } from "./main-job.js";
import type { Cell, Settings } from "./measure.js";

export interface ReportRow {
  id: string;
  title: string;
  unit: string;
  digits: number;
  lowerIsBetter: boolean;
  cells: Record<string, Cell>;
}

export interface Report {
  machine: Machine;
  quick: boolean;
  settings: Settings;
  columns: (Column & { about: string; available: boolean })[];
  rows: ReportRow[];
  mainJob?: MainJob;
}

/** The ratio columns: an nn column over the best of its peers (above 1: nn is faster). */
const RATIOS = [
  { label: "nn ÷ best JS peer", nn: "nn", peers: ["tfjs-cpu", "tfjs-wasm", "jax"] },
  { label: "nn webgpu ÷ tfjs-webgpu", nn: "nn-webgpu", peers: ["tfjs-webgpu"] },
];

const num = (x: number, digits: number) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `nnId`'s speed over the best of `peerIds` in this row, or "" without both. */
function ratio(row: ReportRow, nnId: string, peerIds: readonly string[]): string {
  const nn = row.cells[nnId]?.value;
  const peers = peerIds
    .map((id) => row.cells[id]?.value)
    .filter((v): v is number => v !== undefined);
  if (nn === undefined || peers.length === 0) return "";
  const best = row.lowerIsBetter ? Math.min(...peers) : Math.max(...peers);
  const r = row.lowerIsBetter ? best / nn : nn / best;
  return `${r >= 10 ? num(r, 0) : num(r, 2)}×`;
}

interface Grid {
  head: string[];
  body: string[][];
  notes: string[];
}

function grid(r: Report): Grid {
  const cols = r.columns;
  const notes: string[] = [];
  const mark = (text: string) => {
    let k = notes.indexOf(text);
    if (k < 0) k = notes.push(text) - 1;
    return `—[${k + 1}]`;
  };
  const head = ["row", "unit", ...cols.map((c) => c.label), ...RATIOS.map((r) => r.label)];
  const body: string[][] = [];
  for (const row of r.rows) {
    const cells = cols.map((c) => {
      if (!c.available) return mark(`${c.label}: ${c.about}`);
      const cell = row.cells[c.id];
      if (!cell || cell.value === undefined)
        return mark(`${c.label}: ${cell?.note ?? "not measured"}`);
      let text = num(cell.value, row.digits);
      // A CPU core's peak: no yardstick for a GPU column.
      if (row.id.startsWith("matmul") && !c.id.endsWith("webgpu"))
        text += ` (${Math.round((100 * cell.value) / r.machine.simdPeakGflops)}%)`;
      return text;
    });
    body.push([row.title, row.unit, ...cells, ...RATIOS.map((q) => ratio(row, q.nn, q.peers))]);
  }
  if (r.mainJob) {
    const j = r.mainJob;
    const show = (v: number | string) => (typeof v === "number" ? num(v, 1) : mark(v));
    const cells = cols.map((c) =>
      c.id === "nn" ? show(j.nn) : c.id === "torch" ? show(j.torch) : "",
    );
    const vs =
      typeof j.nn === "number" && typeof j.torch === "number"
        ? `PyTorch ÷ nn ${num(j.torch / j.nn, 2)}×`
        : "";
    body.push([`main job, ${j.runs} run${j.runs > 1 ? "s" : ""} each`, "s wall", ...cells, vs, ""]);
  }
  return { head, body, notes };
}

function header(r: Report): string[] {
  const m = r.machine;
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, WebAssembly: ${m.wasm.join(", ") || "none"}`,
    `one core's 128-bit SIMD multiply-add peak: ${num(m.simdPeakGflops, 1)} GFLOP/s (matmul cells show their share of it)`,
    `each figure: median of ${r.settings.samples} samples of about ${r.settings.sampleSeconds} s, after warm-up, contestants alternating${r.quick ? " (--quick: small sizes)" : ""}`,
    ...r.columns.filter((c) => c.available).map((c) => `${c.label}: ${c.about}`),
    ...(r.mainJob
      ? [
          `main job: \`${r.mainJob.commands.nn}\` against \`${r.mainJob.commands.torch}\`, whole commands`,
        ]
      : []),
  ];
}

export function renderTable(r: Report): string {
  const g = grid(r);
  const t = new Table({ head: g.head, style: { head: [], border: [] } });
  t.push(...g.body);
  const notes = g.notes.map((n, i) => `[${i + 1}] ${n}`);
  return [...header(r), t.toString(), ...notes].join("\n");
}

export function renderMarkdown(r: Report): string {
  const g = grid(r);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    ...header(r).map((h) => `- ${h}`),
    "",
    line(g.head),
    line(g.head.map((_, i) => (i < 2 ? "---" : "---:"))),
    ...g.body.map(line),
    "",
    ...g.notes.map((n, i) => `${i + 1}. ${n}`),
    "",
  ].join("\n");
}
