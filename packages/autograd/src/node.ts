/**
 * The tape: each recorded op becomes a Node that knows its inputs (tensors, possibly produced by
 * other nodes) and how to push an output gradient back to them, as in micrograd. The tape's
 * process-wide state (which node produced each tensor) is kept through @nn/tensor's `shared`
 * so that duplicate copies of this package (CJS + ESM) share one tape; grad mode is
 * @nn/tensor's.
 */
import { isFloating, keep, type Tensor } from "@nn/tensor";
import { type OpRecord, setDisposeHook, setOpHook, shared, viewOf } from "@nn/tensor/internal";
import { GradientError } from "./errors.js";
import { getGradient } from "./registry.js";
import type { GradRule } from "./rule.js";

interface State {
  /** The node that produced each non-leaf tensor. */
  gradFn: WeakMap<Tensor, Node>;
  /** Saved or aliased views -> the tensor they stand for (its identity on the tape). */
  aliasOf: WeakMap<Tensor, Tensor>;
}

/** The shared state (created on first use). */
function state(): State {
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

/** A saved tensor: a view that keeps the storage alive, and the version it had when saved. */
interface Saved {
  readonly view: Tensor;
  readonly version: number;
}

/**
 * One recorded op on the tape. It lives while one of its outputs is alive or a live node
 * consumes them (as PyTorch's reference counting): when the last goes, its saved tensors are
 * freed at once, so a forward pass that is never differentiated holds no memory.
 */
export class Node {
  #saved: { inputs?: Saved[]; outputs?: Saved[] } = {};
  freed = false;
  /** Differentiable outputs not yet disposed. */
  liveOutputs = 0;
  /** Unfreed nodes that take one of this node's outputs as input. */
  consumers = 0;
  /** The nodes that produced this node's inputs. */
  producers: readonly Node[] = [];

  constructor(
    readonly op: string,
    /** The input tensors (their identity on the tape), in the op's order. */
    readonly inputs: readonly Tensor[],
    /** The output tensors (identity only). */
    readonly outputs: readonly Tensor[],
    readonly attrs: Readonly<Record<string, unknown>>,
    readonly rule: GradRule | undefined,
  ) {
    const saves = rule?.saves ?? "none";
    if (saves === "inputs" || saves === "both") this.#saved.inputs = inputs.map(save);
    if (saves === "outputs" || saves === "both") this.#saved.outputs = outputs.map(save);
  }

  /** Which inputs need a gradient. */
  get needsGrad(): boolean[] {
    return this.inputs.map((t) => t.requiresGrad);
  }

  /** The saved inputs and outputs; GradientError if one was modified in place since it was saved. */
  unpack(): { inputs: Tensor[]; outputs: Tensor[] } {
    const check = (list: Saved[] | undefined, what: string) =>
      (list ?? []).map((s, i) => {
        if (s.view.version !== s.version) {
          throw new GradientError(
            `backward: ${what} ${i} of ${this.op} (shape [${s.view.shape.join(", ")}]) was modified by an in-place op ` +
              `after it was saved (version ${s.view.version}, saved at ${s.version}); clone it before changing it, or change it under noGrad before the forward`,
          );
        }
        return s.view;
      });
    // What a rule did not save it sees as the original tensors: their shape and dtype only.
    return {
      inputs: this.#saved.inputs ? check(this.#saved.inputs, "input") : [...this.inputs],
      outputs: this.#saved.outputs ? check(this.#saved.outputs, "output") : [...this.outputs],
    };
  }

  /**
   * Releases the saved tensors (a later backward through this node fails clearly), then every
   * producer that no live tensor or node needs any more.
   */
  free(): void {
    const stack: Node[] = [this];
    while (stack.length) {
      const node = stack.pop() as Node;
      if (node.freed) continue;
      for (const s of [...(node.#saved.inputs ?? []), ...(node.#saved.outputs ?? [])])
        s.view.dispose();
      node.#saved = {};
      node.freed = true;
      for (const p of node.producers) {
        p.consumers--;
        if (p.unneeded) stack.push(p);
      }
    }
  }

  /** No live output and no live consumer: nothing can backpropagate through this node. */
  get unneeded(): boolean {
    return !this.freed && this.liveOutputs <= 0 && this.consumers <= 0;
  }
}

/** A view standing for `t` on the tape (same gradient identity), kept out of `tidy` scopes. */
function save(t: Tensor): Saved {
  const view = keep(viewOf(t, t.shape, t.strides, t.offset));
  view.requiresGrad = t.requiresGrad;
  state().aliasOf.set(view, canon(t));
  return { view, version: t.version };
}

/** Creates the node for an op and marks its float outputs as requiring grad. */
export function attach(
  op: string,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
  rule: GradRule | undefined,
): Node {
  const differentiable = outputs.filter((o) => isFloating(o.dtype));
  // Before the node saves its outputs, so the saved views require grad too (higher order).
  for (const o of differentiable) o.requiresGrad = true;
  const node = new Node(op, inputs.map(canon), outputs, attrs, rule);
  const producers = new Set<Node>();
  for (const t of node.inputs) {
    const p = gradFn(t);
    if (p && !p.freed) producers.add(p);
  }
  for (const p of producers) p.consumers++;
  node.producers = [...producers];
  node.liveOutputs = differentiable.length;
  for (const o of differentiable) state().gradFn.set(o, node);
  return node;
}

/** The dispose hook: a disposed output may leave its node (and its producers) unneeded. */
function released(t: Tensor): void {
  const node = state().gradFn.get(t);
  if (!node) return;
  node.liveOutputs--;
  if (node.unneeded) node.free();
}

/** The op hook (called only while grad mode is on): records every op that has an input requiring grad. */
function record({ op, inputs, outputs, attrs }: OpRecord): void {
  if (!inputs.some((t) => t.requiresGrad)) return;
  if (op.endsWith("_")) {
    const target = inputs[0] as Tensor;
    const leaf = target.requiresGrad && isLeaf(target);
    throw new GradientError(
      leaf
        ? `${op}: a leaf tensor that requires grad is used in an in-place op; do the update inside noGrad(() => ...)`
        : `${op}: in-place ops on tensors that take part in autograd are not supported; use the out-of-place op (e.g. add instead of add_)`,
    );
  }
  if (!outputs.some((o) => isFloating(o.dtype))) return;
  attach(op, inputs, outputs, attrs, getGradient(op));
}

/** Installs the op hook. Runs when this module loads: every autograd entry point imports it. */
export function install(): void {
  setOpHook(record);
  setDisposeHook(released);
}
install();

/** Nodes reachable from `roots`, ordered so that each node comes after every node that uses its outputs. */
export function topoOrder(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: { node: Node; next: number }[] = [];
  for (const r of roots) {
    const n = gradFn(r);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    stack.push({ node: n, next: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1] as { node: Node; next: number };
      const input = top.node.inputs[top.next++];
      if (input === undefined) {
        order.push(top.node);
        stack.pop();
        continue;
      }
      const child = gradFn(input);
      if (child && !seen.has(child)) {
        seen.add(child);
        stack.push({ node: child, next: 0 });
      }
    }
  }
  return order.reverse();
}
