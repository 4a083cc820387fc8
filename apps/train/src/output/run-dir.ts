/**
 * The output directory of a training run, owned by one run at a time: a run never writes into
 * an --out holding an earlier run's checkpoint unless told to (`--resume`, `--overwrite`); a lock
 * file refuses a second concurrent run, and a lock left by a process that no longer exists is
 * taken over; directories the run created are removed again if it leaves them empty (a run
 * that fails before training leaves nothing behind).
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { BEST_DIR, CHECKPOINT_DIR, findCheckpoint } from "../checkpoint/files.js";
import { recoverLeftovers } from "../checkpoint/swap.js";
import { asUserError, messageOf, UserError } from "../errors.js";
import { makeOutputDir, removeEmptyDirs } from "./files.js";

/** The lock file's name inside --out. */
export const LOCK_FILE = ".lock";

/** What the lock file says about its owner. */
interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** An --out this run owns: `release()` removes the lock and the directories it left empty. */
export interface RunDir {
  path: string;
  /** Why the run writes elsewhere than the default --out, when it does. */
  note?: string;
  release(): Promise<void>;
}

/** Refused: another run holds `dir`. */
export class LockedError extends UserError {
  static override readonly kind = "LockedError";
}

/** Whether process `pid` is alive on this machine (EPERM: alive, owned by another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(lock: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(lock, "utf8")) as LockOwner;
    return Number.isSafeInteger(o?.pid) && typeof o.host === "string" ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file of `dir` ("wx": fails with EEXIST if one exists). */
async function createLock(lock: string): Promise<void> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  await writeFile(lock, `${JSON.stringify(owner)}\n`, { flag: "wx" });
}

/** Takes the lock of `dir`, taking over a stale one; LockedError when a live run holds it. */
async function lock(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await createLock(path);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new UserError(
          `cannot create the lock file ${path} (${messageOf(e)}); pass another --out`,
        );
    }
    const owner = await readOwner(path);
    const stale = owner && owner.host === hostname() && !isAlive(owner.pid);
    if (!stale || attempt > 0) {
      throw new LockedError(
        owner
          ? `${dir} is in use by another run (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}); wait for it to finish or pass another --out`
          : `${dir} is in use by another run (lock file ${path}); wait for it, pass another --out, or delete ${path} if no run is using it`,
      );
    }
    // Its owner is gone (killed, crashed): take the lock over. Moved aside first, so that of two
    // runs taking it over at once, one cannot remove the lock the other has just made.
    const aside = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
    const moved = await rename(path, aside).then(
      () => readOwner(aside),
      () => undefined,
    );
    if (moved && (moved.pid !== owner.pid || moved.startedAt !== owner.startedAt)) {
      await rename(aside, path).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
}

/** Creates (if needed) and locks `dir`, and cleans up after an earlier run's crash while saving. */
async function own(dir: string): Promise<RunDir> {
  const created = await makeOutputDir(dir);
  try {
    await lock(dir);
  } catch (e) {
    await removeEmptyDirs(created);
    throw e;
  }
  const release = async () => {
    await unlink(join(dir, LOCK_FILE)).catch(() => undefined);
    await removeEmptyDirs(created);
  };
  try {
    await asUserError(`cannot use ${dir}`, async () => {
      await recoverLeftovers(dir, CHECKPOINT_DIR);
      await recoverLeftovers(dir, BEST_DIR);
    });
  } catch (e) {
    await release();
    throw e;
  }
  return { path: dir, release };
}

/** What `openRunDir` needs: the options as given, and the run directory a resume continues. */
export interface RunDirOptions {
  /** --out as given, else undefined. */
  out?: string;
  /** Where a run goes by default (runs/<dataset>). */
  defaultOut: string;
  /** The run directory of the checkpoint given to --resume. */
  resumeRunDir?: string;
  overwrite: boolean;
  /** Whether the refusal may suggest --resume (not for a lesson). Default true. */
  canResume?: boolean;
}

/**
 * The run's output directory, created and locked. An explicit --out (or the resumed run's
 * directory) holding a checkpoint is refused unless the run resumes that very checkpoint or
 * `--overwrite` is given; without --out, a default directory holding an earlier run (or in
 * use) gives way to the next free `<default>-2`, `-3`, ... UserError (one line) otherwise.
 */
export async function openRunDir(o: RunDirOptions): Promise<RunDir> {
  const explicit = o.out ?? o.resumeRunDir;
  if (explicit !== undefined) {
    const continuing =
      o.resumeRunDir !== undefined && resolve(explicit) === resolve(o.resumeRunDir);
    // Locked first: a run in progress is reported as such, not as an earlier run.
    const dir = await own(explicit);
    if (!continuing && !o.overwrite && (await findCheckpoint(explicit))) {
      await dir.release();
      throw new UserError(
        `--out ${explicit} holds the checkpoint of an earlier run; pass ${o.canResume === false ? "" : `--resume ${explicit} to continue it, `}--overwrite to replace it, or another --out`,
      );
    }
    return dir;
  }
  if (o.overwrite) return own(o.defaultOut);
  let why = "";
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? o.defaultOut : `${o.defaultOut}-${n}`;
    if (await findCheckpoint(candidate)) {
      why ||= "holds an earlier run";
      continue;
    }
    try {
      const dir = await own(candidate);
      if (n > 1) {
        dir.note = `${o.defaultOut} ${why}, so this run writes to ${candidate} (--out ${o.defaultOut} --overwrite would replace it)`;
      }
      return dir;
    } catch (e) {
      if (!(e instanceof LockedError)) throw e;
      why ||= "is in use by another run";
    }
  }
}
