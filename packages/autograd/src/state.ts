/**
 * Autograd's process-wide state, on `globalThis` under a `Symbol.for` key so that duplicate
 * copies of this package (CJS + ESM) share one tape and one grad mode.
 */
import type { Tensor } from "@nn/tensor";
import type { Node } from "./node.js";

interface State {
  /** Whether ops are recorded (false inside `noGrad`). */
  enabled: boolean;
  /** The node that produced each non-leaf tensor. */
  gradFn: WeakMap<Tensor, Node>;
  /** Saved or aliased views -> the tensor they stand for (its identity on the tape). */
  aliasOf: WeakMap<Tensor, Tensor>;
}

const KEY = Symbol.for("@nn/autograd/state@1");

/** The shared state (created on first use). */
export function state(): State {
  const g = globalThis as { [KEY]?: State };
  g[KEY] ??= { enabled: true, gradFn: new WeakMap(), aliasOf: new WeakMap() };
  return g[KEY];
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
