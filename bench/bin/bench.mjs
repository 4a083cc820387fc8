#!/usr/bin/env node
// `pnpm bench`: runs src/main.ts from source (tsx, and the "@nn/source" condition so the
// workspace packages resolve to their src/: nothing to build first).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
const r = spawnSync(
  process.execPath,
  ["--conditions=@nn/source", "--import", import.meta.resolve("tsx"), main, ...args],
  {
    stdio: "inherit",
  },
);
process.exitCode = r.status ?? 1;
