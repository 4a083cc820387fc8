/**
 * The op table: every elementwise op of nn, one row each. A row gives the op's arity, its
 * promotion class, its forward as an expression of the IR, and its derivative in forward
 * (tangent) form where it is a primitive or where differentiating its forward is not the best
 * (webgpu-torch's `op_table.ts`, and tinygrad's "gradients only on primitives", in our terms).
 *
 * From the table come: the `Expr` builder methods (`x.exp()`, `a.maximum(b)`), the tensor free
 * functions (`ops/elementwise.ts`), the `Tensor` methods (`ops/methods.ts`), the gradients
 * (autograd differentiates a row's forward through the primitives' `jvp`s), and the op lists
 * the PyTorch fixture generators read (`opTableSummary`). A primitive row's forward is one IR
 * node that every backend compiles (a case in each backend compiler); a composite row's forward
 * is built from primitives, so every backend gets it for free.
 */

/** Unary primitives of the IR: each is one node that every backend compiler has a case for. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sqrt"
  | "rsqrt"
  | "sin"
  | "cos"
  | "tanh"
  | "erf"
  | "floor"
  | "ceil"
  | "round"
  | "not"
  | "isnan";

/** Binary primitives of the IR; comparisons and `and`/`or` give bool. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "max"
  | "min"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "and"
  | "or"
  | "atan2"
  | "fmod";

/**
 * The names of the table's unary rows: every primitive under its own name but `not` (a row
 * named as PyTorch names it), and the composites. The compiler checks each has a row, and only
 * those.
 */
export type UnaryName =
  | Exclude<UnaryOp, "not">
  | "logicalNot"
  | "tan"
  | "asin"
  | "acos"
  | "atan"
  | "sinh"
  | "cosh"
  | "asinh"
  | "acosh"
  | "atanh"
  | "log2"
  | "log10"
  | "exp2"
  | "trunc"
  | "frac"
  | "reciprocal"
  | "square";

/** The names of the table's binary rows: the primitives (PyTorch's names where they differ), and the composites. */
export type BinaryName =
  | Exclude<BinaryOp, "max" | "min" | "and" | "or">
  | "maximum"
  | "minimum"
  | "logicalAnd"
  | "logicalOr"
  | "remainder"
  | "copysign"
  | "hypot"
  | "logaddexp"
  | "xlogy";

export type OpName = UnaryName | BinaryName;

/**
 * What a row's expressions are built with: the `Expr` builder (a method per row, numbers as
 * constants), `where`, and the primitives. Generic so that this file imports nothing: `Expr`
 * (expr.ts) implements it, and gets its methods from the rows below.
 */
export type ExprOps<E> = { [K in UnaryName]: () => E } & {
  [K in BinaryName]: (other: E | number) => E;
} & {
  /** `this ? a : b` elementwise (this is the condition). */
  where(a: E | number, b: E | number): E;
  /** The number as a constant of this expression's dtype (`x.fullLike(1).div(x)` is 1 / x). */
  fullLike(value: number): E;
  /** One primitive IR node: `op(this)`. */
  unary(op: UnaryOp): E;
  /** One primitive IR node: `op(this, other)`, promoting both to a common dtype. */
  binary(op: BinaryOp, other: E | number): E;
};

/**
 * How a row's result dtype follows from its operands' (PyTorch's promotion of the operands
 * first, for a binary row):
 * - `float`: int and bool give float32 (exp, atan2, ...);
 * - `floating`: float operands only, DTypeError otherwise (torch has no int kernel: frac, hypot);
 * - `numeric`: any dtype but bool (DTypeError): neg, floor, fmod, ...;
 * - `any`: every dtype, kept (sign);
 * - `predicate`: bool results (isnan);
 * - `arith`: the promoted dtype, with the row's `bool` meaning for two bools (add, maximum);
 * - `div`: true division, int and bool give float32;
 * - `pow`: as `pow`: two bools or a negative integer exponent of an int are errors, and a bool
 *   base to an integer power gives int32 (torch's int64; a unary row: `square` of a bool);
 * - `compare`, `logical`: bool results.
 */
