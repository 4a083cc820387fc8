/**
 * The tensor functions of the op table's rows (`unaryFn`, `binaryFn`): a row's forward as one
 * kernel with the row's dtype rules, recorded for autograd under its name. Internal: the ops
 * themselves are in `elementwise.ts`.
 */
import { type DType, isFloating } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import type { Expr } from "../expr.js";
import {
  BINARY,
  type BinaryName,
  binaryForward,
  UNARY,
  type UnaryName,
  unaryForward,
} from "../op-table.js";
import { isTensor, type Tensor } from "../tensor.js";
import { checkOperands, elementwise, resultDTypeOf, type TensorLike } from "./util.js";

/** The tensor function of a unary row: dtype by the row's promotion class, one kernel, recorded. */
export function unaryFn(name: UnaryName): (x: Tensor) => Tensor {
  const row = UNARY[name];
  const build = ([a]: Expr[]) => unaryForward(row, a as Expr);
  return function (x: Tensor): Tensor {
    // A second argument may be an activation's options (`tanh(x, {})`): none are defined.
    // biome-ignore lint/complexity/noArguments: counting arguments is free; a rest parameter would allocate an array per op.
    const count = arguments.length;
    // biome-ignore lint/complexity/noArguments: read only when there is one.
    const options: unknown = count === 2 ? arguments[1] : undefined;
    if (count > 2 || !noOptions(options) || !isTensor(x)) {
      // biome-ignore lint/complexity/noArguments: the error path names what it got.
      operandError(name, 1, arguments);
    }
    let dtype = x.dtype;
    if (row.promotion === "float" && !isFloating(dtype)) dtype = "float32";
    if (row.promotion === "pow" && dtype === "bool") dtype = "int32";
    checkClass(name, row.promotion, dtype, "tensors");
    return elementwise(name, [x], dtype, build);
  };
}

/**
 * ValueError for a table op called with the wrong number of operands (an extra argument would
 * otherwise be dropped silently: `add(x, y, -0.5)` is not `add_`'s alpha) or a non-tensor one.
 */
function operandError(name: string, arity: number, args: IArguments): never {
  if (args.length !== arity && !(arity === 1 && args.length === 2 && noOptions(args[1]))) {
    throw new ValueError(
      `${name}: takes ${arity === 1 ? "1 tensor" : "2 operands"}, got ${args.length} arguments${name === "add" || name === "sub" ? ` (to scale the other operand, use ${name}(a, mul(b, alpha)), or add_'s alpha in place)` : ""}`,
    );
  }
  checkOperands(name, Array.from(args));
  throw new ValueError(`${name}: expected a tensor operand`);
}

/** `undefined` or `{}`: what an activation without options may be passed as its options. */
const noOptions = (o: unknown) =>
  o === undefined ||
  (typeof o === "object" &&
    o !== null &&
    Object.getPrototypeOf(o) === Object.prototype &&
    Object.keys(o).length === 0);

/** The scalar operands of a binary op, as recorded (autograd reads them back as `a` / `b`). */
export const scalarsOf = (a: TensorLike, b: TensorLike) => ({
  a: typeof a === "object" ? undefined : a,
  b: typeof b === "object" ? undefined : b,
});

/** `scalarsOf` of two tensors (frozen: records share it). */
const NO_SCALARS = Object.freeze({ a: undefined, b: undefined });

const isBool = (v: TensorLike) =>
  typeof v === "boolean" || (typeof v === "object" && v.dtype === "bool");

/** The tensor function of a binary row: PyTorch promotion of tensors and scalars, broadcasting. */
export function binaryFn(name: BinaryName): (a: TensorLike, b: TensorLike) => Tensor {
  const own = BINARY[name];
  // Built once per row (an op on bools may run its bool row instead): no closure per call.
  const builders = new Map<string, (operands: Expr[]) => Expr>();
  const builderOf = (kind: string, row: typeof own) => {
    let f = builders.get(kind);
    if (f === undefined) {
      f = ([x, y]) => binaryForward(row, x as Expr, y as Expr);
      builders.set(kind, f);
    }
    return f;
  };
  const tensorsOptions = { key: name as string, attrs: NO_SCALARS };
  return function (a: TensorLike, b: TensorLike): Tensor {
    // biome-ignore lint/complexity/noArguments: as in unaryFn.
    if (arguments.length !== 2) operandError(name, 2, arguments);
    let row = own;
    // Two tensors of one dtype promote to it, whatever their dims; else PyTorch's rules.
    let dtype =
      isTensor(a) && isTensor(b) && a.dtype === b.dtype ? a.dtype : resultDTypeOf([a, b], name);
    if (row.bool === "refuse" && (isBool(a) || isBool(b))) {
      throw new DTypeError(
        `${name}: not supported with a bool operand; use logical ops, or cast to int32 first`,
      );
    }
    let kind: string = name;
    if (dtype === "bool" && row.bool && row.bool !== "refuse") {
      kind = row.bool;
      row = BINARY[row.bool];
    }
    if ((row.promotion === "div" || row.promotion === "float") && !isFloating(dtype))
      dtype = "float32";
    if (row.promotion === "pow") checkPow(b, dtype);
    checkClass(name, row.promotion, dtype, "operands");
    if (row.promotion === "logical") dtype = "bool";
    const both = typeof a === "object" && typeof b === "object";
    return elementwise(
      name,
      [a, b],
      dtype,
      builderOf(kind, row),
      both && kind === name
        ? tensorsOptions
        : { key: kind, attrs: both ? NO_SCALARS : scalarsOf(a, b) },
    );
  };
}

/** DTypeError where the row's class refuses the (promoted) dtype: bool for `numeric`, int and bool for `floating`. */
function checkClass(name: string, promotion: string, dtype: DType, what: string): void {
  if (promotion === "numeric" && dtype === "bool") {
    throw new DTypeError(
      `${name}: not supported for bool ${what}; cast to int32 or a float dtype first`,
    );
  }
  if (promotion === "floating" && !isFloating(dtype)) {
    throw new DTypeError(
      `${name}: only float ${what} are supported (as torch), got ${dtype}; cast to float32 first`,
    );
  }
}

function checkPow(b: TensorLike, dtype: DType): void {
  if (dtype === "bool")
    throw new DTypeError(
      "pow: not supported for two bool operands; cast to int32 or a float dtype",
    );
  if (dtype === "int32" && typeof b === "number" && b < 0) {
    throw new ValueError(
      `pow: integers to negative integer powers are not allowed (exponent ${b}); use a float base`,
    );
  }
}
