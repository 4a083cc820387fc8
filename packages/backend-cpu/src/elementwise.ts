/**
 * Compiles an expression-IR kernel to a JavaScript loop (one `new Function` per kernel
 * structure, cached by `kernel.key`). Values are doubles; float32 nodes are rounded with
 * Math.fround after every operation, int32 nodes wrap as 32-bit integers, bools are 0/1.
 */
import type { DType, ExprNode, Kernel, View } from "@nn/tensor";
import { topoOrder } from "@nn/tensor/internal";
import { erf, ipow, powC, roundHalfEven, toInt32 } from "./math.js";
import { collapse, forEachRun3, isContiguous } from "./strided.js";
import { WASM_MIN_ELEMENTS, type WasmElementwise } from "./wasm/elementwise.js";

/** The runtime helpers a compiled kernel calls (`E.erf(x)`, ...). */
const E = { erf, powC, ipow, round: roundHalfEven, toInt32, fround: Math.fround };

type Compiled = (
  arrays: ArrayLike<number>[],
  offsets: number[],
  strides: number[][],
  shape: number[],
  params: readonly number[],
  E: unknown,
) => void;

function literal(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function round(dtype: DType, code: string): string {
  if (dtype === "float32") return `E.fround(${code})`;
  if (dtype === "int32") return `(${code} | 0)`;
  return code;
}

function unaryCode(op: string, a: string, dtype: DType): string {
  const isInt = dtype === "int32";
  switch (op) {
    case "neg":
      return isInt ? `(-${a} | 0)` : `-${a}`;
    case "abs":
      return isInt ? `(${a} < 0 ? -${a} | 0 : ${a})` : `Math.abs(${a})`;
    case "sign":
      return dtype === "bool" ? a : `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`;
    case "floor":
    case "ceil":
      return isInt ? a : `Math.${op}(${a})`;
    case "round":
      return isInt ? a : `E.round(${a})`;
    case "rsqrt":
      return `1 / Math.sqrt(${a})`;
    case "erf":
      return `E.erf(${a})`;
    case "not":
      return `(${a} === 0 ? 1 : 0)`;
    case "isnan":
      return `(${a} !== ${a} ? 1 : 0)`;
    default:
      return `Math.${op}(${a})`; // exp expm1 log log1p sqrt sin cos tanh
  }
}

function binaryCode(op: string, a: string, b: string, dtype: DType): string {
  const isInt = dtype === "int32";
  switch (op) {
    case "add":
      return dtype === "bool" ? `(${a} | ${b})` : `${a} + ${b}`;
    case "sub":
      return `${a} - ${b}`;
    case "mul":
      return isInt ? `Math.imul(${a}, ${b})` : dtype === "bool" ? `(${a} & ${b})` : `${a} * ${b}`;
    case "div":
      return `${a} / ${b}`;
    case "pow":
      return isInt ? `E.ipow(${a}, ${b})` : `E.powC(${a}, ${b})`;
    case "max":
      return `Math.max(${a}, ${b})`;
    case "min":
      return `Math.min(${a}, ${b})`;
    case "eq":
      return `(${a} === ${b} ? 1 : 0)`;
    case "ne":
      return `(${a} !== ${b} ? 1 : 0)`;
    case "lt":
      return `(${a} < ${b} ? 1 : 0)`;
    case "le":
      return `(${a} <= ${b} ? 1 : 0)`;
    case "gt":
      return `(${a} > ${b} ? 1 : 0)`;
    case "ge":
      return `(${a} >= ${b} ? 1 : 0)`;
    case "and":
      return `(${a} & ${b})`;
    case "or":
      return `(${a} | ${b})`;
    case "atan2":
      return `Math.atan2(${a}, ${b})`;
    case "fmod":
      // JS's % is C's fmod (exact, the dividend's sign); an int32 divisor of 0 gives NaN | 0 = 0.
      return `${a} % ${b}`;
  }
  throw new Error(`cpu: unknown binary op ${op}`);
}

function castCode(a: string, from: DType, to: DType): string {
  if (to === "bool") return `(${a} !== 0 ? 1 : 0)`;
  if (to === "int32") return from === "bool" || from === "int32" ? a : `E.toInt32(${a})`;
  if (to === "float32") return `E.fround(${a})`;
  return a;
}

/** The body computing every node into locals `v<id>` for one element. */
function emitBody(k: Kernel): { lines: string[]; outs: string[]; numInputs: number } {
  const { nodes, id } = topoOrder(k.outputs);
  const name = (n: ExprNode) => `v${id.get(n)}`;
  const lines = nodes.map((n, i) => {
    let code: string;
    switch (n.kind) {
      case "const":
        code = literal(n.dtype === "float32" ? Math.fround(n.value) : n.value);
        break;
      case "input":
        code = `x${n.index}[i${n.index}]`;
        break;
      case "param":
        code = `p${n.index}`;
        break;
      case "unary":
        code = round(
          n.dtype === "bool" ? "float64" : n.dtype,
          unaryCode(n.op, name(n.a.node), n.a.dtype),
        );
        break;
      case "binary": {
        const opType = n.a.dtype;
        const raw = binaryCode(n.op, name(n.a.node), name(n.b.node), opType);
        const isCmp = n.dtype === "bool";
        code = isCmp ? raw : n.op === "pow" && opType === "int32" ? raw : round(opType, raw);
        break;
      }
      case "where":
        code = `(${name(n.cond.node)} !== 0 ? ${name(n.a.node)} : ${name(n.b.node)})`;
        break;
      case "cast":
        code = castCode(name(n.a.node), n.a.dtype, n.dtype);
        break;
    }
    return `const v${i} = ${code};`;
  });
  return { lines, outs: k.outputs.map((o) => name(o.node)), numInputs: k.numInputs };
}

/** Generates the strided loop for a kernel with `nIn` inputs and `nOut` outputs. */
function compile(k: Kernel, nIn: number, nOut: number, paramTypes: readonly DType[]): Compiled {
  const { lines, outs } = emitBody(k);
  const ops = nIn + nOut;
  const L: string[] = [];
  for (let j = 0; j < nIn; j++) L.push(`const x${j} = arrays[${j}];`);
  for (let j = 0; j < nOut; j++) L.push(`const y${j} = arrays[${nIn + j}];`);
  paramTypes.forEach((t, j) => {
    // A bool param is 0/1 like every bool value: any nonzero number (NaN too) is true.
    const p = `params[${j}]`;
    L.push(`const p${j} = ${t === "bool" ? castCode(p, "float64", "bool") : round(t, p)};`);
  });
  // The two innermost dims are plain nested loops (a short last dim, as in a window or an
  // im2col copy, would otherwise pay the outer counter's bookkeeping every few elements).
  L.push("const nd = shape.length, inner = shape[nd - 1], mid = nd > 1 ? shape[nd - 2] : 1;");
  L.push("let total = 1; for (let d = 0; d < nd; d++) total *= shape[d];");
  L.push("const outer = total / (inner * mid); const idx = new Int32Array(nd);");
  const regs = (fn: (j: number, name: string) => string) =>
    Array.from({ length: ops }, (_, j) => fn(j, j < nIn ? `i${j}` : `o${j - nIn}`)).join(" ");
  L.push(regs((j) => `const s${j} = strides[${j}][nd - 1]; let b${j} = offsets[${j}];`));
  L.push(regs((j) => `const m${j} = nd > 1 ? strides[${j}][nd - 2] : 0;`));
  L.push("for (let it = 0; it < outer; it++) {");
  L.push(`  ${regs((j) => `let r${j} = b${j};`)}`);
  L.push("  for (let mm = 0; mm < mid; mm++) {");
  L.push(`    ${regs((j, n) => `let ${n} = r${j};`)}`);
  L.push("    for (let q = 0; q < inner; q++) {");
  for (const line of lines) L.push(`      ${line}`);
  outs.forEach((o, j) => {
    L.push(`      y${j}[o${j}] = ${o};`);
  });
  L.push(`      ${regs((j, n) => `${n} += s${j};`)}`);
  L.push("    }");
  L.push(`    ${regs((j) => `r${j} += m${j};`)}`);
  L.push("  }");
  L.push("  for (let d = nd - 3; d >= 0; d--) {");
  L.push(`    if (++idx[d] < shape[d]) { ${regs((j) => `b${j} += strides[${j}][d];`)} break; }`);
  L.push(`    idx[d] = 0; ${regs((j) => `b${j} -= strides[${j}][d] * (shape[d] - 1);`)}`);
  L.push("  }");
  L.push("}");
  return new Function(
    "arrays",
    "offsets",
    "strides",
    "shape",
    "params",
    "E",
    L.join("\n"),
  ) as Compiled;
}

/**
 * The loop over `n` elements of views that are all contiguous (strides row-major, size-1 dims
 * aside) over one shape: one index per view, from its offset.
 */
type CompiledFlat = (
  arrays: ArrayLike<number>[],
  offsets: number[],
  n: number,
  params: readonly number[],
  E: unknown,
) => void;

/** Generates the flat loop (see `CompiledFlat`) for a kernel with `nIn` inputs and `nOut` outputs. */
function compileFlat(
  k: Kernel,
  nIn: number,
  nOut: number,
  paramTypes: readonly DType[],
): CompiledFlat {
  const { lines, outs } = emitBody(k);
  const L: string[] = [];
  for (let j = 0; j < nIn; j++) L.push(`const x${j} = arrays[${j}], b${j} = offsets[${j}];`);
  for (let j = 0; j < nOut; j++)
    L.push(`const y${j} = arrays[${nIn + j}], c${j} = offsets[${nIn + j}];`);
  paramTypes.forEach((t, j) => {
    const p = `params[${j}]`;
    L.push(`const p${j} = ${t === "bool" ? castCode(p, "float64", "bool") : round(t, p)};`);
  });
  L.push("for (let q = 0; q < n; q++) {");
  for (let j = 0; j < nIn; j++) L.push(`  const i${j} = b${j} + q;`);
  for (const line of lines) L.push(`  ${line}`);
  outs.forEach((o, j) => {
    L.push(`  y${j}[c${j} + q] = ${o};`);
  });
  L.push("}");
  return new Function("arrays", "offsets", "n", "params", "E", L.join("\n")) as CompiledFlat;
}

const EMPTY: ArrayLike<number> = new Float64Array(0);

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * Runs the two kernels that need no loop of ours: a copy (`out = x`, same dtype) as one
 * `TypedArray.set` where both views are contiguous, or one per run where their merged inner dim
 * is unit-stride and at least MIN_SET_RUN long; a constant (`out = c`, e.g. `zeros`) into a
 * contiguous view as one `fill` (a float32 array rounds the double as `Math.fround` does).
 * Returns false for anything else.
 */
function copyOrFill(
  k: Kernel,
  inputs: readonly View[],
  outputs: readonly View[],
  shape: readonly number[],
  size: number,
  arrayOf: (v: View) => ArrayLike<number>,
): boolean {
  if (outputs.length !== 1) return false;
  const out = outputs[0] as View;
  const node = (k.outputs[0] as { node: ExprNode }).node;
  if (node.kind === "const") {
    if (!isContiguous(out, shape)) return false;
    (arrayOf(out) as Typed).fill(node.value, out.offset, out.offset + size);
    return true;
  }
  if (node.kind !== "input" || inputs.length !== 1) return false;
  const x = inputs[0] as View;
  if (x.dtype !== out.dtype) return false;
  const src = arrayOf(x) as Typed;
  const dst = arrayOf(out) as Typed;
  if (isContiguous(x, shape) && isContiguous(out, shape)) {
    dst.set(src.subarray(x.offset, x.offset + size) as Float64Array, out.offset);
    return true;
  }
  // A transposed or sliced copy whose merged inner dim is unit-stride on both sides and long
  // enough that a `set` per run beats the element loop (e.g. [O, N, H·W] to [N, O, H·W]).
  const c = collapse(shape, [x, out]);
  const nd = c.shape.length;
  const [xs, os] = c.strides as [number[], number[]];
  if ((c.shape[nd - 1] as number) < MIN_SET_RUN || xs[nd - 1] !== 1 || os[nd - 1] !== 1) {
    return false;
  }
  forEachRun3(c.shape, [xs, os, os], [x.offset, out.offset, 0], (from, to, _, n) => {
    dst.set(src.subarray(from, from + n) as Float64Array, to);
  });
  return true;
}

/** Shortest unit-stride run copied with one `set` (below it the per-call cost dominates). */
const MIN_SET_RUN = 64;

/** A kernel's compiled loops for one input and output count. */
interface Entry {
  readonly nIn: number;
  readonly nOut: number;
  readonly strided: Compiled;
  flat: CompiledFlat | undefined;
}

/**
 * Cache of compiled kernels keyed by structure; one per backend instance. With a Wasm compiler,
 * float32 launches of at least WASM_MIN_ELEMENTS elements that it can vectorise run there.
 */
export class ElementwiseCompiler {
  /** The Wasm SIMD kernels, or undefined on the pure-JS path. */
  readonly wasm: WasmElementwise | undefined;
  /** Fewest elements a launch needs to run in Wasm (tests lower it to reach the Wasm path). */
  wasmMinElements = WASM_MIN_ELEMENTS;
  readonly #cache = new Map<string, Entry>();
  /** The same entries by kernel object: the one lookup of a kernel launched before. */
  readonly #byKernel = new WeakMap<Kernel, Entry>();
  // Reused argument arrays of the flat loop (kernels run synchronously and never re-enter).
  readonly #arrays: ArrayLike<number>[] = [];
  readonly #offsets: number[] = [];

  constructor(wasm?: WasmElementwise) {
    this.wasm = wasm;
  }

  run(
    k: Kernel,
    inputs: readonly View[],
    outputs: readonly View[],
    params: readonly number[],
    arrayOf: (v: View) => ArrayLike<number>,
  ): void {
    const shape = (outputs[0] as View).shape;
    let size = 1;
    for (let d = 0; d < shape.length; d++) size *= shape[d] as number;
    if (size === 0) return;
    if (copyOrFill(k, inputs, outputs, shape, size, arrayOf)) return;
    if (size >= this.wasmMinElements && this.wasm?.run(k, inputs, outputs, params, size)) return;
    const nIn = inputs.length;
    const nOut = outputs.length;
    let entry = this.#byKernel.get(k);
    if (entry === undefined || entry.nIn !== nIn || entry.nOut !== nOut) {
      const key = `${k.key}#${nIn}:${nOut}`;
      entry = this.#cache.get(key);
      if (!entry) {
        entry = { nIn, nOut, strided: compile(k, nIn, nOut, k.paramDTypes), flat: undefined };
        this.#cache.set(key, entry);
      }
      this.#byKernel.set(k, entry);
    }
    let flat = true;
    for (let j = 0; j < nIn && flat; j++) flat = isContiguous(inputs[j] as View, shape);
    for (let j = 0; j < nOut && flat; j++) flat = isContiguous(outputs[j] as View, shape);
    if (flat) {
      entry.flat ??= compileFlat(k, nIn, nOut, k.paramDTypes);
      const arrays = this.#arrays;
      const offsets = this.#offsets;
      if (arrays.length !== nIn + nOut) {
        arrays.length = nIn + nOut;
        offsets.length = nIn + nOut;
      }
      for (let j = 0; j < nIn; j++) {
        const v = inputs[j] as View;
        arrays[j] = arrayOf(v);
        offsets[j] = v.offset;
      }
      for (let j = 0; j < nOut; j++) {
        const v = outputs[j] as View;
        arrays[nIn + j] = arrayOf(v);
        offsets[nIn + j] = v.offset;
      }
      entry.flat(arrays, offsets, size, params, E);
      // Hold no buffer alive between launches.
      for (let j = 0; j < nIn + nOut; j++) arrays[j] = EMPTY;
      return;
    }
    const views = [...inputs, ...outputs];
    const c = collapse(shape, views);
    entry.strided(
      views.map(arrayOf),
      views.map((v) => v.offset),
      c.strides,
      c.shape,
      params,
      E,
    );
  }

  /** Number of compiled kernels (tests check that changing a param never recompiles). */
  get size(): number {
    return this.#cache.size;
  }
}
