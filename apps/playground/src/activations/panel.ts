/**
 * The activation explorer panel: f(x) and f'(x) (from nn's autograd) of the chosen activation,
 * with its parameters and options adjustable and the saturated regions shaded.
 */
import type uPlot from "uplot";
import { lineChart } from "../chart.js";
import { field, formatNumber, h, select } from "../dom.js";
import type { Panel, PanelContext } from "../panel.js";
import { probe } from "../probe.js";
import { activationCurves, type Curves } from "./explore.js";
import { activationNames, getActivation } from "./registry.js";

const F_COLOR = "#3b6ea5";
const DF_COLOR = "#e15759";

/** Creates the panel and draws the state's activation. */
export function activationsPanel(ctx: PanelContext): Panel {
  const { state } = ctx;
  const names = activationNames();
  if (!getActivation(state.act)) ctx.update({ act: "gelu", ap: {} });
  let curves: Curves | undefined;
  let generation = 0;

  const chartBox = h("div", { class: "chart", "data-testid": "act-chart" });
  const saturation = h("p", { class: "note", "data-testid": "act-saturated" });
  const paramsBox = h("div", { class: "controls-inline" });
  const error = h("p", { class: "bad", hidden: true });
  const chart = lineChart(chartBox, {
    xLabel: "x",
    height: 360,
    series: [
      { label: "f(x)", color: F_COLOR, width: 2.5 },
      { label: "f′(x)", color: DF_COLOR, width: 2, dash: [6, 4] },
    ],
    underlay: (u: uPlot) => shade(u, curves?.saturated ?? []),
  });

  const actSelect = select(
    names.map((n) => ({ value: n })),
    state.act,
    (name) => {
      ctx.update({ act: name, ap: {} });
      buildParams();
      draw();
    },
    "act-select",
  );

  /** One input per numeric parameter, one select per string option, from the definition. */
  function buildParams(): void {
    const def = getActivation(state.act)?.definition;
    paramsBox.replaceChildren();
    if (!def) return;
    for (const p of def.paramNames) {
      const value = Number(state.ap[p] ?? def.defaults[p]);
      const input = h("input", { type: "number", step: 0.05, value, "data-param": p });
      input.addEventListener("change", () => {
        ctx.update({ ap: { ...state.ap, [p]: Number(input.value) } });
        draw();
      });
      paramsBox.append(h("label", { class: "field" }, h("span", {}, p), input));
    }
    for (const c of def.choiceNames) {
      const options = (def.choices[c] as readonly string[]).map((v) => ({ value: v }));
      const value = String(state.ap[c] ?? def.defaults[c]);
      paramsBox.append(
        h(
          "label",
          { class: "field" },
          h("span", {}, c),
          select(options, value, (v) => {
            ctx.update({ ap: { ...state.ap, [c]: v } });
            draw();
          }),
        ),
      );
    }
    if (def.paramNames.length + def.choiceNames.length === 0) {
      paramsBox.append(h("span", { class: "note", i18n: "act.noParams" }));
    }
  }

  async function draw(): Promise<void> {
    const token = ++generation;
    const f = getActivation(state.act);
    if (!f) return;
    ctx.busy(true);
    try {
      const result = await activationCurves(f, state.ap);
      if (token !== generation) return;
      curves = result;
      error.hidden = true;
      chart.setData(result.x, [result.f, result.df]);
      saturation.replaceChildren(
        h("span", { i18n: "act.range" }),
        `: ${result.saturated.map(([a, b]) => `[${formatNumber(a)}, ${formatNumber(b)}]`).join(", ") || "—"}`,
      );
      probe().activations = {
        name: state.act,
        points: result.x.length,
        saturated: result.saturated.length,
      };
    } catch (e) {
      if (token !== generation) return;
      error.textContent = e instanceof Error ? e.message : String(e);
      error.hidden = false;
    } finally {
      ctx.busy(false);
    }
  }

  buildParams();
  draw();
  return {
    element: h(
      "section",
      { class: "panel activations" },
      h("p", { class: "lede", i18n: "act.lede" }),
      h(
        "div",
        { class: "controls" },
        field("act.activation", actSelect),
        h("div", { class: "field" }, h("span", { i18n: "act.params" }), paramsBox),
      ),
      error,
      h(
        "figure",
        {},
        h("figcaption", { i18n: "act.chart" }),
        chartBox,
        saturation,
        h("p", { class: "note", i18n: "act.custom" }),
      ),
    ),
    dispose() {
      generation++;
      chart.destroy();
    },
  };
}

/** Shades the x intervals `regions` over the plotting area (under the series). */
function shade(u: uPlot, regions: [number, number][]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.fillStyle = "rgba(237, 201, 72, 0.22)";
  for (const [a, b] of regions) {
    const x0 = u.valToPos(a, "x", true);
    const x1 = u.valToPos(b, "x", true);
    ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 1), bbox.height);
  }
  ctx.restore();
}
