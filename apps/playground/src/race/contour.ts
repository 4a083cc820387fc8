/**
 * The contour map of a surface: the loss on a grid (one nn computation), cut into filled bands
 * by d3-contour on a log scale, drawn on a canvas with the plane's x to the right and y up.
 */

import { linspace, reshape, tidy } from "@nn/tensor";
import { contours } from "d3-contour";
import type { Surface } from "./surfaces.js";

/** Grid resolution of the contour map (cells per side). */
const GRID = 120;
const BANDS = 18;

/** Colours from low to high loss (a light viridis-like ramp, so paths stay readable on it). */
const RAMP = ["#2c3e7a", "#3b6ea5", "#4aa3a2", "#8cc984", "#d8e69a", "#fdf6c9"];

function ramp(u: number): string {
  const pos = Math.min(Math.max(u, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(pos), RAMP.length - 2);
  const a = hex(RAMP[i] as string);
  const b = hex(RAMP[i + 1] as string);
  const mix = a.map((c, k) => Math.round(c + (pos - i) * ((b[k] as number) - c)));
  return `rgb(${mix.join(",")})`;
}

function hex(c: string): number[] {
  return [1, 3, 5].map((k) => Number.parseInt(c.slice(k, k + 2), 16));
}

/** Maps between the plane and a canvas of `width` x `height` pixels. */
export interface View {
  toPixel(x: number, y: number): [number, number];
  toPlane(px: number, py: number): [number, number];
}

/** The plane-to-canvas mapping of `surface` on a canvas of this size. */
export function viewOf(surface: Surface, width: number, height: number): View {
  const [x0, x1, y0, y1] = surface.bounds;
  return {
    toPixel: (x, y) => [((x - x0) / (x1 - x0)) * width, (1 - (y - y0) / (y1 - y0)) * height],
    toPlane: (px, py) => [x0 + (px / width) * (x1 - x0), y1 - (py / height) * (y1 - y0)],
  };
}

/**
 * The loss on a GRID x GRID grid of cell centres, row 0 at the top (largest y), computed with
 * nn on the default backend and read back.
 */
export async function lossGrid(surface: Surface): Promise<Float32Array> {
  const [x0, x1, y0, y1] = surface.bounds;
  const half = (lo: number, hi: number) => (hi - lo) / GRID / 2;
  const grid = tidy(() => {
    const xs = reshape(linspace(x0 + half(x0, x1), x1 - half(x0, x1), GRID), [1, GRID]);
    const ys = reshape(linspace(y1 - half(y0, y1), y0 + half(y0, y1), GRID), [GRID, 1]);
    return surface.f(xs, ys);
  });
  try {
    return Float32Array.from(await grid.data());
  } finally {
    grid.dispose();
  }
}

/**
 * Draws the filled contour bands of `values` (from `lossGrid`) over the whole canvas: levels
 * evenly spaced in log(1 + loss - min), so both the valley floor and the walls show.
 */
export function drawContours(ctx: CanvasRenderingContext2D, values: Float32Array): void {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  const logged = Array.from(values, (v) => Math.log1p(v - min));
  const top = Math.max(...logged);
  const levels = Array.from({ length: BANDS }, (_, i) => (top * i) / BANDS);
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.scale(width / GRID, height / GRID);
  for (const band of contours().size([GRID, GRID]).thresholds(levels)(logged)) {
    ctx.beginPath();
    for (const polygon of band.coordinates) {
      for (const ring of polygon) {
        ring.forEach(([x, y], i) => {
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = ramp(top > 0 ? band.value / top : 0);
    ctx.fill();
    ctx.strokeStyle = "rgba(255,255,255,0.35)";
    ctx.lineWidth = GRID / width;
    ctx.stroke();
  }
  ctx.restore();
}
