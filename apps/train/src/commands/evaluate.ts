/**
 * `pnpm train evaluate --checkpoint DIR`: the checkpoint's model on its run's held-out examples
 * (the same seeded split, rebuilt from the checkpoint's configuration) and, where the data set
 * has one, on its test set: accuracy, loss and a confusion matrix for each.
 */
import type { Examples } from "../data/sources.js";
import { modelOf, readModelCheckpoint } from "../inference/load.js";
import type { Output } from "../output/console.js";
import { percent } from "../output/progress.js";
import { confusionTable } from "../output/tables.js";
import { evaluate } from "../train/evaluate.js";
import { setUp } from "./setup.js";

/** Evaluates the checkpoint at `path`; resolves to the exit code (0). */
export async function runEvaluate(path: string, output: Output): Promise<number> {
  const checkpoint = await readModelCheckpoint(path);
  output.log(`checkpoint ${checkpoint.dir} (${checkpoint.info.epochsDone} epochs trained)`);
  // The same split as the run's: its seed, --val-size and --train-size.
  const { data } = await setUp({ ...checkpoint.info.config, backend: "cpu" }, output);
  const { model, classes } = modelOf(checkpoint);
  const report = async (what: string, examples: Examples) => {
    const e = await evaluate(model, examples, classes.length);
    const n = e.confusion.flat().reduce((a, b) => a + b, 0);
    const correct = e.confusion.reduce((s, row, i) => s + (row[i] as number), 0);
    output.log();
    output.log(`confusion matrix on the ${what} (rows: true class, columns: predicted)`);
    output.log(confusionTable(e.confusion, classes));
    output.log(
      `${what} accuracy ${percent(e.accuracy)} (${correct.toLocaleString("en-US")} / ${n.toLocaleString("en-US")})  loss ${e.loss.toFixed(4)}`,
    );
  };
  await report("held-out set", data.val);
  if (data.test) await report("test set", data.test);
  return 0;
}
