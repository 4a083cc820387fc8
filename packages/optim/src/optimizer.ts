/**
 * The optimizer object users call, as PyTorch's `torch.optim.Optimizer`: parameter groups with
 * their own hyperparameters, per-parameter state keyed by the parameter tensor itself (never by
 * position), `zeroGrad()`, and `stateDict()` / `loadStateDict()` serialized by position within
 * the parameter groups.
 */
import {
  BackendError,
  cast,
  clone,
  DTypeError,
  isFloating,
  isTensor,
  keep,
  noGrad,
  type Tensor,
  ValueError,
  zero_,
} from "@nn/tensor";
import { type Defaults, type Hyperparameters, required } from "./hyperparameters.js";
import { LeakWatch } from "./leak-warning.js";
import { describeLrSource } from "./lr-source.js";
import {
  groupParams,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  toGroupInputs,
} from "./param-groups.js";
import { checkCount, checkPositions, isRecord, show } from "./state-checks.js";

/** One value of a parameter's state: a buffer, a host scalar, or a list of those (LBFGS). */
export type StateValue = Tensor | number | boolean | string | null | readonly StateValue[];

/** A parameter's state, by name (`expAvg`, `step`, ...). */
export type ParamState = { [key: string]: StateValue };

/** A parameter group in a state dict: its hyperparameters and its parameters' positions. */
export type SavedParamGroup = { params: number[]; [hyperparameter: string]: unknown };

/**
 * An optimizer's state, serialized by position as PyTorch's `state_dict()`: `state[i]` is the
 * state of the i-th parameter counted across the groups in order. State tensors stay tensors
 * (copies the caller owns); `stateDictToJSON` turns the whole into plain JSON.
 */
export interface OptimizerStateDict {
  /** The registry name of the optimizer that wrote it (`"adam"`); loading checks it. */
  optimizer: string;
  state: { [position: string]: ParamState };
  paramGroups: SavedParamGroup[];
}

/** A closure re-evaluating the model: it zeroes the gradients, computes the loss, runs backward and returns the loss. */
export type Closure<L = unknown> = () => L | Promise<L>;

/** Calls `fn` on every tensor inside a state value. */
export function forEachTensor(value: StateValue, fn: (t: Tensor) => void): void {
  if (isTensor(value)) fn(value);
  else if (Array.isArray(value)) for (const v of value) forEachTensor(v, fn);
}

/** A copy of `value` with each tensor replaced by `map(tensor)`. */
export function mapState(value: StateValue, map: (t: Tensor) => Tensor): StateValue {
  if (isTensor(value)) return map(value);
  if (Array.isArray(value)) return value.map((v) => mapState(v, map));
  return value;
}

/** Disposes every tensor of a parameter's state. */
export function disposeState(state: ParamState): void {
  for (const v of Object.values(state)) forEachTensor(v, (t) => t.dispose());
}

function copyPlain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyPlain) as T;
  return v;
}

