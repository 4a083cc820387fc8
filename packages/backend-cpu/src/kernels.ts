/** Reductions, matmul, gather/scatter and random draws on TypedArrays. */
import { IndexError, type RandomDistribution, type ReduceOp, type View } from "@nn/tensor";
import { boxMuller, philox4x32, seedWords, uniform24, uniform53 } from "@nn/tensor/internal";
import { collapse, forEachRun3, matmulLayout, offsets } from "./strided.js";
import { rowSum32, SUM_BLOCK } from "./sum32.js";
import { packJs } from "./wasm/pack.js";

type Arr = { [i: number]: number; length: number };

/**
 * True when dims `from..` of `shape` are row-major with unit inner stride under `strides`
 * (size-1 dims may have any stride): element `r` of that block, counted row-major, sits at
 * offset `r` from the block's start.
 */
function trailingContiguous(
  shape: readonly number[],
  strides: readonly number[],
  from: number,
): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= from; d--) {
    const size = shape[d] as number;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/**
 * See Backend.reduce: reduces the trailing `reduceDims` dims of `input` into `output`.
 *
 * Where the reduced block is contiguous (its elements at `base + 0 .. base + n - 1`, the usual
 * case of a reduction over the last dims of a contiguous tensor) this loops over plain index
 * ranges; where the whole input and the output are contiguous too, the bases are `offset + o * n`
 * and no offset table is built. Otherwise it falls back to `reduceStrided`. Both visit the
 * reduced elements in the same row-major order with the same accumulation, so their results are
 * bit-identical (float32 sums in float32 in the order of `sum32.ts`, which the Wasm kernel
 * shares; other sums and products in doubles, int32 outputs wrapping; NaN propagation; the
 * first index of the extreme or of the first NaN for argmax/argmin).
 *
 * @param op - the reduction.
 * @param input - the view read; `x` is its backing array.
 * @param reduceDims - how many trailing dims of `input` to reduce (0 copies, converted).
 * @param output - the view written, with the shape of `input`'s leading dims; `y` its array.
 */
export function reduce(
  op: ReduceOp,
  input: View,
  x: Arr,
  reduceDims: number,
  output: View,
  y: Arr,
): void {
  if (op === "sum" && output.dtype === "float32") {
    sumFloat32(input, x, reduceDims, output, y, true);
    return;
  }
  const nd = input.shape.length;
  const keep = nd - reduceDims;
  let n = 1;
  for (let d = keep; d < nd; d++) n *= input.shape[d] as number;
  // An empty max/min/arg* never reaches a backend; leave any such call to the general path.
  if (
    (n === 0 && op !== "sum" && op !== "prod") ||
    !trailingContiguous(input.shape, input.strides, keep)
  ) {
    if (op === "sum" && n > 0) sumRuns(input, x, reduceDims, output, y);
    else reduceStrided(op, input, x, reduceDims, output, y);
    return;
  }
  let count = 1;
  for (let d = 0; d < keep; d++) count *= input.shape[d] as number;
  if (count === 0) return;
  const flatIn = trailingContiguous(input.shape, input.strides, 0);
  const flatOut = trailingContiguous(output.shape, output.strides, 0);
  const bases = flatIn
    ? undefined
    : offsets(input.shape.slice(0, keep), input.strides.slice(0, keep), input.offset);
  const outs = flatOut ? undefined : offsets(output.shape, output.strides, output.offset);
  const intAcc = output.dtype === "int32";
  for (let o = 0; o < count; o++) {
    const base = bases === undefined ? input.offset + o * n : (bases[o] as number);
    const end = base + n;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        if (intAcc) for (let i = base; i < end; i++) acc = (acc + (x[i] as number)) | 0;
        else for (let i = base; i < end; i++) acc += x[i] as number;
        break;
      case "prod":
        acc = 1;
        if (intAcc) for (let i = base; i < end; i++) acc = Math.imul(acc, x[i] as number);
        else for (let i = base; i < end; i++) acc *= x[i] as number;
        break;
      case "max":
      case "min": {
        let best = x[base] as number;
        if (!Number.isNaN(best)) {
          if (op === "max") {
            for (let i = base + 1; i < end; i++) {
              const v = x[i] as number;
              if (v > best) best = v;
              else if (Number.isNaN(v)) {
                best = v;
                break;
              }
            }
          } else {
            for (let i = base + 1; i < end; i++) {
              const v = x[i] as number;
              if (v < best) best = v;
              else if (Number.isNaN(v)) {
                best = v;
                break;
              }
            }
          }
        }
        acc = best;
        break;
      }
      case "argmax":
      case "argmin": {
        let best = x[base] as number;
        let at = base;
        if (!Number.isNaN(best)) {
          const isMax = op === "argmax";
          for (let i = base + 1; i < end; i++) {
            const v = x[i] as number;
            if (isMax ? v > best : v < best) {
              best = v;
              at = i;
            } else if (Number.isNaN(v)) {
              at = i;
              break;
            }
          }
        }
        acc = at - base;
        break;
      }
    }
    y[outs === undefined ? output.offset + o : (outs[o] as number)] = acc;
  }
}

