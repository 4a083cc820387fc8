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
    name: "@nn/backend-webgpu",
    include: ["test/**/*.test.ts"],
    // SwiftShader compiles and runs shaders on the CPU; on a loaded CI machine a matmul test
    // compiling its kernels takes seconds.
    testTimeout: 30_000,
  },
});
