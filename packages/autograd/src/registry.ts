/**
 * The gradient registry: op name -> rule. The built-in rules are the registry's own table (no
 * registration side effects); users add rules for their own ops with `registerGradient`.
 */
import { shared } from "@nn/tensor/internal";
import { GradientError } from "./errors.js";
import type { GradRule } from "./rule.js";
import { elementwiseRules } from "./rules/elementwise.js";
import { indexingRules } from "./rules/indexing.js";
import { linalgRules } from "./rules/linalg.js";
import { mapRules } from "./rules/map.js";
import { reduceRules } from "./rules/reduce.js";
import { shapeRules } from "./rules/shape.js";
import { tableRules } from "./rules/table.js";

/**
 * Ops recorded as `recordOp("custom", inputs, outputs, { name, backward })` carry their own
 * rule: a package defines a differentiable composite (softmax, a loss) with no registration
 * step, so it stays side-effect free. `backward` receives the usual context (inputs and
 * outputs saved).
 */
const custom: GradRule = {
  saves: "both",
  backward: (ctx) => (ctx.attrs.backward as GradRule["backward"])(ctx),
};

const table = (): Map<string, GradRule> =>
  shared(
    "@nn/autograd/rules@1",
    () =>
      new Map(
        Object.entries({
          ...tableRules,
          ...elementwiseRules,
          ...reduceRules,
          ...shapeRules,
          ...linalgRules,
          ...indexingRules,
          ...mapRules,
          custom,
        }),
      ),
  );

/** The rule for `op`, or undefined. */
export function getGradient(op: string): GradRule | undefined {
  return table().get(op);
}

/**
 * Registers the gradient rule of a user-defined op. Throws GradientError if `op` already has a
 * rule (built-in names cannot be overridden).
 */
export function registerGradient(op: string, rule: GradRule): void {
  if (table().has(op))
    throw new GradientError(`registerGradient: op "${op}" already has a gradient rule`);
  table().set(op, rule);
}

/** Names of every op with a gradient rule (gradcheck coverage walks this). */
export function listGradients(): string[] {
  return [...table().keys()].sort();
}
