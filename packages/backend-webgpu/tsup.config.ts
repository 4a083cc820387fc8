import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // The package tsconfig is composite (for tsc -b); tsup's d.ts program only lists the entry,
  // which composite projects reject (TS6307).
  // The public types name GPUDevice/GPUBuffer; the bundled .d.ts drops the entry's triple-slash
  // reference, so restore it: consumers then get the globals from @webgpu/types (a dependency).
  dts: {
    compilerOptions: { composite: false },
    banner: '/// <reference types="@webgpu/types" />',
  },
  clean: true,
  treeshake: true,
  target: "es2022",
  sourcemap: true,
  splitting: false,
});
