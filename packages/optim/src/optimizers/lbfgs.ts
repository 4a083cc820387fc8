/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989), as PyTorch 1.13's `torch.optim.LBFGS` (after
 * minFunc): each `step(closure)` runs up to `maxIter` iterations of the two-loop recursion over
 * the last `historySize` curvature pairs, with a fixed step `lr` (the first iteration ever
 * scaled by min(1, 1 / |g|_1)) or a strong-Wolfe line search. It is not elementwise: it works
 * on the parameters flattened into one vector and reads scalars (dot products, the loss) back
 * asynchronously, so `step` always takes a closure and returns a Promise.
 */
import {
  abs,
  add_,
  clone,
  concat,
  copy_,
  isTensor,
  keep,
  mul,
  neg,
  noGrad,
  reshape,
  ShapeError,
  slice,
  sub,
  sum,
  type Tensor,
  tidy,
  ValueError,
  zeros,
} from "@nn/tensor";
import type { OptimizerFactory } from "../define.js";
import {
  checkFiniteNonNegative,
  checkNonNegative,
  type Defaults,
  mergeOptions,
} from "../hyperparameters.js";
import { type Closure, Optimizer, type ParamState } from "../optimizer.js";
import type { ParamGroup, ParamGroupInput, ParamsInput } from "../param-groups.js";
import { checkCount, show } from "../state-checks.js";
import { dot, maxAbs, strongWolfe } from "./strong-wolfe.js";

/** LBFGS's hyperparameters (PyTorch's names in camelCase). */
export type LBFGSHyperparameters = {
  lr: number;
  maxIter: number;
  /** Function evaluations per step; null: maxIter * 5 / 4, rounded down. */
  maxEval: number | null;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: "strong_wolfe" | null;
};

/** LBFGS's state, all on the first parameter (as PyTorch). */
export type LBFGSState = {
  funcEvals: number;
  nIter: number;
  d?: Tensor;
  t?: number;
  oldDirs?: Tensor[];
  oldStps?: Tensor[];
  ro?: number[];
  hDiag?: number;
  prevFlatGrad?: Tensor;
  prevLoss?: number;
};

const defaults: Defaults<LBFGSHyperparameters> = {
  lr: 1,
  maxIter: 20,
  maxEval: null,
  toleranceGrad: 1e-7,
  toleranceChange: 1e-9,
  historySize: 100,
  lineSearchFn: null,
};

function checkPositiveInteger(name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ValueError(`lbfgs: ${name} must be an integer >= 1, got ${String(v)}`);
  }
}

async function lossValue(loss: unknown): Promise<number> {
  if (typeof loss === "number") return loss;
  if (loss && typeof (loss as Tensor).item === "function")
    return Number(await (loss as Tensor).item());
  throw new ValueError(
    "lbfgs: the closure must return the loss (a one-element tensor or a number)",
  );
}

function disposeLoss(loss: unknown): void {
  if (loss && typeof (loss as Tensor).dispose === "function") (loss as Tensor).dispose();
}

/** Options of `new LBFGS(params, options)`. */
export type LBFGSOptions = Partial<LBFGSHyperparameters>;

/**
 * L-BFGS, as `torch.optim.LBFGS`: one parameter group only. `step(closure)` calls the closure
 * (which zeroes the gradients, computes the loss, runs backward and returns the loss) as often
 * as the iterations and line search need, and resolves to the first loss. The losses of the
 * other evaluations are disposed.
 */
export class LBFGS extends Optimizer<LBFGSHyperparameters> {
  /**
   * Throws ValueError for more than one parameter group, a bad hyperparameter (lr < 0,
   * maxIter/historySize not integers >= 1, an unknown lineSearchFn), or as `Optimizer`.
   */
  constructor(params: ParamsInput<LBFGSHyperparameters>, options: LBFGSOptions = {}) {
    const merged = mergeOptions("lbfgs", defaults, options);
    if (merged.maxEval === null) merged.maxEval = Math.floor(((merged.maxIter as number) * 5) / 4);
    super("lbfgs", params, merged as Defaults<LBFGSHyperparameters>);
  }

  /** LBFGS has one parameter group: a second one is a ValueError (as PyTorch). */
  override addParamGroup(group: ParamGroupInput<LBFGSHyperparameters>): void {
    if (this.paramGroups.length > 0) {
      throw new ValueError(
        "lbfgs: LBFGS does not support parameter groups (per-parameter options); give one list of parameters",
      );
    }
    super.addParamGroup(group);
  }

