/**
 * The optimizers `--optimizer` accepts: every optimizer in @nn/optim's registry (the built-ins
 * and plugins registered with `--plugin`), plus two named presets of SGD, as in the lessons:
 * `momentum` (SGD with momentum 0.9) and `nesterov` (the same with Nesterov momentum).
 */
import { createOptimizer, getOptimizer, listOptimizers, type Optimizer } from "@nn/optim";
import type { Tensor } from "@nn/tensor";
import { UserError } from "../errors.js";

/** A preset: the registered optimizer it builds and the hyperparameters it fixes. */
interface Preset {
  optimizer: string;
  options: Record<string, unknown>;
}

/**
 * Learning rate used for an optimizer whose lr has no default (SGD, as in PyTorch, where `lr` is
 * required). 0.01 is the value of PyTorch's MNIST example.
 */
export const FALLBACK_LR = 0.01;

const PRESETS: Readonly<Record<string, Preset>> = {
  momentum: { optimizer: "sgd", options: { momentum: 0.9 } },
  nesterov: { optimizer: "sgd", options: { momentum: 0.9, nesterov: true } },
};

/** Optimizers this trainer cannot drive: they need a closure that re-evaluates the whole loss. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  lbfgs:
    "lbfgs re-evaluates the loss several times per step (a closure); this trainer takes one minibatch step at a time",
};

/** Every name `--optimizer` accepts: the registry's (built-ins, then plugins) and the presets. */
export function optimizerNames(): string[] {
  return [...listOptimizers().filter((n) => !(n in UNSUPPORTED)), ...Object.keys(PRESETS)];
}

/**
 * The registered optimizer and the hyperparameters `name` stands for, with `lr` set: the
 * given one, else the optimizer's default, else FALLBACK_LR. UserError for an unknown or
 * unsupported name (listing the valid ones).
 */
export function resolveOptimizer(
  name: string,
  lr?: number,
): { optimizer: string; options: Record<string, unknown> } {
  const preset = PRESETS[name] ?? { optimizer: name.toLowerCase(), options: {} };
  const why = UNSUPPORTED[preset.optimizer];
  if (why) throw new UserError(`optimizer "${name}" is not supported here: ${why}`);
  const factory = getOptimizer(preset.optimizer);
  if (!factory) {
    throw new UserError(
      `unknown optimizer "${name}"; the optimizers are: ${optimizerNames().join(", ")} (load a plugin with --plugin <package>)`,
    );
  }
  const defaultLr = (factory.defaults as Record<string, unknown>).lr;
  const chosenLr = lr ?? (typeof defaultLr === "number" ? defaultLr : FALLBACK_LR);
  return { optimizer: preset.optimizer, options: { ...preset.options, lr: chosenLr } };
}

/**
 * Constructs the optimizer `name` stands for over `params`. Errors of the optimizer's own checks
 * (an invalid hyperparameter) become UserErrors.
 */
export function buildOptimizer(name: string, params: Tensor[], lr?: number): Optimizer {
  const { optimizer, options } = resolveOptimizer(name, lr);
  try {
    return createOptimizer(optimizer, params, options);
  } catch (e) {
    throw new UserError(`optimizer "${name}": ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The hyperparameters of an optimizer's first group (everything but the parameters). */
export function hyperparameters(opt: Optimizer): Record<string, unknown> {
  const { params: _params, ...rest } = opt.paramGroups[0] as Record<string, unknown>;
  return rest;
}

/** `lr=0.01 momentum=0.9 nesterov=true`: hyperparameters in one line. */
export function formatHyperparameters(h: Record<string, unknown>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`)
    .join(" ");
}