/**
 * float32 `sum`: each reduced block, read in row-major order, summed in float32 in the order of
 * `sum32.ts`, which depends on its length only. A block that is contiguous float32 is read in
 * place when `inPlace`; any other is first gathered into a float32 row (converting the values),
 * which gives the same bits.
 */
function sumFloat32(
  input: View,
  x: Arr,
  reduceDims: number,
  output: View,
  y: Arr,
  inPlace: boolean,
): void {
  const nd = input.shape.length;
  const keep = nd - reduceDims;
  let n = 1;
  for (let d = keep; d < nd; d++) n *= input.shape[d] as number;
  let count = 1;
  for (let d = 0; d < keep; d++) count *= input.shape[d] as number;
  if (count === 0) return;
  const direct =
    inPlace && input.dtype === "float32" && trailingContiguous(input.shape, input.strides, keep);
  const bases = trailingContiguous(input.shape, input.strides, 0)
    ? undefined
    : offsets(input.shape.slice(0, keep), input.strides.slice(0, keep), input.offset);
  const outs = trailingContiguous(output.shape, output.strides, 0)
    ? undefined
    : offsets(output.shape, output.strides, output.offset);
  // The reduced dims merged (as in sumRuns), to gather a block in runs of its innermost one.
  const block = collapse(input.shape.slice(keep), [
    { strides: input.strides.slice(keep) } as unknown as View,
  ]);
  const shape = block.shape;
  const strides = block.strides[0] as number[];
  const inner = shape[shape.length - 1] as number;
  const step = strides[strides.length - 1] as number;
  const idx = new Array<number>(shape.length).fill(0);
  const row = new Float32Array(direct ? 0 : n);
  const partials = new Float32Array(Math.ceil(n / SUM_BLOCK));
  for (let o = 0; o < count; o++) {
    const base = bases === undefined ? input.offset + o * n : (bases[o] as number);
    let sum: number;
    if (direct) sum = rowSum32(x, base, n, partials);
    else {
      let at = base;
      idx.fill(0);
      for (let w = 0; w < n; ) {
        for (let q = 0, i = at; q < inner; q++, i += step) row[w++] = x[i] as number;
        for (let d = shape.length - 2; d >= 0; d--) {
          at += strides[d] as number;
          if (++(idx[d] as number) < (shape[d] as number)) break;
          at -= (strides[d] as number) * (shape[d] as number);
          idx[d] = 0;
        }
      }
      sum = rowSum32(row, 0, n, partials);
    }
    y[outs === undefined ? output.offset + o : (outs[o] as number)] = sum;
  }
}

/**
 * `sum` over a reduced block that is not contiguous (e.g. a conv bias gradient: `[C, N, H·W]`
 * seen through a permutation of `[N, C, H·W]`), walking it in runs of its merged dims instead
 * of an offset table: the same row-major order and accumulation as `reduceStrided`, so the
 * same bits.
 */
