/**
 * A warning for the most common JavaScript training-loop mistake: tensors made at each step
 * (activations, gradients, the loss) that nothing frees. When the number of live tensors
 * (`memory().tensors` of @nn/tensor) grows at every optimizer step for `steps` steps in a row,
 * the optimizer warns once with the growth per step and the fix. One counter read per step.
 */
import { memory, ValueError } from "@nn/tensor";
import { shared } from "@nn/tensor/internal";

/** The settings of the leak warning (process-wide). */
export interface LeakWarningOptions {
  /** Warn after the live tensor count grew at this many consecutive steps. Default 50. */
  steps?: number;
  /** Receives the message. Default `console.warn`. */
  warn?: (message: string) => void;
}

type Settings = { enabled: boolean; steps: number; warn: (message: string) => void };

// Looked up on use (no top-level call, so bundles that never step an optimizer drop it).
const settings = (): Settings =>
  shared<Settings>("@nn/optim/leak-warning@1", () => ({
    enabled: true,
    steps: 50,
    warn: (message) => console.warn(message),
  }));

/**
 * Turns the leak warning off (`false`), back on (`true`), or on with options (`{ steps, warn }`).
 * It is on by default. Throws ValueError for `steps` that is not an integer >= 2.
 */
export function setLeakWarning(on: boolean | LeakWarningOptions): void {
  const s = settings();
  if (typeof on === "boolean") {
    s.enabled = on;
    return;
  }
  const steps = on.steps ?? s.steps;
  if (!Number.isInteger(steps) || steps < 2) {
    throw new ValueError(`setLeakWarning: steps must be an integer >= 2, got ${String(steps)}`);
  }
  s.enabled = true;
  s.steps = steps;
  if (on.warn) s.warn = on.warn;
}

/** One optimizer's watch over the live tensor count across its steps. */
export class LeakWatch {
  #last = -1;
  #start = 0;
  #streak = 0;
  #warned = false;

  /**
   * Reads the live tensor count after a step of optimizer `name`, less `ownTensors` (tensors the
   * optimizer holds by design); warns once on steady growth.
   */
  afterStep(name: string, ownTensors = 0): void {
    const s = settings();
    if (this.#warned || !s.enabled) return;
    const live = memory().tensors - ownTensors;
    if (this.#last >= 0 && live > this.#last) {
      if (this.#streak === 0) this.#start = this.#last;
      this.#streak++;
    } else this.#streak = 0;
    this.#last = live;
    if (this.#streak < s.steps) return;
    this.#warned = true;
    const perStep = (live - this.#start) / this.#streak;
    s.warn(
      `${name}.step: the number of live tensors grew at each of the last ${this.#streak} steps ` +
        `(${this.#start} -> ${live}, +${perStep.toFixed(1)} per step): tensors made in the training loop are never freed. ` +
        "Run the forward and backward pass inside tidy(() => ...) (return the loss to keep it), and dispose() " +
        "batches and losses once read. setLeakWarning(false) turns this warning off.",
    );
  }
}
