/**
 * The entry point: parse the command line, load plugins, resolve the configuration (merging a
 * resumed checkpoint's), and run a training or a lesson. User errors (UserError, commander's
 * parse errors, file-system errors) print one clear message and give a non-zero exit code, with
 * no stack trace; any other error is a bug and prints its stack. A training run owns its --out
 * (output/run-dir.ts): never another run's checkpoint, one run at a time. Ctrl-C asks the run to stop after the current step
 * and save a checkpoint; a second Ctrl-C exits at once.
 */
import { FileError } from "@nn/tensor";
import { type Command, CommanderError } from "commander";
import { checkArchitecture, readCheckpoint } from "./checkpoint/files.js";
import { resolveActivation } from "./choices/activations.js";
import { loadPlugin } from "./choices/plugins.js";
import { INTERRUPTED_EXIT, runTraining } from "./commands/train.js";
import { UserError } from "./errors.js";
import { type Output, processOutput } from "./output/console.js";
import { openRunDir, type RunDirOptions } from "./output/run-dir.js";
import { buildProgram, type CliOptions } from "./program.js";
import { checkMidEpochResume, type GivenFn, resolveRunConfig } from "./resolve.js";
import {
  buildSubcommand,
  SUBCOMMANDS,
  type Subcommand,
  type SubcommandOptions,
} from "./subcommands.js";

/** Exit code of a user error, and of a command-line error (commander's convention is 1 too). */
const USER_ERROR_EXIT = 1;

/** Installs the Ctrl-C handler for the duration of `fn`. */
async function withInterrupt<T>(
  output: Output,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      output.error("\ninterrupted again: exiting without waiting");
      process.exit(INTERRUPTED_EXIT);
    }
    output.error(
      "\nCtrl-C: finishing the current step and saving a checkpoint (Ctrl-C again to quit at once)",
    );
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** Runs `fn` in the output directory `o` names, owned (locked) for its duration (see openRunDir). */
async function inRunDir(
  o: RunDirOptions,
  output: Output,
  fn: (out: string, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const runDir = await openRunDir(o);
  try {
    if (runDir.note) output.log(`note     ${runDir.note}`);
    return await withInterrupt(output, (signal) => fn(runDir.path, signal));
  } finally {
    await runDir.release();
  }
}

async function run(o: CliOptions, given: GivenFn, output: Output): Promise<number> {
  const resume = o.resume ? await readCheckpoint(o.resume) : undefined;
  for (const spec of [...new Set([...(resume?.info.config.plugins ?? []), ...o.plugin])]) {
    const names = await loadPlugin(spec);
    output.log(`plugin   ${spec}: registered ${names.join(", ")}`);
  }
  if (o.compare) {
    if (resume)
      throw new UserError(
        "--resume and --compare cannot be combined; a lesson always starts afresh",
      );
    const kind = o.compare.kind;
    // Check every name before any training starts.
    const lessonDefaults = { epochs: 3, depth: kind === "activation" ? 10 : undefined };
    const config = resolveRunConfig(o, given, undefined, lessonDefaults);
    // The lessons' modules load only for a lesson: a training run's start-up skips them.
    const [{ runActivationComparison }, { runOptimizerComparison }] = await Promise.all([
      import("./commands/compare-activations.js"),
      import("./commands/compare-optimizers.js"),
    ]);
    // A lesson's own files are rewritten by the next lesson, but a training run's are not.
    const runDir = {
      out: o.out ?? `runs/compare-${kind}`,
      defaultOut: "",
      overwrite: o.overwrite,
      canResume: false,
    };
    return inRunDir(runDir, output, (out, signal) =>
      kind === "activation"
        ? runActivationComparison({
            config,
            names: o.compare!.names.map(resolveActivation),
            out,
            output,
            signal,
          })
        : runOptimizerComparison({
            config,
            names: o.compare!.names,
            lr: given("lr") ? o.lr : undefined,
            out,
            output,
            signal,
          }),
    );
  }
  const config = resolveRunConfig(o, given, resume?.info.config, {}, resume?.dir);
  if (resume) checkArchitecture(resume.dir, config.architecture, resume.info.config.architecture);
  if (resume?.info.partial) checkMidEpochResume(config, resume.info.config, resume.dir);
  const runDir = {
    out: o.out,
    defaultOut: `runs/${config.dataset}`,
    resumeRunDir: resume?.runDir,
    overwrite: o.overwrite,
  };
  return inRunDir(runDir, output, (out, signal) =>
    runTraining({ config, out, resume, output, signal }),
  );
}

/** Prints a user error (UserError, a file that cannot be written) and returns its exit code; rethrows bugs. */
function reportError(e: unknown, out: Output): number {
  if (e instanceof UserError) {
    out.error(`error: ${e.message}`);
    return e.exitCode || USER_ERROR_EXIT;
  }
  // A file that cannot be written (a full disk, no permission): the path and what happened.
  if (e instanceof FileError) {
    out.error(`error: ${e.message}`);
    return USER_ERROR_EXIT;
  }
  throw e;
}

/**
 * Parses `argv` into `program`; the exit code when parsing ended the run (`--help`: 0, a bad
 * flag: USER_ERROR_EXIT, commander having printed why), else undefined.
 */
async function parse(program: Command, argv: string[]): Promise<number | undefined> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USER_ERROR_EXIT;
    throw e;
  }
}

/** `evaluate` or `predict` (src/subcommands.ts). */
async function runSubcommand(name: Subcommand, argv: string[], output?: Output): Promise<number> {
  const program = buildSubcommand(name);
  const parsed = await parse(program, argv);
  if (parsed !== undefined) return parsed;
  const o = program.opts<SubcommandOptions>();
  const out = output ?? processOutput(o.quiet);
  try {
    if (name === "evaluate") {
      const { runEvaluate } = await import("./commands/evaluate.js");
      return await runEvaluate(o.checkpoint, out);
    }
    const { runPredict } = await import("./commands/predict.js");
    await runPredict(o.checkpoint, program.args, out);
    return 0;
  } catch (e) {
    return reportError(e, out);
  }
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, arguments...); resolves to the exit
 * code. `output` defaults to the process's stdout/stderr.
 */
export async function main(argv: string[], output?: Output): Promise<number> {
  const name = argv[2];
  if (SUBCOMMANDS.includes(name as Subcommand)) {
    return runSubcommand(
      name as Subcommand,
      [argv[0] as string, argv[1] as string, ...argv.slice(3)],
      output,
    );
  }
  const program = buildProgram();
  const parsed = await parse(program, argv);
  if (parsed !== undefined) return parsed;
  const o = program.opts<CliOptions>();
  const out = output ?? processOutput(o.quiet);
  const given: GivenFn = (key) => program.getOptionValueSource(key) === "cli";
  try {
    return await run(o, given, out);
  } catch (e) {
    return reportError(e, out);
  }
}