export type Promotion =
  | "float"
  | "floating"
  | "numeric"
  | "any"
  | "predicate"
  | "arith"
  | "div"
  | "pow"
  | "compare"
  | "logical";

export interface UnaryRow {
  readonly arity: 1;
  readonly promotion: Promotion;
  /** The IR primitive this op is (its forward is then that one node), if it is one. */
  readonly primitive?: UnaryOp;
  /** The value, as an expression of the operand (in the compute dtype); a composite's. */
  forward?<E extends ExprOps<E>>(x: E): E;
  /**
   * Forward-mode derivative: the tangent of the result from the operand's tangent `dx`, the
   * operand `x` and the result `y`; null for a piecewise-constant op. Required for a primitive;
   * a composite row without one is differentiated through its forward.
   */
  jvp?<E extends ExprOps<E>>(dx: E, x: E, y: E): E | null;
  /** The jvp reads only `y`: autograd saves the output, not the input (as PyTorch's exp, tanh). */
  readonly savesOutput?: true;
}

export interface BinaryRow {
  readonly arity: 2;
  readonly promotion: Promotion;
  /** The IR primitive this op is, if it is one. */
  readonly primitive?: BinaryOp;
  forward?<E extends ExprOps<E>>(a: E, b: E): E;
  /**
   * What two bool operands mean, where PyTorch gives the op a logical sense (`add` is `or`,
   * `mul` is `and`), or `"refuse"` where a bool operand is an error (`sub`).
   */
  readonly bool?: BinaryName | "refuse";
  /** Forward-mode derivative from the operands' tangents (null where an operand's is zero). */
  jvp?<E extends ExprOps<E>>(da: E | null, db: E | null, a: E, b: E, y: E): E | null;
}

export type Row = UnaryRow | BinaryRow;

