/**
 * The whole state of the page, kept in the URL's query string so that a view can be shared as
 * a link. One valibot schema parses it: a missing or invalid value falls back to its default,
 * so any link opens a working page.
 */
import * as v from "valibot";
import { SURFACE_NAMES } from "./race/surfaces.js";
import { LANGUAGES } from "./strings.js";

/** The panels, in tab order. */
export const PANELS = ["race", "activations", "vanishing", "train"] as const;
export type PanelId = (typeof PANELS)[number];

/** The backends one can ask for (WebGPU falls back to the CPU where it has no adapter). */
export const BACKENDS = ["webgpu", "cpu"] as const;
/** Weight initialisers of the vanishing-gradients panel (see `buildMlp`). */
export const INITS = ["default", "xavier", "kaiming", "normal"] as const;
export type InitName = (typeof INITS)[number];

/** A number in the query string, within [min, max] (integers only if `integer`). */
function num(fallback: number, min: number, max: number, integer = false) {
  return v.fallback(
    v.pipe(
      v.string(),
      v.transform(Number),
      v.number(),
      v.check((n) => !integer || Number.isInteger(n)),
      v.minValue(min),
      v.maxValue(max),
    ),
    fallback,
  );
}

function choice<const T extends readonly [string, ...string[]]>(options: T, fallback: T[number]) {
  return v.fallback(v.picklist(options), fallback);
}

/** A short identifier (an activation or optimizer name; checked against the registries later). */
function name(fallback: string) {
  return v.fallback(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,40}$/)), fallback);
}

/** A comma-separated list of names. */
function names(fallback: string[]) {
  return v.fallback(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(",").filter(Boolean)),
      v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,40}$/))),
      v.minLength(1),
    ),
    fallback,
  );
}

/** Activation parameters as `name:value` pairs separated by commas (`negativeSlope:0.1`). */
const params = v.fallback(
  v.pipe(
    v.string(),
    v.transform((s) =>
      Object.fromEntries(
        s
          .split(",")
          .filter(Boolean)
          .map((kv) => kv.split(":"))
          .filter((kv) => kv.length === 2 && /^[A-Za-z]\w*$/.test(kv[0] ?? ""))
          .map(([k, val]) => [k, val && Number.isNaN(Number(val)) ? val : Number(val)]),
      ),
    ),
    v.record(v.string(), v.union([v.number(), v.string()])),
  ),
  {},
);

/** The query string's schema: every field falls back to its default when missing or invalid. */
export const StateSchema = v.object({
  panel: choice(PANELS, "race"),
  lang: choice(LANGUAGES, "en"),
  backend: choice(BACKENDS, "webgpu"),
  seed: num(0, 0, 2 ** 31 - 1, true),
  // optimizer race
  surface: choice(SURFACE_NAMES, "rosenbrock"),
  opts: names(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "lion"]),
  lr: num(1e-3, 1e-5, 10),
  mom: num(0.9, 0, 0.999),
  x: num(Number.NaN, -1e3, 1e3),
  y: num(Number.NaN, -1e3, 1e3),
  steps: num(150, 1, 1000, true),
  // activation explorer
  act: name("gelu"),
  ap: params,
  // vanishing gradients
  depth: num(10, 2, 20, true),
  vact: name("sigmoid"),
  init: choice(INITS, "default"),
  // training
  topt: name("adam"),
  tact: name("relu"),
  tlr: num(1e-3, 1e-5, 10),
  hidden: num(64, 4, 512, true),
});

/** The page's state. `x`/`y` are NaN until a start point is clicked (the surface's own start). */
export type State = v.InferOutput<typeof StateSchema>;

/** The state a query string (`location.search`) describes; invalid or missing values are defaults. */
export function parseState(search: string): State {
  return v.parse(StateSchema, Object.fromEntries(new URLSearchParams(search)));
}

/** The query string of `state` (with a leading "?"), omitting values that are at their default. */
export function serializeState(state: State): string {
  const defaults = parseState("");
  const query = new URLSearchParams();
  for (const [k, value] of Object.entries(state)) {
    const text = encode(value);
    if (text !== encode(defaults[k as keyof State])) query.set(k, text);
  }
  const s = query.toString();
  return s ? `?${s}` : "";
}

function encode(value: unknown): string {
  if (Array.isArray(value)) return value.join(",");
  if (value && typeof value === "object") {
    return Object.entries(value)
      .map(([k, x]) => `${k}:${x}`)
      .join(",");
  }
  return String(value);
}
