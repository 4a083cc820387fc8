/**
 * Elementwise kernels: the expression IR compiled to WGSL, one `let vN` per node (operands
 * first, `topoOrder`), cached by the kernel's structural key plus the number of inputs and
 * outputs, the number of (collapsed) dims and which views share a buffer. Shapes, strides,
 * offsets and scalar params travel in the args uniform, so a new learning rate or a new shape of
 * the same rank reuses the compiled pipeline.
 *
 * Values: float32 nodes are f32, int32 nodes i32 (wrapping arithmetic), bool nodes WGSL bool
 * (stored as u32 0/1). Math follows the CPU backend (see wgsl-math.ts).
 */
import {
  type Backend,
  BackendError,
  type DType,
  DTypeError,
  type ExprNode,
  type Kernel,
  type View,
} from "@nn/tensor";
import { topoOrder } from "@nn/tensor/internal";
import { type BindingPlan, bindingDecls, planBindings } from "./bindings.js";
import { ARGS_WGSL } from "./kernel-args.js";
import { decomposeWgsl, type KernelRunner, MAIN_1D } from "./kernel-runner.js";
import { collapse, padDims, sizeOf } from "./strided.js";
import { mathWgsl } from "./wgsl-math.js";

/** WGSL value type of an IR dtype. */
function valueType(dtype: DType): string {
  switch (dtype) {
    case "float32":
      return "f32";
    case "int32":
      return "i32";
    case "bool":
      return "bool";
    default:
      throw new DTypeError(
        `webgpu elementwise: ${dtype} expressions are not supported (WGSL has no f64); cast to float32`,
      );
  }
}

function i32Literal(value: number): string {
  const v = value | 0;
  return v === -2147483648 ? "(-2147483647i - 1i)" : `${v}i`;
}

/**
 * WGSL of an int32 or bool constant. float32 constants are not literals: they come from the args
 * (see `scalarArgs`), because WGSL lets a compiler assume floats are finite, and with a literal
 * in sight drivers fold `x * 0.0` to 0 (SwiftShader does), which turns NaN into 0.
 */
function constLiteral(dtype: DType, value: number): string {
  if (dtype === "int32") return i32Literal(value);
  return value !== 0 ? "true" : "false";
}

function unaryCode(op: string, a: string, t: DType, uses: Set<string>): string {
  const isF = t === "float32";
  const helper = (name: string, call = `nn_${name}(${a})`) => {
    uses.add(name);
    return call;
  };
  switch (op) {
    case "neg":
      return `-(${a})`;
    case "abs":
      return `abs(${a})`;
    case "sign":
      return t === "bool" ? a : isF ? helper("sign") : `sign(${a})`;
    case "exp":
      return helper("exp");
    case "expm1":
      return helper("expm1");
    case "log":
      return helper("log");
    case "log1p":
      return helper("log1p");
    case "sqrt":
      return `sqrt(${a})`;
    case "rsqrt":
      return `(1.0f / sqrt(${a}))`;
    case "sin":
      return helper("sincos", `nn_sincos(${a}).x`);
    case "cos":
      return helper("sincos", `nn_sincos(${a}).y`);
    case "tanh":
      return helper("tanh");
    case "erf":
      return helper("erf");
    case "floor":
    case "ceil":
    case "round":
      // WGSL's round is round-half-to-even, as torch.round.
      return isF ? `${op}(${a})` : a;
    case "not":
      return t === "bool" ? `!(${a})` : isF ? `(${a} == 0.0f)` : `(${a} == 0i)`;
    case "isnan":
      return isF ? helper("isnan") : "false";
  }
  throw new BackendError(`webgpu elementwise: unknown unary op ${op}`);
}

