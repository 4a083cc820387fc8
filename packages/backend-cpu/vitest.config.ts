import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineProject } from "vitest/config";

// "@nn/source" maps workspace imports (e.g. "@nn/tensor") to src/index.ts, so
// tests run from source without a build. Vitest 4 runs Node tests in Vite's SSR
// environment, hence ssr.resolve.conditions as well.
export default defineProject({
  resolve: {
    conditions: ["@nn/source", ...defaultClientConditions],
  },
  ssr: {
    resolve: {
      conditions: ["@nn/source", ...defaultServerConditions],
    },
  },
  test: {
    name: "@nn/backend-cpu",
    include: ["test/**/*.test.ts"],
    // Node 20 offers relaxed SIMD (f32x4.relaxed_madd) only behind this flag; later Node has it on
    // by default. The Wasm matmul tests then cover both the relaxed and the plain kernel.
    execArgv: process.versions.node.startsWith("20.") ? ["--experimental-wasm-relaxed-simd"] : [],
  },
});
