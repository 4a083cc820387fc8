/**
 * Autograd's process-wide state, kept through @nn/tensor's `shared` so that duplicate copies of
 * this package (CJS + ESM) share one tape (grad mode is @nn/tensor's).
 */
import { shared, type Tensor } from "@nn/tensor";
import type { Node } from "./node.js";

interface State {
  /** The node that produced each non-leaf tensor. */
  gradFn: WeakMap<Tensor, Node>;
  /** Saved or aliased views -> the tensor they stand for (its identity on the tape). */
  aliasOf: WeakMap<Tensor, Tensor>;
}

/** The shared state (created on first use). */
export function state(): State {
  return shared<State>("@nn/autograd/state@2", () => ({
    gradFn: new WeakMap(),
    aliasOf: new WeakMap(),
  }));
}

/** The tensor `t` stands for on the tape (itself, unless it is a saved view or alias). */
export function canon(t: Tensor): Tensor {
  return state().aliasOf.get(t) ?? t;
}

/** The node that produced `t`, or undefined for a leaf (or a tensor outside the graph). */
export function gradFn(t: Tensor): Node | undefined {
  return state().gradFn.get(canon(t));
}

/** True for a tensor no recorded op produced (user-created, or detached). */
export function isLeaf(t: Tensor): boolean {
  return gradFn(t) === undefined;
}
