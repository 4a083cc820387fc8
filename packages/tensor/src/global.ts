/**
 * Process-wide state, kept on `globalThis` under a `Symbol.for` key so that an app which loads
 * a package twice (once through `require`, once through `import`: the dual-package hazard)
 * still has one default backend, one registry, one RNG, one scope stack and one tape.
 */
const KEY = Symbol.for("@nn/tensor/state@1");

type Holder = { [KEY]?: Record<string, unknown> };

/**
 * Returns the process-wide value under `key`, creating it with `init()` the first time any copy
 * of any package asks for it: every package that keeps a singleton (a registry, a counter,
 * autograd's tape) gets it here, so two copies of that package share one.
 *
 * Keys outside `@nn/tensor` start with the package's name and end with a version that changes
 * when the value's shape does, such as `"@nn/autograd/state@2"`; `@nn/tensor`'s own keys are bare
 * names (`"backends"`, `"rng"`). All values live in one record on `globalThis` under
 * `Symbol.for("@nn/tensor/state@1")`.
 *
 * ```ts
 * const counter = shared("@my/backend/instances@1", () => ({ next: 0 }));
 * ```
 */
export function shared<T>(key: string, init: () => T): T {
  const holder = globalThis as Holder;
  const state = (holder[KEY] ??= {});
  if (!Object.hasOwn(state, key)) state[key] = init();
  return state[key] as T;
}
