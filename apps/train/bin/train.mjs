#!/usr/bin/env node
// Runs the training CLI (src/cli.ts) from source: tsx compiles TypeScript on the fly and the
// "@nn/source" condition points the workspace packages at their src/, so no build is needed.
import { register } from "node:module";

// The CLI's plain-JavaScript dependencies are loaded first, before the hooks below are
// registered: through them every file costs a round trip to the loader thread, which for vega
// and vega-lite (some forty packages) adds about a second to the start. The CLI's own imports
// of these packages then find them in the module cache (same URLs, same instances).
const [{ register: registerTsx }] = await Promise.all([
  import("tsx/esm/api"),
  import("vega"),
  import("vega-lite"),
  import("commander"),
  import("cli-table3"),
  import("cli-progress"),
]);
registerTsx();
register("./source-condition.mjs", import.meta.url);
const { main } = await import("../src/cli.ts");
// `pnpm train -- --epochs 2` (npm's habit) passes the "--" through: drop it.
const argv =
  process.argv[2] === "--" ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv;
process.exitCode = await main(argv);
