/**
 * The optimizer race panel: a contour map of the chosen surface with every chosen optimizer's
 * path from one start point (click to move it), animated as nn computes it, and the loss per
 * step beside it.
 */
import { type LineChart, lineChart, PALETTE } from "../chart.js";
import { field, formatNumber, h, logSlider, nextFrame, select } from "../dom.js";
import { optimizerNames } from "../optimizers.js";
import type { Panel, PanelContext } from "../panel.js";
import { probe } from "../probe.js";
import type { StringKey } from "../strings.js";
import { drawContours, lossGrid, viewOf } from "./contour.js";
import { raceSteps, type Trajectory } from "./race.js";
import { SURFACE_NAMES, SURFACES } from "./surfaces.js";

const MAP_SIZE = 520;
/** Steps computed between two drawn frames. */
const CHUNK = 4;
const STEP_CHOICES = [50, 100, 150, 300, 500];

/** Colour of an optimizer: fixed by its place in the full list, so it never changes. */
function colorOf(name: string): string {
  const i = optimizerNames().indexOf(name);
  return PALETTE[Math.max(i, 0) % PALETTE.length] as string;
}

/** Creates the panel and starts its first race. */
export function racePanel(ctx: PanelContext): Panel {
  const { state } = ctx;
  const available = optimizerNames();
  const chosen = () => state.opts.filter((n) => available.includes(n));
  let generation = 0;
  let grid: { surface: string; canvas: HTMLCanvasElement } | undefined;
  let chart: LineChart | undefined;
  let last: Trajectory[] = [];

  const map = h("canvas", {
    width: MAP_SIZE,
    height: MAP_SIZE,
    class: "map",
    "data-testid": "race-map",
  });
  const chartBox = h("div", { class: "chart", "data-testid": "race-loss" });
  const results = h("ul", { class: "results", "data-testid": "race-results" });

  const surfaceSelect = select(
    SURFACE_NAMES.map((s) => ({ value: s, i18n: `race.surface.${s}` as StringKey })),
    state.surface,
    (s) => {
      const surface = SURFACES[s as keyof typeof SURFACES];
      ctx.update({ surface: surface.name, x: Number.NaN, y: Number.NaN, lr: surface.lr });
      lr.slider.value = String(Math.log10(surface.lr));
      lr.output.textContent = formatNumber(surface.lr);
      run();
    },
    "race-surface",
  );
  const lr = logSlider(
    1e-5,
    1,
    state.lr,
    (v) => {
      ctx.update({ lr: v });
      run();
    },
    "race-lr",
  );
  // Linear, 0 to 0.99: SGD's momentum for the presets, β₁ for the Adam family and Lion.
  const momentum = h("input", {
    type: "range",
    min: 0,
    max: 0.99,
    step: 0.01,
    value: state.mom,
    "data-testid": "race-momentum",
  });
  const momentumOut = h("output", {}, formatNumber(state.mom));
  momentum.addEventListener("input", () => {
    momentumOut.textContent = formatNumber(Number(momentum.value));
  });
  momentum.addEventListener("change", () => {
    ctx.update({ mom: Number(momentum.value) });
    run();
  });
  const steps = select(
    STEP_CHOICES.map((n) => ({ value: String(n) })),
    String(state.steps),
    (v) => {
      ctx.update({ steps: Number(v) });
      run();
    },
  );
  const checks = h("div", { class: "checks", "data-testid": "race-optimizers" });
  for (const name of available) {
    const box = h("input", { type: "checkbox", value: name, checked: chosen().includes(name) });
    box.addEventListener("change", () => {
      const next = available.filter((n) => (n === name ? box.checked : chosen().includes(n)));
      if (next.length === 0) {
        box.checked = true;
        return;
      }
      ctx.update({ opts: next });
      run();
    });
    checks.append(
      h(
        "label",
        { class: "check" },
        box,
        h("i", { class: "swatch", style: `background:${colorOf(name)}` }),
        name,
      ),
    );
  }
  const again = h("button", { i18n: "race.run", type: "button" });
  again.addEventListener("click", () => run());

  map.addEventListener("click", (e) => {
    const rect = map.getBoundingClientRect();
    const view = viewOf(SURFACES[state.surface], rect.width, rect.height);
    const [x, y] = view.toPlane(e.clientX - rect.left, e.clientY - rect.top);
    ctx.update({ x: Number(x.toFixed(3)), y: Number(y.toFixed(3)) });
    run();
  });

  const element = h(
    "section",
    { class: "panel race" },
    h("p", { class: "lede", i18n: "race.lede" }),
    h(
      "div",
      { class: "controls" },
      field("race.surface", surfaceSelect),
      field("race.lr", lr.slider, lr.output),
      field("race.momentum", momentum, momentumOut),
      field("race.steps", steps),
      again,
      h("div", { class: "field wide" }, h("span", { i18n: "race.optimizers" }), checks),
    ),
    h(
      "div",
      { class: "race-body" },
      h("figure", {}, h("figcaption", { i18n: "race.contours" }), map),
      h(
        "figure",
        { class: "grow" },
        h("figcaption", { i18n: "race.loss" }),
        chartBox,
        h("h3", { i18n: "race.final" }),
        results,
      ),
    ),
  );

  function start(): [number, number] {
    const s = SURFACES[state.surface];
    return Number.isNaN(state.x) || Number.isNaN(state.y)
      ? [s.start[0], s.start[1]]
      : [state.x, state.y];
  }

  async function contourCanvas(): Promise<HTMLCanvasElement> {
    if (grid?.surface === state.surface) return grid.canvas;
    const values = await lossGrid(SURFACES[state.surface]);
    const canvas = h("canvas", { width: MAP_SIZE, height: MAP_SIZE });
    drawContours(canvas.getContext("2d") as CanvasRenderingContext2D, values);
    grid = { surface: state.surface, canvas };
    return canvas;
  }

  function draw(background: HTMLCanvasElement, trajectories: Trajectory[]): void {
    const g = map.getContext("2d") as CanvasRenderingContext2D;
    const surface = SURFACES[state.surface];
    const view = viewOf(surface, MAP_SIZE, MAP_SIZE);
    g.drawImage(background, 0, 0);
    g.fillStyle = "#fff";
    g.strokeStyle = "#222";
    for (const [mx, my] of surface.minima) star(g, ...view.toPixel(mx, my));
    for (const tr of trajectories) {
      g.strokeStyle = colorOf(tr.optimizer);
      g.lineWidth = 2.5;
      g.beginPath();
      tr.xs.forEach((x, i) => {
        const [px, py] = view.toPixel(x, tr.ys[i] as number);
        if (i === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      });
      g.stroke();
      const n = tr.xs.length - 1;
      if (n >= 0) {
        const [px, py] = view.toPixel(tr.xs[n] as number, tr.ys[n] as number);
        g.fillStyle = colorOf(tr.optimizer);
        g.beginPath();
        g.arc(px, py, 5, 0, 2 * Math.PI);
        g.fill();
        g.strokeStyle = "#fff";
        g.lineWidth = 1.5;
        g.stroke();
      }
    }
    const [sx, sy] = view.toPixel(...start());
    g.fillStyle = "#fff";
    g.strokeStyle = "#000";
    g.lineWidth = 2;
    g.beginPath();
    g.arc(sx, sy, 6, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }

  function plotLosses(trajectories: Trajectory[]): void {
    const fmin = SURFACES[state.surface].fmin;
    const xs = Array.from({ length: state.steps + 1 }, (_, i) => i);
    // log scale: the loss above the surface's minimum, floored where float32 cannot resolve it
    chart?.setData(
      xs,
      trajectories.map((tr) =>
        xs.map((i) =>
          i < tr.losses.length ? Math.max((tr.losses[i] as number) - fmin, 1e-8) : null,
        ),
      ),
    );
    results.replaceChildren(
      ...trajectories.map((tr) =>
        h(
          "li",
          {},
          h("i", { class: "swatch", style: `background:${colorOf(tr.optimizer)}` }),
          h("b", {}, tr.optimizer),
          " ",
          tr.diverged
            ? h("span", { class: "bad", i18n: "race.diverged" })
            : formatNumber(tr.losses.at(-1) ?? Number.NaN),
        ),
      ),
    );
  }

  async function run(): Promise<void> {
    const token = ++generation;
    const names = chosen();
    chart?.destroy();
    chart = lineChart(chartBox, {
      xLabel: "step",
      logY: true,
      legend: false,
      series: names.map((n) => ({ label: n, color: colorOf(n) })),
    });
    probe().race = { trajectories: [], done: false };
    ctx.busy(true);
    try {
      const background = await contourCanvas();
      const config = {
        surface: state.surface,
        optimizers: names,
        lr: state.lr,
        momentum: state.mom,
        start: start(),
        steps: state.steps,
      };
      for await (const trajectories of raceSteps(config, CHUNK)) {
        if (token !== generation) return;
        last = trajectories;
        draw(background, trajectories);
        plotLosses(trajectories);
        await nextFrame();
      }
      probe().race = { trajectories: last, done: true };
    } finally {
      if (token === generation) ctx.busy(false);
    }
  }

  run();
  return {
    element,
    dispose() {
      generation++;
      chart?.destroy();
    },
  };
}

/** A five-pointed star (a minimum) at (x, y). */
function star(g: CanvasRenderingContext2D, x: number, y: number): void {
  g.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 9 : 4;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  g.closePath();
  g.lineWidth = 1.5;
  g.fill();
  g.stroke();
}
