/**
 * Line charts (uPlot): one x series shared by several y series, optionally on a log y scale,
 * sized to their container. Titles live outside the chart (translated with the page).
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "./dom.js";

/** A categorical palette (Tableau 10, then five more) so each optimizer keeps its colour. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#1f77b4",
  "#d62728",
  "#17becf",
  "#8c564b",
  "#393b79",
];

/** One y series. */
export interface SeriesSpec {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
}

/** What a chart shows. */
export interface ChartSpec {
  series: SeriesSpec[];
  logY?: boolean;
  /** Fixed y range; default: fit the data. */
  yRange?: [number, number];
  height?: number;
  /** Show uPlot's legend (default true); off where the panel lists the series itself. */
  legend?: boolean;
  /** Label of the x values in the hover legend. */
  xLabel: string;
  /** Drawn under the series: e.g. shaded x intervals. */
  underlay?: (u: uPlot) => void;
}

/** A chart in `container`; `setData` redraws it, `destroy` removes it. */
export interface LineChart {
  setData(x: ArrayLike<number>, ys: (ArrayLike<number | null> | null[])[]): void;
  destroy(): void;
  readonly plot: uPlot;
}

function isPowerOfTen(v: number): boolean {
  return v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6;
}

/** A log scale's range: whole powers of ten around the data, at least two decades. */
function decades(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min == null || max == null || !(min > 0) || !(max > 0)) return [1e-3, 1];
  const hi = Math.ceil(Math.log10(max) + 1e-9);
  const lo = Math.min(Math.floor(Math.log10(min)), hi - 2);
  return [10 ** lo, 10 ** hi];
}

/** Creates a line chart filling the width of `container`. */
export function lineChart(container: HTMLElement, spec: ChartSpec): LineChart {
  const width = () => Math.max(240, container.clientWidth || 480);
  const powersOfTen = (_u: uPlot, splits: number[]) =>
    splits.map((v) => (!spec.logY || isPowerOfTen(v) ? v : null));
  const opts: uPlot.Options = {
    width: width(),
    height: spec.height ?? 260,
    legend: { show: spec.legend ?? true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      y: spec.logY
        ? { distr: 3, range: spec.yRange ?? decades }
        : spec.yRange
          ? { range: spec.yRange }
          : {},
    },
    axes: [
      { stroke: "#555", grid: { stroke: "#eee" } },
      {
        stroke: "#555",
        grid: { stroke: "#eee", filter: powersOfTen },
        ticks: { filter: powersOfTen },
        size: 60,
        // on a log scale, ticks, grid lines and labels at the powers of ten only
        filter: powersOfTen,
        values: (_u: uPlot, splits: number[]) => {
          // many decades: label every second or third, so labels never touch
          const shown = splits.filter((v) => v != null).length;
          const every = shown > 16 ? 3 : shown > 8 ? 2 : 1;
          return splits.map((v) =>
            v == null || (spec.logY && Math.round(Math.log10(v)) % every !== 0)
              ? ""
              : formatNumber(v),
          );
        },
      },
    ],
    series: [
      { label: spec.xLabel },
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 2,
        dash: s.dash,
        spanGaps: false,
        // uPlot's default: a line's points are drawn only where they are sparse (a lone first point)
      })),
    ],
    hooks: spec.underlay ? { drawClear: [spec.underlay] } : {},
  };
  const plot = new uPlot(opts, [[], ...spec.series.map(() => [])], container);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: opts.height }));
  resize.observe(container);
  return {
    plot,
    setData(x, ys) {
      plot.setData([Array.from(x), ...ys.map((y) => Array.from(y))] as uPlot.AlignedData);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
