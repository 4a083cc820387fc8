/**
 * The optimizers the page offers: every optimizer in @nn/optim's registry (the built-ins, and the
 * Lion plugin, which the page registers as an application must), plus SGD's two classic presets
 * `momentum` and `nesterov` (momentum 0.9), as `pnpm train` names them.
 */
import { createOptimizer, listOptimizers, type Optimizer, registerOptimizer } from "@nn/optim";
import { lion } from "@nn/optim-lion";
import type { Tensor } from "@nn/tensor";

registerOptimizer(lion); // packages are side-effect free: registering a plugin is the app's job

const PRESETS: Readonly<Record<string, { optimizer: string; options: Record<string, unknown> }>> = {
  momentum: { optimizer: "sgd", options: { momentum: 0.9 } },
  nesterov: { optimizer: "sgd", options: { momentum: 0.9, nesterov: true } },
};

/** lbfgs re-evaluates the loss several times per step; the page takes one gradient per step. */
const NEEDS_CLOSURE = new Set(["lbfgs"]);

/** Every optimizer name the page accepts: SGD, its presets, then the rest of the registry. */
export function optimizerNames(): string[] {
  const registered = listOptimizers().filter((n) => !NEEDS_CLOSURE.has(n));
  return ["sgd", ...Object.keys(PRESETS), ...registered.filter((n) => n !== "sgd")];
}

/**
 * The optimizer `name` (a registered one or a preset) over `params` with learning rate `lr` and,
 * where it has one, `momentum`: SGD's momentum for the presets, β₁ (`betas[0]`, β₂ kept) for the
 * Adam family and Lion; others ignore it. Its default, 0.9, is every one of those optimizers'
 * own default. Throws ValueError (from @nn/optim) for an unknown name or an invalid lr or
 * momentum.
 */
export function buildOptimizer(
  name: string,
  params: Tensor[],
  lr: number,
  momentum = 0.9,
): Optimizer {
  const preset = PRESETS[name];
  if (preset) return createOptimizer(preset.optimizer, params, { ...preset.options, lr, momentum });
  const optimizer = createOptimizer(name, params, { lr });
  const betas = optimizer.defaults.betas as readonly [number, number] | undefined;
  if (!Array.isArray(betas) || momentum === betas[0]) return optimizer;
  return createOptimizer(name, params, { lr, betas: [momentum, betas[1]] });
}
