/**
 * The end-to-end tests' browser: Debian's chromium driven by playwright-core (no browser
 * download), with WebGPU on (a SwiftShader adapter where there is no GPU), against the built
 * site served by `vite preview`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { missingPrerequisite } from "@nn/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { type PreviewServer, preview } from "vite";

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Whether the tests can run here (chromium is installed); under CI its absence throws. */
export function browserAvailable(): boolean {
  return existsSync(CHROMIUM) || missingPrerequisite(`[chromium] no ${CHROMIUM}`, "chromium");
}

/** A served site and a browser. */
export interface Session {
  browser: Browser;
  server: PreviewServer;
  url: string;
  close(): Promise<void>;
}

/** Debian's chromium, headless, with WebGPU on (SwiftShader where there is no GPU). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--enable-unsafe-webgpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Serves `dist/` and launches chromium. */
export async function open(): Promise<Session> {
  const server = await preview({
    root: ROOT,
    preview: { port: 0, host: "127.0.0.1" },
    logLevel: "warn",
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview gave no URL");
  const browser = await launchChromium();
  return {
    browser,
    server,
    url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A new page at `query`, collecting console errors and page errors into `errors`. */
export async function openPage(s: Session, query: string, errors: string[]): Promise<Page> {
  const page = await s.browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${s.url}${query}`);
  return page;
}
