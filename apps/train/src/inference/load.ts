/** A trained model from a checkpoint, on the CPU, in evaluation mode. */
import type { Sequential } from "@nn/nn";
import { type Checkpoint, loadWeights, readCheckpoint } from "../checkpoint/files.js";
import { CLASS_NAMES } from "../data/sources.js";
import { buildModel } from "../model.js";

/** The model of a checkpoint and how to feed and read it. */
export interface LoadedModel {
  checkpoint: Checkpoint;
  model: Sequential;
  /** Class names by index (the checkpoint's; the data set's for older checkpoints). */
  classes: readonly string[];
}

/**
 * Reads the checkpoint `path` names (a run directory, its checkpoint/ or best/, or a file in
 * one). UserError (naming `--checkpoint`) when there is no checkpoint or it is corrupt.
 */
export function readModelCheckpoint(path: string): Promise<Checkpoint> {
  return readCheckpoint(path, "--checkpoint");
}

/** Builds the model of `checkpoint` with its weights, on the current default backend. */
export function modelOf(checkpoint: Checkpoint): LoadedModel {
  const { architecture, dataset } = checkpoint.info.config;
  const model = buildModel(architecture);
  loadWeights(checkpoint, model, architecture);
  model.eval();
  return { checkpoint, model, classes: checkpoint.info.classes ?? CLASS_NAMES[dataset] };
}