const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** Above this, asinh(x) = log(2x) and acosh(x) = log(2x) to the last bit (glibc's 2^28). */
const HUGE = 2 ** 28;

/** `a + b` for tangents, null being zero. */
export function addTangents<E extends ExprOps<E>>(a: E | null, b: E | null): E | null {
  return a === null ? b : b === null ? a : a.add(b);
}
const times = <E extends ExprOps<E>>(d: E | null, f: E): E | null => (d === null ? null : d.mul(f));
/** Rounds toward zero: ceil below 0, floor elsewhere (so trunc(-0.5) is -0, as C's trunc). */
const truncate = <E extends ExprOps<E>>(x: E): E => x.lt(0).where(x.ceil(), x.floor());
/** C's signbit: x < 0, -0 and -inf included (1 / -0 is -inf), NaN excluded. */
const signbit = <E extends ExprOps<E>>(x: E): E => x.lt(0).logicalOr(x.fullLike(1).div(x).lt(0));
/** C's copysign: |m| with the sign bit of s. */
const withSign = <E extends ExprOps<E>>(m: E, s: E): E => signbit(s).where(m.abs().neg(), m.abs());
/** `e^x / 2` as `h * (h / 2)` with h = e^(x/2): finite wherever the result is (float32 e^89 / 2). */
const halfExp = <E extends ExprOps<E>>(x: E): E => {
  const h = x.mul(0.5).exp();
  return h.mul(h.mul(0.5));
};
/**
 * An odd function from its values at x >= 0: f(x), -f(-x) below 0, x itself at ±0 (so f(-0) is
 * -0). The reflection is a `where`, not `abs`, so that the derivative at 0 is f'(0), not the 0
 * that abs'(0) = 0 would give.
 */
function odd<E extends ExprOps<E>>(x: E, f: (a: E) => E): E {
  const neg = x.lt(0);
  const r = f(neg.where(x.neg(), x));
  return x.eq(0).where(x, neg.where(r.neg(), r));
}
/**
 * torch's floor division (`div(a, b, rounding_mode="floor")`, c10's div_floor_floating): the
 * exact quotient's floor from fmod, not floor(a / b), which rounds up at 1 / 0.1.
 */
function floorDivide<E extends ExprOps<E>>(a: E, b: E): E {
  const mod = a.fmod(b);
  const q = a.sub(mod).div(b);
  const div = mod
    .ne(0)
    .logicalAnd(b.lt(0).ne(mod.lt(0)))
    .where(q.sub(1), q);
  const fl = div.floor();
  const floored = div.sub(fl).gt(0.5).where(fl.add(1), fl);
  return b.eq(0).where(a.div(b), div.ne(0).where(floored, withSign(a.fullLike(0), a.div(b))));
}
const constantZero = () => null;

/** Gradient of maximum/minimum: the winner's tangent, ties split in half (torch). */
function extremumJvp<E extends ExprOps<E>>(isMax: boolean, da: E | null, db: E | null, a: E, b: E) {
  const win = isMax ? a.gt(b) : a.lt(b);
  const both = addTangents(da, db);
  return win.where(da ?? 0, a.eq(b).where(both === null ? 0 : both.mul(0.5), db ?? 0));
}

/** The unary ops. */
export const UNARY: { readonly [K in UnaryName]: UnaryRow } = {
  neg: { arity: 1, promotion: "numeric", primitive: "neg", jvp: (d) => d.neg() },
  abs: {
    arity: 1,
    promotion: "numeric",
    primitive: "abs",
    jvp: (d, x) => d.mul(x.sign()),
  },
  sign: { arity: 1, promotion: "any", primitive: "sign", jvp: constantZero },
  exp: {
    arity: 1,
    promotion: "float",
    primitive: "exp",
    jvp: (d, _x, y) => d.mul(y),
    savesOutput: true,
  },
  expm1: {
    arity: 1,
    promotion: "float",
    primitive: "expm1",
    jvp: (d, _x, y) => d.mul(y.add(1)),
    savesOutput: true,
  },
  log: { arity: 1, promotion: "float", primitive: "log", jvp: (d, x) => d.div(x) },
  log1p: {
    arity: 1,
    promotion: "float",
    primitive: "log1p",
    jvp: (d, x) => d.div(x.add(1)),
  },
  sqrt: {
    arity: 1,
    promotion: "float",
    primitive: "sqrt",
    jvp: (d, _x, y) => d.div(y.mul(2)),
    savesOutput: true,
  },
  rsqrt: {
    arity: 1,
    promotion: "float",
    primitive: "rsqrt",
    jvp: (d, _x, y) => d.mul(y.mul(y).mul(y).mul(-0.5)),
    savesOutput: true,
  },
  sin: {
    arity: 1,
    promotion: "float",
    primitive: "sin",
    jvp: (d, x) => d.mul(x.cos()),
  },
  cos: {
    arity: 1,
    promotion: "float",
    primitive: "cos",
    jvp: (d, x) => d.mul(x.sin().neg()),
  },
  tanh: {
    arity: 1,
    promotion: "float",
    primitive: "tanh",
    jvp: (d, _x, y) => d.mul(y.mul(y).neg().add(1)),
    savesOutput: true,
  },
  erf: {
    arity: 1,
    promotion: "float",
    primitive: "erf",
    jvp: (d, x) => d.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI)),
  },
  floor: { arity: 1, promotion: "numeric", primitive: "floor", jvp: constantZero },
  ceil: { arity: 1, promotion: "numeric", primitive: "ceil", jvp: constantZero },
  round: { arity: 1, promotion: "numeric", primitive: "round", jvp: constantZero },
  isnan: { arity: 1, promotion: "predicate", primitive: "isnan", jvp: constantZero },
  logicalNot: { arity: 1, promotion: "predicate", primitive: "not", jvp: constantZero },
  tan: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.sin().div(x.cos()),
    jvp: (d, _x, y) => d.mul(y.mul(y).add(1)),
    savesOutput: true,
  },
  // (1 - x)(1 + x) rather than 1 - x^2: exact where x is near ±1.
  asin: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.atan2(x.neg().add(1).mul(x.add(1)).sqrt()),
    jvp: (d, x) => d.mul(x.mul(x).neg().add(1).rsqrt()),
  },
  acos: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.neg().add(1).mul(x.add(1)).sqrt().atan2(x),
    jvp: (d, x) => d.mul(x.mul(x).neg().add(1).rsqrt()).neg(),
  },
  atan: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.atan2(1),
    jvp: (d, x) => d.div(x.mul(x).add(1)),
  },
  // (e + e / (e + 1)) / 2 with e = expm1(x) below |x| = 1 (no cancellation near 0), else
  // e^x / 2 - e^-x / 2, each term as halfExp, so that float32 sinh(89) is finite.
  sinh: {
    arity: 1,
    promotion: "float",
    forward: (x) => {
      const e = x.expm1();
      const small = e.add(e.div(e.add(1))).mul(0.5);
      return x
        .abs()
        .lt(1)
        .where(small, halfExp(x).sub(halfExp(x.neg())));
    },
    jvp: (d, x) => d.mul(x.cosh()),
  },
  // e^x / 2 + e^-x / 2, each term as halfExp: finite wherever cosh is.
  cosh: {
    arity: 1,
    promotion: "float",
    forward: (x) => halfExp(x).add(halfExp(x.neg())),
    jvp: (d, x) => d.mul(x.sinh()),
  },
  // log1p(a + a^2 / (1 + sqrt(1 + a^2))) for a = x >= 0, log(a) + ln 2 above 2^28 (glibc).
  asinh: {
    arity: 1,
    promotion: "float",
    forward: (x) =>
      odd(x, (a) => {
        const a2 = a.mul(a);
        const small = a.add(a2.div(a2.add(1).sqrt().add(1))).log1p();
        return a.gt(HUGE).where(a.log().add(Math.LN2), small);
      }),
    jvp: (d, x) => d.mul(x.mul(x).add(1).rsqrt()),
  },
  // log1p(t + sqrt(t (t + 2))) for t = x - 1 (exact near 1), log(x) + ln 2 above 2^28; NaN
  // below 1 (where t (t + 2) is positive again below -1, and the sum may round to -1).
  acosh: {
    arity: 1,
    promotion: "float",
    forward: (x) => {
      const t = x.sub(1);
      const small = t.add(t.mul(t.add(2)).sqrt()).log1p();
      return x.lt(1).where(Number.NaN, x.gt(HUGE).where(x.log().add(Math.LN2), small));
    },
    jvp: (d, x) => d.mul(x.mul(x).sub(1).rsqrt()),
  },
  // log1p(2a / (1 - a)) / 2 for a = x >= 0.
  atanh: {
    arity: 1,
    promotion: "float",
    forward: (x) => odd(x, (a) => a.mul(2).div(a.neg().add(1)).log1p().mul(0.5)),
    jvp: (d, x) => d.div(x.mul(x).neg().add(1)),
  },
  log2: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.log().div(Math.LN2),
    jvp: (d, x) => d.div(x.mul(Math.LN2)),
  },
  log10: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.log().div(Math.LN10),
    jvp: (d, x) => d.div(x.mul(Math.LN10)),
  },
  // C's pow(2, x): exact at integers.
  exp2: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.fullLike(2).pow(x),
    jvp: (d, _x, y) => d.mul(y).mul(Math.LN2),
    savesOutput: true,
  },
  trunc: { arity: 1, promotion: "numeric", forward: truncate, jvp: constantZero },
  frac: {
    arity: 1,
    promotion: "floating",
    forward: (x) => x.sub(truncate(x)),
    jvp: (d) => d,
  },
  reciprocal: {
    arity: 1,
    promotion: "float",
    forward: (x) => x.fullLike(1).div(x),
    jvp: (d, _x, y) => d.mul(y.mul(y)).neg(),
    savesOutput: true,
  },
  square: {
    arity: 1,
    promotion: "pow",
    forward: (x) => x.mul(x),
    jvp: (d, x) => d.mul(x.mul(2)),
  },
};

