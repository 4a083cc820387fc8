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
const PRECISION = 4;

type Elem = number | boolean;

/**
 * True when `x` lies exactly halfway between two neighbours of the digit grid `10^q`, i.e.
 * `x / 10^q` is an integer plus 1/2. For a double that happens only when `x * 2^(1-q)` is an odd
 * integer (q <= 0) or `2x / 10^q` is (q > 0, x an integer).
 */
function isTie(x: number, q: number): boolean {
  const a = Math.abs(x);
  if (q <= 0) {
    const y = a * 2 ** (1 - q);
    return Number.isInteger(y) && y % 2 === 1;
  }
  if (!Number.isSafeInteger(a)) return false;
  const p = 10n ** BigInt(q);
  const y = 2n * BigInt(a);
  return y % p === 0n && (y / p) % 2n === 1n;
}

/**
 * Python's rounding of a JS formatting result: JS rounds exact ties away from zero, Python to
 * an even last digit; a tie whose JS last digit is odd steps one unit toward zero (no borrow:
 * the digit is odd). Python also keeps the sign of -0.
 */
function pythonic(x: number, js: string, q: number): string {
  let s = js;
  if (isTie(x, q)) {
    const m = /(\d)(e[+-]\d+)?$/.exec(s) as RegExpExecArray;
    const d = Number(m[1]);
    if (d % 2 === 1) s = `${s.slice(0, m.index)}${d - 1}${m[2] ?? ""}`;
  }
  return Object.is(x, -0) ? `-${s}` : s;
}

/** Python's `'{:.Nf}'.format(x)` for finite x. */
function fixed(x: number, digits: number): string {
  return pythonic(x, x.toFixed(digits), -digits);
}

/** Python's `'{:.Ne}'.format(x)` for finite x: at least two exponent digits. */
function sci(x: number, digits = PRECISION): string {
  const [m, e] = x.toExponential(digits).split("e") as [string, string];
  const sign = e[0] === "-" ? "-" : "+";
  const exp = e.replace(/^[+-]/, "");
  return pythonic(x, `${m}e${sign}${exp.padStart(2, "0")}`, Number(e) - digits);
}

/**
 * A float formatter as torch's `_Formatter`: the mode (integer-valued, fixed or scientific)
 * and the width come from the nonzero finite values only; nan, inf and 0 are padded to that
 * width but may be wider.
 */
function floatFormatter(values: number[]): { format: (x: number) => string; width: number } {
  const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
  const special = (x: number): string | undefined =>
    Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : undefined;
  const asInt = (x: number) => special(x) ?? `${fixed(x, 0)}.`;
  if (nonzero.length === 0) return { format: asInt, width: 1 };
  const abs = nonzero.map(Math.abs);
  const max = Math.max(...abs);
  const min = Math.min(...abs);
  const allInts = nonzero.every((v) => Number.isInteger(v));
  const useSci = max / min > 1000 || max > 1e8 || (!allInts && min < 1e-4);
  const format =
    allInts && !useSci
      ? asInt
      : useSci
        ? (x: number) => special(x) ?? sci(x)
        : (x: number) => special(x) ?? fixed(x, PRECISION);
  return { format, width: Math.max(1, ...nonzero.map((v) => format(v).length)) };
}

/**
 * Appends `suffixes` as torch's `_add_suffixes` does: after ", " on the last line, or on a new
 * line indented by `indent` when the line would pass the line width.
 */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let last = text.length - text.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (last + s.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      last = indent + s.length;
    } else {
      out += `, ${s}`;
      last += s.length + 2;
    }
  }
  return `${out})`;
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
  const prefix = "tensor(";
  if (size === 0 && shape.length !== 1) {
    const at = extras.filter((e) => e.startsWith("device=")).length;
    extras.splice(at, 0, `size=(${shape.join(", ")})`);
  }
  if (size === 0) return addSuffixes(`${prefix}[]`, extras, prefix.length);

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
  let fmtOne: (x: Elem) => string;
  let width: number;
  if (dtype === "bool" || dtype === "int32") {
    fmtOne = dtype === "bool" ? (x) => (x ? "True" : "False") : (x) => String(x);
    width = Math.max(...picked.map((x) => fmtOne(x).length));
  } else {
    const f = floatFormatter(picked as number[]);
    fmtOne = f.format as (x: Elem) => string;
    width = f.width;
  }
  const cell = (x: Elem) => fmtOne(x).padStart(width);

  const render = (dim: number, base: number, indent: number): string => {
    if (dim === shape.length) return cell(values[base] as Elem);
    const n = shape[dim] as number;
    const cut = summarize && n > 2 * EDGE;
    const parts = shown(dim, base).map((b) => render(dim + 1, b, indent + 1));
    if (dim === shape.length - 1) {
      if (cut) parts.splice(EDGE, 0, " ...");
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < parts.length; i += perLine)
        lines.push(parts.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
    }
    if (cut) parts.splice(EDGE, 0, "...");
    const sep = `,${"\n".repeat(shape.length - dim - 1)}${" ".repeat(indent + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  return addSuffixes(`${prefix}${render(0, 0, prefix.length)}`, extras, prefix.length);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
