/**
 * File-system errors as typed errors. Browser-safe (no `node:fs`): it only reads the `code` of
 * a Node.js system error, so every package's Node entry (`@nn/nn/node`, `@nn/data/node`) wraps
 * its reads and writes with the same helper and the same messages.
 */
import { NNError } from "./errors.js";

/**
 * A file that cannot be read or written: missing, a directory, no permission, a full disk.
 * The message names the function, the path and what happened; `path` and `code` (`"ENOSPC"`,
 * ... or `undefined` for an error without one) are kept for programs.
 */
export class FileError extends NNError {
  static override readonly kind = "FileError";
  override name = "FileError";

  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** What each common Node.js error code means, said for a user. */
const MEANINGS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EEXIST: "it already exists",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
};

/**
 * Wraps the error `e` thrown while `action`-ing (`"read"`, `"write"`, ...) `path` in `who`
 * (the public function's name) as a FileError: `saveSafetensorsFile: cannot write
 * out/model.safetensors: no space left on the device (ENOSPC)`. A FileError is returned as it
 * is; an error without a system `code` keeps its message.
 */
export function fileError(who: string, action: string, path: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? MEANINGS[code] : undefined;
  const what = known ? `${known} (${code as string})` : e instanceof Error ? e.message : String(e);
  return new FileError(
    `${who}: cannot ${action} ${path}: ${what}`,
    path,
    typeof code === "string" ? code : undefined,
  );
}
