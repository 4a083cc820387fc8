/** The output directory. */
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { messageOf, UserError } from "../errors.js";

/**
 * Creates `dir` and its missing parents one level at a time. Node's `mkdir(..., { recursive })`
 * never returns under some virtual file systems (/proc): it retries forever on ENOENT.
 */
export async function makeDirs(dir: string): Promise<void> {
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
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Creates `dir` (and its parents) before any work; UserError when that is impossible. */
export async function makeOutputDir(dir: string): Promise<void> {
  try {
    await makeDirs(dir);
  } catch (e) {
    throw new UserError(
      `cannot create the output directory ${dir} (${messageOf(e)}); pass another --out`,
    );
  }
}
