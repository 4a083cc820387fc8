/**
 * The drawing pad: a square canvas to draw on with mouse, pen or finger (white ink on black, as
 * MNIST), calling `onChange` with its pixels as intensities after every stroke segment.
 */
import { h } from "../dom.js";

/** The pad's element, and a way to clear it. */
export interface Sketch {
  readonly canvas: HTMLCanvasElement;
  clear(): void;
}

/** A `size` x `size` pad; `onChange(gray)` gets size*size intensities in [0, 1]. */
export function sketchPad(size: number, onChange: (gray: Float32Array) => void): Sketch {
  const canvas = h("canvas", { width: size, height: size, class: "pad", "data-testid": "pad" });
  const g = canvas.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
  let last: [number, number] | undefined;

  function clear(): void {
    g.fillStyle = "#000";
    g.fillRect(0, 0, size, size);
  }

  function at(e: PointerEvent): [number, number] {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * size) / r.width, ((e.clientY - r.top) * size) / r.height];
  }

  function pixels(): Float32Array {
    const { data } = g.getImageData(0, 0, size, size);
    const gray = new Float32Array(size * size);
    for (let i = 0; i < gray.length; i++) gray[i] = (data[4 * i] as number) / 255;
    return gray;
  }

  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!last) return;
    const next = at(e);
    g.strokeStyle = "#fff";
    g.lineWidth = size / 14;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.beginPath();
    g.moveTo(...last);
    g.lineTo(...next);
    g.stroke();
    last = next;
    onChange(pixels());
  });
  const end = () => {
    if (last) onChange(pixels());
    last = undefined;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  clear();
  return { canvas, clear };
}
