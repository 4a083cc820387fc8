/** The output directory. */
import { mkdir, rmdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { messageOf, UserError } from "../errors.js";

/**
 * Creates `dir` and its missing parents one level at a time; returns the directories it created,
 * outermost first. Node's `mkdir(..., { recursive })` never returns under some virtual file
 * systems (/proc): it retries forever on ENOENT.
 */
export async function makeDirs(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!(await stat(at)).isDirectory()) throw new Error(`${at} is not a directory`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
    }
  }
  const created: string[] = [];
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
      created.push(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  return created;
}

/** Removes the directories `created` (as makeDirs returns them) that are still empty, innermost first. */
export async function removeEmptyDirs(created: readonly string[]): Promise<void> {
  for (const d of [...created].reverse()) {
    // rmdir removes only an empty directory: anything the run wrote is kept.
    await rmdir(d).catch(() => undefined);
  }
}

/**
 * Creates `dir` (and its parents) before any work; returns the directories created (see
 * makeDirs). UserError when that is impossible.
 */
export async function makeOutputDir(dir: string): Promise<string[]> {
  try {
    return await makeDirs(dir);
  } catch (e) {
    throw new UserError(
      `cannot create the output directory ${dir} (${messageOf(e)}); pass another --out`,
    );
  }
}
