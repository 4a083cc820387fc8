/**
 * The output directory of a run: an --out holding a checkpoint is refused unless resumed or
 * overwritten, the default gives way to the next free name, a lock refuses a concurrent run and
 * a dead run's lock is taken over, and a failed run leaves no directory it created empty.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPOINT_DIR, FILES } from "../src/checkpoint/files.js";
import { UserError } from "../src/errors.js";
import { LOCK_FILE, LockedError, openRunDir } from "../src/output/run-dir.js";

const work = mkdtempSync(join(tmpdir(), "nn-train-rundir-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding a (fake, but whole) checkpoint of an earlier run. */
function earlierRun(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, CHECKPOINT_DIR), { recursive: true });
  writeFileSync(join(dir, CHECKPOINT_DIR, FILES.info), "{}");
  return dir;
}

describe("an --out holding a checkpoint", () => {
  it("is refused with one line naming the folder and the flags", async () => {
    const dir = earlierRun("a");
    const error = await openRunDir({ out: dir, defaultOut: "unused", overwrite: false }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `--out ${dir} holds the checkpoint of an earlier run; pass --resume ${dir} to continue it, --overwrite to replace it, or another --out`,
    );
    expect(readdirSync(dir)).toEqual([CHECKPOINT_DIR]); // no lock left behind
    // A lesson cannot resume: it is not offered.
    await expect(
      openRunDir({ out: dir, defaultOut: "", overwrite: false, canResume: false }),
    ).rejects.toThrow(
      `--out ${dir} holds the checkpoint of an earlier run; pass --overwrite to replace it, or another --out`,
    );
  });

  it("is taken with --overwrite, or when the run resumes that very checkpoint", async () => {
    const dir = earlierRun("b");
    const over = await openRunDir({ out: dir, defaultOut: "unused", overwrite: true });
    expect(over.path).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, CHECKPOINT_DIR]);
    await over.release();
    const resumed = await openRunDir({ defaultOut: "unused", resumeRunDir: dir, overwrite: false });
    expect(resumed.path).toBe(dir);
    await resumed.release();
    // Resuming one run into another run's directory is overwriting it.
    await expect(
      openRunDir({
        out: dir,
        defaultOut: "unused",
        resumeRunDir: earlierRun("c"),
        overwrite: false,
      }),
    ).rejects.toThrow(/holds the checkpoint of an earlier run/);
    expect(readdirSync(dir)).toEqual([CHECKPOINT_DIR]);
  });

  it("without --out, the default gives way to <default>-2, -3, ... and says so", async () => {
    const base = earlierRun("runs/mnist");
    earlierRun("runs/mnist-2");
    const dir = await openRunDir({ defaultOut: base, overwrite: false });
    expect(dir.path).toBe(`${base}-3`);
    expect(dir.note).toBe(
      `${base} holds an earlier run, so this run writes to ${base}-3 (--out ${base} --overwrite would replace it)`,
    );
    // A second run at the same time takes the next one.
    const other = await openRunDir({ defaultOut: base, overwrite: false });
    expect(other.path).toBe(`${base}-4`);
    await Promise.all([dir.release(), other.release()]);
    expect(existsSync(`${base}-3`)).toBe(false); // nothing written: nothing left
  });
});

describe("the lock", () => {
  it("refuses a second concurrent run with one line, and is released", async () => {
    const out = join(work, "locked");
    const [a, b] = await Promise.allSettled([
      openRunDir({ out, defaultOut: "unused", overwrite: false }),
      openRunDir({ out, defaultOut: "unused", overwrite: false }),
    ]);
    const won = [a, b].filter((r) => r.status === "fulfilled");
    const lost = [a, b].filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const reason = (lost[0] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(LockedError);
    expect(reason.message).toMatch(
      new RegExp(
        `^${out} is in use by another run \\(pid ${process.pid} on .*, since .*\\); wait for it to finish or pass another --out$`,
      ),
    );
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    const again = await openRunDir({ out, defaultOut: "unused", overwrite: false });
    await again.release();
  });

  it("left by a process that no longer exists is taken over", async () => {
    const out = join(work, "stale");
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    const pid = Number(dead.stdout);
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({ pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }),
    );
    const dir = await openRunDir({ out, defaultOut: "unused", overwrite: false });
    expect(dir.path).toBe(out);
    await dir.release();
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("a run that fails before writing anything", () => {
  it("leaves none of the directories it created", async () => {
    const out = join(work, "new", "deep", "run");
    const dir = await openRunDir({ out, defaultOut: "unused", overwrite: false });
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    await dir.release();
    expect(existsSync(join(work, "new"))).toBe(false);
  });
});
