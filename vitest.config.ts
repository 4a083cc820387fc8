import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each package has its own vitest.config.ts (defineProject) that resolves
    // workspace imports to src/ via the "@nn/source" condition: no build needed.
    projects: ["packages/*", "apps/*"],
    // Placeholder sources have no tests yet; drop this once they do.
    passWithNoTests: true,
  },
});