/** The binary ops. */
export const BINARY: { readonly [K in BinaryName]: BinaryRow } = {
  add: {
    arity: 2,
    promotion: "arith",
    primitive: "add",
    bool: "logicalOr",
    jvp: (da, db) => addTangents(da, db),
  },
  sub: {
    arity: 2,
    promotion: "arith",
    primitive: "sub",
    bool: "refuse",
    jvp: (da, db) => addTangents(da, db?.neg() ?? null),
  },
  mul: {
    arity: 2,
    promotion: "arith",
    primitive: "mul",
    bool: "logicalAnd",
    jvp: (da, db, a, b) => addTangents(times(da, b), times(db, a)),
  },
  div: {
    arity: 2,
    promotion: "div",
    primitive: "div",
    jvp: (da, db, a, b) =>
      addTangents(da?.div(b) ?? null, db === null ? null : db.mul(a).div(b.mul(b)).neg()),
  },
  pow: {
    arity: 2,
    promotion: "pow",
    primitive: "pow",
    // torch: d/da = b a^(b-1), 0 where b == 0; d/db = a^b log a, 0 where a == 0 and b >= 0.
    jvp: (da, db, a, b, y) =>
      addTangents(
        da === null ? null : b.eq(0).where(0, da.mul(b).mul(a.pow(b.sub(1)))),
        db === null ? null : a.eq(0).logicalAnd(b.ge(0)).where(0, db.mul(y).mul(a.log())),
      ),
  },
  maximum: {
    arity: 2,
    promotion: "arith",
    primitive: "max",
    jvp: (da, db, a, b) => extremumJvp(true, da, db, a, b),
  },
  minimum: {
    arity: 2,
    promotion: "arith",
    primitive: "min",
    jvp: (da, db, a, b) => extremumJvp(false, da, db, a, b),
  },
  eq: { arity: 2, promotion: "compare", primitive: "eq", jvp: constantZero },
  ne: { arity: 2, promotion: "compare", primitive: "ne", jvp: constantZero },
  lt: { arity: 2, promotion: "compare", primitive: "lt", jvp: constantZero },
  le: { arity: 2, promotion: "compare", primitive: "le", jvp: constantZero },
  gt: { arity: 2, promotion: "compare", primitive: "gt", jvp: constantZero },
  ge: { arity: 2, promotion: "compare", primitive: "ge", jvp: constantZero },
  logicalAnd: {
    arity: 2,
    promotion: "logical",
    primitive: "and",
    jvp: constantZero,
  },
  logicalOr: {
    arity: 2,
    promotion: "logical",
    primitive: "or",
    jvp: constantZero,
  },
  atan2: {
    arity: 2,
    promotion: "float",
    primitive: "atan2",
    // torch: grad * other / (self^2 + other^2), grad * -self / (self^2 + other^2).
    jvp: (da, db, a, b) => {
      const r = a.mul(a).add(b.mul(b));
      return addTangents(da?.mul(b).div(r) ?? null, db?.mul(a).neg().div(r) ?? null);
    },
  },
  fmod: {
    arity: 2,
    promotion: "numeric",
    primitive: "fmod",
    // torch: grad, -grad * self.div(other, rounding_mode="trunc").
    jvp: (da, db, a, b) => addTangents(da, db?.mul(truncate(a.div(b))).neg() ?? null),
  },
  // fmod, moved by b where it is nonzero and its sign differs from b's (torch's remainder).
  remainder: {
    arity: 2,
    promotion: "numeric",
    forward: (a, b) => {
      const m = a.fmod(b);
      return m
        .ne(0)
        .logicalAnd(b.lt(0).ne(m.lt(0)))
        .where(m.add(b), m);
    },
    // torch: grad, -grad * self.div(other, rounding_mode="floor").
    jvp: (da, db, a, b) => addTangents(da, db?.mul(floorDivide(a, b)).neg() ?? null),
  },
  copysign: {
    arity: 2,
    promotion: "float",
    forward: (a, b) => withSign(a, b),
    // torch: grad * result / self, 0 where self == 0; none for other.
    jvp: (da, _db, a, _b, y) => da?.mul(a.eq(0).where(0, y.div(a))) ?? null,
  },
  // max * sqrt(1 + (min / max)^2) of |a|, |b|: no overflow or underflow before the result's;
  // inf if either is ±inf (NaN or not), 0 at (0, 0).
  hypot: {
    arity: 2,
    promotion: "floating",
    forward: (a, b) => {
      const [x, y] = [a.abs(), b.abs()];
      const [m, n] = [x.maximum(y), x.minimum(y)];
      const r = n.div(m);
      const v = m.eq(0).where(0, m.mul(r.mul(r).add(1).sqrt()));
      return x.eq(Infinity).logicalOr(y.eq(Infinity)).where(Infinity, v);
    },
    // torch: grad * self / result, grad * other / result.
    jvp: (da, db, a, b, y) => addTangents(da?.mul(a).div(y) ?? null, db?.mul(b).div(y) ?? null),
  },
  // max + log1p(exp(-|a - b|)), or a where a == b == ±inf (torch's logaddexp).
  logaddexp: {
    arity: 2,
    promotion: "floating",
    forward: (a, b) => {
      const bothInf = a.eq(b).logicalAnd(a.abs().eq(Infinity));
      return bothInf.where(a, a.maximum(b).add(a.sub(b).abs().neg().exp().log1p()));
    },
    // torch: grad / (1 + exp(other - self)), grad / (1 + exp(self - other)).
    jvp: (da, db, a, b) =>
      addTangents(da?.div(b.sub(a).exp().add(1)) ?? null, db?.div(a.sub(b).exp().add(1)) ?? null),
  },
  // NaN where b is NaN, else 0 where a == 0, else a log b (torch's xlogy).
  xlogy: {
    arity: 2,
    promotion: "float",
    forward: (a, b) => b.isnan().where(Number.NaN, a.eq(0).where(0, a.mul(b.log()))),
    // torch: xlogy(grad, other) masked to 0 where self == 0 and other <= 0; grad * self / other.
    jvp: (da, db, a, b) =>
      addTangents(
        da?.mul(a.eq(0).logicalAnd(b.le(0)).where(0, b.log())) ?? null,
        db?.mul(a).div(b) ?? null,
      ),
  },
};

