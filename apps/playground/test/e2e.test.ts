/**
 * End to end: the built site in Debian's chromium (WebGPU on SwiftShader where there is no GPU).
 * Skipped where chromium is not installed. Screenshots go to a temporary directory.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpu } from "@nn/backend-cpu";
import { setBackend } from "@nn/tensor";
import type { Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIXELS, TRAIN } from "../src/digits.js";
import type { Probe } from "../src/probe.js";
import { runRace } from "../src/race/race.js";
import { SURFACES } from "../src/race/surfaces.js";
import { parseState } from "../src/state.js";
import { setLanguage, t } from "../src/strings.js";
import { STEPS_PER_RUN } from "../src/train/panel.js";
import { Trainer } from "../src/train/trainer.js";
import { browserAvailable, open, openPage, type Session } from "./browser.js";
import { readDigits } from "./digits.js";
import { trainAppPredictions, trainCheckpoint } from "./train-checkpoint.js";

const SHOTS = join(tmpdir(), "nn-playground-screenshots");
const PANEL_TITLES = ["panel.race", "panel.activations", "panel.vanishing", "panel.train"] as const;

function probe<K extends keyof Probe>(page: Page, key: K): Promise<Probe[K]> {
  return page.evaluate((k) => window.nnPlayground?.[k], key) as Promise<Probe[K]>;
}

/** Waits until the probe's `key` satisfies `done` (a predicate source over `v`). */
async function waitProbe(page: Page, key: string, done: string, timeout = 40_000): Promise<void> {
  await page.waitForFunction(
    ([k, d]) => {
      const v = (window.nnPlayground as Record<string, unknown> | undefined)?.[k as string];
      return v !== undefined && new Function("v", `return ${d}`)(v);
    },
    [key, done],
    { timeout },
  );
}

/** Whether a canvas under `selector` has more than one colour (something was drawn). */
function canvasDrawn(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement | null;
    if (!c) return false;
    const g = c.getContext("2d");
    if (!g) return false;
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < d.length && colours.size < 3; i += 4 * 97)
      colours.add((d[i] ?? 0) * 65536 + (d[i + 1] ?? 0) * 256 + (d[i + 2] ?? 0));
    return colours.size >= 3;
  }, selector);
}

