/** Charts render to SVG headless in Node (Vega-Lite -> Vega -> SVG string, no canvas). */
import { expect, it } from "vitest";
import { lineChartSpec, renderSvg } from "../src/output/chart.js";
import { curvePanels } from "../src/output/report.js";

it("loss and accuracy curves render as an SVG document naming the series", async () => {
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    trainLoss: 1 / epoch,
    trainAccuracy: 0.8 + epoch / 100,
    testLoss: 1.1 / epoch,
    testAccuracy: 0.79 + epoch / 100,
    seconds: 1,
    samplesPerSecond: 1000,
  }));
  const curve = [0.5, 1, 1.5, 2, 2.5, 3].map((epoch) => ({ epoch, loss: 1 / epoch }));
  const svg = await renderSvg(lineChartSpec("a run", curvePanels(history, curve)));
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  for (const text of ["a run", "loss", "accuracy", "held-out", "train (running)", "epoch"])
    expect(svg).toContain(text);
  // One line per series: train (running) and held-out on the loss panel, train and held-out on the other.
  expect(svg.match(/role-mark/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
});
