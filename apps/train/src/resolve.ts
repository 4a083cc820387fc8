/**
 * From parsed options to a run configuration: per-data-set defaults (mnist: 784-128-10 for 10
 * epochs; Fashion-MNIST: 784-256-128-10 for 5), `--model`, `--depth`, and with `--resume` the
 * checkpoint's settings for every option not given on the command line.
 */
import { resolveActivation } from "./choices/activations.js";
import { resolveOptimizer } from "./choices/optimizers.js";
import type { RunConfig } from "./config.js";
import { type DatasetName, defaultDataDir } from "./data/sources.js";
import { UserError } from "./errors.js";
import { CNN_HIDDEN, type ModelKind } from "./model.js";
import type { CliOptions } from "./program.js";
import { type LrScheduleConfig, SCHEDULE_FLAGS } from "./train/schedule.js";

/** Per-data-set defaults. */
export const DATASET_DEFAULTS: Readonly<Record<DatasetName, { hidden: number[]; epochs: number }>> =
  {
    mnist: { hidden: [128], epochs: 10 },
    "fashion-mnist": { hidden: [256, 128], epochs: 5 },
  };

/** Pixels per image and classes of both data sets. */
export const INPUTS = 784;
export const CLASSES = 10;

/** Whether an option was given on the command line (not a default). */
export type GivenFn = (option: keyof CliOptions) => boolean;

/**
 * Hidden widths from `--hidden` and `--depth`: with a depth, a single width is repeated that
 * many times; several widths must number exactly `depth`. UserError otherwise.
 */
export function hiddenWidths(hidden: number[], depth: number | undefined): number[] {
  if (depth === undefined || depth === hidden.length) return hidden;
  if (hidden.length !== 1) {
    throw new UserError(
      `--depth ${depth} needs a single width in --hidden (repeated ${depth} times) or exactly ${depth} widths; got --hidden ${hidden.join(",")}`,
    );
  }
  return Array.from({ length: depth }, () => hidden[0] as number);
}

/**
 * The run configuration. `saved` is a resumed checkpoint's (in `savedAt`): it supplies every
 * setting not given on the command line, and a --dataset other than its own is refused
 * (UserError naming both). `lessonDefaults` override the data set's epochs and depth (the
 * lessons train shorter, and deeper).
 */
export function resolveRunConfig(
  o: CliOptions,
  given: GivenFn,
  saved?: RunConfig,
  lessonDefaults: { epochs?: number; depth?: number } = {},
  savedAt = "the checkpoint",
): RunConfig {
  const pick = <K extends keyof CliOptions>(key: K, fromSaved: unknown): unknown =>
    saved && !given(key) ? fromSaved : o[key];
  const dataset = pick("dataset", saved?.dataset) as DatasetName;
  if (saved && dataset !== saved.dataset) {
    throw new UserError(
      `checkpoint ${savedAt} was trained on ${saved.dataset}, but this run asks for --dataset ${dataset}; resume without --dataset (or with --dataset ${saved.dataset}), or start a new run with another --out`,
    );
  }
  const defaults = DATASET_DEFAULTS[dataset];
  const model = resolveModel(o, given, saved, savedAt);
  const widthsGiven = given("hidden") || given("depth");
  const hidden =
    model === "cnn"
      ? CNN_HIDDEN
      : saved && !widthsGiven
        ? saved.architecture.hidden
        : hiddenWidths(o.hidden ?? defaults.hidden, o.depth ?? lessonDefaults.depth);
  const activation = resolveActivation(
    saved && !given("activation") ? saved.architecture.activation : o.activation,
  );
  const optimizer = pick("optimizer", saved?.optimizer) as string;
  const lr = saved && !given("lr") && !given("optimizer") ? saved.lr : o.lr;
  const resolvedLr = resolveOptimizer(optimizer, lr).options.lr as number;
  const dataDir =
    (pick("dataDir", saved?.dataset === dataset ? saved?.dataDir : undefined) as
      | string
      | undefined) ?? defaultDataDir(dataset);
  return {
    dataset,
    dataDir,
    architecture: { model, inputs: INPUTS, hidden, classes: CLASSES, activation },
    optimizer,
    lr: resolvedLr,
    epochs:
      (pick("epochs", saved?.epochs) as number | undefined) ??
      lessonDefaults.epochs ??
      defaults.epochs,
    batchSize: pick("batchSize", saved?.batchSize) as number,
    backend: pick("backend", saved?.backend) as RunConfig["backend"],
    seed: pick("seed", saved?.seed) as number,
    trainSize: pick("trainSize", saved?.trainSize) as number | undefined,
    valSize: pick("valSize", saved?.valSize) as number | undefined,
    lrSchedule: resolveLrSchedule(o, given, saved, savedAt),
    earlyStopping: pick("earlyStopping", saved?.earlyStopping) as number | undefined,
    plugins: [...new Set([...(saved?.plugins ?? []), ...o.plugin])],
  };
}

