/**
 * Constructing optimizers by name. The built-ins live in this module's own table (nothing is
 * registered at load time: the package is side-effect free); plugins are added by the
 * application with `registerOptimizer`. Registrations are process-wide, kept through
 * @nn/tensor's `shared`, so two copies of this package (CJS + ESM) share them.
 */
import { ValueError } from "@nn/tensor";
import { shared } from "@nn/tensor/internal";
import type { OptimizerFactory } from "./define.js";
import type { Hyperparameters } from "./hyperparameters.js";
import type { Optimizer } from "./optimizer.js";
import { adadelta } from "./optimizers/adadelta.js";
import { adagrad } from "./optimizers/adagrad.js";
import { adam, adamw } from "./optimizers/adam.js";
import { adamax } from "./optimizers/adamax.js";
import { asgd } from "./optimizers/asgd.js";
import { lbfgs } from "./optimizers/lbfgs.js";
import { nadam } from "./optimizers/nadam.js";
import { radam } from "./optimizers/radam.js";
import { rmsprop } from "./optimizers/rmsprop.js";
import { rprop } from "./optimizers/rprop.js";
import { sgd } from "./optimizers/sgd.js";

// biome-ignore lint/suspicious/noExplicitAny: the table holds factories of every hyperparameter type
type AnyFactory = OptimizerFactory<any>;

// A plain object literal (not a Map built by a call), so bundlers can drop it when unused.
const BUILT_INS: Readonly<Record<string, AnyFactory>> = {
  sgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamw,
  adamax,
  nadam,
  radam,
  rprop,
  asgd,
  lbfgs,
};

function builtIn(name: string): AnyFactory | undefined {
  return Object.hasOwn(BUILT_INS, name) ? BUILT_INS[name] : undefined;
}

function plugins(): Map<string, AnyFactory> {
  return shared("@nn/optim/registry@1", () => new Map<string, AnyFactory>());
}

/**
 * Registers a plugin so `createOptimizer(definition.name, ...)` constructs it. Registering the
 * same definition again is a no-op. Throws ValueError for a name taken by a built-in or by
 * another registered definition.
 */
export function registerOptimizer<H extends Hyperparameters>(
  definition: OptimizerFactory<H>,
): void {
  const def = definition as unknown as AnyFactory;
  if (!def || typeof def.name !== "string" || typeof def.create !== "function") {
    throw new ValueError(
      "registerOptimizer: expected an optimizer definition (from defineOptimizer) with a name and create()",
    );
  }
  if (builtIn(def.name)) {
    throw new ValueError(
      `registerOptimizer: "${def.name}" is a built-in optimizer; give the plugin another name`,
    );
  }
  const existing = plugins().get(def.name);
  if (existing && existing !== def) {
    throw new ValueError(
      `registerOptimizer: another optimizer is already registered as "${def.name}"; unregister it first`,
    );
  }
  plugins().set(def.name, def);
}

/** Removes a registered plugin; returns whether one was registered. Built-ins cannot be removed. */
export function unregisterOptimizer(name: string): boolean {
  return plugins().delete(name);
}

/** The factory registered (or built in) under `name`, or undefined. */
export function getOptimizer(name: string): OptimizerFactory<Hyperparameters> | undefined {
  return builtIn(name) ?? plugins().get(name);
}

/** The names `createOptimizer` accepts: the built-ins, then the registered plugins. */
export function listOptimizers(): string[] {
  return [...Object.keys(BUILT_INS), ...plugins().keys()];
}

/**
 * Constructs the optimizer registered under `name` (a built-in such as `"adam"`, `"sgd"`,
 * `"lbfgs"`, or a plugin registered with `registerOptimizer`), e.g.
 * `createOptimizer("adam", model.parameters(), { lr: 1e-3 })`. Names are lower case. Throws
 * ValueError for an unknown name (listing the known ones), and whatever the optimizer's
 * constructor throws for bad parameters or options.
 */
export function createOptimizer(
  name: string,
  params: Parameters<OptimizerFactory["create"]>[0],
  options: Record<string, unknown> = {},
): Optimizer {
  const factory = getOptimizer(name);
  if (!factory) {
    throw new ValueError(
      `createOptimizer: no optimizer named "${name}"; known: ${listOptimizers().join(", ")} (register plugins with registerOptimizer)`,
    );
  }
  return factory.create(params, options as never);
}
