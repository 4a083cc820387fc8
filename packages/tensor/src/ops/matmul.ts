import { recordOp } from "../dispatch.js";
import { dtypeOriginHint } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import { broadcastView } from "../launch.js";
import { broadcastShapes, contiguousStrides, fmt } from "../shape.js";
import { empty, type Tensor, viewOf } from "../tensor.js";
import { backendOf } from "./util.js";

/**
 * Matrix product with torch.matmul's rules: 1-D @ 1-D is a dot product (0-d result); a 1-D
 * left operand is a row `[1, K]` and a 1-D right operand a column `[K, 1]` (the added dim is
 * removed from the result); batch dims (all but the last two) broadcast:
 * `[..., M, K] @ [..., K, N] -> [..., M, N]`. Transposed or sliced views are read in place.
 * Both operands must share one dtype (DTypeError, as torch) and not be bool; K must agree
 * (ShapeError naming both shapes).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const backend = backendOf("matmul", [a, b]);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 dim, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`,
    );
  }
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `matmul: operands must have the same dtype, got ${a.dtype} and ${b.dtype}${dtypeOriginHint(a.dtype === "int32" ? a.dtype : b.dtype)}; cast one first`,
    );
  }
  if (a.dtype === "bool")
    throw new DTypeError("matmul: bool operands are not supported; cast to int32 or a float dtype");
  const aShape = a.ndim === 1 ? [1, a.shape[0] as number] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0] as number, 1] : [...b.shape];
  const [m, k] = aShape.slice(-2) as [number, number];
  const [k2, n] = bShape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new ShapeError(
      `matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied (${k} columns on the left, ${k2} rows on the right)`,
    );
  }
  const batch = broadcastShapes(
    `matmul (batch dims of ${fmt(a.shape)} and ${fmt(b.shape)})`,
    aShape.slice(0, -2),
    bShape.slice(0, -2),
  );
  const av =
    a.ndim === 1
      ? { ...a.stridedView(), shape: aShape, strides: [0, a.strides[0] as number] }
      : a.stridedView();
  const bv =
    b.ndim === 1
      ? { ...b.stridedView(), shape: bShape, strides: [b.strides[0] as number, 0] }
      : b.stridedView();
  const out = empty([...batch, m, n], a.dtype, backend, "matmul");
  backend.matmul(
    broadcastView(av, [...batch, m, k]),
    broadcastView(bv, [...batch, k, n]),
    out.stridedView(),
  );
  let result = out;
  if (a.ndim === 1 || b.ndim === 1) {
    const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
    result = viewOf(out, shape, contiguousStrides(shape), 0);
    out.dispose();
  }
  recordOp("matmul", [a, b], [result], {});
  return result;
}
