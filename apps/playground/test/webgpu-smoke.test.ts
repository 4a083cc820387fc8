/**
 * @nn/backend-webgpu in a real browser: the smoke set (test/smoke/smoke.ts: matmul, softmax, a
 * gradient, five Adam steps of a small MLP) runs in Debian's chromium on navigator.gpu and gives
 * the values it gives in Node on Dawn, which match the CPU backend's. The page is served by
 * Vite's dev server from the packages' built dist/ (as a bundler user gets them); Node runs them
 * from source. Fails under CI without chromium or a Node adapter, skips locally.
 */
import { fileURLToPath } from "node:url";
import { cpu } from "@nn/backend-cpu";
import { webgpu } from "@nn/backend-webgpu";
import { nodeWebGpu } from "@nn/testing";
import type { Browser } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "./browser.js";
import { type SmokeValues, smoke } from "./smoke/smoke.js";

const env = browserAvailable() ? await nodeWebGpu() : null;

/** Every value of `got` within `digits` decimals of `want`'s, named by its key and index. */
function expectClose(got: SmokeValues, want: SmokeValues, digits: number): void {
  for (const key of Object.keys(want) as (keyof SmokeValues)[]) {
    expect(got[key], key).toHaveLength(want[key].length);
    for (const [i, v] of want[key].entries()) {
      expect(got[key][i], `${key}[${i}]`).toBeCloseTo(v, digits);
    }
  }
}

describe.skipIf(!env)("the WebGPU smoke set in chromium", () => {
  let server: ViteDevServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await createServer({
      root: fileURLToPath(new URL("..", import.meta.url)),
      server: { port: 0, host: "127.0.0.1" },
      logLevel: "warn",
    });
    await server.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("matmul, softmax, a gradient and five training losses: the browser's equal Node's", async () => {
    const device = await (env as NonNullable<typeof env>).requestDevice();
    const gpu = await webgpu({ device });
    const inNode = await smoke(gpu);
    gpu.destroy();
    device.destroy();
    const onCpu = await smoke(cpu({ syncRead: false }));
    expectClose(inNode, onCpu, 4);
    expect(onCpu.grad[4]).toBeCloseTo(Math.tanh(2) + 2 * (1 - Math.tanh(2) ** 2), 5);
    expect(onCpu.losses[4]).toBeLessThan(onCpu.losses[0] as number); // it trains

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.resolvedUrls?.local[0]}test/smoke/index.html`);
    await page.waitForFunction(() => typeof window.nnSmoke === "function");
    expect(await page.evaluate(() => Boolean(navigator.gpu))).toBe(true);
    const inPage = await page.evaluate(() => window.nnSmoke());
    expect(errors).toEqual([]);
    expectClose(inPage, inNode, 5);
  });
});