function binaryCode(op: string, a: string, b: string, t: DType, uses: Set<string>): string {
  const isF = t === "float32";
  const isB = t === "bool";
  switch (op) {
    case "add":
      return isB ? `(${a} || ${b})` : `(${a} + ${b})`;
    case "sub":
      return isB ? `(${a} != ${b})` : `(${a} - ${b})`;
    case "mul":
      return isB ? `(${a} && ${b})` : `(${a} * ${b})`;
    case "div":
      if (isF) return `(${a} / ${b})`;
      return `${t === "int32" ? "i32" : "bool"}(f32(${a}) / f32(${b}))`;
    case "pow":
      if (isF) {
        uses.add("pow");
        return `nn_pow(${a}, ${b})`;
      }
      if (t === "int32") {
        uses.add("ipow");
        return `nn_ipow(${a}, ${b})`;
      }
      return `(${a} || !${b})`;
    case "max":
    case "min":
      if (isF) {
        uses.add(op);
        return `nn_${op}(${a}, ${b})`;
      }
      return isB ? (op === "max" ? `(${a} || ${b})` : `(${a} && ${b})`) : `${op}(${a}, ${b})`;
    case "eq":
      return `(${a} == ${b})`;
    case "ne":
      // Some drivers compile != as an ordered comparison (false for NaN): test NaN explicitly.
      if (isF) {
        uses.add("isnan");
        return `(${a} != ${b} || nn_isnan(${a}) || nn_isnan(${b}))`;
      }
      return `(${a} != ${b})`;
    case "lt":
    case "le":
    case "gt":
    case "ge": {
      const sym = { lt: "<", le: "<=", gt: ">", ge: ">=" }[op];
      return isB ? `(u32(${a}) ${sym} u32(${b}))` : `(${a} ${sym} ${b})`;
    }
    case "and":
      return `(${a} && ${b})`;
    case "or":
      return `(${a} || ${b})`;
    case "atan2":
      uses.add("atan2");
      return `nn_atan2(${a}, ${b})`;
    case "fmod":
      if (isF) {
        uses.add("fmod");
        return `nn_fmod(${a}, ${b})`;
      }
      // WGSL's i32 % truncates as C's; a divisor of 0 gives 0, as on the CPU backend.
      return `select(${a} % ${b}, 0i, ${b} == 0i)`;
  }
  throw new BackendError(`webgpu elementwise: unknown binary op ${op}`);
}

function castCode(a: string, from: DType, to: DType, uses: Set<string>): string {
  if (from === to) return a;
  if (to === "bool") {
    if (from !== "float32") return `(${a} != 0i)`;
    uses.add("isnan");
    return `(${a} != 0.0f || nn_isnan(${a}))`;
  }
  if (to === "int32") {
    if (from === "bool") return `select(0i, 1i, ${a})`;
    uses.add("f2i");
    return `nn_f2i(${a})`;
  }
  return from === "bool" ? `select(0.0f, 1.0f, ${a})` : `f32(${a})`;
}

/** Loads input `view` (through its buffer `name` at offset variable `o`) as a WGSL value. */
function loadCode(dtype: DType, name: string, o: string): string {
  return dtype === "bool" ? `(${name}[${o}] != 0u)` : `${name}[${o}]`;
}

function storeCode(dtype: DType, value: string): string {
  return dtype === "bool" ? `select(0u, 1u, ${value})` : value;
}

/**
 * Generates the WGSL of an elementwise kernel. Args: total, shape[nd], per view: offset,
 * strides[nd], then params, then the float32 constants (in `topoOrder`).
 */
function generate(
  k: Kernel,
  nIn: number,
  nOut: number,
  ndim: number,
  plan: BindingPlan,
  inputTypes: readonly DType[],
  outputTypes: readonly DType[],
): string {
  const uses = new Set<string>();
  const { nodes, id } = topoOrder(k.outputs);
  const name = (n: ExprNode) => `v${id.get(n)}`;
  const nViews = nIn + nOut;
  const viewAt = (j: number) => 1 + ndim + j * (1 + ndim);
  const paramAt = 1 + ndim + nViews * (1 + ndim);
  let constAt = paramAt + k.numParams;
  const body: string[] = [];
  nodes.forEach((n, i) => {
    const t = valueType(n.dtype);
    let code: string;
    switch (n.kind) {
      case "const":
        code = n.dtype === "float32" ? `argf(${constAt++}u)` : constLiteral(n.dtype, n.value);
        break;
      case "input": {
        if (n.index >= nIn) {
          throw new BackendError(
            `webgpu elementwise: the kernel reads input ${n.index} but ${nIn} inputs were given`,
          );
        }
        if (inputTypes[n.index] !== n.dtype) {
          throw new DTypeError(
            `webgpu elementwise: input ${n.index} is ${inputTypes[n.index]} but the kernel reads ${n.dtype}`,
          );
        }
        code = loadCode(n.dtype, plan.names[n.index] as string, `o${n.index}`);
        break;
      }
      case "param": {
        const at = paramAt + n.index;
        code =
          n.dtype === "float32"
            ? `argf(${at}u)`
            : n.dtype === "int32"
              ? `argi(${at}u)`
              : `(arg(${at}u) != 0u)`;
        break;
      }
      case "unary":
        code = unaryCode(n.op, name(n.a.node), n.a.dtype, uses);
        valueType(n.a.dtype);
        break;
      case "binary":
        code = binaryCode(n.op, name(n.a.node), name(n.b.node), n.a.dtype, uses);
        valueType(n.a.dtype);
        break;
      case "where":
        code = `select(${name(n.b.node)}, ${name(n.a.node)}, ${name(n.cond.node)})`;
        break;
      case "cast":
        valueType(n.a.dtype);
        code = castCode(name(n.a.node), n.a.dtype, n.dtype, uses);
        break;
    }
    body.push(`let v${i}: ${t} = ${code};`);
  });
  k.outputs.forEach((o, j) => {
    const dt = outputTypes[j] as DType;
    if (dt !== o.dtype) {
      throw new DTypeError(
        `webgpu elementwise: output ${j} is ${dt} but the kernel computes ${o.dtype}`,
      );
    }
    body.push(`${plan.names[nIn + j]}[o${nIn + j}] = ${storeCode(dt, name(o.node))};`);
  });
  const offsets = Array.from({ length: nViews }, (_, j) => `var o${j} = argi(${viewAt(j)}u);`).join(
    "\n  ",
  );
  const walk = decomposeWgsl(
    "idx",
    ndim,
    1,
    Array.from({ length: nViews }, (_, j) => ({ variable: `o${j}`, strideAt: viewAt(j) + 1 })),
    "rem",
  );
  return `${ARGS_WGSL}
${bindingDecls(plan)}
${mathWgsl(uses)}
${MAIN_1D}
  if (idx >= arg(0u)) { return; }
  ${offsets}
  ${walk}
  ${body.join("\n  ")}
}
`;
}

