/**
 * Activation modules: any activation function defined with @nn/activations' `defineActivation`
 * (a callable `f(x, options?)` with a `definition`) becomes a module, built-in or user-defined.
 */
import type { Tensor } from "@nn/tensor";
import { Module } from "../module.js";

/**
 * What a module needs of an activation function: `f(x, options?)` and, optionally, the
 * `definition` that `defineActivation` attaches (its name and default options).
 */
export interface ActivationFunction<O = never> {
  (x: Tensor, options?: O): Tensor;
  readonly definition?: {
    readonly name: string;
    readonly defaults?: Readonly<Record<string, unknown>>;
  };
}

/**
 * A module that applies an activation function with fixed options:
 * `new Activation(leakyRelu, { negativeSlope: 0.2 }).forward(x)` is `leakyRelu(x, { negativeSlope: 0.2 })`.
 * It has no parameters (PReLU, whose slope is learned, is its own module).
 */
export class Activation<O = never> extends Module {
  constructor(
    readonly fn: ActivationFunction<O>,
    readonly options?: O,
  ) {
    super();
  }

  /** The activation's name (from its definition, else the function's name). */
  get activationName(): string {
    return this.fn.definition?.name ?? this.fn.name;
  }

  forward(x: Tensor): Tensor {
    return this.options === undefined ? this.fn(x) : this.fn(x, this.options);
  }
}

/**
 * A module class for an activation function, e.g. for a user's own definition:
 * `const Squareplus = activationModule(squareplus); new Squareplus({ b: 1 })`. The class is
 * named `className`, by default the function's name capitalised.
 */
export function activationModule<O>(
  fn: ActivationFunction<O>,
  className?: string,
): new (
  options?: O,
) => Activation<O> {
  const name = fn.definition?.name ?? fn.name;
  const cls = class extends Activation<O> {
    constructor(options?: O) {
      super(fn, options);
    }
  };
  Object.defineProperty(cls, "name", {
    value: className ?? (name ? name[0]!.toUpperCase() + name.slice(1) : "Activation"),
  });
  return cls;
}
