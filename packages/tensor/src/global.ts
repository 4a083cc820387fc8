/**
 * Process-wide state, kept on `globalThis` under a `Symbol.for` key so that an app which loads
 * this package twice (once through `require`, once through `import`: the dual-package hazard)
 * still has one default backend, one registry, one RNG and one scope stack.
 */
const KEY = Symbol.for("@nn/tensor/state@1");

type Holder = { [KEY]?: Record<string, unknown> };

/**
 * Returns the shared slot `name`, creating it with `init()` the first time any copy of this
 * package asks for it.
 */
export function shared<T>(name: string, init: () => T): T {
  const holder = globalThis as Holder;
  const state = (holder[KEY] ??= {});
  if (!(name in state)) state[name] = init();
  return state[name] as T;
}
