/**
 * Parameter groups: the tensors an optimizer updates, each group with its own hyperparameters
 * (defaults filled in), as PyTorch's `param_groups`.
 */
import { DTypeError, isFloating, isTensor, type Tensor, ValueError } from "@nn/tensor";
import { dtypeOriginHint } from "@nn/tensor/internal";
import type { Hyperparameters } from "./hyperparameters.js";

/**
 * A parameter group: its parameters and its hyperparameters (every default filled in).
 * Schedulers add entries of their own (`initialLr`, `maxLr`, ...), as PyTorch's do.
 */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = {
  params: Tensor[];
  [extra: string]: unknown;
} & { -readonly [K in keyof H]: H[K] };

/** What a user passes for one group: its parameters and any hyperparameters to override. */
export type ParamGroupInput<H extends Hyperparameters = Hyperparameters> = {
  params: Iterable<Tensor>;
  [extra: string]: unknown;
} & Partial<H>;

/** An optimizer's parameters: a list of tensors (one group), or a list of groups. */
export type ParamsInput<H extends Hyperparameters = Hyperparameters> =
  | Iterable<Tensor>
  | readonly ParamGroupInput<H>[];

/** Splits `params` into group inputs; ValueError for anything that is neither. */
export function toGroupInputs<H extends Hyperparameters>(
  optimizer: string,
  params: ParamsInput<H>,
): ParamGroupInput<H>[] {
  if (isTensor(params)) {
    throw new ValueError(
      `${optimizer}: params must be a list of tensors or of parameter groups, got a single tensor; wrap it: [t]`,
    );
  }
  if (params === null || typeof params !== "object" || !(Symbol.iterator in params)) {
    const got =
      typeof params === "function"
        ? "a function (call it: model.parameters())"
        : params === null || typeof params !== "object"
          ? String(params)
          : "an object that is not iterable (a model? pass model.parameters())";
    throw new ValueError(
      `${optimizer}: params must be a list of tensors or of parameter groups ({ params, ...hyperparameters }), got ${got}`,
    );
  }
  const items = [...(params as Iterable<unknown>)];
  if (items.length === 0) throw new ValueError(`${optimizer}: got an empty parameter list`);
  if (items.every(isTensor)) return [{ params: items } as unknown as ParamGroupInput<H>];
  if (items.some(isTensor)) {
    const i = items.findIndex((x) => !isTensor(x));
    const v = items[i];
    throw new ValueError(
      `${optimizer}: params[${i}] is ${v === null ? "null" : typeof v === "object" ? "an object" : `a ${typeof v}`}, not a tensor; give a list of tensors, or a list of groups { params, ... } (don't mix the two)`,
    );
  }
  items.forEach((g, i) => {
    if (isTensor(g) || g === null || typeof g !== "object" || !("params" in g)) {
      throw new ValueError(
        `${optimizer}: params[${i}] is neither a tensor nor a group { params, ... }; don't mix the two forms`,
      );
    }
  });
  return items as ParamGroupInput<H>[];
}

/** The group's tensors as a list; ValueError for non-tensors or duplicates, DTypeError for non-float tensors. */
export function groupParams(optimizer: string, params: unknown): Tensor[] {
  if (isTensor(params)) return groupParams(optimizer, [params]);
  if (params === null || typeof params !== "object" || !(Symbol.iterator in params)) {
    throw new ValueError(`${optimizer}: a parameter group's params must be a list of tensors`);
  }
  const list = [...(params as Iterable<unknown>)];
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    if (!isTensor(p)) {
      throw new ValueError(
        `${optimizer}: can only optimize tensors, but params[${i}] is ${p === null ? "null" : typeof p}`,
      );
    }
    p.assertLive(optimizer);
    if (!isFloating(p.dtype)) {
      throw new DTypeError(
        `${optimizer}: can only optimize float tensors, but params[${i}] is ${p.dtype}${dtypeOriginHint(p.dtype)}`,
      );
    }
    if (seen.has(p)) {
      throw new ValueError(
        `${optimizer}: params[${i}] (shape [${p.shape.join(", ")}]) is given twice in one parameter group`,
      );
    }
    seen.add(p);
  });
  return list as Tensor[];
}
