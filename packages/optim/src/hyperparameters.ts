/**
 * Hyperparameters: the values a parameter group carries (lr, betas, weightDecay, ...), the
 * `required` marker for a default the user must supply (PyTorch's `required`, used by SGD's
 * lr), and the checks that turn bad values into typed errors naming the optimizer.
 */
import { isTensor, ValueError } from "@nn/tensor";

/** Marks a default the user must give (SGD's `lr`, as PyTorch's `torch.optim.optimizer.required`). */
export const required: unique symbol = Symbol.for("@nn/optim/required");

/** One hyperparameter value. */
export type HyperValue = number | boolean | string | null | readonly number[];

/**
 * A set of hyperparameters by name (values are usually `HyperValue`s). Declare an optimizer's
 * as a `type` (not an `interface`), e.g.
 * `type AdamHyperparameters = { lr: number; betas: readonly [number, number]; ... }`.
 */
export type Hyperparameters = { readonly [name: string]: unknown };

/** An optimizer's defaults: every hyperparameter, or `required` where the user must give one. */
export type Defaults<H extends Hyperparameters> = {
  readonly [K in keyof H]: H[K] | typeof required;
};

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
}

/** Throws ValueError unless `value` is a finite-or-infinite number >= 0 (NaN refused). */
export function checkNonNegative(optimizer: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 0)) {
    throw new ValueError(`${optimizer}: ${name} must be a number >= 0, got ${show(value)}`);
  }
}

/**
 * Throws ValueError unless `value` is a finite number >= 0 (NaN and Infinity refused): learning
 * rates, eps and weight decay, where an infinite value makes every weight NaN.
 */
export function checkFiniteNonNegative(optimizer: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new ValueError(
      `${optimizer}: ${name} must be a finite number >= 0, got ${typeof value === "string" ? JSON.stringify(value) : show(value)}`,
    );
  }
}

/** Throws ValueError unless `value` is a number in [lo, hi) (or [lo, hi] with `closed`). */
export function checkInRange(
  optimizer: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  closed = false,
): void {
  const ok = typeof value === "number" && value >= lo && (closed ? value <= hi : value < hi);
  if (!ok) {
    throw new ValueError(
      `${optimizer}: ${name} must be a number in [${lo}, ${hi}${closed ? "]" : ")"}, got ${show(value)}`,
    );
  }
}

/** Throws ValueError unless `betas` is a pair of numbers, each in [0, 1) (Adam's rule). */
export function checkBetas(optimizer: string, betas: unknown, name = "betas"): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new ValueError(`${optimizer}: ${name} must be a pair [beta1, beta2], got ${show(betas)}`);
  }
  betas.forEach((b, i) => {
    if (typeof b !== "number" || !(b >= 0 && b < 1)) {
      throw new ValueError(
        `${optimizer}: ${name}[${i}] must be in [0, 1), got ${show(b)} (${name} = ${show(betas)})`,
      );
    }
  });
}

/** Throws ValueError unless `value` is a boolean. */
export function checkBoolean(optimizer: string, name: string, value: unknown): void {
  if (typeof value !== "boolean") {
    throw new ValueError(`${optimizer}: ${name} must be true or false, got ${show(value)}`);
  }
}

/** The usual checks: lr finite and >= 0 and, where present, eps and weightDecay likewise. */
export function checkCommon(optimizer: string, group: { readonly [name: string]: unknown }): void {
  checkFiniteNonNegative(optimizer, "lr", group.lr);
  for (const name of ["eps", "weightDecay"]) {
    if (name in group) checkFiniteNonNegative(optimizer, name, group[name]);
  }
  if ("maximize" in group) checkBoolean(optimizer, "maximize", group.maximize);
}

/**
 * `defaults` overridden by the constructor's `options` (undefined values skipped). Throws
 * ValueError naming the optimizer for options that are not an object (`new Adam(params, 0.01)`
 * would otherwise silently train with the default lr) or hold an unknown key.
 */
export function mergeOptions(
  optimizer: string,
  defaults: { readonly [name: string]: unknown },
  options: unknown,
): Record<string, unknown> {
  if (
    typeof options !== "object" ||
    options === null ||
    Array.isArray(options) ||
    isTensor(options)
  ) {
    const got = isTensor(options) ? "a tensor" : Array.isArray(options) ? "a list" : show(options);
    throw new ValueError(
      `${optimizer}: options must be an object such as { lr: 0.01 }, got ${got}`,
    );
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults)) {
      throw new ValueError(
        `${optimizer}: unknown option "${k}"; the options are ${Object.keys(defaults).join(", ")}`,
      );
    }
    if (v !== undefined) merged[k] = v;
  }
  return merged;
}
