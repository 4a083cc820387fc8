// tidy / noGrad given async work (issue 13, item 4): refused before the body runs, and a promise
// a plain function returns is refused without ever becoming an unhandled rejection. Run in a
// child process, since an unhandled rejection kills the process (exit code 1) only there.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

// The child runs this, bundled from source (no stale dist): every case logs one line.
const SCRIPT = `
import { tidy, noGrad, ones, add, setBackend, isGradEnabled, memory } from "@nn/tensor";
import { cpu } from ${JSON.stringify(join(here, "../src/index.ts"))};
const backend = setBackend(cpu());
const log = (...a) => console.log(a.join(" "));
const late = () => new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 5));
let ran = false;
for (const [name, scope] of [["tidy", tidy], ["noGrad", noGrad]]) {
  ran = false;
  try {
    scope(async () => { ran = true; await null; add(ones([2]), 1); throw new Error("late"); });
  } catch (e) { log(name, "async", e.name, "ran", ran, /async function/.test(e.message)); }
  try { scope(() => late()); } catch (e) { log(name, "promise", e.name); }
  try { scope(() => ({ then: (_ok, fail) => setTimeout(() => fail(new Error("late")), 5) })); }
  catch (e) { log(name, "thenable", e.name); }
  try { scope(() => { add(ones([2]), 1); return Promise.reject(new Error("late")); }); }
  catch (e) { log(name, "rejected", e.name); }
}
await new Promise((r) => setTimeout(r, 30));
log("grad", isGradEnabled(), "tensors", memory(backend).tensors);
`;

it("tidy(async) and noGrad(async) throw ValueError, run nothing, and leave no unhandled rejection", async () => {
  const esbuild = createRequire(join(here, "../../../package.json"))("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "nn-async-scopes-"));
  try {
    const file = join(dir, "child.mjs");
    await esbuild.build({
      stdin: { contents: SCRIPT, resolveDir: here, loader: "js" },
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      conditions: ["@nn/source"],
      outfile: file,
      logLevel: "silent",
    });
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    for (const name of ["tidy", "noGrad"]) {
      expect(lines).toContain(`${name} async ValueError ran false true`);
      expect(lines).toContain(`${name} promise ValueError`);
      expect(lines).toContain(`${name} thenable ValueError`);
      expect(lines).toContain(`${name} rejected ValueError`);
    }
    // noGrad restored grad mode; the tidy case disposed what fn made before returning a Promise
    // (the noGrad case's two tensors are left to the garbage collector, as any noGrad's are).
    expect(lines.at(-1)).toMatch(/^grad true tensors \d+$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
