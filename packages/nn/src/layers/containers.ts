/** Containers: Sequential (a chain) and ModuleList (an indexable list), keyed "0", "1", ... as PyTorch. */
import { IndexError, type Tensor, ValueError } from "@nn/tensor";
import { isModule, Module } from "../module.js";

function checkModules(op: string, modules: readonly unknown[]): void {
  modules.forEach((m, i) => {
    if (!isModule(m)) throw new ValueError(`${op}: item ${i} is not a Module`);
  });
}

/**
 * A list of modules registered under "0", "1", ... (torch.nn.ModuleList): their parameters are
 * the list's, with keys like `0.weight`. It has no `forward` of its own (calling it throws).
 */
export class ModuleList extends Module {
  #length = 0;

  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Number of modules. */
  get length(): number {
    return this.#length;
  }

  /** Adds a module at the end (key `String(length)`). Returns this. */
  append(module: Module): this {
    checkModules("ModuleList.append", [module]);
    this.registerModule(String(this.#length++), module);
    return this;
  }

  /** The module at `index` (negative counts from the end). IndexError when out of range. */
  at(index: number): Module {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new IndexError(
        `ModuleList.at: index ${index} is out of range for ${this.#length} modules (valid: ${-this.#length} to ${this.#length - 1})`,
      );
    }
    return (this as unknown as Record<string, Module>)[String(i)] as Module;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.#length; i++) yield this.at(i);
  }

  /** ModuleList has no forward (as PyTorch): iterate it in your own module's forward. */
  forward(): Tensor {
    throw new ValueError("ModuleList: has no forward; iterate over it in your module's forward");
  }
}

/**
 * A chain of modules (torch.nn.Sequential): `forward(x)` feeds `x` through each in order. Built
 * from modules (keys "0", "1", ...) or from one object of named modules
 * (`new Sequential({ fc: new Linear(4, 2), act: new Tanh() })`, keys `fc.weight`, ...).
 */
export class Sequential extends Module {
  readonly #order: Module[] = [];

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !isModule(first)) {
      for (const [name, m] of Object.entries(first as Record<string, Module>)) {
        checkModules("Sequential", [m]);
        this.#order.push(this.registerModule(name, m));
      }
    } else {
      checkModules("Sequential", modules);
      (modules as Module[]).forEach((m, i) => {
        this.#order.push(this.registerModule(String(i), m));
      });
    }
  }

  /** Number of modules. */
  get length(): number {
    return this.#order.length;
  }

  /** The module at `index` (negative counts from the end). IndexError when out of range. */
  at(index: number): Module {
    const n = this.#order.length;
    const i = index < 0 ? index + n : index;
    const m = this.#order[i];
    if (!Number.isInteger(i) || m === undefined) {
      throw new IndexError(
        `Sequential.at: index ${index} is out of range for ${n} modules (valid: ${-n} to ${n - 1})`,
      );
    }
    return m;
  }

  *[Symbol.iterator](): Iterator<Module> {
    yield* this.#order;
  }

  /** Feeds `x` through every module in order; intermediate results are disposed. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const m of this.#order) {
      const next = m.forward(h);
      if (h !== x && next !== h) h.dispose();
      h = next;
    }
    return h;
  }
}
