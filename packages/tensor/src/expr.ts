/**
 * The scalar expression IR that every elementwise kernel is built from. A backend compiles an
 * expression once per structure (its `key`) into a loop (CPU) or a shader (WebGPU). Scalars that
 * change between calls (a learning rate, a slope) are `param` nodes: kernel arguments, not
 * constants, so changing them never recompiles.
 */
import { type DType, isFloating, promoteTypes } from "./dtype.js";
import { DTypeError } from "./errors.js";
import {
  BINARY,
  type BinaryName,
  type BinaryOp,
  binaryForward,
  type ExprOps,
  type Promotion,
  UNARY,
  type UnaryName,
  type UnaryOp,
  unaryForward,
} from "./op-table.js";

export type { BinaryOp, UnaryOp };

// Float-only primitives (exp, log, ...) promote int/bool operands to float32, as their rows say.
const FLOAT_UNARY: ReadonlySet<string> = new Set(
  Object.values(UNARY)
    .filter((r) => r.promotion === "float" && r.primitive)
    .map((r) => r.primitive as string),
);
// Float-only binary primitives (div, atan2) promote int/bool operands to float32.
const FLOAT_BINARY: ReadonlySet<string> = new Set(
  Object.values(BINARY)
    .filter((r) => (r.promotion === "float" || r.promotion === "div") && r.primitive)
    .map((r) => r.primitive as string),
);
// Binary primitives with no bool meaning (fmod): bool operands are a DTypeError.
const NUMERIC_BINARY: ReadonlySet<string> = new Set(
  Object.values(BINARY)
    .filter((r) => r.promotion === "numeric" && r.primitive)
    .map((r) => r.primitive as string),
);
const COMPARISONS: ReadonlySet<BinaryOp> = new Set([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
] as BinaryOp[]);

/** One node of an expression. Nodes are immutable; a node used twice is computed once. */
export type ExprNode =
  | { readonly kind: "const"; readonly dtype: DType; readonly value: number }
  | { readonly kind: "input"; readonly dtype: DType; readonly index: number }
  | { readonly kind: "param"; readonly dtype: DType; readonly index: number }
  | { readonly kind: "unary"; readonly dtype: DType; readonly op: UnaryOp; readonly a: Expr }
  | {
      readonly kind: "binary";
      readonly dtype: DType;
      readonly op: BinaryOp;
      readonly a: Expr;
      readonly b: Expr;
    }
  | {
      readonly kind: "where";
      readonly dtype: DType;
      readonly cond: Expr;
      readonly a: Expr;
      readonly b: Expr;
    }
  | { readonly kind: "cast"; readonly dtype: DType; readonly a: Expr };

type Operand = Expr | number;

/**
 * An expression with a fluent builder, e.g. `x.mul(x.neg().add(1))`: one method per row of the
 * op table (`op-table.ts`), installed below. Numbers given to the builder become constants of
 * the other operand's dtype (an integer-valued number next to a float expression is a float
 * constant).
 */
export interface Expr extends ExprOps<Expr> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are installed below, one per row of the op table.
export class Expr {
  constructor(readonly node: ExprNode) {}

  get dtype(): DType {
    return this.node.dtype;
  }

  /** One primitive IR node `op(this)` (float-only primitives promote int/bool to float32). */
  unary(op: UnaryOp): Expr {
    return unaryExpr(op, this);
  }
  /** One primitive IR node `op(this, b)`, both promoted to a common dtype. */
  binary(op: BinaryOp, b: Operand): Expr {
    return binaryExpr(op, this, b);
  }
  cast(dtype: DType): Expr {
    return castExpr(this, dtype);
  }
  /** `cond ? a : b`, elementwise; `this` is the condition (cast to bool if needed). */
  where(a: Operand, b: Operand): Expr {
    return whereExpr(this, a, b);
  }
  /** The number as a constant of this expression's dtype (an int32 one if it is a bool). */
  fullLike(value: number): Expr {
    return lift(value, this.dtype);
  }
}