function sumRuns(input: View, x: Arr, reduceDims: number, output: View, y: Arr): void {
  const nd = input.shape.length;
  const keep = nd - reduceDims;
  const block = collapse(input.shape.slice(keep), [
    { strides: input.strides.slice(keep) } as unknown as View,
  ]);
  const shape = block.shape;
  const strides = block.strides[0] as number[];
  const inner = shape[shape.length - 1] as number;
  const step = strides[strides.length - 1] as number;
  let runs = 1;
  for (let d = 0; d < shape.length - 1; d++) runs *= shape[d] as number;
  const bases = offsets(input.shape.slice(0, keep), input.strides.slice(0, keep), input.offset);
  const outs = offsets(output.shape, output.strides, output.offset);
  const intAcc = output.dtype === "int32";
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < bases.length; o++) {
    let at = bases[o] as number;
    let acc = 0;
    idx.fill(0);
    for (let r = 0; r < runs; r++) {
      let i = at;
      if (intAcc) for (let q = 0; q < inner; q++, i += step) acc = (acc + (x[i] as number)) | 0;
      else for (let q = 0; q < inner; q++, i += step) acc += x[i] as number;
      for (let d = shape.length - 2; d >= 0; d--) {
        at += strides[d] as number;
        if (++(idx[d] as number) < (shape[d] as number)) break;
        at -= (strides[d] as number) * (shape[d] as number);
        idx[d] = 0;
      }
    }
    y[outs[o] as number] = acc;
  }
}

/**
 * The general strided reduction behind `reduce` (any strides: transposed, sliced, expanded),
 * walking precomputed offset tables. Exported for the tests that compare it with the fast path.
 */
export function reduceStrided(
  op: ReduceOp,
  input: View,
  x: Arr,
  reduceDims: number,
  output: View,
  y: Arr,
): void {
  if (op === "sum" && output.dtype === "float32") {
    sumFloat32(input, x, reduceDims, output, y, false);
    return;
  }
  const nd = input.shape.length;
  const keptShape = input.shape.slice(0, nd - reduceDims);
  const inner = offsets(
    input.shape.slice(nd - reduceDims),
    input.strides.slice(nd - reduceDims),
    0,
  );
  const bases = offsets(keptShape, input.strides.slice(0, nd - reduceDims), input.offset);
  const outs = offsets(output.shape, output.strides, output.offset);
  const intAcc = output.dtype === "int32";
  const n = inner.length;
  for (let o = 0; o < bases.length; o++) {
    const base = bases[o] as number;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        if (intAcc)
          for (let r = 0; r < n; r++) acc = (acc + (x[base + (inner[r] as number)] as number)) | 0;
        else for (let r = 0; r < n; r++) acc += x[base + (inner[r] as number)] as number;
        break;
      case "prod":
        acc = 1;
        if (intAcc)
          for (let r = 0; r < n; r++)
            acc = Math.imul(acc, x[base + (inner[r] as number)] as number);
        else for (let r = 0; r < n; r++) acc *= x[base + (inner[r] as number)] as number;
        break;
      case "max":
      case "min":
      case "argmax":
      case "argmin": {
        const isMax = op === "max" || op === "argmax";
        let best = x[base + (inner[0] as number)] as number;
        let at = 0;
        for (let r = 1; r < n && !Number.isNaN(best); r++) {
          const v = x[base + (inner[r] as number)] as number;
          if (Number.isNaN(v) || (isMax ? v > best : v < best)) {
            best = v;
            at = r;
          }
        }
        acc = op === "max" || op === "min" ? best : at;
        break;
      }
    }
    y[outs[o] as number] = acc;
  }
}

/**
 * See Backend.matmul. A is packed into panels of 4 rows and B of 4 columns (`[panel][k][4]`,
 * doubles, zero past the edges) once per batch (O(MK + KN), against O(MKN) for the product);
 * each 4 × 4 tile of C is then summed in 16 local variables over k, which V8 keeps in registers:
 * 8 loads per 32 flops, where a row-at-a-time loop loads and stores its sums every step (measured
 * 1.7x as fast on a 512 product, the same bits). Each element is the sum over k in order, in doubles (int32:
 * wrapping 32-bit). This is the float64 and int32 kernel, and the float32 one only where
 * WebAssembly SIMD is missing or `cpu({ wasm: false })` is asked; otherwise float32 runs in
 * `wasm/matmul.ts`, accumulating in float32 as PyTorch does.
 */
