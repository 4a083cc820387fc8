/**
 * Validation of the JSON files a checkpoint holds (`checkpoint.json`, `optimizer.json`) with
 * valibot, before anything uses them: a bad field is a CheckpointFileError naming the file, the
 * field, the value and what is valid, and the run stops before it writes anything.
 */
import * as v from "valibot";
import { BACKENDS } from "../config.js";
import { DATASETS } from "../data/sources.js";
import { UserError } from "../errors.js";
import { MODELS } from "../model.js";
import { MAX_DEPTH, MAX_WIDTH } from "../parse.js";
import { LR_SCHEDULES } from "../train/schedule.js";

/** A field of a checkpoint file that is missing or invalid. */
export class CheckpointFileError extends UserError {
  static override readonly kind = "CheckpointFileError";

  constructor(
    readonly file: string,
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(
      `${file}: ${field} ${value === undefined ? "is missing" : `is ${show(value)}`}; expected ${expected}. Nothing was changed; fix the file or start a new run`,
    );
  }
}

/** A value as it reads in JSON, cut short. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** An integer in [min, max]; the message says so. */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const what =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return v.pipe(v.number(what), v.integer(what), v.minValue(min, what), v.maxValue(max, what));
};
const finite = (what = "a finite number") => v.pipe(v.number(what), v.finite(what));
const positive = () => {
  const what = "a finite number > 0";
  return v.pipe(v.number(what), v.finite(what), v.gtValue(0, what));
};
const fraction = () => {
  const what = "a number from 0 to 1";
  return v.pipe(v.number(what), v.minValue(0, what), v.maxValue(1, what));
};
const text = (what = "a string") => v.string(what);
const object = <T extends v.ObjectEntries>(entries: T, what: string) =>
  v.looseObject(entries, what);
const list = <T extends v.GenericSchema>(item: T, what: string) => v.array(item, what);

const curvePoint = object(
  { epoch: v.pipe(finite(), v.minValue(0, "a number >= 0")), loss: v.number("a number") },
  "a curve point { epoch, loss }",
);

const runConfig = object(
  {
    dataset: v.picklist(DATASETS, `one of ${DATASETS.join(", ")}`),
    dataDir: text(),
    architecture: object(
      {
        // Checkpoints written before --model hold MLPs.
        model: v.optional(v.picklist(MODELS, `one of ${MODELS.join(", ")}`), "mlp"),
        inputs: int(1),
        hidden: v.pipe(
          list(int(1, MAX_WIDTH), `a list of 1 to ${MAX_DEPTH} layer widths`),
          v.minLength(1, `a list of 1 to ${MAX_DEPTH} layer widths`),
          v.maxLength(MAX_DEPTH, `a list of 1 to ${MAX_DEPTH} layer widths`),
        ),
        classes: int(1),
        activation: text("an activation name"),
      },
      "the model { model, inputs, hidden, classes, activation }",
    ),
    optimizer: text("an optimizer name"),
    lr: positive(),
    epochs: int(1),
    batchSize: int(1),
    backend: v.picklist(BACKENDS, `one of ${BACKENDS.join(", ")}`),
    seed: int(0),
    trainSize: v.optional(int(1)),
    valSize: v.optional(int(1)),
    plugins: list(text("a package name"), "a list of package names"),
    earlyStopping: v.optional(int(1)),
    lrSchedule: v.optional(
      object(
        {
          name: v.picklist(LR_SCHEDULES, `one of ${LR_SCHEDULES.join(", ")}`),
          stepSize: v.optional(int(1)),
          gamma: v.optional(positive()),
          etaMin: v.optional(v.pipe(finite(), v.minValue(0, "a number >= 0"))),
          maxLr: v.optional(positive()),
          pctStart: v.optional(v.pipe(positive(), v.ltValue(1, "a number from 0 to 1"))),
          patience: v.optional(int(0)),
          factor: v.optional(v.pipe(positive(), v.ltValue(1, "a number from 0 to 1"))),
        },
        "the learning-rate schedule { name, ... }",
      ),
    ),
  },
  "the run configuration (an object)",
);

const epochRecord = object(
  {
    epoch: int(1),
    trainLoss: v.number("a number"),
    trainAccuracy: fraction(),
    testLoss: v.number("a number"),
    testAccuracy: fraction(),
    seconds: v.pipe(finite(), v.minValue(0, "a number >= 0")),
    samplesPerSecond: v.pipe(finite(), v.minValue(0, "a number >= 0")),
  },
  "an epoch record",
);

const epochTotals = object(
  {
    step: int(1),
    seen: int(1),
    lossSum: finite(),
    correct: int(0),
    curve: list(curvePoint, "a list of curve points"),
  },
  "null or the totals { step, seen, lossSum, correct, curve } of an interrupted epoch",
);

