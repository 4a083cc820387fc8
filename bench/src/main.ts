/**
 * `pnpm bench`: nn side by side with TensorFlow.js (cpu, wasm), jax-js (wasm) and PyTorch (one
 * thread), every row measured in one run with the contestants alternating, after warm-up, the
 * median of several samples. Prints one table; `--json FILE` and `--markdown FILE` write it.
 * Asserts nothing about speed: `--quick` (small sizes, few samples) runs in CI so it never rots.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { COLUMNS } from "./contestants/index.js";
import { describeMachine } from "./machine.js";
import { mainJob } from "./main-job.js";
import { type Cell, measureRow } from "./measure.js";
import { ContestantProcess, openblasCore } from "./process.js";
import { MEMORY_ROW, rows } from "./rows.js";
import { type Report, renderMarkdown, renderTable } from "./table.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Options {
  quick: boolean;
  only: string[];
  json?: string;
  markdown?: string;
  samples?: number;
  mainJob: boolean;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** Writes a file whole or not at all: a temp file beside it, then a rename. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { flush: true });
  renameSync(tmp, path);
}

/** The environment of PyTorch's processes: the best OpenBLAS kernel for this CPU, nothing else changed. */
function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  let flags = "";
  try {
    flags = readFileSync("/proc/cpuinfo", "utf8");
  } catch {}
  const core = openblasCore(flags);
  if (core) env.OPENBLAS_CORETYPE = core;
  return env;
}

async function run(o: Options): Promise<void> {
  const allRows = rows(o.quick);
  const known = [...allRows.map((r) => r.id), "memory", "main-job"];
  const unknown = o.only.filter((id) => !known.includes(id));
  if (unknown.length) {
    program.error(`error: --only: no row ${unknown.join(", ")} (rows: ${known.join(", ")})`);
  }
  const wanted = (id: string) => o.only.length === 0 || o.only.includes(id);
  const settings = {
    sampleSeconds: o.quick ? 0.01 : 0.25,
    samples: o.samples ?? (o.quick ? 5 : 7),
  };
  const env = torchEnv();
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const report: Report = {
    machine: describeMachine(),
    quick: o.quick,
    settings,
    columns: [],
    rows: [],
  };
  log(`machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`);

  // One process per contestant for the timed rows.
  const procs = new Map<string, ContestantProcess>();
  for (const column of COLUMNS) {
    const p = new ContestantProcess(column, column.runtime === "python" ? env : process.env);
    const a = await p.next();
    const about = (a.description ??
      a.unavailable ??
      `error: ${String(a.error).split("\n")[0]}`) as string;
    report.columns.push({ ...column, about, available: a.description !== undefined });
    if (a.description !== undefined) procs.set(column.id, p);
    else await p.close();
    log(`  ${column.label}: ${about}`);
  }
  try {
    for (const row of allRows.filter((r) => wanted(r.id))) {
      log(`row ${row.id} ...`);
      const cells = await measureRow(row, procs, settings);
      report.rows.push({
        id: row.id,
        title: row.title,
        unit: row.unit,
        digits: row.digits,
        lowerIsBetter: !!row.lowerIsBetter,
        cells: Object.fromEntries(cells),
      });
    }
  } finally {
    await Promise.all([...procs.values()].map((p) => p.close()));
  }

  if (wanted("memory")) {
    // Each contestant in a fresh process that runs only the MLP row: its peak resident memory.
    log("row memory ...");
    const row = allRows.find((r) => r.id === MEMORY_ROW)!;
    const cells: Record<string, Cell> = {};
    for (const column of report.columns.filter((c) => c.available)) {
      const p = new ContestantProcess(column, column.runtime === "python" ? env : process.env);
      await p.next();
      await p.request({ cmd: "prepare", workload: row.workload });
      await p.request({ cmd: "time", iters: o.quick ? 5 : 50 });
      const a = await p.request({ cmd: "rss" });
      cells[column.id] =
        typeof a.maxRss === "number" ? { value: a.maxRss / 2 ** 20 } : { note: "error" };
      await p.close();
    }
    report.rows.push({
      id: "memory",
      title: `peak RSS, ${row.title}`,
      unit: "MiB",
      digits: 0,
      lowerIsBetter: true,
      cells,
    });
  }

  if (o.mainJob && wanted("main-job")) {
    log("row main-job ...");
    report.mainJob = mainJob(ROOT, o.quick ? 1 : Math.max(5, o.samples ?? 5), o.quick, env);
  }

  process.stdout.write(`${renderTable(report)}\n`);
  if (o.json) writeAtomic(o.json, `${JSON.stringify(report, null, 2)}\n`);
  if (o.markdown) writeAtomic(o.markdown, renderMarkdown(report));
  // A contestant that fails (rather than lacking a feature or a library) fails the run, so
  // the bench cannot rot unseen in CI.
  const failures = [
    ...report.rows.flatMap((r) =>
      Object.entries(r.cells)
        .filter(([, c]) => c.note?.startsWith("error"))
        .map(([id, c]) => `${r.id} / ${id}: ${c.note}`),
    ),
    ...report.columns.filter((c) => c.about.startsWith("error")).map((c) => `${c.id}: ${c.about}`),
    ...(report.mainJob
      ? [report.mainJob.nn, report.mainJob.torch]
          .filter((v): v is string => typeof v === "string" && v.startsWith("failed"))
          .map((v) => `main-job: ${v}`)
      : []),
  ];
  if (failures.length) {
    process.stderr.write(`bench: ${failures.length} failure(s):\n  ${failures.join("\n  ")}\n`);
    process.exitCode = 1;
  }
}

const program = new Command("bench")
  .description("nn side by side with TensorFlow.js, jax-js and PyTorch, one run, one table")
  .option("--quick", "small sizes and few samples (under a minute; CI runs it)", false)
  .addOption(
    new Option("--only <row>", "measure only this row (repeatable): a row id, memory or main-job")
      .argParser((v: string, prev: string[]) => [...prev, v])
      .default([]),
  )
  .option("--json <file>", "write the table as JSON")
  .option("--markdown <file>", "write the table as Markdown (as in the README)")
  .option("--samples <n>", "samples per contestant and row (default 7, quick 5)", positiveInt)
  .option("--no-main-job", "skip the end-to-end pnpm train row")
  .action((o: Options) => run(o));

await program.parseAsync();