export function matmul(a: View, A: Arr, b: View, B: Arr, out: View, C: Arr): void {
  const { M, N, K, am, ak, bk, bn, cm, cn, aBase, bBase, cBase } = matmulLayout(a, b, out);
  if (out.dtype === "int32") {
    matmulInt(M, N, K, a, A, b, B, out, C, aBase, bBase, cBase);
    return;
  }
  const Mp = Math.ceil(M / 4);
  const Np = Math.ceil(N / 4);
  const pa = new Float64Array(Mp * 4 * K);
  const pb = new Float64Array(Np * 4 * K);
  let packedA = -1;
  let packedB = -1;
  for (let p = 0; p < cBase.length; p++) {
    const ao = aBase[p] as number;
    const bo = bBase[p] as number;
    const co = cBase[p] as number;
    if (ao !== packedA) packJs(pa, 0, A, ao, am, ak, M, K, 4);
    if (bo !== packedB) packJs(pb, 0, B, bo, bn, bk, N, K, 4);
    packedA = ao;
    packedB = bo;
    for (let jp = 0; jp < Np; jp++) {
      const jb = jp * 4 * K;
      const cols = Math.min(4, N - jp * 4);
      for (let ip = 0; ip < Mp; ip++) {
        let ia = ip * 4 * K;
        let ib = jb;
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0,
          c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0;
        let c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0,
          c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        for (let k = 0; k < K; k++, ia += 4, ib += 4) {
          const a0 = pa[ia] as number;
          const a1 = pa[ia + 1] as number;
          const a2 = pa[ia + 2] as number;
          const a3 = pa[ia + 3] as number;
          const b0 = pb[ib] as number;
          const b1 = pb[ib + 1] as number;
          const b2 = pb[ib + 2] as number;
          const b3 = pb[ib + 3] as number;
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3;
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3;
        }
        const rows = Math.min(4, M - ip * 4);
        const at = co + ip * 4 * cm + jp * 4 * cn;
        if (rows === 4 && cols === 4) {
          store4(C, at, cn, c00, c01, c02, c03);
          store4(C, at + cm, cn, c10, c11, c12, c13);
          store4(C, at + 2 * cm, cn, c20, c21, c22, c23);
          store4(C, at + 3 * cm, cn, c30, c31, c32, c33);
        } else {
          const tile = [
            c00,
            c01,
            c02,
            c03,
            c10,
            c11,
            c12,
            c13,
            c20,
            c21,
            c22,
            c23,
            c30,
            c31,
            c32,
            c33,
          ];
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) C[at + r * cm + c * cn] = tile[4 * r + c] as number;
          }
        }
      }
    }
  }
}

/** Writes one row of a tile: four values `cn` apart from `at`. */
function store4(
  C: Arr,
  at: number,
  cn: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
): void {
  C[at] = x0;
  C[at + cn] = x1;
  C[at + 2 * cn] = x2;
  C[at + 3 * cn] = x3;
}

function matmulInt(
  M: number,
  N: number,
  K: number,
  a: View,
  A: Arr,
  b: View,
  B: Arr,
  out: View,
  C: Arr,
  aBase: Float64Array,
  bBase: Float64Array,
  cBase: Float64Array,
): void {
  const [am, ak] = a.strides.slice(-2) as [number, number];
  const [bk, bn] = b.strides.slice(-2) as [number, number];
  const [cm, cn] = out.strides.slice(-2) as [number, number];
  for (let p = 0; p < cBase.length; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          s =
            (s +
              Math.imul(
                A[(aBase[p] as number) + i * am + k * ak] as number,
                B[(bBase[p] as number) + k * bk + j * bn] as number,
              )) |
            0;
        }
        C[(cBase[p] as number) + i * cm + j * cn] = s;
      }
    }
  }
}

