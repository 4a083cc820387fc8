import { defineConfig } from "tsup";

export default defineConfig({
  // The Node-only readers/writers (fs) live in their own entry so the main one stays browser-safe.
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  // The package tsconfig is composite (for tsc -b); tsup's d.ts program only lists the entry,
  // which composite projects reject (TS6307).
  dts: { compilerOptions: { composite: false } },
  clean: true,
  treeshake: true,
  target: "es2022",
  sourcemap: true,
  splitting: false,
  // import.meta.url in the CJS build (module-relative resolution of data files).
  shims: true,
});
