/**
 * Fused update kernels with structural variants: an option that changes the expression's shape
 * (amsgrad, nesterov, maximize, ...) selects one of a few `defineMap` definitions, each
 * compiled once; numbers that change (lr, betas, bias corrections) are kernel params, so a
 * schedule never recompiles.
 */
import { defineMap, type Expr, type MapDef, type MapSpec } from "@nn/tensor";

/** A family of fused maps, one per combination of boolean switches, each defined on first use. */
export function fusedVariants<V extends Record<string, boolean>>(
  name: string,
  spec: (variant: V) => Omit<MapSpec, "name">,
): (variant: V) => MapDef {
  const defs = new Map<string, MapDef>();
  return (variant) => {
    const key = Object.keys(variant)
      .sort()
      .filter((k) => variant[k])
      .join("+");
    let def = defs.get(key);
    if (!def) {
      def = defineMap({ ...spec(variant), name: key ? `${name}[${key}]` : name });
      defs.set(key, def);
    }
    return def;
  };
}

/**
 * The gradient as the rules use it: negated for `maximize`, plus `weightDecay * param` (L2
 * decay, PyTorch's `grad.add(param, alpha=weight_decay)`) when `decay` is on.
 */
export function effectiveGrad(
  grad: Expr,
  param: Expr,
  weightDecay: Expr,
  options: { maximize?: boolean; decay?: boolean },
): Expr {
  let g = options.maximize ? grad.neg() : grad;
  if (options.decay) g = g.add(param.mul(weightDecay));
  return g;
}

// The elementwise rules below follow ATen's CPU kernels' order of operations, so float32
// results round as PyTorch's do: addcmul(x, a, b, value) = x + value * a * b,
// addcdiv(x, a, b, value) = x + value * a / b, add(x, y, alpha) = x + alpha * y.
