/**
 * The gradients of the op table's rows (`@nn/tensor`'s `op-table.ts`), with no rule written per
 * op: the row's forward is seen as a fused map and differentiated symbolically through the
 * primitives' `jvp`s (or, for a composite row that has one, through its own `jvp`, which gives
 * PyTorch's values at edges such as asin'(1) = inf), so every input's gradient comes from one
 * kernel, and that kernel, being a map, can be differentiated again. A row whose derivative
 * reads only its output (`savesOutput`: exp, tanh, ...) gets `g * jvp(1, y)` from the saved
 * output instead.
 */
import {
  type BinaryRow,
  constant,
  type DType,
  defineMap,
  type Expr,
  isFloating,
  type MapDef,
  type Row,
  type Tensor,
  type UnaryRow,
} from "@nn/tensor";
import { BINARY, binaryForward, UNARY, unaryForward } from "@nn/tensor/internal";
import type { GradRule } from "../rule.js";
import { gradientOf } from "./map.js";
import { unbroadcast } from "./util.js";

const forwardMaps = new Map<string, MapDef>();

/**
 * The row's forward as a map over its tensor operands, the scalar operands being params, all
 * cast to the op's compute dtype `dtype` (its output's). `scalarAt[i]` says operand i is a scalar.
 */
function forwardMap(name: string, row: Row, scalarAt: readonly boolean[], dtype: DType): MapDef {
  const key = `${name}|${scalarAt.join(",")}|${dtype}`;
  let def = forwardMaps.get(key);
  if (!def) {
    const operands = (xs: Expr[], ps: Expr[]) => {
      let [ti, pi] = [0, 0];
      return scalarAt.map((s) => (s ? (ps[pi++] as Expr) : (xs[ti++] as Expr)).cast(dtype));
    };
    def = defineMap({
      name,
      inputs: scalarAt.filter((s) => !s).length,
      params: scalarAt.filter((s) => s).length,
      build: (xs, ps) => {
        const ops = operands(xs, ps);
        return row.arity === 1
          ? unaryForward(row, ops[0] as Expr)
          : binaryForward(row, ops[0] as Expr, ops[1] as Expr);
      },
      derivative:
        row.primitive || !row.jvp
          ? undefined
          : (xs, y, ps) => rowDerivative(row, operands(xs, ps), y, scalarAt, dtype),
    });
    forwardMaps.set(key, def);
  }
  return def;
}

/**
 * `d y / d operand` for each tensor operand of a composite row, from the row's `jvp` with a unit
 * tangent (null where it is zero).
 */
function rowDerivative(
  row: Row,
  ops: Expr[],
  y: Expr,
  scalarAt: readonly boolean[],
  dtype: DType,
): (Expr | null)[] {
  const one = constant(1, dtype);
  const [a, b] = ops as [Expr, Expr];
  if (row.arity === 1) return [row.jvp?.(one, a, y) ?? null];
  return scalarAt.flatMap((s, i) =>
    s ? [] : [(i === 0 ? row.jvp?.(one, null, a, b, y) : row.jvp?.(null, one, a, b, y)) ?? null],
  );
}

function throughForward(name: string, row: Row): GradRule {
  return {
    saves: "inputs",
    backward: ({ inputs, outputs, attrs, grads }) => {
      const scalars = row.arity === 1 ? [] : [attrs.a, attrs.b];
      const scalarAt = row.arity === 1 ? [false] : scalars.map((s) => s !== undefined);
      const def = forwardMap(name, row, scalarAt, (outputs[0] as Tensor).dtype);
      const params = scalars.filter((s) => s !== undefined).map(Number);
      const gs = gradientOf(def, 1).apply([grads[0] as Tensor, ...inputs], params);
      return inputs.map((x, i) =>
        isFloating(x.dtype) ? unbroadcast(gs[i] as Tensor, x.shape, x.dtype) : null,
      );
    },
  };
}

const outputMaps = new Map<string, MapDef>();

/** `g * jvp(1, y)` for a unary row whose derivative reads only its output. */
function throughOutput(name: string, row: UnaryRow): GradRule {
  let def = outputMaps.get(name);
  if (!def) {
    def = defineMap({
      name: `${name}.grad`,
      inputs: 2,
      build: ([g, y]) => {
        const d = row.jvp?.(constant(1, (y as Expr).dtype), y as Expr, y as Expr) ?? null;
        return d === null ? constant(0, (y as Expr).dtype) : (g as Expr).mul(d);
      },
    });
    outputMaps.set(name, def);
  }
  const grad = def;
  return {
    saves: "outputs",
    backward: ({ outputs, grads }) => grad.apply([grads[0] as Tensor, outputs[0] as Tensor]),
  };
}

/** Rows whose results are bool have no gradient; every other row gets its rule here. */
const differentiable = (row: Row) => !["compare", "logical", "predicate"].includes(row.promotion);

export const tableRules: Record<string, GradRule> = Object.fromEntries([
  ...Object.entries(UNARY as Record<string, UnaryRow>)
    .filter(([, row]) => differentiable(row))
    .map(([name, row]) => [
      name,
      row.savesOutput ? throughOutput(name, row) : throughForward(name, row),
    ]),
  ...Object.entries(BINARY as Record<string, BinaryRow>)
    .filter(([, row]) => differentiable(row))
    .map(([name, row]) => [name, throughForward(name, row)]),
]);
