/**
 * The gradient registry: op name -> rule. The built-in rules are the registry's own table (no
 * registration side effects); users add rules for their own ops with `registerGradient`.
 */
import { shared, type Tensor } from "@nn/tensor";
import { GradientError } from "./errors.js";
import { elementwiseRules } from "./rules/elementwise.js";
import { indexingRules } from "./rules/indexing.js";
import { linalgRules } from "./rules/linalg.js";
import { mapRules } from "./rules/map.js";
import { reduceRules } from "./rules/reduce.js";
import { shapeRules } from "./rules/shape.js";
import { tableRules } from "./rules/table.js";

/**
 * What a rule sees: the op's inputs and outputs, its attrs, and the output gradients. Inputs
 * and outputs the rule does not save (`saves`) are the original tensors: read only their shape
 * and dtype (they may have been disposed).
 */
export interface GradContext {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Gradient of the loss w.r.t. each output (null where no gradient flows). */
  readonly grads: readonly (Tensor | null)[];
  /** Which inputs need a gradient; a rule may return null for the others. */
  readonly needsGrad: readonly boolean[];
}

/**
 * A gradient rule: given the output gradients, the gradient w.r.t. each input (null for none),
 * written with ordinary tensor ops so that gradients of gradients work (`createGraph`).
 * `saves` says which tensors the rule reads, so the tape keeps only those alive.
 */
export interface GradRule {
  readonly saves: "inputs" | "outputs" | "both" | "none";
  backward(ctx: GradContext): (Tensor | null)[];
}

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
