/**
 * Where the app writes: results to stdout, the live progress bar to stderr. Tests and the
 * lessons pass their own Output to capture what would be printed.
 */
export interface Output {
  /** A line of results (stdout). */
  log(line?: string): void;
  /** A warning or error line (stderr). */
  error(line: string): void;
  /** Whether a live progress bar may be drawn (stderr is a terminal and --quiet is off). */
  readonly interactive: boolean;
  /** The stream the progress bar draws on. */
  readonly barStream: NodeJS.WritableStream;
}

/** The process's stdout / stderr; interactive when stderr is a TTY, not CI, and not quiet. */
export function processOutput(quiet: boolean): Output {
  const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
  return {
    log: (line = "") => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
    interactive: tty && !quiet,
    barStream: process.stderr,
  };
}
