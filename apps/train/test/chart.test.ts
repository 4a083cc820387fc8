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

it("overlapping series stay visible: dashed, narrower and marked; x from 0; clean tick labels", () => {
  const points = [1, 2, 3].flatMap((x) =>
    ["relu", "leakyRelu"].map((series) => ({ series, x, y: 0.9 + x / 100 })),
  );
  const spec = lineChartSpec("lesson", [
    {
      title: "held-out accuracy",
      x: "epoch",
      y: "accuracy",
      percent: true,
      points,
      series: ["relu", "leakyRelu"],
    },
    { title: "loss", x: "epoch", y: "loss", logY: true, points },
  ]) as unknown as {
    hconcat: {
      data: { values: { series: string }[] };
      mark: { point: unknown };
      encoding: Record<
        string,
        {
          field?: string;
          scale?: { domain?: string[]; range?: number[]; domainMin?: number };
          axis?: { format?: string; tickMinStep?: number };
        }
      >;
    }[];
  };
  const [acc, loss] = spec.hconcat;
  for (const channel of ["color", "strokeDash", "strokeWidth", "shape"]) {
    expect(acc?.encoding[channel]?.field).toBe("series");
    // One legend order for every panel, so a series has the same colour, dash and width everywhere.
    expect(loss?.encoding[channel]?.scale?.domain).toEqual(["relu", "leakyRelu"]);
  }
  // The first series is drawn first and widest; the identical second lies on it, narrower.
  expect(acc?.data.values.map((v) => v.series)).toEqual([
    "relu",
    "relu",
    "relu",
    "leakyRelu",
    "leakyRelu",
    "leakyRelu",
  ]);
  expect(acc?.encoding.strokeWidth?.scale?.range?.slice(0, 2)).toEqual([5, 3]);
  expect(acc?.mark.point).toBeTruthy();
  expect(acc?.encoding.x?.scale?.domainMin).toBe(0);
  expect(acc?.encoding.x?.axis).toEqual({ format: "~g", tickMinStep: 1 });
  expect(acc?.encoding.y?.axis?.format).toBe("~%");
  expect(loss?.encoding.y?.axis?.format).toBe("~g");
});

it("tick labels read 1, 0.5 and 90%, never 1.000000", async () => {
  const points = [0.5, 1, 1.5, 2].map((x) => ({ series: "train", x, y: 1 / x }));
  const svg = await renderSvg(
    lineChartSpec("t", [
      { title: "loss", x: "epoch", y: "loss", logY: true, points },
      {
        title: "acc",
        x: "epoch",
        y: "accuracy",
        percent: true,
        points: points.map((p) => ({ ...p, y: 0.8 + p.x / 20 })),
      },
    ]),
  );
  const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] as string);
  expect(labels).toContain("1");
  expect(labels).toContain("90%");
  expect(labels.some((l) => /\.\d*0$|\.0+%$/.test(l))).toBe(false);
});