/** The IndexError for index value `j` along `dim` of size `size`. */
function outOfBounds(op: string, j: number, dim: number, size: number): IndexError {
  return new IndexError(
    `${op}: index ${j} is out of bounds for dim ${dim} with size ${size} (valid: 0 to ${size - 1})`,
  );
}

/**
 * `target`'s strides over `index`'s shape with `dim`'s set to 0: the offset of the element an
 * index position addresses is then `walked offset + index value * target.strides[dim]`.
 */
function stridesBesideDim(target: View, dim: number, index: View): number[] {
  return index.shape.map((_, d) => (d === dim ? 0 : (target.strides[d] as number)));
}

/**
 * See Backend.gather. Walks index, input and out together in runs (no offset tables); an index
 * out of bounds throws IndexError (the output, a fresh tensor, is then dropped).
 */
export function gather(
  input: View,
  X: Arr,
  dim: number,
  index: View,
  I: Arr,
  out: View,
  Y: Arr,
): void {
  const size = input.shape[dim] ?? 1;
  const step = input.strides[dim] ?? 0;
  forEachRun3(
    index.shape,
    [stridesBesideDim(input, dim, index), index.strides, out.strides],
    [input.offset, index.offset, out.offset],
    (x, i, y, n, sx, si, sy) => {
      for (let r = 0; r < n; r++, x += sx, i += si, y += sy) {
        const j = I[i] as number;
        if (j < 0 || j >= size) throw outOfBounds("gather", j, dim, size);
        Y[y] = X[x + j * step] as number;
      }
    },
  );
}

/**
 * See Backend.scatterAdd: every index is checked first (an out-of-bounds one throws IndexError
 * with `target` untouched), then the additions run in index order.
 */
export function scatterAdd(
  target: View,
  T: Arr,
  dim: number,
  index: View,
  I: Arr,
  src: View,
  S: Arr,
): void {
  const size = target.shape[dim] ?? 1;
  const step = target.strides[dim] ?? 0;
  const none = index.shape.map(() => 0);
  forEachRun3(
    index.shape,
    [index.strides, none, none],
    [index.offset, 0, 0],
    (i, _a, _b, n, si) => {
      for (let r = 0; r < n; r++, i += si) {
        const j = I[i] as number;
        if (j < 0 || j >= size) throw outOfBounds("scatterAdd", j, dim, size);
      }
    },
  );
  const isInt = target.dtype === "int32";
  const isBool = target.dtype === "bool";
  forEachRun3(
    index.shape,
    [stridesBesideDim(target, dim, index), index.strides, src.strides.slice(0, index.shape.length)],
    [target.offset, index.offset, src.offset],
    (t, i, s, n, st, si, ss) => {
      for (let r = 0; r < n; r++, t += st, i += si, s += ss) {
        const d = t + (I[i] as number) * step;
        const v = (T[d] as number) + (S[s] as number);
        T[d] = isInt ? v | 0 : isBool ? (v !== 0 ? 1 : 0) : v;
      }
    },
  );
}

/** See Backend.random: element i uses Philox block (counter offset + i, key seed). */
export function random(
  dist: RandomDistribution,
  out: View,
  Y: Arr,
  seed: number,
  offset: number,
): void {
  const [k0, k1] = seedWords(seed);
  const w = new Uint32Array(4);
  let n = 1;
  for (const d of out.shape) n *= d;
  const wide = out.dtype === "float64";
  for (let i = 0; i < n; i++) {
    const c = offset + i;
    philox4x32(c % 2 ** 32, Math.floor(c / 2 ** 32), k0, k1, w);
    const w0 = w[0] as number;
    const w1 = w[1] as number;
    let v: number;
    if (dist.kind === "uniform") v = wide ? uniform53(w0, w1) : uniform24(w0);
    else if (dist.kind === "normal") v = boxMuller(w0, w1);
    else v = dist.low + (w0 % (dist.high - dist.low));
    Y[out.offset + i] = v;
  }
}