/** A row's forward: its primitive's one node, or its composite expression. */
export function unaryForward<E extends ExprOps<E>>(row: UnaryRow, x: E): E {
  return row.primitive ? x.unary(row.primitive) : row.forward!(x);
}

/** A binary row's forward. */
export function binaryForward<E extends ExprOps<E>>(row: BinaryRow, a: E, b: E): E {
  return row.primitive ? a.binary(row.primitive, b) : row.forward!(a, b);
}

let primitives: Map<string, Row> | undefined;

/**
 * The row of an IR primitive (symbolic differentiation reads its jvp), or undefined for one
 * without a row; `binary` picks between the unary and binary primitives of one name (`neg`).
 * Built on first use, so a bundle that never differentiates keeps none of it.
 */
export function primitiveRow(op: UnaryOp, binary: false): UnaryRow | undefined;
export function primitiveRow(op: BinaryOp, binary: true): BinaryRow | undefined;
export function primitiveRow(op: string, binary: boolean): Row | undefined {
  primitives ??= new Map(
    [...Object.values(UNARY as Record<string, Row>), ...Object.values(BINARY)]
      .filter((r) => r.primitive)
      .map((r) => [`${r.arity}${r.primitive}`, r]),
  );
  return primitives.get(`${binary ? 2 : 1}${op}`);
}

/** The row of an op by name, or undefined for a name that is not in the table. */
export function opRow(name: string): Row | undefined {
  if (Object.hasOwn(UNARY, name)) return UNARY[name as UnaryName];
  if (Object.hasOwn(BINARY, name)) return BINARY[name as BinaryName];
  return undefined;
}

/** The table as data: each op's name, arity and promotion class (the fixture generators read this). */
export function opTableSummary(): { name: OpName; arity: 1 | 2; promotion: Promotion }[] {
  const rows: [string, Row][] = [...Object.entries(UNARY), ...Object.entries(BINARY)];
  return rows.map(([name, r]) => ({
    name: name as OpName,
    arity: r.arity,
    promotion: r.promotion,
  }));
}
