/**
 * The public autograd API: PyTorch style (backward, .grad) and functional (grad, valueAndGrad).
 * Grad mode (noGrad, enableGrad) and detach are @nn/tensor's; index.ts re-exports them.
 */
import {
  DTypeError,
  detach,
  dispose,
  isFloating,
  isGradEnabled,
  isTensor,
  onesLike,
  type Tensor,
  ValueError,
  zerosLike,
} from "@nn/tensor";
import { recordOp, viewOf, withGradMode } from "@nn/tensor/internal";
import { type BackwardOptions, checkRoot, runBackward } from "./engine.js";
import { GradientError } from "./errors.js";
import { attach, isLeaf } from "./node.js";
import type { GradContext } from "./rule.js";

/**
 * Computes the gradient of `output` w.r.t. every leaf that requires grad and accumulates it
 * into the leaf's `.grad` (torch `Tensor.backward`). `gradient` (same shape as `output`) is
 * required unless `output` has one element; it defaults to 1.
 * Throws ShapeError (non-scalar without gradient), DTypeError (non-float output),
 * GradientError (output does not require grad; graph already freed; saved tensor modified in place).
 */
/** ValueError unless `f` is a function (as jax's grad; PyTorch's torch.autograd.grad is `computeGrad`). */
function checkFunction(op: string, f: unknown): void {
  if (typeof f !== "function") {
    throw new ValueError(
      `${op}: expected a function to differentiate, got ${typeof f}; for the gradient of a tensor w.r.t. inputs (torch.autograd.grad), use computeGrad(output, inputs)`,
    );
  }
}

export function backward(output: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  checkRoot("backward", output, gradient);
  const seed = gradient ?? onesLike(output);
  runBackward([output], [seed], { ...options, accumulate: true });
  if (!gradient) seed.dispose();
}

/** `x` as an array of tensors (one tensor is wrapped), or ValueError naming `what`. */
function tensorList(what: string, x: unknown): readonly Tensor[] {
  const list = isTensor(x) ? [x] : x;
  if (Array.isArray(list) && list.every(isTensor)) return list as Tensor[];
  throw new ValueError(
    `computeGrad: ${what} must be a tensor or an array of tensors, got ${Array.isArray(x) ? "an array holding a non-tensor" : typeof x}`,
  );
}

/** Options of `computeGrad`. */
export interface ComputeGradOptions extends BackwardOptions {
  /** Output gradients, one per output (default 1 for one-element outputs). */
  gradOutputs?: readonly Tensor[];
  /** Return null for an input the outputs do not depend on, instead of throwing. Default false. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` w.r.t. `inputs` (any tensors of the graph, leaves or not), returned
 * instead of accumulated into `.grad` (torch.autograd.grad). With `createGraph`, the returned
 * gradients are themselves differentiable. Only the ops on a path from the outputs to the inputs
 * run (and, without `retainGraph`, are freed): the history of an intermediate input is untouched.
 * As in PyTorch, `outputs` and `inputs` may each be one tensor or an array; the result is always
 * an array, one entry per input. Throws ValueError for anything else.
 */
export function computeGrad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: ComputeGradOptions = {},
): (Tensor | null)[] {
  outputs = tensorList("outputs", outputs);
  inputs = tensorList("inputs", inputs);
  outputs.forEach((o, i) => {
    checkRoot("computeGrad", o, options.gradOutputs?.[i]);
  });
  const seeds = outputs.map((o, i) => options.gradOutputs?.[i] ?? onesLike(o));
  const grads = runBackward(outputs, seeds, { ...options, accumulate: false, targets: inputs });
  seeds.forEach((s, i) => {
    if (!options.gradOutputs?.[i]) s.dispose();
  });
  grads.forEach((g, i) => {
    if (!g && !options.allowUnused) {
      throw new GradientError(
        `computeGrad: input ${i} (shape [${(inputs[i] as Tensor).shape.join(", ")}]) is not used by the outputs; pass { allowUnused: true } to get null`,
      );
    }
  });
  return grads;
}

/** Sets `.grad` of each tensor to null, disposing the old gradients (PyTorch 2's set_to_none). */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    t.grad?.dispose();
    t.grad = null;
  }
}

