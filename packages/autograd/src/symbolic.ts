/**
 * Symbolic differentiation of the expression IR, so that any `defineMap` op (activations, loss
 * parts) and any composite row of the op table gets its gradient, and the gradient's gradient,
 * without a hand-written rule. Forward mode over the expression DAG: each primitive node's
 * tangent comes from its row's `jvp` in the op table (PyTorch's conventions at kinks: abs'(0) = 0,
 * max/min split ties in half, pow masked as torch's pow_backward). Zero is `null`, which prunes
 * whole branches from the gradient kernel.
 */
import { constant, type Expr, type ExprNode } from "@nn/tensor";
import { primitiveRow } from "@nn/tensor/internal";

type D = Expr | null;

/**
 * The derivative of `e` w.r.t. the input node `wrt` (an `input` node), or null if it is
 * identically zero. `memo` caches per node, so shared subexpressions are differentiated once.
 */
export function differentiate(e: Expr, wrt: ExprNode, memo = new Map<ExprNode, D>()): D {
  const n = e.node;
  if (memo.has(n)) return memo.get(n) as D;
  const d = (x: Expr) => differentiate(x, wrt, memo);
  let r: D = null;
  switch (n.kind) {
    case "const":
    case "param":
      break;
    case "input":
      r = n === wrt ? constant(1, n.dtype) : null;
      break;
    case "cast":
      r = n.dtype === "float32" || n.dtype === "float64" ? (d(n.a)?.cast(n.dtype) ?? null) : null;
      break;
    case "where": {
      const da = d(n.a);
      const db = d(n.b);
      r = da === null && db === null ? null : n.cond.where(da ?? 0, db ?? 0);
      break;
    }
    case "unary": {
      const da = d(n.a);
      const jvp = primitiveRow(n.op, false)?.jvp;
      r = da === null || !jvp ? null : jvp(da, n.a, e);
      break;
    }
    case "binary": {
      const da = d(n.a);
      const db = d(n.b);
      const jvp = primitiveRow(n.op, true)?.jvp;
      r = (da === null && db === null) || !jvp ? null : jvp(da, db, n.a, n.b, e);
      break;
    }
  }
  memo.set(n, r);
  return r;
}
