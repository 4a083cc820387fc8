/**
 * What the page exposes for its end-to-end tests (`window.nnPlayground`): the last results each
 * panel computed, as plain numbers, so a test can compare them with Node's.
 */
import type { Trajectory } from "./race/race.js";

/** The last results of each panel (absent until it has computed them). */
export interface Probe {
  backend?: string;
  race?: { trajectories: Trajectory[]; done: boolean };
  activations?: { name: string; points: number; saturated: number };
  /** Gradient norms after, and relative movement during, the last 20 SGD steps. */
  vanishing?: { norms: number[]; moved: number[] };
  train?: {
    step: number;
    loss: number;
    accuracy: number;
    prediction?: number;
    probabilities?: number[];
    /** After a checkpoint is loaded: its architecture and its class for each held-out digit. */
    checkpoint?: { architecture: string; predictions: number[] };
  };
}

declare global {
  interface Window {
    nnPlayground: Probe;
  }
}

/** The probe object (created on first use). */
export function probe(): Probe {
  window.nnPlayground ??= {};
  return window.nnPlayground;
}
