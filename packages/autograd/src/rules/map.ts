/**
 * The gradient of a fused `defineMap` op: another fused map over (output gradients, inputs)
 * that computes every input's gradient in one kernel. It uses the definition's `derivative`
 * where given, else symbolic differentiation of its expression; being a map itself, it can be
 * differentiated again.
 */
import {
  constant,
  defineMap,
  type Expr,
  isFloating,
  type MapDef,
  type Tensor,
  zerosLike,
} from "@nn/tensor";
import type { GradRule } from "../rule.js";
import { differentiate } from "../symbolic.js";
import { unbroadcast } from "./util.js";

const cache = new WeakMap<MapDef, Map<number, MapDef>>();

/** The map `(g_0..g_{m-1}, x_0..x_{n-1}) -> [sum_j g_j * d out_j / d x_i for each i]`. */
export function gradientOf(def: MapDef, numOutputs: number): MapDef {
  let byCount = cache.get(def);
  if (!byCount) {
    byCount = new Map();
    cache.set(def, byCount);
  }
  let g = byCount.get(numOutputs);
  if (g) return g;
  g = defineMap({
    name: `${def.name}.grad`,
    inputs: numOutputs + def.inputs,
    params: def.params ?? 0,
    build: (ins, params) => {
      const gs = ins.slice(0, numOutputs);
      const xs = ins.slice(numOutputs);
      const built = def.build(xs, params);
      const outs = Array.isArray(built) ? built : [built];
      const custom =
        def.derivative && outs.length === 1
          ? def.derivative(xs, outs[0] as Expr, params)
          : undefined;
      return xs.map((x, i) => {
        let total: Expr | null = null;
        outs.forEach((o, j) => {
          const dij = custom ? (custom[i] ?? null) : differentiate(o, x.node);
          if (dij === null) return;
          const term = (gs[j] as Expr).mul(dij);
          total = total === null ? term : total.add(term);
        });
        return total ?? constant(0, x.dtype);
      });
    },
  });
  byCount.set(numOutputs, g);
  return g;
}

export const mapRules: Record<string, GradRule> = {
  map: {
    saves: "inputs",
    backward: ({ inputs, outputs, attrs, grads }) => {
      const def = attrs.def as MapDef;
      const params = attrs.params as number[];
      const gs = grads.map((g, j) => g ?? zerosLike(outputs[j] as Tensor));
      const out = gradientOf(def, outputs.length).apply([...gs, ...inputs], params);
      return inputs.map((x, i) =>
        isFloating(x.dtype) ? unbroadcast(out[i] as Tensor, x.shape, x.dtype) : null,
      );
    },
  },
};
