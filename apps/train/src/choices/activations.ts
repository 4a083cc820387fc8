/**
 * The activations `--activation` accepts: every elementwise activation that @nn/activations
 * exports (each made by `defineActivation`, recognised by its `definition`), plus `prelu`
 * (@nn/nn's PReLU module, one learned slope) and `rrelu` (random slopes while training, their
 * mean in evaluation). softmax, logSoftmax, softmin and glu are not elementwise, so they are not
 * hidden-layer activations here.
 */
import * as activations from "@nn/activations";
import { rrelu } from "@nn/activations";
import { Activation, Module, PReLU } from "@nn/nn";
import type { Tensor } from "@nn/tensor";
import { UserError } from "../errors.js";

/** An activation function made by `defineActivation` (it carries its `definition`). */
type Elementwise = ((x: Tensor) => Tensor) & { definition: { name: string } };

function isElementwise(v: unknown): v is Elementwise {
  return (
    typeof v === "function" &&
    typeof (v as { definition?: { name?: unknown } }).definition?.name === "string"
  );
}

/** RReLU as a module: random slopes in training mode, their mean after `eval()` (torch.nn.RReLU). */
class RReLU extends Module {
  forward(x: Tensor): Tensor {
    return rrelu(x, { training: this.training });
  }
}

const ELEMENTWISE: ReadonlyMap<string, Elementwise> = new Map(
  Object.values(activations)
    .filter(isElementwise)
    .map((f) => [f.definition.name, f] as const),
);

const MODULES: ReadonlyMap<string, () => Module> = new Map<string, () => Module>([
  ...[...ELEMENTWISE].map(([name, f]) => [name, () => new Activation(f)] as [string, () => Module]),
  ["prelu", () => new PReLU()],
  ["rrelu", () => new RReLU()],
]);

/** Every name `--activation` accepts, sorted. */
export function activationNames(): string[] {
  return [...MODULES.keys()].sort();
}

/** "leaky_relu", "LeakyReLU" and "leaky-relu" all mean leakyRelu. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/**
 * The registered name matching `name` (exact, or ignoring case, "-" and "_"). UserError listing
 * the valid names for an unknown one.
 */
export function resolveActivation(name: string): string {
  if (MODULES.has(name)) return name;
  const found = activationNames().find((n) => canonical(n) === canonical(name));
  if (found) return found;
  throw new UserError(
    `unknown activation "${name}"; the activations are: ${activationNames().join(", ")}`,
  );
}

/** A new module applying activation `name` (already resolved with `resolveActivation`). */
export function activationModule(name: string): Module {
  const make = MODULES.get(resolveActivation(name));
  return (make as () => Module)();
}
