/**
 * Checks of a scheduler's state dict before it is loaded: a checkpoint's `lastEpoch: "abc"` or a
 * NaN `baseLrs` would otherwise drive every later learning rate to NaN.
 */
import { ValueError } from "@nn/tensor";
import { show } from "../state-checks.js";

// Counters: integers, lastEpoch from -1.
const COUNTERS: Record<string, number> = {
  lastEpoch: -1,
  stepCount: 0,
  numBadEpochs: 0,
  cooldownCounter: 0,
};

/**
 * Throws ValueError (naming `scheduler`, the field and the value) unless `state` is an object
 * whose every key is one of `current`'s and whose values have their types: counters integers
 * (lastEpoch >= -1, the others >= 0), `best` a number (±Infinity allowed), other numbers finite,
 * lists of numbers finite and, for per-group lists (`baseLrs`, `lastLr`), one per group.
 */
export function checkSchedulerState(
  scheduler: string,
  current: Record<string, unknown>,
  state: unknown,
  groups: number,
): void {
  const op = `${scheduler}.loadStateDict`;
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new ValueError(`${op}: expected the object stateDict() returned, got ${show(state)}`);
  }
  for (const [k, v] of Object.entries(state)) {
    if (k === "optimizer") continue;
    if (!(k in current)) {
      throw new ValueError(
        `${op}: unknown field "${k}"; the fields are ${Object.keys(current).join(", ")}`,
      );
    }
    const now = current[k];
    const bad = (what: string) => new ValueError(`${op}: ${k} must be ${what}, got ${show(v)}`);
    if (k in COUNTERS) {
      if (!Number.isInteger(v) || (v as number) < (COUNTERS[k] as number)) {
        throw bad(`an integer >= ${COUNTERS[k]}`);
      }
    } else if (typeof now === "number") {
      if (typeof v !== "number" || Number.isNaN(v) || (k !== "best" && !Number.isFinite(v))) {
        throw bad(k === "best" ? "a number" : "a finite number");
      }
    } else if (Array.isArray(now)) {
      if (!Array.isArray(v)) throw bad("a list");
      const numeric = now.every((x) => typeof x === "number");
      if (numeric && !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw bad("a list of finite numbers");
      }
      if ((k === "baseLrs" || k === "lastLr") && v.length !== groups) {
        throw bad(`a list of ${groups} values (one per parameter group)`);
      }
    } else if (typeof now !== typeof v) {
      throw bad(`a ${typeof now}`);
    }
  }
}
