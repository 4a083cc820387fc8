/**
 * `defineActivation`: one definition of an elementwise activation (its forward expression, an
 * optional derivative, its scalar parameters) gives the function, the gradient rule and a fused
 * kernel on every backend. Built-ins and users' activations are defined the same way.
 */
import { defineMap, type Expr, type MapDef, type Tensor, ValueError } from "@nn/tensor";
import { checkInput } from "./check.js";

/** Numeric parameters of an activation with their defaults, e.g. `{ negativeSlope: 0.01 }`. */
export type ActivationParams = Record<string, number>;

/**
 * String-valued options of an activation: each lists its valid values, the first being the
 * default, e.g. `{ approximate: ["none", "tanh"] }`. Each combination is its own kernel.
 */
export type ActivationChoices = Record<string, readonly string[]>;

/** The parameters as kernel arguments: one scalar expression per parameter. */
export type ParamExprs<P extends ActivationParams> = { readonly [K in keyof P]: Expr };

/** One value per string-valued option. */
export type ChoiceValues<C extends ActivationChoices> = { readonly [K in keyof C]: C[K][number] };

/** What an activation accepts as options: any subset of its parameters and choices. */
export type ActivationOptions<P extends ActivationParams, C extends ActivationChoices> = {
  readonly [K in keyof P]?: number;
} & { readonly [K in keyof C]?: C[K][number] };

/** What the derivative of an activation sees. */
export interface DerivativeArgs<P extends ActivationParams, C extends ActivationChoices> {
  /** The input element. */
  readonly x: Expr;
  /** The output element (`forward(x)`, recomputed in the gradient kernel). */
  readonly y: Expr;
  /** The parameters (kernel arguments). */
  readonly p: ParamExprs<P>;
  /** The selected string-valued options. */
  readonly c: ChoiceValues<C>;
}

/** What `defineActivation` takes. */
export interface ActivationSpec<
  P extends ActivationParams = Record<never, number>,
  C extends ActivationChoices = Record<never, readonly string[]>,
> {
  /** The function's name (camelCase, as PyTorch's); used in errors and kernel names. */
  readonly name: string;
  /** Scalar parameters and their defaults; they become kernel arguments in this order. */
  readonly params?: P;
  /** String-valued options (see `ActivationChoices`). */
  readonly choices?: C;
  /** The activation of one element, built with the expression IR's fluent builder. */
  readonly forward: (x: Expr, p: ParamExprs<P>, c: ChoiceValues<C>) => Expr;
  /**
   * `d forward / d x` at one element, in terms of `x`, `y` and the parameters; autograd
   * multiplies it by the upstream gradient. Without it autograd differentiates `forward`
   * symbolically. Either way the gradient is itself one fused kernel, and differentiable again.
   */
  readonly derivative?: (args: DerivativeArgs<P, C>) => Expr;
  /** Checks a full set of parameters; returns what is wrong (thrown as a ValueError) or undefined. */
  readonly validate?: (params: Readonly<P>) => string | undefined;
}

/** What an activation function knows of itself (`@nn/nn` turns it into a module). */
export interface ActivationDefinition<
  P extends ActivationParams = ActivationParams,
  C extends ActivationChoices = ActivationChoices,
> {
  readonly name: string;
  /** The parameter names, in kernel-argument order. */
  readonly paramNames: readonly (keyof P & string)[];
  /** The string-valued option names. */
  readonly choiceNames: readonly (keyof C & string)[];
  /** Default parameters and choices. */
  readonly defaults: Readonly<P & ChoiceValues<C>>;
  /** The valid values of each string-valued option (the first is the default). */
  readonly choices: Readonly<C>;
  /** The fused map op for the default choices (its params: `paramNames` order). */
  readonly map: MapDef;
  /** The fused map op for these choices (one per combination, built once). */
  mapFor(choices?: Partial<ChoiceValues<C>>): MapDef;
  /**
   * Validates options and fills in defaults: the map op to run and its scalar arguments.
   * Throws ValueError for an unknown option, a non-number parameter (or NaN), an invalid choice,
   * or what the spec's `validate` rejects.
   */
  resolve(options?: ActivationOptions<P, C>): { map: MapDef; params: number[] };
}

/** An activation: `f(x)` or `f(x, options)`, plus its read-only `definition`. */
export interface Activation<
  P extends ActivationParams = ActivationParams,
  C extends ActivationChoices = ActivationChoices,
> {
  (x: Tensor, options?: ActivationOptions<P, C>): Tensor;
  readonly definition: ActivationDefinition<P, C>;
}

function describe(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : `${String(v)} (${typeof v})`;
}

/**
 * Defines an elementwise activation from its forward expression, its optional derivative and
 * its scalar parameters (kernel arguments: changing them never recompiles a kernel). Returns
 * `f(x, options?)`: x must be a float32 or float64 tensor (DTypeError otherwise); the result has
 * x's shape and dtype. Throws ValueError for a spec without a name or forward, a non-number
 * default, or a choice without values. Example (squareplus, arXiv:2112.11687):
 *
 * ```ts
 * const squareplus = defineActivation({
 *   name: "squareplus",
 *   params: { b: 4 },
 *   forward: (x, { b }) => x.add(x.mul(x).add(b).sqrt()).div(2),
 * });
 * squareplus(x, { b: 1 });
 * ```
 */