/**
 * The dtype a composite row computes in, from its operands' (promoted) dtype, by the row's
 * promotion class (a primitive's node does this itself: `unaryExpr`, `binaryExpr`).
 */
function rowDType(name: string, promotion: Promotion, dtype: DType): DType {
  if ((promotion === "float" || promotion === "div") && !isFloating(dtype)) return "float32";
  if (promotion === "pow" && dtype === "bool") return "int32";
  if (
    (promotion === "numeric" && dtype === "bool") ||
    (promotion === "floating" && !isFloating(dtype))
  ) {
    throw new DTypeError(
      `${name}: not defined for ${dtype} expressions; cast to a float dtype first`,
    );
  }
  return dtype;
}

// The builder methods, one per row of the op table.
const methods = Expr.prototype as unknown as Record<string, (this: Expr, b?: Operand) => Expr>;
for (const [name, row] of Object.entries(UNARY)) {
  methods[name as UnaryName] = function (this: Expr) {
    if (row.primitive) return unaryForward(row, this);
    return unaryForward(row, castExpr(this, rowDType(name, row.promotion, this.dtype)));
  };
}
for (const [name, row] of Object.entries(BINARY)) {
  methods[name as BinaryName] = function (this: Expr, b?: Operand) {
    const other = lift(b as Operand, this.dtype);
    if (row.primitive) return binaryForward(row, this, other);
    const dtype = rowDType(name, row.promotion, promoteTypes(this.dtype, other.dtype));
    return binaryForward(row, coerce(this, dtype), coerce(other, dtype));
  };
}

/** A constant baked into the kernel (part of its key). Prefer `param` for values that change. */
export function constant(value: number, dtype: DType = "float32"): Expr {
  return new Expr({ kind: "const", dtype, value });
}

/** The value of the kernel's `index`-th input tensor at the current element. */
export function input(index: number, dtype: DType): Expr {
  return new Expr({ kind: "input", dtype, index });
}

/** The kernel's `index`-th scalar argument (e.g. a learning rate); changing it never recompiles. */
export function param(index: number, dtype: DType = "float32"): Expr {
  return new Expr({ kind: "param", dtype, index });
}

function lift(x: Operand, like: DType): Expr {
  if (x instanceof Expr) return x;
  const dtype =
    like === "bool" || (like === "int32" && !Number.isInteger(x))
      ? Number.isInteger(x)
        ? "int32"
        : "float32"
      : like;
  return constant(x, dtype);
}

function coerce(x: Expr, dtype: DType): Expr {
  return x.dtype === dtype ? x : castExpr(x, dtype);
}

/** `op(a)`; float-only ops promote int/bool operands to float32, as PyTorch does. */
export function unaryExpr(op: UnaryOp, a: Expr): Expr {
  if (FLOAT_UNARY.has(op) && !isFloating(a.dtype)) a = castExpr(a, "float32");
  if (op === "not" || op === "isnan") return new Expr({ kind: "unary", op, a, dtype: "bool" });
  if (a.dtype === "bool" && (op === "neg" || op === "abs")) {
    throw new DTypeError(
      `${op}: not defined for bool expressions; cast to int32 or a float dtype first`,
    );
  }
  return new Expr({ kind: "unary", op, a, dtype: a.dtype });
}

/** `op(a, b)`, promoting both operands to a common dtype; comparisons give bool. */
export function binaryExpr(op: BinaryOp, a: Operand, b: Operand): Expr {
  const ea = a instanceof Expr ? a : lift(a, b instanceof Expr ? b.dtype : "float32");
  const eb = lift(b, ea.dtype);
  let common = promoteTypes(ea.dtype, eb.dtype);
  if (op === "and" || op === "or") common = "bool";
  else if ((FLOAT_BINARY.has(op) || (op === "pow" && common === "bool")) && !isFloating(common))
    common = "float32";
  else if (NUMERIC_BINARY.has(op) && common === "bool") {
    throw new DTypeError(
      `${op}: not defined for bool expressions; cast to int32 or a float dtype first`,
    );
  }
  const dtype = COMPARISONS.has(op) ? "bool" : common;
  return new Expr({ kind: "binary", op, a: coerce(ea, common), b: coerce(eb, common), dtype });
}

