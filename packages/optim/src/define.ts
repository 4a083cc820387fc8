/**
 * The plugin contract (DESIGN.md "Optimizers as plugins"): an optimizer is a name, its
 * defaults, a per-parameter state initializer and an update rule. `defineOptimizer` turns such
 * a spec into a definition that constructs optimizers; the built-ins are written this way too.
 */
import {
  DTypeError,
  isTensor,
  keep,
  noGrad,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from "@nn/tensor";
import { type Defaults, type Hyperparameters, mergeOptions } from "./hyperparameters.js";
import {
  type Closure,
  disposeState,
  forEachTensor,
  Optimizer,
  type ParamState,
} from "./optimizer.js";
import type { ParamGroup, ParamsInput } from "./param-groups.js";

/** What an update rule receives for one parameter. */
export interface UpdateContext<H extends Hyperparameters, S extends ParamState> {
  /** The parameter: update it in place (`applyInto`, `assign`, `copy_`, `add_`). */
  readonly param: Tensor;
  /** Its gradient (same shape and dtype). */
  readonly grad: Tensor;
  /**
   * Its state, from `initState`. Update tensors in place, or replace them with new tensors (the
   * optimizer keeps the new ones and frees the old); host scalars (numbers) may be reassigned.
   */
  readonly state: S;
  /** Its group's hyperparameters (as a scheduler left them). */
  readonly group: Readonly<ParamGroup<H>>;
  /** This parameter's step number: 1 on its first update. */
  readonly step: number;
}

/** What `defineOptimizer` takes. */
export interface OptimizerSpec<H extends Hyperparameters, S extends ParamState> {
  /** The registry name, lower case (`"adam"`); also used in errors and state dicts. */
  readonly name: string;
  /** Every hyperparameter with its default (`required` where the user must give one). */
  readonly defaults: Defaults<H>;
  /** Throws a typed error (ValueError) for invalid hyperparameters of a group. */
  validate?(group: Readonly<ParamGroup<H>>): void;
  /**
   * The state of a parameter before its first update: tensors made with `zerosLike(param)`
   * etc., and host scalars (numbers). Runs once per parameter, at its first step with a gradient.
   */
  initState(param: Tensor, group: Readonly<ParamGroup<H>>): S;
  /**
   * Updates one parameter and its state. Runs inside `noGrad` and a `tidy` scope. The
   * elementwise built-ins write the whole update as one fused kernel:
   * `defineMap({...}).applyInto([param, ...state], [param, grad, ...state], [lr, ...])`.
   */
  update(ctx: UpdateContext<H, S>): void;
  /**
   * Optional: constructs the optimizer object, for a definition that has its own class
   * (`create: (params, options) => new Adam(params, options)`, so `createOptimizer("adam")`
   * gives an `Adam`). Default: a `DefinedOptimizer`.
   */
  create?(params: ParamsInput<H>, options?: Partial<H>): DefinedOptimizer<H, S>;
}

/** Anything the registry can construct by name: a definition, or a built-in like LBFGS. */
export interface OptimizerFactory<H extends Hyperparameters = Hyperparameters> {
  readonly name: string;
  readonly defaults: Defaults<H>;
  /** A new optimizer over `params` (see `Optimizer`), `options` overriding the defaults. */
  create(params: ParamsInput<H>, options?: Partial<H>): Optimizer<H>;
}

/** A defined optimizer: the spec plus `create`. Register it (`registerOptimizer`) to construct it by name. */
export interface OptimizerDefinition<H extends Hyperparameters, S extends ParamState>
  extends OptimizerSpec<H, S>,
    OptimizerFactory<H> {
  create(params: ParamsInput<H>, options?: Partial<H>): DefinedOptimizer<H, S>;
}

/**
 * Defines an optimizer from its name, defaults, state initializer and update rule. Nothing is
 * registered: pass the result to `registerOptimizer` to construct it by name, or call
 * `definition.create(params, options)`. Example (plain SGD, one fused kernel):
 * ```ts
 * const sgdStep = defineMap({ name: "sgdStep", inputs: 2, params: 1,
 *   build: ([p, g], [lr]) => p.sub(lr.mul(g)) });
 * export const plainSgd = defineOptimizer({
 *   name: "plainSgd", defaults: { lr: 0.01 },
 *   initState: () => ({}),
 *   update: ({ param, grad, group }) => sgdStep.applyInto([param], [param, grad], [group.lr]),
 * });
 * ```
 * Throws ValueError for a name that is not a non-empty lower-case string.
 */
export function defineOptimizer<H extends Hyperparameters, S extends ParamState>(
  spec: OptimizerSpec<H, S>,
): OptimizerDefinition<H, S> {
  if (typeof spec.name !== "string" || !/^[a-z][a-z0-9_-]*$/.test(spec.name)) {
    throw new ValueError(
      `defineOptimizer: name must be lower case letters, digits, "-" or "_", starting with a letter; got ${JSON.stringify(spec.name)}`,
    );
  }
  const definition: OptimizerDefinition<H, S> = {
    ...spec,
    create:
      spec.create ?? ((params, options = {}) => new DefinedOptimizer(definition, params, options)),
  };
  return definition;
}

function shapeOf(t: Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

function tensorsIn(state: ParamState): Set<Tensor> {
  const out = new Set<Tensor>();
  for (const v of Object.values(state)) forEachTensor(v, (t) => out.add(t));
  return out;
}

/**
 * The optimizer object of a definition (`new Adam(params, { lr })` is one). `step()` updates
 * every parameter that has a gradient, in order, inside `noGrad`; parameters without `.grad`
 * are skipped (no state, no step counted).
 */
export class DefinedOptimizer<
  H extends Hyperparameters = Hyperparameters,
  S extends ParamState = ParamState,
> extends Optimizer<H> {
  readonly definition: OptimizerDefinition<H, S>;

  /**
   * `options` override the definition's defaults for every group (groups may override them
   * again). Throws as `Optimizer`'s constructor, plus the definition's own checks.
   */
  constructor(
    definition: OptimizerDefinition<H, S>,
    params: ParamsInput<H>,
    options: Partial<H> = {},
  ) {
    const defaults = mergeOptions(definition.name, definition.defaults, options);
    super(definition.name, params, defaults as Defaults<H>, (g) => definition.validate?.(g));
    this.definition = definition;
  }

  protected override checkLoadedState(
    param: Tensor,
    group: ParamGroup<H>,
    state: ParamState,
  ): void {
    const op = `${this.name}: loadStateDict`;
    const template = noGrad(() => this.definition.initState(param, group));
    try {
      for (const [k, v] of Object.entries(template)) {
        if (!isTensor(v)) continue;
        const got = state[k];
        if (!isTensor(got)) {
          throw new ValueError(
            `${op}: the state of a parameter of shape ${shapeOf(param)} lacks tensor "${k}"; is the state dict from another optimizer or configuration?`,
          );
        }
        if (got.ndim !== v.ndim || got.shape.some((d, i) => d !== v.shape[i])) {
          throw new ShapeError(
            `${op}: state "${k}" has shape ${shapeOf(got)} but its parameter needs ${shapeOf(v)} (parameter shape ${shapeOf(param)})`,
          );
        }
      }
      for (const [k, v] of Object.entries(template)) {
        if (typeof v !== "number") continue;
        const got = state[k];
        if (typeof got !== "number" || !Number.isFinite(got)) {
          throw new ValueError(
            `${op}: state "${k}" must be a finite number, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`,
          );
        }
      }
      for (const [k, v] of Object.entries(state)) {
        if (isTensor(v) && !isTensor(template[k])) {
          throw new ValueError(
            `${op}: unexpected state tensor "${k}" for ${this.name} with these hyperparameters`,
          );
        }
      }
    } finally {
      disposeState(template);
    }
  }

  /**
   * One update of every parameter with a gradient. With a closure, calls it first (the loss
   * and gradients it computes drive this step) and resolves to its result. Throws ValueError
   * for a closure that is not a function, or (naming the group) for a hyperparameter made
   * invalid since construction.
   */
  override step(): void;
  override step<L>(closure: Closure<L>): Promise<L>;
  override step<L>(closure?: Closure<L>): Promise<L> | undefined {
    if (closure === undefined) {
      this.#update();
      return;
    }
    if (typeof closure !== "function") {
      throw new ValueError(
        `${this.name}.step: the closure must be a function that computes the loss and its gradients, got ${String(closure)}`,
      );
    }
    return (async () => {
      const loss = await closure();
      this.#update();
      return loss;
    })();
  }

  #update(): void {
    this.checkGroups(`${this.name}.step`);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (!grad) continue;
          this.#checkGrad(param, grad);
          let state = this.state.get(param) as (S & { step?: number }) | undefined;
          if (!state) {
            state = this.definition.initState(param, group) as S & { step?: number };
            for (const t of tensorsIn(state)) keep(t);
            this.state.set(param, state);
          }
          this.#updateOne(param, grad, state, group);
        }
      }
    });
    this.afterStep();
  }

  #updateOne(
    param: Tensor,
    grad: Tensor,
    state: S & { step?: number },
    group: ParamGroup<H>,
  ): void {
    const before = tensorsIn(state);
    const previousStep = state.step ?? 0;
    (state as ParamState).step = previousStep + 1;
    try {
      tidy(() => {
        this.definition.update({ param, grad, state, group, step: previousStep + 1 });
        return state;
      });
    } catch (e) {
      (state as ParamState).step = previousStep;
      throw e;
    }
    const after = tensorsIn(state);
    for (const t of after) keep(t);
    for (const t of before) if (!after.has(t)) t.dispose();
  }

  #checkGrad(param: Tensor, grad: Tensor): void {
    param.assertLive(`${this.name}: step`);
    grad.assertLive(`${this.name}: step (the gradient)`);
    if (grad.ndim !== param.ndim || grad.shape.some((d, i) => d !== param.shape[i])) {
      throw new ShapeError(
        `${this.name}: step: a gradient of shape ${shapeOf(grad)} for a parameter of shape ${shapeOf(param)}; they must match`,
      );
    }
    if (grad.dtype !== param.dtype) {
      throw new DTypeError(
        `${this.name}: step: a ${grad.dtype} gradient for a ${param.dtype} parameter; they must match`,
      );
    }
  }
}