/**
 * `--model`, or a resumed checkpoint's (an MLP when it predates `--model`). UserError when a
 * resume asks for another model, or when the CNN is given `--hidden`/`--depth` (its layers are
 * fixed) or `--compare` (the lessons compare MLPs).
 */
function resolveModel(
  o: CliOptions,
  given: GivenFn,
  saved: RunConfig | undefined,
  savedAt: string,
): ModelKind {
  const savedModel = saved ? (saved.architecture.model ?? "mlp") : undefined;
  const model = savedModel && !given("model") ? savedModel : o.model;
  if (savedModel && model !== savedModel) {
    throw new UserError(
      `checkpoint ${savedAt} holds ${savedModel === "cnn" ? "a CNN" : "an MLP"}, but this run asks for --model ${model}; resume without --model (or with --model ${savedModel}), or start a new run with another --out`,
    );
  }
  if (model !== "cnn") return model;
  for (const [key, flag] of [
    ["hidden", "--hidden"],
    ["depth", "--depth"],
    ["compare", "--compare"],
  ] as const) {
    if (given(key)) {
      const why =
        key === "compare"
          ? "the lessons compare MLPs; drop --model cnn to run one"
          : `the CNN's layers are fixed (conv 32, conv 64, ${CNN_HIDDEN.join(",")}); ${flag} sizes the MLP (--model mlp)`;
      throw new UserError(`${flag} cannot be used with --model cnn: ${why}`);
    }
  }
  return model;
}

/** "--lr-schedule step --step-size 2", as a flag list reads. */
function scheduleText(s: LrScheduleConfig | undefined): string {
  if (!s) return "no --lr-schedule";
  const params = Object.entries(SCHEDULE_FLAGS)
    .filter(([key]) => s[key as keyof LrScheduleConfig] !== undefined)
    .map(([key, { flag }]) => ` ${flag} ${s[key as keyof LrScheduleConfig]}`);
  return `--lr-schedule ${s.name}${params.join("")}`;
}

/**
 * `--lr-schedule` and its parameters. A parameter flag needs a schedule it applies to
 * (UserError naming both otherwise). A resumed run continues its checkpoint's schedule: any
 * schedule flag then is a UserError (the saved scheduler state belongs to the saved schedule).
 */
export function resolveLrSchedule(
  o: CliOptions,
  given: GivenFn,
  saved?: RunConfig,
  savedAt = "the checkpoint",
): LrScheduleConfig | undefined {
  const flags = Object.entries(SCHEDULE_FLAGS).filter(([key]) => given(key as keyof CliOptions));
  if (saved) {
    const asked = [
      ...(given("lrSchedule") ? ["--lr-schedule"] : []),
      ...flags.map(([, f]) => f.flag),
    ];
    if (asked.length) {
      throw new UserError(
        `checkpoint ${savedAt} continues its own schedule (${scheduleText(saved.lrSchedule)}), so ${asked.join(", ")} cannot change it; resume without ${asked.length > 1 ? "them" : "it"}, or start a new run`,
      );
    }
    return saved.lrSchedule;
  }
  const name = o.lrSchedule;
  for (const [, { flag, for: schedules }] of flags) {
    if (!name || !schedules.includes(name)) {
      throw new UserError(
        `${flag} applies to --lr-schedule ${schedules.join(" or ")}, but this run has ${name ? `--lr-schedule ${name}` : "no --lr-schedule"}; add --lr-schedule ${schedules[0]} or drop ${flag}`,
      );
    }
  }
  if (!name) return undefined;
  const config: LrScheduleConfig = { name };
  for (const [key] of flags) {
    const k = key as Exclude<keyof LrScheduleConfig, "name">;
    config[k] = o[k];
  }
  return config;
}

/** The settings that decide an epoch's batches, with their flags. */
const BATCH_SETTINGS = [
  ["batchSize", "--batch-size"],
  ["trainSize", "--train-size"],
  ["valSize", "--val-size"],
  ["seed", "--seed"],
] as const;

/**
 * A checkpoint saved in the middle of an epoch (after Ctrl-C) resumes that epoch at its step, so
 * the settings that decide its batches must be the checkpoint's: UserError naming both values
 * otherwise (at an epoch's end they may change).
 */
export function checkMidEpochResume(config: RunConfig, saved: RunConfig, savedAt: string): void {
  for (const [key, flag] of BATCH_SETTINGS) {
    if (config[key] !== saved[key]) {
      throw new UserError(
        `checkpoint ${savedAt} stopped in the middle of an epoch with ${flag} ${saved[key] ?? "(all)"}, but this run asks for ${flag} ${config[key] ?? "(all)"}; resume without ${flag} to finish that epoch, or start a new run`,
      );
    }
  }
}
