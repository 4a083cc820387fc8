/**
 * Module: the base class of layers and models (torch.nn.Module). Parameters and child modules
 * are found by property: a property holding a Parameter is a parameter, one holding a Module is a
 * child, under the property's name. Buffers (running statistics) are registered explicitly with
 * `registerBuffer`, since a plain tensor property is not part of the state. Key names are
 * PyTorch's: `fc1.weight`, `0.bias`, `bn.running_mean`.
 */
import {
  type Backend,
  BackendError,
  copy_,
  DTypeError,
  isFloating,
  isTensor,
  keep,
  noGrad,
  ShapeError,
  type Tensor,
  ValueError,
} from "@nn/tensor";
import { fmt } from "@nn/tensor/internal";
import { StateDictError } from "./errors.js";
import { isParameter, type Parameter, toParameter } from "./parameter.js";

const MODULE = Symbol.for("@nn/nn/Module");

/** True for a Module of any copy of this package. */
export function isModule(x: unknown): x is Module {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[MODULE] === true;
}

// A value's kind for an error message: "null", "an array", "a string (\"abc\")", ...
function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (isTensor(v)) return `a ${v.dtype} tensor`;
  if (typeof v === "string") return `a string (${JSON.stringify(v)})`;
  if (typeof v === "object") return "an object";
  return `a ${typeof v} (${String(v)})`;
}

/** A state dict: tensors by dotted key, in the module's registration order. */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * Require the dict's keys to match the module's exactly (default true): StateDictError listing
   * the missing and unexpected keys otherwise. With false, matching keys are loaded and the rest
   * reported in the result.
   */
  strict?: boolean;
}

/** What `loadStateDict` did not load (as PyTorch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function checkName(what: string, name: string): void {
  if (typeof name !== "string" || name === "" || name.includes(".")) {
    throw new ValueError(
      `${what}: name ${JSON.stringify(name)} is invalid; a name is a non-empty string without "."`,
    );
  }
}

/**
 * The base class of every layer and model. Subclasses assign their Parameters and child Modules
 * to properties in the constructor (their order is the order the properties were first defined:
 * for class fields, declaration order) and implement `forward`.
 *
 * ```ts
 * class MLP extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *   forward(x: Tensor) { return this.fc2.forward(relu(this.fc1.forward(x))); }
 * }
 * ```
 */
export abstract class Module {
  readonly [MODULE] = true;
  /** True in training mode (the default), false after `eval()`; Dropout and BatchNorm read it. */
  training = true;
  /** Buffer names -> persistent (part of the state dict). */
  readonly #buffers = new Map<string, boolean>();

  /** The computation. Subclasses narrow the signature (e.g. `forward(x: Tensor): Tensor`). */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Sets `this[name] = param` (null keeps the slot empty, as a bias-free layer does). Returns it. */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    checkName("registerParameter", name);
    if (param !== null && !isParameter(param)) {
      throw new ValueError(
        `registerParameter: "${name}" must be a Parameter (wrap the tensor: new Parameter(t)) or null`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
    return param;
  }

  /** Sets `this[name] = module` as a child module. Returns it. */
  registerModule<M extends Module | null>(name: string, module: M): M {
    checkName("registerModule", name);
    if (module !== null && !isModule(module)) {
      throw new ValueError(`registerModule: "${name}" must be a Module or null`);
    }
    (this as unknown as Record<string, unknown>)[name] = module;
    return module;
  }

  /**
   * Registers `this[name] = tensor` as a buffer: state that is not trained (BatchNorm's running
   * mean). Persistent buffers (the default) are in the state dict. The tensor is kept out of
   * `tidy` scopes like a parameter. Returns it.
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    checkName("registerBuffer", name);
    if (tensor !== null && !isTensor(tensor))
      throw new ValueError(`registerBuffer: "${name}" must be a Tensor or null`);
    this.#buffers.set(name, persistent);
    if (tensor !== null) keep(tensor);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    return tensor;
  }

  /** Own properties in definition order, as [name, value]. */
  #entries(): [string, unknown][] {
    return Object.entries(this);
  }

