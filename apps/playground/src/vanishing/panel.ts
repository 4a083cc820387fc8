/**
 * The vanishing-gradients panel: a deep MLP's per-layer gradient norms on a batch of real
 * digits (log scale), recomputed as depth, activation and initialiser change, and how far each
 * layer moves in 20 SGD steps.
 */
import type { Sequential } from "@nn/nn";
import type { Tensor } from "@nn/tensor";
import { activationNames } from "../activations/registry.js";
import { type LineChart, lineChart } from "../chart.js";
import { loadDigits } from "../digits.js";
import { field, h, seedInput, select } from "../dom.js";
import type { Panel, PanelContext } from "../panel.js";
import { probe } from "../probe.js";
import { INITS } from "../state.js";
import { type StringKey, t } from "../strings.js";
import { batchOf, buildDeepMlp, gradientNorms, layerMovement } from "./lesson.js";

/**
 * One value per layer, numbered from 1. Zeros (a change below float32's resolution of the
 * weights) are left out: a log scale cannot show them.
 */
function plot(chart: LineChart, values: number[]): void {
  chart.setData(
    values.map((_, i) => i + 1),
    [values.map((v) => (v > 0 ? v : null))],
  );
}

/** Creates the panel and computes the state's network. */
export function vanishingPanel(ctx: PanelContext): Panel {
  const { state } = ctx;
  const names = activationNames();
  if (!names.includes(state.vact)) ctx.update({ vact: "sigmoid" });
  let generation = 0;
  let model: Sequential | undefined;
  let batch: { x: Tensor; y: Tensor } | undefined;

  const normsBox = h("div", { class: "chart", "data-testid": "vanish-chart" });
  const movedBox = h("div", { class: "chart", "data-testid": "vanish-moved" });
  const layerLabel = t("vanish.layer");
  const normsChart = lineChart(normsBox, {
    xLabel: layerLabel,
    logY: true,
    legend: false,
    series: [{ label: "‖∂L/∂W‖", color: "#3b6ea5", width: 2 }],
  });
  const movedChart = lineChart(movedBox, {
    xLabel: layerLabel,
    logY: true,
    legend: false,
    series: [{ label: "‖ΔW‖ / ‖W‖", color: "#e15759", width: 2 }],
  });

  const depthInput = h("input", {
    type: "range",
    min: 2,
    max: 20,
    step: 1,
    value: state.depth,
    "data-testid": "vanish-depth",
  });
  const depthOut = h("output", {}, String(state.depth));
  // live while dragging: a newer computation supersedes the running one (generation)
  depthInput.addEventListener("input", () => {
    depthOut.textContent = depthInput.value;
    ctx.update({ depth: Number(depthInput.value) });
    compute();
  });
  const actSelect = select(
    names.map((n) => ({ value: n })),
    state.vact,
    (v) => {
      ctx.update({ vact: v });
      compute();
    },
    "vanish-activation",
  );
  const initSelect = select(
    INITS.map((i) => ({ value: i, i18n: `vanish.init.${i}` as StringKey })),
    state.init,
    (v) => {
      ctx.update({ init: v as (typeof INITS)[number] });
      compute();
    },
  );
  const trainButton = h("button", {
    type: "button",
    i18n: "vanish.train",
    "data-testid": "vanish-train",
  });
  trainButton.addEventListener("click", () => {
    train();
  });

  function freeModel(): void {
    model?.dispose();
    model = undefined;
  }

  async function compute(): Promise<void> {
    const token = ++generation;
    ctx.busy(true);
    try {
      batch ??= batchOf(await loadDigits());
      if (token !== generation) return;
      freeModel();
      model = buildDeepMlp({
        depth: state.depth,
        activation: state.vact,
        init: state.init,
        seed: state.seed,
      });
      const norms = await gradientNorms(model, batch.x, batch.y);
      if (token !== generation) return;
      plot(normsChart, norms);
      await train(token);
    } finally {
      ctx.busy(false);
    }
  }

  /** 20 SGD steps: how far each layer moved, and the gradient norms after them. */
  async function train(token = ++generation): Promise<void> {
    const m = model;
    if (!m || !batch) return;
    trainButton.disabled = true;
    ctx.busy(true);
    try {
      const moved = await layerMovement(m, batch.x, batch.y);
      if (token !== generation) return; // a newer network replaced (and freed) this one
      const norms = await gradientNorms(m, batch.x, batch.y);
      if (token !== generation) return;
      plot(movedChart, moved);
      plot(normsChart, norms);
      probe().vanishing = { norms, moved };
    } finally {
      trainButton.disabled = false;
      ctx.busy(false);
    }
  }

  compute();
  return {
    element: h(
      "section",
      { class: "panel vanishing" },
      h("p", { class: "lede", i18n: "vanish.lede" }),
      h(
        "div",
        { class: "controls" },
        field("vanish.depth", depthInput, depthOut),
        field("vanish.activation", actSelect),
        field("vanish.init", initSelect),
        field(
          "app.seed",
          seedInput(state.seed, (seed) => {
            ctx.update({ seed });
            compute();
          }),
        ),
        trainButton,
      ),
      h(
        "div",
        { class: "two" },
        h("figure", { class: "grow" }, h("figcaption", { i18n: "vanish.chart" }), normsBox),
        h(
          "figure",
          { class: "grow" },
          h("figcaption", { i18n: "vanish.moved" }),
          movedBox,
          h("p", { class: "note", i18n: "vanish.frozen" }),
        ),
      ),
    ),
    dispose() {
      generation++;
      normsChart.destroy();
      movedChart.destroy();
      freeModel();
      if (batch) {
        batch.x.dispose();
        batch.y.dispose();
      }
    },
  };
}
