import { defineConfig } from "tsup";

export default defineConfig({
  // internal: what backend and nn package authors share (see src/internal.ts). Split, so that both
  // entries import one chunk (one Tensor class, one FileError), in ESM and CommonJS alike.
  entry: ["src/index.ts", "src/internal.ts"],
  format: ["esm", "cjs"],
  // The package tsconfig is composite (for tsc -b); tsup's d.ts program only lists the entry,
  // which composite projects reject (TS6307).
  dts: { compilerOptions: { composite: false } },
  clean: true,
  treeshake: true,
  target: "es2022",
  sourcemap: true,
  splitting: true,
});
