import { defineConfig } from "vite";

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the CPU backend
 * needs for threads. The built site works without them, on one thread.
 */
const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

// The page uses the packages' built dist/ (as an npm user would; turbo builds them first), not
// their src/: @nn/tensor installs Tensor's methods from a module of its own, which a bundler drops
// from src/ under the package's "sideEffects": false.
export default defineConfig({
  base: "./",
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
});