  /** This module's own parameters (not its children's), with their names. */
  #ownParameters(): [string, Parameter][] {
    return this.#entries().filter((e): e is [string, Parameter] => isParameter(e[1]));
  }

  /** This module's own buffers, with their names and whether they persist. */
  #ownBuffers(): [string, Tensor, boolean][] {
    const out: [string, Tensor, boolean][] = [];
    for (const [name, persistent] of this.#buffers) {
      const t = (this as unknown as Record<string, unknown>)[name];
      if (isTensor(t)) out.push([name, t, persistent]);
    }
    return out;
  }

  /** Direct children with their property names. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, v] of this.#entries()) {
      if (isModule(v) && !seen.has(v)) {
        seen.add(v);
        yield [name, v];
      }
    }
  }

  /** Direct children. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant (preorder, each once), with dotted names ("" for this one). */
  *namedModules(prefix = "", seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) {
      yield* child.namedModules(prefix ? `${prefix}.${name}` : name, seen);
    }
  }

  /** This module and every descendant. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /**
   * Every parameter with its dotted name (`fc1.weight`), module by module in preorder, each
   * parameter once even if shared (torch `named_parameters`). `recurse: false` lists only this
   * module's own.
   */
  *namedParameters(prefix = "", recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: Iterable<[string, Module]> = recurse
      ? this.namedModules(prefix)
      : [[prefix, this] as [string, Module]];
    for (const [modName, m] of mods) {
      for (const [name, p] of m.#ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [modName ? `${modName}.${name}` : name, p];
      }
    }
  }

  /** Every parameter (see `namedParameters`); what an optimizer takes. */
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters("", recurse)].map(([, p]) => p);
  }

  /** Every buffer with its dotted name (`bn.running_mean`). */
  *namedBuffers(prefix = "", recurse = true): Generator<[string, Tensor]> {
    const mods: Iterable<[string, Module]> = recurse
      ? this.namedModules(prefix)
      : [[prefix, this] as [string, Module]];
    for (const [modName, m] of mods) {
      for (const [name, t] of m.#ownBuffers()) yield [modName ? `${modName}.${name}` : name, t];
    }
  }

  /** Every buffer. */
  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers("", recurse)].map(([, t]) => t);
  }

  /** Sets training mode on this module and every descendant (default true). Returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then on this module (children first, as torch). Returns this. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Sets every parameter's `.grad` to null, disposing the old gradients (PyTorch 2's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * The state: every parameter and persistent buffer by dotted key, in PyTorch's order (own
   * parameters, own buffers, then each child's). The values ARE the module's tensors (no copy):
   * read them, save them, but do not dispose them.
   */
  stateDict(prefix = ""): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, pre: string): void => {
      for (const [name, p] of m.#ownParameters()) out[pre + name] = p;
      for (const [name, t, persistent] of m.#ownBuffers()) if (persistent) out[pre + name] = t;
      // Every property, shared modules included (as PyTorch's state_dict; namedChildren dedups).
      for (const [name, child] of m.#entries()) if (isModule(child)) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix);
    return out;
  }

  /**
   * Copies `dict`'s tensors into this module's parameters and buffers in place (their identity is
   * kept, so an optimizer built on `parameters()` keeps working). Values are cast to the
   * target's dtype and must live on the module's backend (BackendError otherwise; move them with
   * `await t.to(backend)`). Throws ShapeError naming the key and both shapes for a wrongly shaped
   * value, ValueError for a dict that is not an object of tensors or a value that is not a
   * tensor, DTypeError for an int/bool value into a float tensor (or the reverse),
   * DisposedTensorError for a disposed value, and (with `strict`, the default) StateDictError
   * listing missing and unexpected keys; everything is checked before anything is copied.
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (dict === null || typeof dict !== "object" || Array.isArray(dict) || isTensor(dict)) {
      throw new ValueError(
        `loadStateDict: expected a state dict (an object of tensors by key, e.g. from stateDict()), got ${describe(dict)}`,
      );
    }
    if (typeof strict !== "boolean") {
      throw new ValueError(`loadStateDict: strict must be true or false, got ${describe(strict)}`);
    }
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !(k in own));
    for (const [key, target] of Object.entries(own)) {
      const src = dict[key];
      if (src === undefined) continue;
      if (!isTensor(src)) {
        throw new ValueError(
          `loadStateDict: the value of "${key}" is ${describe(src)}, not a Tensor (the module's is ${target.dtype} ${fmt(target.shape)})`,
        );
      }
      src.assertLive(`loadStateDict ("${key}")`);
      if (src.backend !== target.backend) {
        throw new BackendError(
          `loadStateDict: "${key}" lives on ${src.backend.label}, the module on ${target.backend.label}; move it first (await t.to(backend))`,
        );
      }
      if (src.ndim !== target.ndim || src.shape.some((d, i) => d !== target.shape[i])) {
        throw new ShapeError(
          `loadStateDict: size mismatch for "${key}": the dict has shape ${fmt(src.shape)}, the module has ${fmt(target.shape)}`,
        );
      }
      if (isFloating(target.dtype) !== isFloating(src.dtype)) {
        throw new DTypeError(
          `loadStateDict: "${key}" is ${src.dtype} in the dict but ${target.dtype} in the module`,
        );
      }
    }
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(", ")}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
      throw new StateDictError(
        `loadStateDict: the state dict does not match the module (${parts.join("; ")}); pass { strict: false } to load the keys that match`,
        missingKeys,
        unexpectedKeys,
      );
    }
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const src = dict[key];
        if (src !== undefined && src !== target) copy_(target, src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Moves every parameter and buffer to `backend` (PyTorch's `.to(device)`): each is replaced by
   * a copy there and the old one disposed; gradients are dropped. Async, since a GPU reads back
   * asynchronously. Build optimizers after moving (they hold the parameter objects). Returns this.
   */
  async to(backend: Backend): Promise<this> {
    const moved = new Map<Tensor, Tensor>();
    for (const m of this.modules()) {
      for (const [, p] of m.#ownParameters()) {
        if (p.backend !== backend && !moved.has(p))
          moved.set(p, toParameter(await p.to(backend), p.requiresGrad));
      }
      for (const [, t] of m.#ownBuffers()) {
        if (t.backend !== backend && !moved.has(t)) moved.set(t, keep(await t.to(backend)));
      }
    }
    for (const m of this.modules()) {
      const self = m as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(self)) {
        const to = moved.get(v as Tensor);
        if (to) self[k] = to;
      }
    }
    for (const old of moved.keys()) {
      old.grad?.dispose();
      old.grad = null;
      old.dispose();
    }
    return this;
  }

  /** Frees every parameter (and its gradient) and buffer of this module and its descendants. */
  dispose(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
      p.dispose();
    }
    for (const t of this.buffers()) t.dispose();
  }
}
