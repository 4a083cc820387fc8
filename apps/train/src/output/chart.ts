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
  /** Fixed y domain, e.g. [0, 1] for accuracy. */
  yDomain?: [number, number];
}

/** The Vega-Lite spec of panels side by side, each a line chart coloured by series. */
export function lineChartSpec(title: string, panels: readonly Panel[]): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
    hconcat: panels.map((p) => ({
      title: p.title,
      width: 360,
      height: 240,
      data: { values: p.points },
      mark: { type: "line", point: p.points.length <= 60, interpolate: "linear" },
      encoding: {
        x: { field: "x", type: "quantitative", title: p.x },
        y: {
          field: "y",
          type: "quantitative",
          title: p.y,
          scale: {
            ...(p.logY ? { type: "log" } : { zero: false }),
            ...(p.yDomain ? { domain: p.yDomain } : {}),
          },
        },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          ...(p.series ? { scale: { domain: p.series }, sort: p.series } : {}),
        },
      },
    })),
  } as TopLevelSpec;
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