/** What a kernel's args carry after the views: param dtypes, and float32 constant values. */
interface ScalarArgs {
  /** By param index (float32 for any param the expression does not read). */
  readonly paramTypes: readonly DType[];
  /** The float32 constants, in `topoOrder` (the order `generate` reads them). */
  readonly constants: readonly number[];
}

const scalarArgsCache = new WeakMap<Kernel, ScalarArgs>();

function scalarArgs(k: Kernel): ScalarArgs {
  let s = scalarArgsCache.get(k);
  if (!s) {
    const paramTypes: DType[] = new Array(k.numParams).fill("float32");
    const constants: number[] = [];
    for (const n of topoOrder(k.outputs).nodes) {
      if (n.kind === "param") paramTypes[n.index] = n.dtype;
      else if (n.kind === "const" && n.dtype === "float32") constants.push(n.value);
    }
    s = { paramTypes, constants };
    scalarArgsCache.set(k, s);
  }
  return s;
}

/** Runs an elementwise kernel (see Backend.elementwise). */
export function runElementwise(
  runner: KernelRunner,
  owner: Backend,
  maxStorageBuffers: number,
  k: Kernel,
  inputs: readonly View[],
  outputs: readonly View[],
  params: readonly number[],
): void {
  const out0 = outputs[0];
  if (!out0) throw new BackendError("webgpu elementwise: at least one output is required");
  const shape = out0.shape;
  const total = sizeOf(shape);
  if (total === 0) return;
  if (k.outputs.length !== outputs.length) {
    throw new BackendError(
      `webgpu elementwise: the kernel has ${k.outputs.length} outputs but ${outputs.length} views were given`,
    );
  }
  const views = [...inputs, ...outputs];
  const written = outputs.map((_, j) => inputs.length + j);
  const plan = planBindings("elementwise", views, owner, maxStorageBuffers, {
    views: written,
    whole: true,
    packInputs: true,
  });
  const keyOf = (nd: number) => `ew|${k.key}#${inputs.length}:${outputs.length}:${nd}:${plan.key}`;
  const collapsed = collapse(
    shape,
    views.map((v) => v.strides),
  );
  const [ndim] = runner.ranks(
    ([nd]) => keyOf(nd as number),
    plan.buffers.length,
    [collapsed.shape.length],
    [shape.length],
  ) as [number];
  const c = padDims(collapsed, ndim);
  const key = keyOf(ndim);
  const pipeline = runner.pipeline(key, plan.buffers.length, () =>
    generate(
      k,
      inputs.length,
      outputs.length,
      ndim,
      plan,
      inputs.map((v) => v.dtype),
      outputs.map((v) => v.dtype),
    ),
  );
  const args = runner.args().u32(total).u32s(c.shape);
  plan.views.forEach((v, j) => {
    args.i32(v.offset).i32s(c.strides[j] as number[]);
  });
  const { paramTypes, constants } = scalarArgs(k);
  paramTypes.forEach((t, j) => {
    const p = params[j] ?? 0;
    if (t === "int32") args.i32(p);
    else if (t === "bool") args.u32(p !== 0 ? 1 : 0);
    else args.f32(p);
  });
  for (const c of constants) args.f32(c);
  runner.dispatch("elementwise", pipeline, args, plan, runner.grid(total));
  for (const s of plan.scratch) owner.free(s);
}