const checkpointInfo = object(
  {
    format: v.literal("nn-train-checkpoint", '"nn-train-checkpoint"'),
    version: v.literal(1, "1"),
    config: runConfig,
    hyperparameters: v.record(v.string(), v.unknown(), "an object"),
    epochsDone: int(0),
    partial: v.nullable(epochTotals),
    standardisation: object(
      { mean: finite(), std: positive() },
      "the standardisation { mean, std }",
    ),
    classes: v.optional(list(text("a class name"), "a list of class names")),
    history: list(epochRecord, "a list of epoch records"),
    curve: list(curvePoint, "a list of curve points"),
    savedAt: text("a date"),
    reason: v.picklist(["epoch", "interrupt"], '"epoch" or "interrupt"'),
  },
  "a checkpoint.json object",
);

/** Where the first issue is: `config.architecture.hidden[0]`. */
function fieldOf(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = item.key as string | number;
    out += typeof key === "number" ? `[${key}]` : out ? `.${key}` : key;
  }
  return out || "(the whole file)";
}

/** The schema at `path` inside `schema` (through objects, arrays, nullable and optional). */
function schemaAt(schema: unknown, path: readonly { key: unknown }[]): unknown {
  let at = schema as { entries?: Record<string, unknown>; item?: unknown; wrapped?: unknown };
  for (const { key } of path) {
    while (at?.wrapped) at = at.wrapped as typeof at;
    at = (typeof key === "number" ? at?.item : at?.entries?.[key as string]) as typeof at;
  }
  return at;
}

function parse<S extends v.GenericSchema>(
  schema: S,
  data: unknown,
  file: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, data, { abortPipeEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  // A missing key is reported by its object: say what the key itself should be.
  const own =
    issue.input === undefined
      ? (schemaAt(schema, issue.path ?? []) as { message?: unknown } | undefined)?.message
      : undefined;
  const expected = typeof own === "string" ? own : issue.message;
  throw new CheckpointFileError(file, fieldOf(issue), issue.input, expected);
}

/**
 * `checkpoint.json`'s content, validated: every field's type and range, then the fields that
 * must agree (`epochsDone` at most `config.epochs`, one `history` record per epoch done, an
 * interrupted epoch's `seen` within its steps). CheckpointFileError naming the first bad field.
 */
export function validateCheckpointInfo(data: unknown, file: string) {
  const info = parse(checkpointInfo, data, file);
  const { config, epochsDone, partial, history } = info;
  if (epochsDone > config.epochs) {
    throw new CheckpointFileError(
      file,
      "epochsDone",
      epochsDone,
      `an integer from 0 to config.epochs (${config.epochs})`,
    );
  }
  if (history.length !== epochsDone) {
    throw new CheckpointFileError(
      file,
      "history",
      `${history.length} records`,
      `one record per epoch done (epochsDone ${epochsDone})`,
    );
  }
  if (partial && epochsDone >= config.epochs) {
    throw new CheckpointFileError(file, "partial", partial, "null when every epoch is done");
  }
  if (partial && partial.seen > partial.step * config.batchSize) {
    throw new CheckpointFileError(
      file,
      "partial.seen",
      partial.seen,
      `at most partial.step x config.batchSize (${partial.step * config.batchSize})`,
    );
  }
  return info;
}

const paramGroup = object(
  {
    params: list(int(0), "a list of parameter positions"),
    lr: v.pipe(
      v.number("a finite number >= 0"),
      v.finite("a finite number >= 0"),
      v.minValue(0, "a finite number >= 0"),
    ),
  },
  "a parameter group { params, lr, ... }",
);

const optimizerJson = object(
  {
    optimizer: text("an optimizer name"),
    paramGroups: v.pipe(
      list(paramGroup, "a list of parameter groups"),
      v.minLength(1, "a list of at least one parameter group"),
    ),
    state: v.record(
      v.string(),
      object({ step: v.optional(int(0)) }, "a parameter's state (an object)"),
      "an object of per-parameter states",
    ),
    scheduler: v.optional(v.record(v.string(), v.unknown(), "an object"), undefined),
  },
  "an optimizer.json object { optimizer, paramGroups, state }",
);

/**
 * `optimizer.json`'s content, validated: the optimizer's name, its parameter groups (parameter
 * positions, a finite lr >= 0) and each parameter's `step` (an integer >= 0, where present).
 * CheckpointFileError naming the first bad field.
 */
export function validateOptimizerJson(data: unknown, file: string) {
  return parse(optimizerJson, data, file);
}
