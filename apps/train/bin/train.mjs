#!/usr/bin/env node
// Runs the training CLI (src/cli.ts) from source: tsx compiles TypeScript on the fly and the
// "@nn/source" condition points the workspace packages at their src/, so no build is needed.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
register("./source-condition.mjs", import.meta.url);
const { main } = await import("../src/cli.ts");
// `pnpm train -- --epochs 2` (npm's habit) passes the "--" through: drop it.
const argv =
  process.argv[2] === "--" ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv;
process.exitCode = await main(argv);
