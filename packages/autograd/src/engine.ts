/**
 * The backward pass, as in the textbook: walk the tape from the output back to the inputs,
 * and at each node turn the gradient of its outputs into gradients of its inputs.
 */
import {
  add,
  contiguous,
  DTypeError,
  isFloating,
  isTensor,
  keep,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from "@nn/tensor";
import { dtypeOriginHint, inGradientRule, withGradMode } from "@nn/tensor/internal";
import { GradientError } from "./errors.js";
import { canon, gradFn, isLeaf, type Node, topoOrder } from "./node.js";

/** Options of a backward pass. */
export interface BackwardOptions {
  /** Keep the graph (saved tensors) for another backward. Default: false (or createGraph). */
  retainGraph?: boolean;
  /** Record the backward itself, so gradients can be differentiated again. Default false. */
  createGraph?: boolean;
}

function checkGrad(node: Node, i: number, g: Tensor): void {
  const t = node.inputs[i] as Tensor;
  if (g.ndim !== t.ndim || g.shape.some((d, j) => d !== t.shape[j])) {
    throw new GradientError(
      `backward: the rule of ${node.op} returned a gradient of shape [${g.shape.join(", ")}] for input ${i} of shape [${t.shape.join(", ")}]`,
    );
  }
}

/**
 * Back-propagates `rootGrads` from `roots`. Leaves that require grad accumulate into `.grad`
 * when `accumulate`; the gradients of `targets` (any tensors of the graph) are returned.
 */
export function runBackward(
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  opts: BackwardOptions & { accumulate: boolean; targets?: readonly Tensor[] },
): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const targets = (opts.targets ?? []).map(canon);
  const found = new Map<Tensor, Tensor>();
  const result = tidy(() => {
    const grads = new Map<Tensor, Tensor>();
    const deliver = (t: Tensor, g: Tensor): void => {
      const key = canon(t);
      if (targets.includes(key))
        found.set(key, found.has(key) ? add(found.get(key) as Tensor, g) : g);
      if (isLeaf(key)) {
        if (opts.accumulate && key.requiresGrad) {
          const old = key.grad;
          // A broadcast gradient is a stride-0 view; .grad gets its own packed buffer.
          const own = g.isContiguous && g.size === g.storage.size ? g : contiguous(g);
          key.grad = keep(old ? add(old, own) : own);
          if (old && !createGraph) old.dispose();
        }
        return;
      }
      const prev = grads.get(key);
      grads.set(key, prev ? add(prev, g) : g);
    };
    roots.forEach((r, i) => {
      deliver(r, rootGrads[i] as Tensor);
    });
    const order = topoOrder(roots);
    // Returning gradients (computeGrad) runs only the nodes on a path to a target, as
    // torch.autograd.grad: the graph beyond the targets is neither computed nor freed.
    const needed = opts.accumulate ? null : leadsToTargets(order, targets);
    const ran: Node[] = [];
    for (const node of order) {
      if (needed && !needed.has(node)) continue;
      const outGrads = node.outputs.map((o) => grads.get(o) ?? null);
      if (outGrads.every((g) => g === null)) continue;
      if (node.freed) {
        throw new GradientError(
          `backward: trying to backward through the graph a second time (op ${node.op}); its saved tensors were freed. Pass { retainGraph: true } to the first backward`,
        );
      }
      if (!node.rule) {
        throw new GradientError(
          `backward: op ${node.op} has no gradient rule; it is not differentiable`,
        );
      }
      const saved = node.unpack();
      // inGradientRule: anomaly mode names the op whose rule produced a NaN.
      const inGrads = withGradMode(createGraph, () =>
        inGradientRule(node.op, () =>
          (node.rule as NonNullable<Node["rule"]>).backward({
            inputs: saved.inputs,
            outputs: saved.outputs,
            attrs: node.attrs,
            grads: outGrads,
            needsGrad: node.needsGrad,
          }),
        ),
      );
      node.inputs.forEach((t, i) => {
        const g = inGrads[i];
        if (!g || !t.requiresGrad) return;
        checkGrad(node, i, g);
        deliver(t, g);
      });
      for (const o of node.outputs) grads.delete(o);
      ran.push(node);
    }
    // Freed after the walk: freeing one node may release its producers, which come later.
    if (!retainGraph) for (const node of ran) node.free();
    return targets.map((t) => found.get(t) ?? null);
  });
  return result;
}

/**
 * The nodes of `order` (a topological order, consumers first) from which some target can be
 * reached going backward: a node is needed when one of its inputs is a target or is made by a
 * needed node.
 */
function leadsToTargets(order: readonly Node[], targets: readonly Tensor[]): Set<Node> {
  const needed = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as Node;
    const reaches = node.inputs.some((t) => {
      if (targets.includes(canon(t))) return true;
      const producer = gradFn(t);
      return producer !== undefined && needed.has(producer);
    });
    if (reaches) needed.add(node);
  }
  return needed;
}

/** Checks a backward root: a float tensor that requires grad (and its gradient's shape). */
export function checkRoot(op: string, t: Tensor, gradient: Tensor | undefined): void {
  if (!isTensor(t)) {
    throw new ValueError(
      `${op}: expected the tensor to differentiate (a scalar loss), got ${typeof t}`,
    );
  }
  t.assertLive(op);
  if (!isFloating(t.dtype))
    throw new DTypeError(
      `${op}: only float tensors can be differentiated, got ${t.dtype}${dtypeOriginHint(t.dtype)}`,
    );
  if (!t.requiresGrad) {
    throw new GradientError(
      `${op}: the tensor does not require grad and has no gradient function; create its inputs with { requiresGrad: true }`,
    );
  }
  if (!gradient && t.size !== 1) {
    throw new ShapeError(
      `${op}: a gradient can be created implicitly only for a one-element output, got shape [${t.shape.join(", ")}]; pass the output gradient`,
    );
  }
  if (gradient && (gradient.ndim !== t.ndim || gradient.shape.some((d, i) => d !== t.shape[i]))) {
    throw new ShapeError(
      `${op}: gradient shape [${gradient.shape.join(", ")}] must equal the output shape [${t.shape.join(", ")}]`,
    );
  }
}
