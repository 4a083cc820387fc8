/**
 * User errors: bad options, missing or corrupt data files, a checkpoint that does not fit. The
 * CLI prints their message (no stack trace) and exits with a non-zero code; any other error is
 * a bug and is printed with its stack.
 */
import { NNError } from "@nn/tensor";

/** A problem with what the user asked for or gave us; `exitCode` is what the CLI exits with. */
export class UserError extends NNError {
  static override readonly kind: string = "UserError";

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The message of any thrown value. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `fn`, turning the typed errors of the nn packages (NNError and its subclasses) into a
 * UserError prefixed with `context` (what we were doing: "reading the checkpoint out/model.safetensors").
 * Other errors (bugs) pass through unchanged.
 */
export async function asUserError<T>(context: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof NNError) throw new UserError(`${context}: ${e.message}`);
    throw e;
  }
}
