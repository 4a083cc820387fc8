/**
 * Reads the PyTorch fixtures written by tools/gen_fixtures.py (format documented there; the
 * tensor and number encoding in tools/fixturelib.py) and turns their tensors and numbers into nn
 * values.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type Backend,
  type DType,
  expand,
  slice,
  type Tensor,
  tensor,
  transpose,
} from "@nn/tensor";

/** A tensor as the fixtures write it; non-finite floats are the strings "nan", "inf", "-inf". */
export interface FixtureTensor {
  dtype: DType;
  shape: number[];
  data: (number | boolean | string)[];
  view: null | "transpose" | "slice" | { expandFrom: number[] };
}

/** One PyTorch-computed case: `op(...args)` gives `expected`. */
export interface FixtureCase {
  id: string;
  op: string;
  args: unknown[];
  expected: { tensor: FixtureTensor } | { tensor: FixtureTensor }[] | { error: string };
  /** Backend capabilities the case needs beyond its dtypes (e.g. "indexChecks"). */
  requires?: string[];
}

/** Loads a fixture file from packages/testing/fixtures. */
export function loadFixtures(name: string): { torch: string; cases: FixtureCase[] } {
  const url = new URL(`../fixtures/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), "utf8"));
}

/** A fixture number (or special-value string) as a JS number. */
export function num(v: unknown): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v as number;
}

/** True when a fixture value is NaN or infinite (skipped on backends without IEEE specials). */
export function isSpecial(v: unknown): boolean {
  return v === "nan" || v === "inf" || v === "-inf";
}

function values(t: FixtureTensor): number[] {
  return t.data.map(num);
}

/** Builds the fixture's tensor on `backend`, as the layout it names (transposed, sliced, expanded). */
export function buildTensor(t: FixtureTensor, backend: Backend): Tensor {
  const opts = { dtype: t.dtype, backend };
  const v = t.view;
  if (v === null) return tensor(values(t), { ...opts, shape: t.shape });
  if (v === "transpose") {
    const shape = t.shape;
    const [m, n] = shape.slice(-2) as [number, number];
    const lead = shape.length - 2;
    const physical = new Array<number>(t.data.length);
    const logical = values(t);
    const batch = logical.length / (m * n || 1);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          physical[b * m * n + j * m + i] = logical[b * m * n + i * n + j];
    const base = tensor(physical, { ...opts, shape: [...shape.slice(0, lead), n, m] });
    const out = transpose(base, -1, -2);
    base.dispose();
    return out;
  }
  if (v === "slice") {
    const [d0, ...rest] = t.shape as [number, ...number[]];
    const inner = rest.reduce((a, b) => a * b, 1);
    const logical = values(t);
    const physical = new Array<number>(2 * d0 * inner).fill(t.dtype === "bool" ? 1 : 7);
    for (let i = 0; i < d0; i++)
      for (let j = 0; j < inner; j++) physical[2 * i * inner + j] = logical[i * inner + j];
    const base = tensor(physical, { ...opts, shape: [2 * d0, ...rest] });
    const out = slice(base, 0, 0, null, 2);
    base.dispose();
    return out;
  }
  const base = tensor(values(t), { ...opts, shape: v.expandFrom });
  const out = expand(base, t.shape);
  base.dispose();
  return out;
}