/** An identity view that is a node of the graph (so gradients w.r.t. it can be asked for). */
function alias(t: Tensor): Tensor {
  const out = viewOf(t, t.shape, t.strides, t.offset);
  attach("alias", [t], [out], {}, { saves: "none", backward: ({ grads }) => [grads[0] ?? null] });
  return out;
}

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which arguments to differentiate: an index (the result is one tensor) or a list (a list). Default 0, as jax.grad. */
  argnums?: number | readonly number[];
}

/**
 * Transforms `f` (tensors -> one-element float tensor) into a function returning
 * `[value, gradients]`: the gradient w.r.t. each differentiated argument (a single tensor
 * when `argnums` is a number). Nested calls (`grad(grad(f))`) differentiate through each other.
 */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => [Tensor, Tensor | Tensor[]] {
  checkFunction("valueAndGrad", f);
  return (...args: A) => {
    const argnums = options.argnums ?? 0;
    const idx = typeof argnums === "number" ? [argnums] : [...argnums];
    if (idx.length === 0)
      throw new ValueError("valueAndGrad: no float tensor argument to differentiate");
    for (const i of idx) {
      const a = args[i];
      if (!isTensor(a)) throw new ValueError(`valueAndGrad: argument ${i} is not a tensor`);
      if (!isFloating(a.dtype))
        throw new DTypeError(
          `valueAndGrad: argument ${i} is ${a.dtype}; only float tensors can be differentiated`,
        );
    }
    // Inside an outer differentiation (an argument already on a tape), keep the graph so the
    // outer one can differentiate these gradients; else differentiate fresh leaves.
    const nested = isGradEnabled() && idx.some((i) => (args[i] as Tensor).requiresGrad);
    const inputs = idx.map((i) => {
      const a = args[i] as Tensor;
      if (nested) return alias(a);
      const leaf = viewOf(a, a.shape, a.strides, a.offset);
      leaf.requiresGrad = true;
      return leaf;
    });
    const callArgs = [...args] as A;
    idx.forEach((i, j) => {
      callArgs[i] = inputs[j];
    });
    const value = withGradMode(true, () => f(...callArgs));
    if (!isTensor(value) || value.size !== 1 || !isFloating(value.dtype)) {
      throw new ValueError("valueAndGrad: f must return a one-element float tensor");
    }
    const grads = value.requiresGrad
      ? computeGrad([value], inputs, { createGraph: nested, allowUnused: true })
      : inputs.map(() => null);
    const out = grads.map((g, j) => g ?? zerosLike(inputs[j] as Tensor));
    let result = value;
    if (!nested) {
      result = detach(value);
      value.dispose();
      dispose(inputs.filter(isLeaf));
    }
    return [result, typeof argnums === "number" ? (out[0] as Tensor) : out];
  };
}

/**
 * Transforms `f` into a function returning its gradients (see `valueAndGrad`), like jax.grad /
 * torch.func.grad.
 */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => Tensor | Tensor[] {
  checkFunction("grad", f);
  const vg = valueAndGrad(f, options);
  return (...args: A) => {
    const [value, grads] = vg(...args);
    if (!value.requiresGrad) value.dispose();
    return grads;
  };
}

/** A user-defined differentiable op (see `defineCustomOp`). */
export interface CustomOpDefinition<A extends Tensor[]> {
  /** A unique op name (used in errors and the gradient registry). */
  readonly name: string;
  /** The forward computation; its ops are not recorded. */
  forward(...inputs: A): Tensor;
  /** Gradients w.r.t. each input from the output gradient `grad` (null for none). */
  backward(ctx: { inputs: readonly Tensor[]; output: Tensor; grad: Tensor }): (Tensor | null)[];
}

/**
 * Defines an op with its own gradient rule, e.g. a straight-through estimator:
 * `defineCustomOp({ name: "ste", forward: (x) => round(x), backward: ({ grad }) => [grad] })`.
 * Nothing is registered globally: each call records the op with its rule.
 */
export function defineCustomOp<A extends Tensor[]>(
  def: CustomOpDefinition<A>,
): (...inputs: A) => Tensor {
  const rule = ({ inputs, outputs, grads }: GradContext) =>
    def.backward({ inputs, output: outputs[0] as Tensor, grad: grads[0] as Tensor });
  return (...inputs: A) => {
    const out = withGradMode(false, () => def.forward(...inputs));
    recordOp("custom", inputs, [out], { name: def.name, backward: rule });
    return out;
  };
}
