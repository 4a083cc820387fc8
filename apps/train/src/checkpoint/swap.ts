/**
 * A directory replaced as a whole, so a crash at any point leaves either its old or its new
 * content complete, never a mix: the new files are written into a fresh sibling directory
 * (`.name.<pid>.<random>.new`), each fsynced, the directory fsynced; then the old directory is
 * renamed away (`.name.<tag>.old`), the new one renamed in, the parent fsynced, and the old one
 * removed. A crash between the two renames leaves no `name` but a whole `.old`: `findWhole`
 * reads it in its place and `recoverLeftovers` (run by the owner of the parent) renames it back.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { syncDir, writeFileAtomic } from "@nn/nn/node";
import { fileError } from "@nn/tensor/internal";

const WHO = "saveCheckpoint";

/** Leftovers of an interrupted replacement of `name`: `.name.<tag>.new` / `.name.<tag>.old`. */
async function leftovers(
  parent: string,
  name: string,
): Promise<{ news: string[]; olds: string[] }> {
  const entries = existsSync(parent) ? await readdir(parent) : [];
  const ours = (suffix: string) =>
    entries
      .filter((e) => e.startsWith(`.${name}.`) && e.endsWith(suffix))
      .map((e) => join(parent, e));
  return { news: ours(".new"), olds: ours(".old") };
}

/**
 * The directory holding the latest whole copy of `parent/name`, judged by `isWhole` (does it hold
 * its last-written file?): `name` itself, or the `.old` copy a crash between the two renames left;
 * undefined when there is none. Changes nothing.
 */
export async function findWhole(
  parent: string,
  name: string,
  isWhole: (dir: string) => boolean,
): Promise<string | undefined> {
  const current = join(parent, name);
  if (isWhole(current)) return current;
  if (existsSync(current)) return undefined;
  return (await leftovers(parent, name)).olds.find(isWhole);
}

/**
 * Cleans up after a crash while `parent/name` was being replaced: an `.old` copy is renamed back
 * when `name` is missing, the others and every `.new` are removed. Only for the owner of
 * `parent` (the run holding its lock). Throws FileError.
 */
export async function recoverLeftovers(parent: string, name: string): Promise<void> {
  const current = join(parent, name);
  const { news, olds } = await leftovers(parent, name);
  try {
    if (!existsSync(current) && olds.length > 0) await rename(olds.shift() as string, current);
    for (const dir of [...news, ...olds]) await rm(dir, { recursive: true, force: true });
  } catch (e) {
    throw fileError(WHO, "clean up the interrupted save in", parent, e);
  }
}

/**
 * Replaces `parent/name` (a directory, created if absent) by one holding exactly `files`
 * (name, content), written in order, as described above. On an error the previous directory
 * stays (renamed back if it had been moved) and the new one is removed. Throws FileError
 * naming the path and what happened (ENOSPC, EACCES, ...).
 */
export async function replaceDirectory(
  parent: string,
  name: string,
  files: readonly (readonly [string, string | Uint8Array])[],
): Promise<void> {
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const fresh = join(parent, `.${name}.${tag}.new`);
  const old = join(parent, `.${name}.${tag}.old`);
  const current = join(parent, name);
  try {
    await mkdir(fresh).catch((e) => {
      throw fileError(WHO, "create the directory", fresh, e);
    });
    for (const [file, data] of files) await writeFileAtomic(join(fresh, file), data, WHO);
    await syncDir(fresh, WHO);
    const hadOld = existsSync(current);
    if (hadOld) {
      await rename(current, old).catch((e) => {
        throw fileError(WHO, "move aside the previous", current, e);
      });
    }
    await rename(fresh, current).catch((e) => {
      throw fileError(WHO, "move into place", current, e);
    });
    await syncDir(parent, WHO);
    // The new checkpoint is in place: a failure to remove the old one only leaves a leftover
    // that recoverLeftovers removes.
    if (hadOld) await rm(old, { recursive: true, force: true }).catch(() => undefined);
  } catch (e) {
    // Best effort: the error reported is the first one.
    if (!existsSync(current) && existsSync(old)) await rename(old, current).catch(() => undefined);
    await rm(fresh, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}