/**
 * The base of every optimizer. Subclasses provide `step` (and, for hyperparameter checks,
 * `validateGroup`); built-ins and plugins get theirs from `defineOptimizer`.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** The registry name (`"adam"`), used in errors and state dicts. */
  readonly name: string;
  /** The defaults every new group is filled from (the definition's, overridden by the constructor's options). */
  readonly defaults: Readonly<Defaults<H>>;
  /** The parameter groups, in order; schedulers change their `lr`. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, keyed by the parameter tensor (its identity, never its position). */
  readonly state: Map<Tensor, ParamState> = new Map();
  readonly #leaks = new LeakWatch();

  /**
   * `params`: a list of tensors (one group) or of groups `{ params, ...hyperparameters }`.
   * `defaults`: every hyperparameter's default, `required` where the user must give one.
   * `validate`: checks a group's hyperparameters (see `validateGroup`).
   * Throws ValueError for an empty list, a non-tensor, a parameter given twice or in two
   * groups, a missing required hyperparameter or an invalid one (see `validateGroup`);
   * DTypeError for a non-float parameter.
   */
  protected constructor(
    name: string,
    params: ParamsInput<H>,
    defaults: Defaults<H>,
    validate?: (group: ParamGroup<H>) => void,
  ) {
    this.name = name;
    this.#validate = validate as ((group: ParamGroup) => void) | undefined;
    this.defaults = Object.freeze({ ...defaults });
    for (const g of toGroupInputs<H>(name, params)) this.addParamGroup(g);
  }

  // Stored without H so an Optimizer<AdamHyperparameters> is also an Optimizer<Hyperparameters>.
  readonly #validate: ((group: ParamGroup) => void) | undefined;

  /**
   * Throws a typed error (ValueError) for a group's invalid hyperparameters. Default: the
   * `validate` function given to the constructor, if any. (It runs while the base constructor
   * adds the groups, before a subclass's own fields exist.)
   */
  protected validateGroup(group: ParamGroup<H>): void {
    this.#validate?.(group as ParamGroup);
  }

  /**
   * Re-checks every group's hyperparameters with `validateGroup` (a scheduler or the user may
   * have changed `group.lr` since construction): plain JavaScript numbers, nothing read back,
   * so a step costs a loop over the groups. Throws ValueError naming `op`, the group, the value
   * and who set it (e.g. "adam.step: param group 0 has lr -1 (set by hand or at construction);
   * a learning rate must be a finite number >= 0").
   */
  protected checkGroups(op: string): void {
    for (let i = 0; i < this.paramGroups.length; i++) {
      const group = this.paramGroups[i];
      const lr = group.lr;
      if ("lr" in group && !(typeof lr === "number" && lr >= 0 && lr < Infinity)) {
        throw new ValueError(
          `${op}: param group ${i} has lr ${show(lr)} (${describeLrSource(group, lr)}); a learning rate must be a finite number >= 0`,
        );
      }
      try {
        this.validateGroup(group);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        throw new ValueError(
          `${op}: param group ${i} has an invalid hyperparameter (changed after construction, by hand or by a scheduler): ${e.message}`,
        );
      }
    }
  }

  /**
   * Call at the end of every `step`: watches the live tensor count and warns once when it grew
   * at every step for a while (see `setLeakWarning`). `ownTensors`: how many live tensors the
   * optimizer itself holds where that number legitimately grows (LBFGS's history); default 0.
   */
  protected afterStep(ownTensors = 0): void {
    this.#leaks.afterStep(this.name, ownTensors);
  }

  /**
   * Checks a loaded parameter state against its parameter (shapes, keys) before it is used;
   * throws ShapeError / ValueError. Default: accepts all.
   */
  protected checkLoadedState(_param: Tensor, _group: ParamGroup<H>, _state: ParamState): void {}

  /**
   * Performs one optimization step. With a closure (which re-evaluates the loss and its
   * gradients), returns a Promise of the closure's result: reading a loss back is asynchronous
   * on a GPU.
   */
  abstract step(closure?: Closure<unknown>): Promise<unknown> | undefined;

  /** Every parameter, across the groups in order. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * Adds a parameter group (torch `add_param_group`), e.g. to train layers unfrozen later.
   * Hyperparameters it omits come from `defaults`. Throws ValueError for a parameter already
   * in another group (or twice in this one), a missing required or an invalid hyperparameter.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    const params = groupParams(this.name, group.params);
    for (const [gi, g] of this.paramGroups.entries()) {
      const shared = params.findIndex((p) => g.params.includes(p));
      if (shared >= 0) {
        throw new ValueError(
          `${this.name}: a parameter (shape [${params[shared]?.shape.join(", ")}]) appears in more than one parameter group (already in group ${gi})`,
        );
      }
    }
    const full = this.#withDefaults({ ...group, params });
    this.validateGroup(full);
    this.paramGroups.push(full);
  }

  #withDefaults(group: Record<string, unknown>): ParamGroup<H> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(group)) out[k] = k === "params" ? v : copyPlain(v);
    for (const [k, v] of Object.entries(this.defaults)) {
      if (out[k] !== undefined) continue;
      if (v === required) {
        throw new ValueError(
          `${this.name}: the parameter group does not give ${k}, which has no default; pass { ${k}: ... }`,
        );
      }
      out[k] = copyPlain(v);
    }
    return out as ParamGroup<H>;
  }

  /**
   * Resets the gradients of every parameter. `setToNone` (default true, as PyTorch 2) sets
   * `.grad` to null and disposes the old gradient; false fills it with zeros in place.
   */
  zeroGrad(setToNone = true): void {
    noGrad(() => {
      for (const p of this.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else zero_(p.grad);
      }
    });
  }

  /**
   * The optimizer's state as PyTorch's `state_dict()`: hyperparameters of each group, with its
   * parameters as positions, and each parameter's state by position. Its tensors are copies the
   * caller owns (dispose them, or let a `tidy` scope do it).
   */
  stateDict(): OptimizerStateDict {
    const positions = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const saved: SavedParamGroup = { params: [] };
      for (const [k, v] of Object.entries(g)) if (k !== "params") saved[k] = copyPlain(v);
      saved.params = g.params.map((p) => {
        if (!positions.has(p)) positions.set(p, positions.size);
        return positions.get(p) as number;
      });
      return saved;
    });
    const state: OptimizerStateDict["state"] = {};
    noGrad(() => {
      for (const [p, s] of this.state) {
        const i = positions.get(p);
        if (i === undefined) continue;
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(s)) copy[k] = mapState(v, clone);
        state[i] = copy;
      }
    });
    return { optimizer: this.name, state, paramGroups };
  }

  /**
   * Loads a state dict written by `stateDict()` of the same kind of optimizer (PyTorch's
   * `load_state_dict`): each group takes the saved hyperparameters and keeps its parameters;
   * each parameter takes the saved state at its position, copied and cast to its dtype. The
   * dict stays the caller's. Everything is checked before anything changes. Throws ValueError for
   * a dict that is not `{ optimizer, state, paramGroups }`, from another optimizer, with a
   * different number of groups or of parameters in a group, positions that are not each of
   * 0..n-1 once, a state entry that is not an object, a `step` that is not an integer >= 0
   * (`"abc"`, -5, 1.5) or invalid hyperparameters (naming the group); DTypeError for an int or
   * bool state tensor; ShapeError / ValueError (from `checkLoadedState`) for state that does not
   * fit a parameter; BackendError for state tensors on another backend; DisposedTensorError for
   * disposed ones.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `${this.name}: loadStateDict`;
    if (!isRecord(dict) || !Array.isArray(dict.paramGroups)) {
      throw new ValueError(`${op}: expected { optimizer, state, paramGroups }, got ${show(dict)}`);
    }
    if (dict.optimizer !== this.name) {
      throw new ValueError(
        `${op}: the state dict was written by optimizer "${String(dict.optimizer)}", not "${this.name}"; load it into a ${String(dict.optimizer)} optimizer`,
      );
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        `${op}: the state dict has ${dict.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const savedState = dict.state ?? {};
    if (!isRecord(savedState)) {
      throw new ValueError(
        `${op}: state must be an object of parameter states by position, got ${show(savedState)}`,
      );
    }
    const positions = checkPositions(
      op,
      dict.paramGroups,
      this.paramGroups.map((g) => g.params.length),
    );
    const groups = dict.paramGroups.map((saved, i) => {
      const current = this.paramGroups[i];
      const { params: _, ...hyper } = saved;
      const group = this.#withDefaults({ ...hyper, params: current.params });
      try {
        this.validateGroup(group);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        throw new ValueError(`${op}: paramGroups[${i}]: ${e.message}`);
      }
      return group;
    });
    const owner = positions.map(({ group, index }) => ({
      param: this.paramGroups[group].params[index],
      group,
    }));
    for (const [key, saved] of Object.entries(savedState)) {
      if (!/^\d+$/.test(key) || !owner[Number(key)]) {
        throw new ValueError(
          `${op}: state for position ${JSON.stringify(key)}, but the groups hold positions 0..${owner.length - 1}`,
        );
      }
      if (!isRecord(saved) || isTensor(saved)) {
        throw new ValueError(
          `${op}: state[${key}] must be an object of state values, got ${show(saved)}`,
        );
      }
      if ("step" in saved) checkCount(op, `state[${key}].step`, saved.step);
    }
    const loaded = new Map<Tensor, ParamState>();
    const made: Tensor[] = []; // every copy, so a failure halfway frees them all
    try {
      noGrad(() => {
        for (const [key, saved] of Object.entries(savedState as OptimizerStateDict["state"])) {
          const entry = owner[Number(key)];
          const { param } = entry;
          const state: ParamState = {};
          loaded.set(param, state);
          for (const [k, v] of Object.entries(saved)) {
            state[k] = mapState(v, (t) => {
              t.assertLive(op);
              if (!isFloating(t.dtype)) {
                throw new DTypeError(
                  `${op}: state[${key}].${k} is a ${t.dtype} tensor; optimizer state tensors are float (its parameter is ${param.dtype})`,
                );
              }
              if (t.backend !== param.backend) {
                throw new BackendError(
                  `${op}: state "${k}" of position ${key} lives on ${t.backend.label}, its parameter on ${param.backend.label}; move it first (await t.to(backend))`,
                );
              }
              const copy = keep(t.dtype === param.dtype ? clone(t) : cast(t, param.dtype));
              made.push(copy);
              return copy;
            });
          }
          this.checkLoadedState(param, groups[entry.group], state);
        }
      });
    } catch (e) {
      for (const t of made) t.dispose();
      throw e;
    }
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
    for (const [p, s] of loaded) this.state.set(p, s);
    groups.forEach((g, i) => {
      this.paramGroups[i] = g;
    });
  }

  /** Frees every state tensor (the optimizer starts afresh on its next step). */
  disposeState(): void {
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
  }
}