describe.skipIf(!browserAvailable())("the playground in chromium", () => {
  let session: Session;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const root = fileURLToPath(new URL("..", import.meta.url));
    readDigits(); // makes public/digits.bin if missing, as the package's build script does
    await build({ root, logLevel: "warn" });
    session = await open();
    setBackend(cpu({ syncRead: false }));
  });

  afterAll(async () => {
    await session?.close();
  });

  it("races the optimizers on WebGPU and ends where Node's race ends", async () => {
    const page = await openPage(session, "?surface=himmelblau&lr=0.01&steps=50", errors);
    await waitProbe(page, "race", "v.done");
    // chromium's SwiftShader gives an adapter wherever chromium runs; without one the page says so
    const adapter = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
    expect(await probe(page, "backend")).toBe(adapter ? "webgpu" : "cpu");
    expect(await page.locator(".notice").isVisible()).toBe(!adapter);
    expect(await page.getByTestId("adapter").textContent()).not.toBe("");
    expect(await canvasDrawn(page, "[data-testid=race-map]")).toBe(true);
    expect(await canvasDrawn(page, "[data-testid=race-loss] canvas")).toBe(true);
    const inPage = (await probe(page, "race"))?.trajectories ?? [];
    const state = parseState("");
    const inNode = await runRace({
      surface: "himmelblau",
      optimizers: state.opts,
      lr: 0.01,
      start: SURFACES.himmelblau.start,
      steps: 50,
    });
    expect(inPage.map((tr) => tr.optimizer)).toEqual(state.opts);
    inNode.forEach((tr, i) => {
      const p = inPage[i];
      expect(p?.xs.length).toBe(51);
      expect(Math.abs((p?.xs.at(-1) ?? 0) - (tr.xs.at(-1) ?? 0)), tr.optimizer).toBeLessThan(1e-3);
      expect(Math.abs((p?.ys.at(-1) ?? 0) - (tr.ys.at(-1) ?? 0)), tr.optimizer).toBeLessThan(1e-3);
    });
    // a click on the map moves the start, into the URL
    const box = await page.getByTestId("race-map").boundingBox();
    if (!box) throw new Error("no map");
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
    await waitProbe(page, "race", "v.done");
    const moved = parseState(new URL(page.url()).search);
    expect(moved.x).toBeCloseTo(2.5, 1);
    expect(moved.y).toBeCloseTo(2.5, 1);
    expect((await probe(page, "race"))?.trajectories[0]?.xs[0]).toBeCloseTo(moved.x, 3);
    await page.screenshot({ path: join(SHOTS, "race.png") });
    await page.close();
  });

  it("draws every panel, restores a shared URL and switches language", async () => {
    // on the CPU backend: SwiftShader is slow, and the race covers WebGPU
    const page = await openPage(
      session,
      "?panel=activations&act=elu&ap=alpha:0.5&backend=cpu",
      errors,
    );
    await waitProbe(page, "activations", "v.name === 'elu'");
    expect(await page.getByTestId("act-select").inputValue()).toBe("elu");
    expect(await page.locator("[data-param=alpha]").inputValue()).toBe("0.5");
    expect(await canvasDrawn(page, "[data-testid=act-chart] canvas")).toBe(true);
    expect((await probe(page, "activations"))?.saturated).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "activations.png") });

    await page.getByRole("tab").nth(2).click();
    await waitProbe(page, "vanishing", "v.norms.length === 10");
    // the lesson, in the page: through ten sigmoid layers the first layer barely learns
    const sigmoid = await probe(page, "vanishing");
    expect((sigmoid?.norms[0] ?? 1) / (sigmoid?.norms[8] ?? 1)).toBeLessThan(1e-3);
    expect((sigmoid?.moved[0] ?? 1) * 100).toBeLessThan(sigmoid?.moved[9] ?? 0);
    await page.evaluate(() => {
      window.nnPlayground.vanishing = undefined;
    });
    await page.getByTestId("vanish-activation").selectOption("relu");
    await waitProbe(page, "vanishing", "v.norms.length === 10");
    expect(new URL(page.url()).searchParams.get("vact")).toBe("relu");
    await page.getByTestId("vanish-depth").fill("4"); // recomputed while the slider moves
    await waitProbe(page, "vanishing", "v.norms.length === 4");
    await page.getByTestId("vanish-depth").fill("10");
    await waitProbe(page, "vanishing", "v.norms.length === 10");
    expect(await canvasDrawn(page, "[data-testid=vanish-chart] canvas")).toBe(true);

    // the URL now says all of it: a new page opens the same view
    const shared = await session.browser.newPage();
    await shared.goto(page.url());
    await waitProbe(shared, "vanishing", "v.norms.length === 10");
    expect(await shared.getByTestId("vanish-activation").inputValue()).toBe("relu");
    expect(await shared.locator("[role=tab][aria-selected=true]").getAttribute("data-panel")).toBe(
      "vanishing",
    );
    await shared.close();

    await page.getByRole("button", { name: "한국어" }).click();
    setLanguage("ko");
    expect(await page.getByRole("tab").allTextContents()).toEqual(PANEL_TITLES.map((k) => t(k)));
    expect(await page.locator("figcaption").first().textContent()).toBe(t("vanish.chart"));
    expect(new URL(page.url()).searchParams.get("lang")).toBe("ko");
    setLanguage("en");
    await page.close();
  });

  it("switches between WebGPU and the CPU backend", async () => {
    const page = await openPage(session, "?panel=activations&act=relu&backend=cpu", errors);
    await waitProbe(page, "activations", "v.points > 0");
    expect(await page.getByTestId("adapter").textContent()).toMatch(/WebAssembly/);
    await page.evaluate(() => {
      window.nnPlayground.activations = undefined;
    });
    await page.locator("[data-backend=webgpu]").click();
    await page.waitForFunction(() => window.nnPlayground.backend === "webgpu");
    await waitProbe(page, "activations", "v.points > 0");
    expect(await page.getByTestId("adapter").textContent()).not.toMatch(/WebAssembly|^$/);
    expect(new URL(page.url()).searchParams.get("backend")).toBeNull(); // webgpu is the default
    await page.locator("[data-backend=cpu]").click();
    await page.waitForFunction(() => window.nnPlayground.backend === "cpu");
    expect(new URL(page.url()).searchParams.get("backend")).toBe("cpu");
    await page.close();
  });

  it("trains on the CPU backend far above chance, as in Node, and classifies a drawn digit", async () => {
    const page = await openPage(session, "?panel=train&backend=cpu", errors);
    await waitProbe(page, "train", "v.step === 0 && v.accuracy >= 0");
    await page.getByTestId("train-start").click();
    await waitProbe(page, "train", `v.step >= ${STEPS_PER_RUN}`, 60_000);
    const trained = await probe(page, "train");
    expect(trained?.accuracy).toBeGreaterThan(0.8); // chance: 0.1

    const digits = readDigits();
    const node = Trainer.fresh(
      { hidden: 64, activation: "relu", optimizer: "adam", lr: 1e-3, seed: 0 },
      digits,
    );
    await node.train(STEPS_PER_RUN);
    expect(Math.abs((await node.accuracy()) - (trained?.accuracy ?? 0))).toBeLessThan(0.02);

    // a held-out digit that Node classifies confidently, replayed as mouse strokes
    let index = TRAIN;
    let expected = -1;
    for (; index < digits.count; index++) {
      const p = await node.predict(digits.images.slice(index * PIXELS, (index + 1) * PIXELS));
      const best = p.indexOf(Math.max(...p));
      if (best === digits.labels[index] && (p[best] as number) > 0.99) {
        expected = best;
        break;
      }
    }
    node.dispose();
    const pad = await page.getByTestId("pad").boundingBox();
    if (!pad) throw new Error("no pad");
    const cell = pad.width / 28;
    for (let y = 0; y < 28; y++) {
      let x = 0;
      while (x < 28) {
        if ((digits.images[index * PIXELS + y * 28 + x] as number) < 0.5) {
          x++;
          continue;
        }
        const from = x;
        while (x < 28 && (digits.images[index * PIXELS + y * 28 + x] as number) >= 0.5) x++;
        await page.mouse.move(pad.x + (from + 0.5) * cell, pad.y + (y + 0.5) * cell);
        await page.mouse.down();
        await page.mouse.move(pad.x + (x - 0.5) * cell, pad.y + (y + 0.5) * cell, { steps: 2 });
        await page.mouse.up();
      }
    }
    await page.waitForFunction(() => window.nnPlayground.train?.prediction !== undefined);
    await page.waitForTimeout(300); // the last stroke's classification
    expect((await probe(page, "train"))?.prediction).toBe(expected);
    await page.screenshot({ path: join(SHOTS, "train.png") });
    await page.close();
  });

  it("classifies the held-out digits with a pnpm train checkpoint as Node does", async () => {
    const run = trainCheckpoint();
    const expected = (await trainAppPredictions(run, readDigits())).predictions;

    const page = await openPage(session, "?panel=train&backend=cpu", errors);
    await waitProbe(page, "train", "v.step === 0 && v.accuracy >= 0");
    await page
      .getByTestId("train-checkpoint")
      .setInputFiles(join(run, "checkpoint", "model.safetensors"));
    await waitProbe(page, "train", "v.checkpoint !== undefined");
    const loaded = (await probe(page, "train"))?.checkpoint;
    expect(loaded?.architecture).toBe("784-32-10 relu");
    expect(loaded?.predictions).toEqual(expected);
    await page.close();
  });

  it("logged no console errors", () => {
    expect(errors).toEqual([]);
  });
});
