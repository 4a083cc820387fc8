/**
 * `pnpm train evaluate --checkpoint DIR` and `pnpm train predict --checkpoint DIR image.png ...`:
 * commands on a trained checkpoint, parsed by their own commander programs (the training
 * options do not apply to them).
 */
import { Command, Option } from "commander";
import { pathValue } from "./parse.js";

/** The names `main` dispatches to these programs. */
export const SUBCOMMANDS = ["evaluate", "predict"] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** What a subcommand parsed. */
export interface SubcommandOptions {
  checkpoint: string;
  quiet: boolean;
}

const checkpointOption = () =>
  new Option(
    "--checkpoint <dir>",
    "a run directory (its checkpoint/), a checkpoint directory such as <out>/best, or a file in one",
  )
    .argParser(pathValue)
    .makeOptionMandatory();

/** The program of `name`: parse with `parseAsync(argv)` (argv as process.argv, without the name). */
export function buildSubcommand(name: Subcommand): Command {
  const program = new Command(`train ${name}`)
    .addOption(checkpointOption())
    .addOption(new Option("--quiet", "no progress bar").default(false))
    .showHelpAfterError("(run with --help for every option)");
  if (name === "evaluate") {
    return program
      .description(
        "Evaluate a checkpoint on its run's held-out examples and, for Fashion-MNIST, the test set: accuracy, loss and the confusion matrix",
      )
      .allowExcessArguments(false);
  }
  return program
    .description(
      "Classify PNG images with a checkpoint: each made grayscale, inverted if its background is light (the training images are light on black), scaled to 28x28, and standardised like the training data; prints the top 3 classes with their probabilities",
    )
    .argument("<images...>", "PNG files");
}
