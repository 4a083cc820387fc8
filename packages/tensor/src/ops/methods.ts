/**
 * Installs the methods of `Tensor` (declared in `TensorMethods`, tensor.ts): each calls the free
 * function of the same name with the tensor first. The elementwise ones come from the op table,
 * one per row; the rest are listed here. It lives above every op (tensor.ts cannot import the
 * ops, which import it), and `index.ts` re-exports `TENSOR_METHODS` so bundlers keep it.
 */
import type { DType } from "../dtype.js";
import { BINARY, type BinaryName, UNARY, type UnaryName } from "../op-table.js";
import { Tensor } from "../tensor.js";
import { cast, clamp, where } from "./elementwise.js";
import { gather, indexSelect, scatterAdd } from "./indexing.js";
import { add_, copy_, mul_, zero_ } from "./inplace.js";
import { matmul } from "./matmul.js";
import { norm } from "./norm.js";
import { argmax, argmin, logsumexp, max, mean, min, prod, std, sum, variance } from "./reduce.js";
import { binaryFn, unaryFn } from "./table-fns.js";
import { unfold } from "./unfold.js";
import {
  clone,
  contiguous,
  detach,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  slice,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from "./views.js";

type Fn = (x: Tensor, ...args: never[]) => Tensor;

// One method per row of the op table, made as the row's free function is.
const table = Object.fromEntries([
  ...(Object.keys(UNARY) as UnaryName[]).map((name) => [name, unaryFn(name) as Fn]),
  ...(Object.keys(BINARY) as BinaryName[]).map((name) => [name, binaryFn(name) as Fn]),
]);

const castTo = (dtype: DType) => (x: Tensor) => cast(x, dtype);

const functions: Record<string, Fn> = {
  ...table,
  where: ((x: Tensor, cond: Tensor, other: Tensor) => where(cond, x, other)) as Fn,
  clamp: clamp as Fn,
  cast: cast as Fn,
  float: castTo("float32"),
  double: castTo("float64"),
  int: castTo("int32"),
  bool: castTo("bool"),
  matmul: matmul as Fn,
  sum: sum as Fn,
  prod: prod as Fn,
  mean: mean as Fn,
  max: max as Fn,
  min: min as Fn,
  std: std as Fn,
  var: variance as Fn,
  norm: norm as Fn,
  logsumexp: logsumexp as Fn,
  argmax: argmax as Fn,
  argmin: argmin as Fn,
  reshape: reshape as Fn,
  view: view as Fn,
  permute: permute as Fn,
  transpose: transpose as Fn,
  t,
  squeeze: squeeze as Fn,
  unsqueeze: unsqueeze as Fn,
  expand: expand as Fn,
  flatten: flatten as Fn,
  narrow: narrow as Fn,
  slice: slice as Fn,
  unfold: unfold as Fn,
  contiguous,
  clone,
  detach,
  gather: gather as Fn,
  indexSelect: indexSelect as Fn,
  scatterAdd: scatterAdd as Fn,
  add_: add_ as Fn,
  mul_: mul_ as Fn,
  zero_,
  copy_: copy_ as Fn,
};

const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(functions)) {
  proto[name] = function (this: Tensor, ...args: never[]) {
    return fn(this, ...args);
  };
}

/** The names of the methods `Tensor` has besides its own (every op it can call). */
export const TENSOR_METHODS: readonly string[] = Object.keys(functions);
