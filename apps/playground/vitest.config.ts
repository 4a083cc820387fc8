import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineProject } from "vitest/config";

// "@nn/source" maps workspace imports to src/index.ts, so tests run from source without a build.
export default defineProject({
  resolve: { conditions: ["@nn/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@nn/source", ...defaultServerConditions] } },
  test: {
    name: "@nn/playground",
    include: ["test/**/*.test.ts"],
    // The end-to-end test builds the site and drives a browser on a software GPU.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
