/**
 * What a gradient rule is: the contract between the tape (node.ts, engine.ts), the registry and
 * the rules under rules/. Types only, so that each of them can import it and none imports another.
 */
import type { Tensor } from "@nn/tensor";

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
