/** Indexing by int32 index tensors: gather, indexSelect, scatterAdd, oneHot. */
import { recordOp } from "../dispatch.js";
import { checkDType, type DType, dtypeOriginHint } from "../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../errors.js";
import { fmt, normalizeDim } from "../shape.js";
import { empty, type Tensor } from "../tensor.js";
import { full, zeros } from "./creation.js";
import { backendOf, copyInto } from "./util.js";

function requireIndex(op: string, index: Tensor): void {
  if (index.dtype !== "int32") {
    throw new DTypeError(
      `${op}: index must be an int32 tensor, got ${index.dtype}${dtypeOriginHint(index.dtype)}; or cast it with cast(index, "int32")`,
    );
  }
}

function checkGatherShapes(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(
      `${op}: index ${fmt(index.shape)} and input ${fmt(x.shape)} must have the same number of dims`,
    );
  }
  for (let i = 0; i < index.ndim; i++) {
    if (i !== d && (index.shape[i] as number) > (x.shape[i] ?? 1)) {
      throw new ShapeError(
        `${op}: index ${fmt(index.shape)} is larger than input ${fmt(x.shape)} in dim ${i} (only dim ${d} may differ)`,
      );
    }
  }
}

/**
 * Runs the backend kernel that fills `out`. If it throws (an index out of range), `out` is
 * disposed, and an IndexError is renamed for `op` (indexSelect runs the backend's gather).
 */
function fill(op: string, out: Tensor, run: () => void): void {
  try {
    run();
  } catch (e) {
    out.dispose();
    // By name, not instanceof: the backend may use another copy of this package.
    if (e instanceof Error && e.name === "IndexError" && !e.message.startsWith(`${op}:`))
      throw new IndexError(`${op}: ${e.message.replace(/^\w+: /, "")}`);
    throw e;
  }
}

/**
 * `out[i][j] = x[index[i][j]][j]` for dim 0 (and likewise for other dims), as torch.gather:
 * `out` has `index`'s shape; `index` is int32 with `x`'s number of dims and no larger than `x`
 * outside `dim`. IndexError for an index outside `[0, x.shape[dim])` (CPU; a GPU may give 0).
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const backend = backendOf("gather", [x, index]);
  requireIndex("gather", index);
  const d = normalizeDim("gather", dim, x.ndim);
  checkGatherShapes("gather", x, d, index);
  const out = empty(index.shape, x.dtype, backend, "gather");
  if (out.size > 0)
    fill("gather", out, () =>
      backend.gather(x.stridedView(), d, index.stridedView(), out.stridedView()),
    );
  recordOp("gather", [x, index], [out], { dim: d });
  return out;
}

/**
 * Picks entries along `dim` by a 1-D int32 `index` (repeats allowed): the result has `x`'s
 * shape with `dim` resized to `index.size` (torch.index_select). IndexError when out of range.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const backend = backendOf("indexSelect", [x, index]);
  requireIndex("indexSelect", index);
  if (index.ndim > 1)
    throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmt(index.shape)}`);
  const d = normalizeDim("indexSelect", dim, x.ndim);
  const shape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? index.size : s));
  const out = empty(shape, x.dtype, backend, "indexSelect");
  if (out.size > 0) {
    // index broadcast across the other dims (stride 0): one gather, no copy.
    const strides = shape.map((_, i) => (i === d ? (index.strides[0] ?? 0) : 0));
    fill("indexSelect", out, () =>
      backend.gather(
        x.stridedView(),
        d,
        { ...index.stridedView(), shape, strides },
        out.stridedView(),
      ),
    );
  }
  recordOp("indexSelect", [x, index], [out], { dim: d });
  return out;
}

/**
 * A copy of `x` with `src` added at `index` along `dim`: `out[index[i][j]][j] += src[i][j]`
 * for dim 0 (torch.scatter_add). `index` is int32, no larger than `src` and (outside `dim`)
 * `x`. IndexError when out of range.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const backend = backendOf("scatterAdd", [x, index, src]);
  requireIndex("scatterAdd", index);
  if (src.dtype !== x.dtype)
    throw new DTypeError(`scatterAdd: src dtype ${src.dtype} must equal input dtype ${x.dtype}`);
  const d = normalizeDim("scatterAdd", dim, x.ndim);
  checkGatherShapes("scatterAdd", x, d, index);
  if (index.shape.some((s, i) => s > (src.shape[i] ?? 1))) {
    throw new ShapeError(
      `scatterAdd: index ${fmt(index.shape)} is larger than src ${fmt(src.shape)}`,
    );
  }
  const out = empty(x.shape, x.dtype, backend, "scatterAdd");
  copyInto(x, out.stridedView());
  if (index.size > 0) {
    fill("scatterAdd", out, () =>
      backend.scatterAdd(out.stridedView(), d, index.stridedView(), {
        ...src.stridedView(),
        shape: index.shape,
      }),
    );
  }
  recordOp("scatterAdd", [x, index, src], [out], { dim: d });
  return out;
}

/**
 * One-hot encoding: int32 `indices` of shape `S` give `S + [numClasses]` of `dtype` (default
 * int32, as torch.nn.functional.one_hot; pass "float32" for a loss's targets) with a 1 at each
 * index. `numClasses` is required: PyTorch's -1 (infer from the data) would need a read-back,
 * which nn does only where a user asks. DTypeError for non-int32 indices; ValueError for an
 * index outside `[0, numClasses)` (where the backend checks indices).
 */
export function oneHot(indices: Tensor, numClasses: number, dtype: DType = "int32"): Tensor {
  const backend = backendOf("oneHot", [indices]);
  requireIndex("oneHot", indices);
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new ValueError(
      `oneHot: numClasses must be a non-negative integer, got ${numClasses} (nn needs it given: inferring it would read data back)`,
    );
  }
  checkDType("oneHot", dtype);
  const out = zeros([...indices.shape, numClasses], { dtype, backend });
  if (indices.size > 0) {
    if (numClasses === 0) throw new IndexError("oneHot: numClasses is 0 but indices is not empty");
    const shape = [...indices.shape, 1];
    const idx = { ...indices.stridedView(), shape, strides: [...indices.strides, 0] };
    const ones = full(shape, 1, { dtype, backend });
    try {
      backend.scatterAdd(out.stridedView(), indices.ndim, idx, ones.stridedView());
    } catch (e) {
      out.dispose();
      if (e instanceof IndexError) {
        throw new ValueError(
          `oneHot: class values must be in [0, ${numClasses}): ${e.message.replace(/^scatterAdd: /, "")}`,
        );
      }
      throw e;
    } finally {
      ones.dispose();
    }
  }
  return out;
}
