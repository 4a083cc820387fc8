/**
 * Charts as SVG, rendered headless in Node: a Vega-Lite spec compiled to Vega and rendered by a
 * Vega View with no renderer attached (`toSVG`), so no canvas or browser is needed.
 */
import { writeFileAtomic } from "@nn/nn/node";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One point of a line: `series` names the line (train / held-out, or an optimizer). */
export interface LinePoint {
  series: string;
  x: number;
  y: number;
}

/** A panel: a title, axis titles and its points. */
export interface Panel {
  title: string;
  x: string;
  y: string;
  points: LinePoint[];
  /** Log scale on y (loss curves that span decades). */
  logY?: boolean;
  /** The series in legend order (default: alphabetical). */
  series?: string[];
  /** y values are fractions (accuracy): tick labels in percent. */
  percent?: boolean;
  /** Fixed y domain, e.g. [0, 1] for accuracy. */
  yDomain?: [number, number];
}

/**
 * The Vega-Lite spec of panels side by side, each a line chart coloured and dashed by series
 * (identical curves, such as relu under leakyRelu, stay visible as dashes over a solid line),
 * with point markers shaped by series on short curves. The x axis starts at 0 (the start of
 * training); tick labels drop trailing zeros (`1`, not `1.000000`), accuracies read as percents.
 */
export function lineChartSpec(title: string, panels: readonly Panel[]): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
    hconcat: panels.map((p) => panelSpec(p, seriesDomain(panels))),
  } as TopLevelSpec;
}

/**
 * Every series of the chart in legend order (the panels share one legend): each panel's
 * `series` (else its series sorted), in panel order.
 */
function seriesDomain(panels: readonly Panel[]): string[] {
  const names = panels.flatMap(
    (p) => p.series ?? [...new Set(p.points.map((q) => q.series))].sort(),
  );
  return [...new Set(names)];
}

/** One panel's spec; its series are drawn in legend order, widest first (see STROKE_WIDTHS). */
function panelSpec(p: Panel, domain: readonly string[]): object {
  const order = new Map(domain.map((name, i) => [name, i]));
  const values = [...p.points].sort(
    (a, b) => (order.get(a.series) ?? 0) - (order.get(b.series) ?? 0),
  );
  const bySeries = { scale: { domain }, sort: domain };
  return {
    title: p.title,
    width: 360,
    height: 240,
    data: { values },
    mark: {
      type: "line",
      point: p.points.length <= 60 ? { filled: false, size: 40 } : false,
      interpolate: "linear",
    },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: p.x,
        scale: { domainMin: 0 },
        axis: { format: "~g", tickMinStep: xTickStep(p) },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: p.y,
        axis: { format: isFraction(p) ? "~%" : "~g" },
        scale: {
          ...(p.logY ? { type: "log" } : { zero: false }),
          ...(p.yDomain ? { domain: p.yDomain } : {}),
        },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        ...bySeries,
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        title: null,
        ...bySeries,
      },
      // Wide under narrow: the first series is drawn first, widest, so a later identical one
      // lies on it as a thinner dashed line in another colour.
      strokeWidth: {
        field: "series",
        type: "ordinal",
        title: null,
        scale: { domain, range: STROKE_WIDTHS },
        sort: domain,
      },
      shape: {
        field: "series",
        type: "nominal",
        title: null,
        ...bySeries,
      },
    },
  };
}

/** Line widths of the series in legend order (cycled beyond the last). */
const STROKE_WIDTHS = [5, 3, 1.75, 1.25, 1, 1, 1, 1];

/** Whether a panel plots fractions in [0, 1] (accuracy): its y axis then reads in percent. */
function isFraction(p: Panel): boolean {
  return p.percent === true || (p.yDomain?.[0] === 0 && p.yDomain[1] === 1);
}

/** Whole ticks for a whole-numbered x (epochs, layers): no 0.5-epoch ticks on a 2-epoch run. */
function xTickStep(p: Panel): number | undefined {
  return p.points.every((q) => Number.isInteger(q.x)) ? 1 : undefined;
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders `panels` and writes the SVG to `path`. */
export async function writeLineChart(
  path: string,
  title: string,
  panels: readonly Panel[],
): Promise<void> {
  await writeFileAtomic(path, await renderSvg(lineChartSpec(title, panels)));
}