export function defineActivation<
  P extends ActivationParams = Record<never, number>,
  const C extends ActivationChoices = Record<never, readonly string[]>,
>(spec: ActivationSpec<P, C>): Activation<P, C> {
  const { name } = spec;
  const defaults = { ...(spec.params ?? {}) } as P;
  const choices = { ...(spec.choices ?? {}) } as C;
  const paramNames = Object.keys(defaults) as (keyof P & string)[];
  const choiceNames = Object.keys(choices) as (keyof C & string)[];
  if (typeof name !== "string" || name.length === 0) {
    throw new ValueError(
      `defineActivation: name must be a non-empty string, got ${describe(name)}`,
    );
  }
  if (typeof spec.forward !== "function") {
    throw new ValueError(`defineActivation: ${name}: forward must be a function (x, p, c) => Expr`);
  }
  for (const p of paramNames) {
    if (typeof defaults[p] !== "number") {
      throw new ValueError(
        `defineActivation: ${name}: the default of param "${p}" must be a number, got ${describe(defaults[p])}`,
      );
    }
  }
  for (const c of choiceNames) {
    if (!Array.isArray(choices[c]) || (choices[c] as readonly string[]).length === 0) {
      throw new ValueError(`defineActivation: ${name}: choice "${c}" needs a list of values`);
    }
  }
  const defaultChoices = Object.fromEntries(
    choiceNames.map((c) => [c, (choices[c] as readonly string[])[0]]),
  ) as ChoiceValues<C>;
  const maps = new Map<string, MapDef>();

  const mapFor = (selected: Partial<ChoiceValues<C>> = {}): MapDef => {
    const c = { ...defaultChoices, ...selected } as ChoiceValues<C>;
    const variant = choiceNames
      .filter((k) => c[k] !== defaultChoices[k])
      .map((k) => `${k}=${c[k]}`);
    const key = variant.join(",");
    let map = maps.get(key);
    if (map) return map;
    const named = (ps: Expr[]) =>
      Object.fromEntries(paramNames.map((p, i) => [p, ps[i]])) as ParamExprs<P>;
    const derivative = spec.derivative;
    map = defineMap({
      name: key ? `${name}[${key}]` : name,
      inputs: 1,
      params: paramNames.length,
      build: ([x], ps) => spec.forward(x as Expr, named(ps), c),
      derivative: derivative
        ? ([x], y, ps) => [derivative({ x: x as Expr, y, p: named(ps), c })]
        : undefined,
    });
    maps.set(key, map);
    return map;
  };

  const resolve = (options?: ActivationOptions<P, C>) => {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new ValueError(`${name}: options must be an object, got ${describe(options)}`);
    }
    const given = (options ?? {}) as Record<string, unknown>;
    const valid = [...paramNames, ...choiceNames];
    for (const k of Object.keys(given)) {
      if (!valid.includes(k)) {
        throw new ValueError(
          `${name}: unknown option "${k}"; valid options: ${valid.length ? valid.join(", ") : "none"}`,
        );
      }
    }
    const full = { ...defaults } as Record<string, number>;
    for (const p of paramNames) {
      const v = given[p];
      if (v === undefined) continue;
      if (typeof v !== "number" || Number.isNaN(v)) {
        throw new ValueError(`${name}: option ${p} must be a number, got ${describe(v)}`);
      }
      full[p] = v;
    }
    const selected: Record<string, string> = {};
    for (const c of choiceNames) {
      const v = given[c];
      if (v === undefined) continue;
      const allowed = choices[c] as readonly string[];
      if (typeof v !== "string" || !allowed.includes(v)) {
        throw new ValueError(
          `${name}: option ${c} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(v)}`,
        );
      }
      selected[c] = v;
    }
    const problem = spec.validate?.(full as P);
    if (problem) throw new ValueError(`${name}: ${problem}`);
    return {
      map: mapFor(selected as Partial<ChoiceValues<C>>),
      params: paramNames.map((p) => full[p] as number),
    };
  };

  const definition: ActivationDefinition<P, C> = Object.freeze({
    name,
    paramNames: Object.freeze([...paramNames]),
    choiceNames: Object.freeze([...choiceNames]),
    defaults: Object.freeze({ ...defaults, ...defaultChoices }),
    choices: Object.freeze(choices),
    get map() {
      return mapFor();
    },
    mapFor,
    resolve,
  });

  const activation = (x: Tensor, options?: ActivationOptions<P, C>): Tensor => {
    checkInput(name, x);
    const { map, params } = resolve(options);
    return map.apply([x], params)[0] as Tensor;
  };
  Object.defineProperty(activation, "name", { value: name });
  Object.defineProperty(activation, "definition", { value: definition, enumerable: true });
  return activation as Activation<P, C>;
}
