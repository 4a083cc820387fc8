/**
 * Fused elementwise ops defined by an expression: one definition gives an op that runs as one
 * kernel on every backend, is recorded for autograd (which differentiates the expression, or
 * uses a derivative the definition supplies), and can write in place (optimizer updates).
 * Activations, the elementwise parts of losses and optimizer updates are built with it.
 */
import type { Backend } from "../backend.js";
import { recordOp } from "../dispatch.js";
import { type DType, isFloating, resultType } from "../dtype.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { type Expr, input, type Kernel, kernel, param } from "../expr.js";
import { launch } from "../launch.js";
import { broadcastShapes, fmt } from "../shape.js";
import { empty, type Tensor } from "../tensor.js";
import { backendOf } from "./util.js";

/** Builds the output expression(s) from the input expressions and the scalar params. */
export type MapBuild = (inputs: Expr[], params: Expr[]) => Expr | Expr[];

/** What `defineMap` takes. */
export interface MapSpec {
  /** A unique, descriptive name (used in errors and as the op name autograd sees). */
  readonly name: string;
  /** Number of tensor inputs. */
  readonly inputs: number;
  /** Number of scalar params (kernel arguments; changing them never recompiles). Default 0. */
  readonly params?: number;
  readonly build: MapBuild;
  /**
   * Optional derivative for autograd: for a single-output map, `d out / d input_i` for each
   * input (null where none), as expressions of the inputs, the output `y` and the params.
   * Without it autograd differentiates `build` symbolically.
   */
  readonly derivative?: (inputs: Expr[], y: Expr, params: Expr[]) => (Expr | null)[];
}

/** A defined map op (see `defineMap`). */
export interface MapDef extends MapSpec {
  /** The kernel for these input dtypes (cached). */
  kernelFor(dtypes: readonly DType[]): Kernel;
  /** The params' dtype for these input dtypes: the promoted float dtype (float32 for non-float inputs). */
  paramDType(dtypes: readonly DType[]): DType;
  /** Runs the map over broadcast `inputs`; returns one new tensor per output expression. */
  apply(inputs: readonly Tensor[], params?: readonly number[]): Tensor[];
  /**
   * Writes the outputs into existing tensors in place (keeping their identity and bumping
   * their version counters). Each input is broadcast to the outputs' common shape, which must
   * be every output's shape; outputs may be inputs (read then written element by element).
   */
  applyInto(
    outputs: readonly Tensor[],
    inputs: readonly Tensor[],
    params?: readonly number[],
  ): void;
}

function paramDTypeOf(dtypes: readonly DType[]): DType {
  if (dtypes.length === 0) return "float32";
  const t = resultType(dtypes.map((dtype) => ({ dtype, tier: 2 as const })));
  return isFloating(t) ? t : "float32";
}

function checkArity(def: MapSpec, inputs: readonly Tensor[], params: readonly number[]): void {
  if (inputs.length !== def.inputs) {
    throw new ValueError(`${def.name}: expected ${def.inputs} tensor inputs, got ${inputs.length}`);
  }
  if (params.length !== (def.params ?? 0)) {
    throw new ValueError(
      `${def.name}: expected ${def.params ?? 0} scalar params, got ${params.length}`,
    );
  }
}

/**
 * Defines a fused elementwise op from expressions. Example (a scaled tanh):
 * `const scaledTanh = defineMap({ name: "scaledTanh", inputs: 1, params: 1,
 *   build: ([x], [a]) => x.tanh().mul(a) });  scaledTanh.apply([x], [2])`.
 */
export function defineMap(spec: MapSpec): MapDef {
  const kernels = new Map<string, Kernel>();
  const def: MapDef = {
    ...spec,
    paramDType: paramDTypeOf,
    kernelFor(dtypes) {
      const key = dtypes.join(",");
      let k = kernels.get(key);
      if (!k) {
        const pd = paramDTypeOf(dtypes);
        const out = spec.build(
          dtypes.map((d, i) => input(i, d)),
          Array.from({ length: spec.params ?? 0 }, (_, i) => param(i, pd)),
        );
        k = kernel(Array.isArray(out) ? out : [out]);
        kernels.set(key, k);
      }
      return k;
    },
    apply(inputs, params = []) {
      checkArity(spec, inputs, params);
      const backend: Backend = backendOf(spec.name, inputs);
      const shape = broadcastShapes(spec.name, ...inputs.map((t) => t.shape));
      const k = def.kernelFor(inputs.map((t) => t.dtype));
      const outputs = k.outputs.map((e) => empty(shape, e.dtype, backend, spec.name));
      launch(
        backend,
        k,
        inputs.map((t) => t.stridedView()),
        outputs.map((t) => t.stridedView()),
        params,
      );
      recordOp("map", inputs, outputs, { def, params });
      return outputs;
    },
    applyInto(outputs, inputs, params = []) {
      checkArity(spec, inputs, params);
      const backend = backendOf(spec.name, [...outputs, ...inputs]);
      const k = def.kernelFor(inputs.map((t) => t.dtype));
      if (outputs.length !== k.outputs.length) {
        throw new ValueError(
          `${spec.name}: expected ${k.outputs.length} output tensors, got ${outputs.length}`,
        );
      }
      const shape = (outputs[0] as Tensor).shape;
      outputs.forEach((o, j) => {
        if (o.ndim !== shape.length || o.shape.some((d, i) => d !== shape[i])) {
          throw new ShapeError(
            `${spec.name}: outputs must share one shape, got ${outputs.map((t) => fmt(t.shape)).join(", ")}`,
          );
        }
        if (o.dtype !== (k.outputs[j] as Expr).dtype) {
          throw new DTypeError(
            `${spec.name}: output ${j} is ${o.dtype} but the expression gives ${(k.outputs[j] as Expr).dtype}`,
          );
        }
      });
      const full = broadcastShapes(spec.name, shape, ...inputs.map((t) => t.shape));
      if (full.length !== shape.length || full.some((d, i) => d !== shape[i])) {
        throw new ShapeError(
          `${spec.name}: inputs ${inputs.map((t) => fmt(t.shape)).join(", ")} do not broadcast to the output shape ${fmt(shape)}`,
        );
      }
      launch(
        backend,
        k,
        inputs.map((t) => t.stridedView()),
        outputs.map((t) => t.stridedView()),
        params,
      );
      for (const o of outputs) o.storage.version++;
      recordOp("map_", [...outputs, ...inputs], outputs, { def, params });
    },
  };
  return def;
}
