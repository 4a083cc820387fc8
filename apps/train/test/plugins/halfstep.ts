/**
 * A third-party optimizer plugin as a test would load with `--plugin`: plain SGD at half the
 * learning rate, defined with @nn/optim's public `defineOptimizer`. Nothing is registered at
 * import; the app registers what the module exports.
 */
import { defineOptimizer } from "@nn/optim";
import { add_, mul } from "@nn/tensor";

export const halfStep = defineOptimizer<{ lr: number }, Record<string, never>>({
  name: "halfstep",
  defaults: { lr: 0.5 },
  initState: () => ({}),
  update: ({ param, grad, group }) => {
    add_(param, mul(grad, -group.lr / 2));
  },
});