  protected override validateGroup(group: ParamGroup<LBFGSHyperparameters>): void {
    checkFiniteNonNegative("lbfgs", "lr", group.lr);
    checkPositiveInteger("maxIter", group.maxIter);
    checkPositiveInteger("maxEval", group.maxEval);
    checkPositiveInteger("historySize", group.historySize);
    checkNonNegative("lbfgs", "toleranceGrad", group.toleranceGrad);
    checkNonNegative("lbfgs", "toleranceChange", group.toleranceChange);
    if (group.lineSearchFn !== null && group.lineSearchFn !== "strong_wolfe") {
      throw new ValueError(
        `lbfgs: lineSearchFn must be null or "strong_wolfe", got ${JSON.stringify(group.lineSearchFn)}`,
      );
    }
  }

  protected override checkLoadedState(
    param: Tensor,
    group: ParamGroup<LBFGSHyperparameters>,
    state: ParamState,
  ): void {
    if (param !== group.params[0]) {
      throw new ValueError(
        "lbfgs: loadStateDict: LBFGS keeps its state on the first parameter only",
      );
    }
    for (const key of ["funcEvals", "nIter"]) {
      if (key in state) checkCount("lbfgs: loadStateDict", `state "${key}"`, state[key]);
    }
    const n = this.#numel();
    const check = (name: string, t: unknown) => {
      if (!isTensor(t)) {
        throw new ValueError(
          `lbfgs: loadStateDict: state "${name}" must be a tensor, got ${show(t)}`,
        );
      }
      const x = t;
      if (x.ndim !== 1 || x.shape[0] !== n) {
        throw new ShapeError(
          `lbfgs: loadStateDict: state "${name}" has shape [${x.shape.join(", ")}] but the parameters flatten to [${n}]`,
        );
      }
    };
    for (const key of ["d", "prevFlatGrad"]) if (state[key] !== undefined) check(key, state[key]);
    for (const key of ["oldDirs", "oldStps"]) {
      const list = state[key];
      if (list === undefined) continue;
      if (!Array.isArray(list))
        throw new ValueError(`lbfgs: loadStateDict: state "${key}" must be a list`);
      list.forEach((t, i) => {
        check(`${key}[${i}]`, t);
      });
    }
  }

