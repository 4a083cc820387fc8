/**
 * Node-only file primitives of `@nn/nn/node`: an atomic write (temporary file in the same
 * directory, fsync, rename) and a read, both throwing `FileError` (from `@nn/tensor`) with the
 * function's name and the path.
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileError } from "@nn/tensor/internal";

/**
 * A temporary name beside `path`, unique to this process and call (so two runs writing the same
 * file never share one): `dir/.name.<pid>.<random>.tmp`.
 */
export function tempPathFor(path: string): string {
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  return join(dirname(path), `.${basename(path)}.${tag}.tmp`);
}

/**
 * Writes `data` to `path` atomically: into a fresh temporary file in the same directory, fsynced,
 * then renamed over `path`. A crash or an error at any point leaves the previous file whole;
 * on error the temporary file is removed. `who` names the calling function in errors.
 * Throws FileError (path, code: ENOENT for a missing directory, EISDIR, EACCES, ENOSPC, ...).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  who = "writeFileAtomic",
): Promise<void> {
  const tmp = tempPathFor(path);
  let created = false;
  try {
    // "wx": never follow or reuse an existing file.
    const handle = await open(tmp, "wx");
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw fileError(who, "write", path, e);
  }
}

/**
 * fsyncs the directory `dir`, so the renames made in it survive a power cut. A no-op where
 * directories cannot be opened for syncing (Windows). Throws FileError as `writeFileAtomic`.
 */
export async function syncDir(dir: string, who = "syncDir"): Promise<void> {
  if (process.platform === "win32") return;
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fileError(who, "sync the directory", dir, e);
  }
}

/** The bytes of `path`; FileError naming `who` and the path when it cannot be read. */
export async function readFileBytes(path: string, who: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw fileError(who, "read", path, e);
  }
}
