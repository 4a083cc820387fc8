/**
 * A contestant's process seen from the orchestrator: spawn, send a request, await its answer.
 * Requests go to the child's stdin and answers come back on its fd 3 (see `worker.ts`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Column } from "./contestants/index.js";

export const PYTHON = "/usr/bin/python3";
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** OPENBLAS_CORETYPE for this CPU's best kernel, set in PyTorch's command only (TOOLCHAIN.md). */
export function openblasCore(flags: string): string | undefined {
  if (/\bavx512f\b/.test(flags)) return "SkylakeX";
  if (/\bavx2\b/.test(flags)) return "Haswell";
  return undefined;
}

export type Answer = Record<string, unknown>;

export class ContestantProcess {
  private readonly child: ChildProcess;
  private readonly pending: ((a: Answer) => void)[] = [];
  private readonly queued: Answer[] = [];
  private exited = false;

  constructor(column: Column, env: NodeJS.ProcessEnv) {
    const [cmd, args] =
      column.runtime === "python"
        ? [PYTHON, [here("./contestants/torch_worker.py")]]
        : [
            process.execPath,
            [
              "--conditions=@nn/source",
              "--import",
              import.meta.resolve("tsx"),
              here("./worker.ts"),
              column.id,
            ],
          ];
    const pythonMissing = column.runtime === "python" && !existsSync(PYTHON);
    this.child = spawn(pythonMissing ? process.execPath : cmd, pythonMissing ? ["-e", ""] : args, {
      stdio: ["pipe", "ignore", "inherit", "pipe"],
      env,
    });
    if (pythonMissing) this.queued.push({ unavailable: `not installed (no ${PYTHON})` });
    const lines = createInterface({ input: this.child.stdio[3] as Readable });
    lines.on("line", (line) => this.deliver(JSON.parse(line) as Answer));
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      for (const waiting of this.pending.splice(0)) {
        waiting({ error: `process exited (${signal ?? code}) before answering` });
      }
    });
  }

  private deliver(a: Answer): void {
    const waiting = this.pending.shift();
    if (waiting) waiting(a);
    else this.queued.push(a);
  }

  /** The next answer (the first is the start-up one). */
  next(): Promise<Answer> {
    const a = this.queued.shift();
    if (a) return Promise.resolve(a);
    if (this.exited) return Promise.resolve({ error: "process has exited" });
    return new Promise((resolve) => this.pending.push(resolve));
  }

  request(req: object): Promise<Answer> {
    if (this.exited) return Promise.resolve({ error: "process has exited" });
    this.child.stdin!.write(`${JSON.stringify(req)}\n`);
    return this.next();
  }

  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.on("exit", () => resolve());
      this.child.stdin!.end();
    });
  }
}
