/**
 * One contestant's process: `node --conditions=@nn/source --import tsx src/worker.ts ID`.
 * Requests arrive as JSON lines on stdin and answers leave as JSON lines on fd 3, so whatever
 * a library prints on stdout cannot be mistaken for an answer. The protocol (shared with
 * `torch_worker.py`):
 *   (start)                      -> {description} | {unavailable: reason} | {error}
 *   {cmd: "prepare", workload}   -> {ok: true} | {skip: reason} | {error}
 *   {cmd: "time", iters}         -> {seconds}     (iterations of the prepared workload)
 *   {cmd: "rss"}                 -> {maxRss}      (peak resident bytes of this process)
 */
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Prepared } from "./contestants/contestant.js";
import { loadContestant } from "./contestants/index.js";

const answers = createWriteStream("", { fd: 3 });
const answer = (a: object) => answers.write(`${JSON.stringify(a)}\n`);
const message = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

async function serve(id: string): Promise<void> {
  const contestant = await loadContestant(id);
  if (typeof contestant === "string") {
    answer({ unavailable: contestant });
    answers.end();
    return;
  }
  answer({ description: await contestant.setup() });
  let prepared: Prepared | undefined;
  for await (const line of createInterface({ input: process.stdin })) {
    const req = JSON.parse(line) as { cmd: string; workload?: never; iters?: number };
    try {
      if (req.cmd === "prepare") {
        prepared?.release();
        prepared = undefined;
        const p = contestant.prepare(req.workload!);
        if (typeof p === "string") answer({ skip: p });
        else {
          prepared = p;
          answer({ ok: true });
        }
      } else if (req.cmd === "time") {
        const t0 = performance.now();
        await prepared!.run(req.iters!);
        answer({ seconds: (performance.now() - t0) / 1000 });
      } else if (req.cmd === "rss") {
        answer({ maxRss: process.resourceUsage().maxRSS * 1024 });
      } else answer({ error: `unknown command ${req.cmd}` });
    } catch (e) {
      answer({ error: message(e) });
    }
  }
  answers.end();
}

serve(process.argv[2] ?? "").catch((e) => {
  answer({ error: message(e) });
  answers.end(() => process.exit(1));
});