  #numel(): number {
    return this.params.reduce((n, p) => n + p.size, 0);
  }

  /** The gradients of every parameter as one flat vector (zeros where `.grad` is null). */
  #gatherFlatGrad(): Tensor {
    return noGrad(() => {
      const parts = this.params.map((p) =>
        p.grad ? reshape(p.grad, [-1]) : zeros([p.size], { dtype: p.dtype, backend: p.backend }),
      );
      const flat = concat(parts, 0);
      for (const t of parts) t.dispose();
      return flat;
    });
  }

  /** p += stepSize * update (the slice of the flat vector that is p's). */
  #addGrad(stepSize: number, update: Tensor): void {
    noGrad(() => {
      let offset = 0;
      for (const p of this.params) {
        const part = slice(update, 0, offset, offset + p.size);
        const view = reshape(part, p.shape);
        add_(p, view, stepSize);
        view.dispose();
        part.dispose();
        offset += p.size;
      }
    });
  }

  #cloneParams(): Tensor[] {
    return noGrad(() => this.params.map((p) => clone(p)));
  }

  #setParams(values: readonly Tensor[]): void {
    noGrad(() => {
      this.params.forEach((p, i) => {
        copy_(p, values[i]);
      });
    });
  }

  #state(): LBFGSState {
    const first = this.params[0];
    let state = this.state.get(first) as LBFGSState | undefined;
    if (!state) {
      state = { funcEvals: 0, nIter: 0 };
      this.state.set(first, state as ParamState);
    }
    return state;
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations; resolves to the closure's first loss. Throws
   * ValueError without a closure or when the closure returns no loss.
   */
  override async step<L>(closure: Closure<L>): Promise<L> {
    if (typeof closure !== "function") {
      throw new ValueError(
        "lbfgs: step needs a closure that zeroes the gradients, computes the loss, runs backward and returns the loss",
      );
    }
    this.checkGroups("lbfgs.step");
    const group = this.paramGroups[0];
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const maxEval = group.maxEval as number;
    const state = this.#state();

    const origLoss = await closure();
    let loss = await lossValue(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.#gatherFlatGrad();
    let optCond = (await maxAbs(flatGrad)) <= toleranceGrad;
    if (optCond) {
      flatGrad.dispose();
      this.afterStep();
      return origLoss;
    }

    let d = state.d;
    let t = state.t ?? lr;
    const oldDirs = state.oldDirs ?? [];
    const oldStps = state.oldStps ?? [];
    const ro = state.ro ?? [];
    let hDiag = state.hDiag ?? 1;
    let prevFlatGrad = state.prevFlatGrad;
    let prevLoss = state.prevLoss ?? loss;

    let nIter = 0;
    try {
      while (nIter < maxIter) {
        nIter++;
        state.nIter++;

        // Descent direction.
        if (state.nIter === 1) {
          d?.dispose();
          d = keep(noGrad(() => neg(flatGrad)));
          for (const x of [...oldDirs, ...oldStps]) x.dispose();
          oldDirs.length = 0;
          oldStps.length = 0;
          ro.length = 0;
          hDiag = 1;
        } else {
          const dir = d as Tensor;
          const y = keep(noGrad(() => sub(flatGrad, prevFlatGrad as Tensor)));
          const s = keep(noGrad(() => mul(dir, t)));
          const ys = await dot(y, s);
          if (ys > 1e-10) {
            if (oldDirs.length === historySize) {
              oldDirs.shift()?.dispose();
              oldStps.shift()?.dispose();
              ro.shift();
            }
            oldDirs.push(y);
            oldStps.push(s);
            ro.push(1 / ys);
            hDiag = ys / (await dot(y, y));
          } else {
            y.dispose();
            s.dispose();
          }
          d = await this.#twoLoop(flatGrad, oldDirs, oldStps, ro, hDiag);
          dir.dispose();
        }
        const direction = d;

        if (prevFlatGrad === undefined) prevFlatGrad = keep(noGrad(() => clone(flatGrad)));
        else {
          const target = prevFlatGrad;
          noGrad(() => copy_(target, flatGrad));
        }
        prevLoss = loss;

        // Step length.
        if (state.nIter === 1) {
          const l1 = noGrad(() => tidy(() => sum(abs(flatGrad))));
          t = Math.min(1, 1 / Number(await l1.item())) * lr;
          l1.dispose();
        } else t = lr;

        const gtd = await dot(flatGrad, direction);
        if (gtd > -toleranceChange) break;

        let lsFuncEvals = 0;
        if (lineSearchFn === "strong_wolfe") {
          const xInit = this.#cloneParams();
          const objective = async (step: number) => {
            this.#addGrad(step, direction);
            const out = await closure();
            const f = await lossValue(out);
            disposeLoss(out);
            const g = this.#gatherFlatGrad();
            this.#setParams(xInit);
            return { f, g };
          };
          try {
            const found = await strongWolfe(objective, direction, t, loss, flatGrad, gtd);
            flatGrad.dispose();
            ({ f: loss, g: flatGrad, t, evals: lsFuncEvals } = found);
          } finally {
            for (const x of xInit) x.dispose();
          }
          this.#addGrad(t, direction);
          optCond = (await maxAbs(flatGrad)) <= toleranceGrad;
        } else {
          this.#addGrad(t, direction);
          if (nIter !== maxIter) {
            const out = await closure();
            loss = await lossValue(out);
            disposeLoss(out);
            flatGrad.dispose();
            flatGrad = this.#gatherFlatGrad();
            optCond = (await maxAbs(flatGrad)) <= toleranceGrad;
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        state.funcEvals += lsFuncEvals;

        // Stopping conditions.
        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        const moved = noGrad(() => mul(direction, t));
        const change = await maxAbs(moved);
        moved.dispose();
        if (change <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
    } finally {
      flatGrad.dispose();
      Object.assign(state, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
    }
    // The curvature history grows by a pair per step up to historySize: not a leak.
    this.afterStep(oldDirs.length + oldStps.length);
    return origLoss;
  }

  /** The two-loop recursion: -H g from the history (Nocedal & Wright, algorithm 7.4). */
  async #twoLoop(
    flatGrad: Tensor,
    oldDirs: readonly Tensor[],
    oldStps: readonly Tensor[],
    ro: readonly number[],
    hDiag: number,
  ): Promise<Tensor> {
    const q = noGrad(() => neg(flatGrad));
    const al: number[] = new Array(oldDirs.length);
    for (let i = oldDirs.length - 1; i >= 0; i--) {
      al[i] = (await dot(oldStps[i], q)) * ro[i];
      noGrad(() => add_(q, oldDirs[i], -al[i]));
    }
    const r = keep(noGrad(() => mul(q, hDiag)));
    q.dispose();
    for (let i = 0; i < oldDirs.length; i++) {
      const be = (await dot(oldDirs[i], r)) * ro[i];
      noGrad(() => add_(r, oldStps[i], al[i] - be));
    }
    return r;
  }
}

/** The registry entry of LBFGS (`createOptimizer("lbfgs", params, options)`). */
export const lbfgs: OptimizerFactory<LBFGSHyperparameters> = {
  name: "lbfgs",
  defaults,
  create: (params, options) => new LBFGS(params, options),
};
