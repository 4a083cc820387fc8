/**
 * The activations the page offers: every elementwise activation @nn/activations exports (each
 * made by `defineActivation`, recognised by its `definition`), and one defined in this page the
 * same way, `swishBeta`, to show how a user adds their own.
 */
import * as activations from "@nn/activations";
import { type Activation, defineActivation } from "@nn/activations";

/**
 * Swish with a trainable-style slope (Ramachandran et al. 2017, "Searching for Activation
 * Functions"): x · σ(βx), written as x / (1 + e^(−βx)). β = 1 is silu; large β approaches relu.
 * No derivative is given: nn differentiates the expression.
 */
export const swishBeta = defineActivation({
  name: "swishBeta",
  params: { beta: 1 },
  forward: (x, { beta }) => x.div(x.mul(beta).neg().exp().add(1)),
});

function isActivation(v: unknown): v is Activation {
  return (
    typeof v === "function" &&
    typeof (v as { definition?: { name?: unknown } }).definition?.name === "string"
  );
}

const ALL: ReadonlyMap<string, Activation> = new Map(
  [...Object.values(activations).filter(isActivation), swishBeta as unknown as Activation].map(
    (f) => [f.definition.name, f] as const,
  ),
);

/** Every activation name, sorted, the page's own `swishBeta` last. */
export function activationNames(): string[] {
  return [...ALL.keys()]
    .filter((n) => n !== swishBeta.definition.name)
    .sort()
    .concat(swishBeta.definition.name);
}

/** The activation `name`, or undefined for a name the page does not know. */
export function getActivation(name: string): Activation | undefined {
  return ALL.get(name);
}