/** Elementwise `cond ? a : b`. */
export function whereExpr(cond: Expr, a: Operand, b: Operand): Expr {
  const ea = a instanceof Expr ? a : lift(a, b instanceof Expr ? b.dtype : "float32");
  const eb = lift(b, ea.dtype);
  const dtype = promoteTypes(ea.dtype, eb.dtype);
  return new Expr({
    kind: "where",
    cond: coerce(cond, "bool"),
    a: coerce(ea, dtype),
    b: coerce(eb, dtype),
    dtype,
  });
}

/** Converts to `dtype`: float -> int truncates toward zero, anything -> bool is `x != 0`. */
export function castExpr(a: Expr, dtype: DType): Expr {
  return a.dtype === dtype ? a : new Expr({ kind: "cast", a, dtype });
}

/**
 * A compiled-kernel description: one or more output expressions over `numInputs` input tensors
 * and `numParams` scalar arguments. `key` identifies the structure; backends cache by it.
 */
export interface Kernel {
  readonly key: string;
  readonly outputs: readonly Expr[];
  readonly numInputs: number;
  readonly numParams: number;
  /** The dtype of each param (float64 for a param no expression reads). */
  readonly paramDTypes: readonly DType[];
}

const DT: Record<DType, string> = { float32: "f", float64: "d", int32: "i", bool: "b" };

/** Builds a Kernel from its output expressions, computing its structural key. */
export function kernel(outputs: readonly Expr[]): Kernel {
  const ids = new Map<ExprNode, number>();
  const parts: string[] = [];
  let numInputs = 0;
  let numParams = 0;
  const paramTypes: DType[] = [];
  const visit = (e: Expr): number => {
    const n = e.node;
    const seen = ids.get(n);
    if (seen !== undefined) return seen;
    let s: string;
    switch (n.kind) {
      case "const":
        s = `c${DT[n.dtype]}${Object.is(n.value, -0) ? "-0" : n.value}`;
        break;
      case "input":
        s = `x${n.index}${DT[n.dtype]}`;
        numInputs = Math.max(numInputs, n.index + 1);
        break;
      case "param":
        s = `p${n.index}${DT[n.dtype]}`;
        numParams = Math.max(numParams, n.index + 1);
        paramTypes[n.index] = n.dtype;
        break;
      case "unary":
        s = `${n.op}(${visit(n.a)})`;
        break;
      case "binary":
        s = `${n.op}(${visit(n.a)},${visit(n.b)})`;
        break;
      case "where":
        s = `where(${visit(n.cond)},${visit(n.a)},${visit(n.b)})`;
        break;
      case "cast":
        s = `${DT[n.dtype]}(${visit(n.a)})`;
        break;
    }
    const id = parts.length;
    parts.push(s);
    ids.set(n, id);
    return id;
  };
  const roots = outputs.map(visit);
  const paramDTypes = Array.from({ length: numParams }, (_, i) => paramTypes[i] ?? "float64");
  return {
    key: `${parts.join(";")}->${roots.join(",")}`,
    outputs,
    numInputs,
    numParams,
    paramDTypes,
  };
}

/**
 * Visits each distinct node of the kernel once, operands before users; returns the nodes in that
 * order with their ids. Backends use it to emit one local variable per node.
 */
export function topoOrder(outputs: readonly Expr[]): {
  nodes: ExprNode[];
  id: Map<ExprNode, number>;
} {
  const id = new Map<ExprNode, number>();
  const nodes: ExprNode[] = [];
  const visit = (n: ExprNode): void => {
    if (id.has(n)) return;
    if (n.kind === "unary" || n.kind === "cast") visit(n.a.node);
    else if (n.kind === "binary") {
      visit(n.a.node);
      visit(n.b.node);
    } else if (n.kind === "where") {
      visit(n.cond.node);
      visit(n.a.node);
      visit(n.b.node);
    }
    id.set(n, nodes.length);
    nodes.push(n);
  };
  for (const o of outputs) visit(o.node);
  return { nodes, id };
}
