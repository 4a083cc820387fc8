/**
 * Symbolic differentiation of the expression IR, so that any `defineMap` op (activations, loss
 * parts) gets its gradient, and the gradient's gradient, without a hand-written rule. Zero is
 * `null`, which prunes whole branches from the gradient kernel. Conventions at kinks follow
 * PyTorch (abs'(0) = 0; max/min split ties in half; pow masks as torch's pow_backward).
 */
import { constant, type Expr, type ExprNode } from "@nn/tensor";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

type D = Expr | null;

function add(a: D, b: D): D {
  return a === null ? b : b === null ? a : a.add(b);
}

function mul(a: D, b: Expr | number): D {
  return a === null ? null : a.mul(b);
}

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
      r = null;
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
      const a = n.a;
      const da = d(a);
      if (da === null) break;
      switch (n.op) {
        case "neg":
          r = da.neg();
          break;
        case "abs":
          r = mul(da, a.sign());
          break;
        case "exp":
          r = mul(da, e);
          break;
        case "expm1":
          r = mul(da, e.add(1));
          break;
        case "log":
          r = da.div(a);
          break;
        case "log1p":
          r = da.div(a.add(1));
          break;
        case "sqrt":
          r = da.div(e.mul(2));
          break;
        case "rsqrt":
          r = mul(da, e.mul(e).mul(e).mul(-0.5));
          break;
        case "sin":
          r = mul(da, a.cos());
          break;
        case "cos":
          r = mul(da, a.sin().neg());
          break;
        case "tanh":
          r = mul(da, constant(1, e.dtype).sub(e.mul(e)));
          break;
        case "erf":
          r = mul(da, a.mul(a).neg().exp().mul(TWO_OVER_SQRT_PI));
          break;
        default:
          r = null; // sign, floor, ceil, round, not, isnan: piecewise constant
      }
      break;
    }
    case "binary": {
      const { a, b } = n;
      const da = d(a);
      const db = d(b);
      if (da === null && db === null) break;
      switch (n.op) {
        case "add":
          r = add(da, db);
          break;
        case "sub":
          r = add(da, db?.neg() ?? null);
          break;
        case "mul":
          r = add(mul(da, b), mul(db, a));
          break;
        case "div":
          r = add(da?.div(b) ?? null, db === null ? null : db.mul(a).div(b.mul(b)).neg());
          break;
        case "pow": {
          // torch: d/da = b a^(b-1), 0 where b == 0; d/db = a^b log a, 0 where a == 0 and b >= 0.
          const dBase = da === null ? null : b.eq(0).where(0, da.mul(b).mul(a.pow(b.sub(1))));
          const dExp = db === null ? null : a.eq(0).and(b.ge(0)).where(0, db.mul(e).mul(a.log()));
          r = add(dBase, dExp);
          break;
        }
        case "max":
        case "min": {
          const win = n.op === "max" ? a.gt(b) : a.lt(b);
          const tie = a.eq(b);
          const both = add(da, db);
          r = win.where(da ?? 0, tie.where(both === null ? 0 : both.mul(0.5), db ?? 0));
          break;
        }
        default:
          r = null; // comparisons and logic are piecewise constant
      }
      break;
    }
  }
  memo.set(n, r);
  return r;
}
