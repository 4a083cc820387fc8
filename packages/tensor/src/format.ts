/**
 * PyTorch-style printing (after torch/_tensor_str.py): 4 decimals, scientific notation when the
 * magnitudes span more than 1e3 or leave [1e-4, 1e8], integer-valued floats as `1.`, values
 * right-aligned to one width, and summarised with `...` past 1000 elements.
 */
import type { DType } from "./dtype.js";
import type { Shape } from "./shape.js";

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

type Elem = number | boolean;

function sci(x: number): string {
  const [m, e] = x.toExponential(4).split("e") as [string, string];
  const sign = e[0] === "-" ? "-" : "+";
  const digits = e.replace(/^[+-]/, "").padStart(2, "0");
  return `${m}e${sign}${digits}`;
}

function floatFormatter(values: number[]): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  const special = (x: number): string | undefined =>
    Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : undefined;
  if (nonzero.length === 0) return (x) => special(x) ?? (Object.is(x, -0) ? "-0." : "0.");
  const max = Math.max(...nonzero);
  const min = Math.min(...nonzero);
  const useSci = max / min > 1000 || max > 1e8 || min < 1e-4;
  const allInts = finite.every((v) => Number.isInteger(v));
  if (allInts && !useSci) return (x) => special(x) ?? `${x.toFixed(0)}.`;
  if (useSci) return (x) => special(x) ?? sci(x);
  return (x) => special(x) ?? x.toFixed(4);
}

/**
 * Formats logical (row-major) values as PyTorch's `repr`: `tensor([[1., 2.], [3., 4.]])`.
 * `suffix` holds extra fields (`dtype=float64`) shown before the closing parenthesis.
 */
export function formatTensor(
  values: ArrayLike<Elem>,
  shape: Shape,
  dtype: DType,
  suffix: string[] = [],
): string {
  const size = values.length;
  const summarize = size > THRESHOLD;
  const extras = [...suffix];
  if (size === 0 && shape.length !== 1)
    extras.unshift(`size=(${shape.join(", ")}${shape.length === 1 ? "," : ""})`);
  const tail = extras.length ? `, ${extras.join(", ")}` : "";
  if (size === 0) return `tensor([]${tail})`;

  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  const shown = (dim: number, base: number): number[] => {
    const n = shape[dim] as number;
    const idx =
      summarize && n > 2 * EDGE
        ? [...range(EDGE), ...range(EDGE).map((i) => n - EDGE + i)]
        : range(n);
    return idx.map((i) => base + i * (strides[dim] as number));
  };
  // Collect the shown values so one formatter and one width cover them all.
  const picked: Elem[] = [];
  const gather = (dim: number, base: number): void => {
    if (dim === shape.length) picked.push(values[base] as Elem);
    else for (const b of shown(dim, base)) gather(dim + 1, b);
  };
  gather(0, 0);
  const fmtOne: (x: Elem) => string =
    dtype === "bool"
      ? (x) => (x ? "True" : "False")
      : dtype === "int32"
        ? (x) => String(x)
        : (floatFormatter(picked as number[]) as (x: Elem) => string);
  const width = Math.max(...picked.map((x) => fmtOne(x).length));
  const cell = (x: Elem) => fmtOne(x).padStart(width);

  const prefix = "tensor(";
  const render = (dim: number, base: number, indent: number): string => {
    if (dim === shape.length) return cell(values[base] as Elem);
    const n = shape[dim] as number;
    const cut = summarize && n > 2 * EDGE;
    const parts = shown(dim, base).map((b) => render(dim + 1, b, indent + 1));
    if (cut) parts.splice(EDGE, 0, "...");
    if (dim === shape.length - 1) {
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - prefix.length) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < parts.length; i += perLine)
        lines.push(parts.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
    }
    const sep = `,${"\n".repeat(shape.length - dim - 1)}${" ".repeat(indent + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  return `${prefix}${render(0, 0, prefix.length)}${tail})`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
