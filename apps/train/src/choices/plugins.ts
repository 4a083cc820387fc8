/**
 * `--plugin <package>`: imports a package (or a file) and registers every optimizer definition
 * it exports with @nn/optim's `registerOptimizer`, so `--optimizer <its name>` constructs it.
 * Packages are side-effect free, so registering is the application's job (DESIGN.md).
 */
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type OptimizerFactory, registerOptimizer } from "@nn/optim";
import { messageOf, UserError } from "../errors.js";

function isOptimizerDefinition(v: unknown): v is OptimizerFactory {
  const d = v as Partial<OptimizerFactory> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    typeof d.name === "string" &&
    typeof d.create === "function" &&
    typeof d.defaults === "object"
  );
}

/**
 * Imports `spec`: a path (starting with "." or "/") relative to the working directory, else a
 * package resolved from the working directory's node_modules, then from this app's.
 */
async function importPlugin(spec: string): Promise<Record<string, unknown>> {
  if (spec.startsWith(".") || isAbsolute(spec)) {
    return import(pathToFileURL(resolve(spec)).href);
  }
  let fromCwd: string | undefined;
  try {
    fromCwd = createRequire(join(process.cwd(), "noop.js")).resolve(spec);
  } catch {
    // not installed in the working directory: try this app's dependencies
  }
  return fromCwd ? import(pathToFileURL(fromCwd).href) : import(spec);
}

/**
 * Loads the plugin `spec` and registers its optimizer definitions; returns their names.
 * UserError when it cannot be imported, exports no optimizer definition, or one clashes with a
 * registered name.
 */
export async function loadPlugin(spec: string): Promise<string[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await importPlugin(spec);
  } catch (e) {
    throw new UserError(
      `--plugin ${spec}: cannot import it (${messageOf(e)}); install the package or give a path to the module`,
    );
  }
  const found = new Set<OptimizerFactory>();
  for (const v of [...Object.values(mod), ...Object.values((mod.default as object) ?? {})]) {
    if (isOptimizerDefinition(v)) found.add(v);
  }
  if (isOptimizerDefinition(mod.default)) found.add(mod.default);
  if (found.size === 0) {
    throw new UserError(
      `--plugin ${spec}: the module exports no optimizer definition (an object from defineOptimizer with name, defaults and create)`,
    );
  }
  for (const def of found) {
    try {
      registerOptimizer(def as OptimizerFactory<never>);
    } catch (e) {
      throw new UserError(`--plugin ${spec}: ${messageOf(e)}`);
    }
  }
  return [...found].map((d) => d.name);
}
