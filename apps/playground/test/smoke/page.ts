// The smoke set's page (served by Vite in webgpu-smoke.test.ts): runs it on navigator.gpu's
// adapter when the test calls window.nnSmoke().
import { webgpu } from "@nn/backend-webgpu";
import { type SmokeValues, smoke } from "./smoke.js";

declare global {
  interface Window {
    nnSmoke: () => Promise<SmokeValues>;
  }
}

window.nnSmoke = async () => {
  const backend = await webgpu();
  try {
    return await smoke(backend);
  } finally {
    backend.destroy();
  }
};
