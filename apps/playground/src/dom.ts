/** Small DOM helpers: elements with attributes and translated text, and labelled controls. */
import type { StringKey } from "./strings.js";
import { t } from "./strings.js";

type Attrs = Record<string, string | number | boolean | undefined> & { i18n?: StringKey };

/**
 * `<tag ...attrs>children</tag>`. `i18n` sets `data-i18n` and the text in the current language;
 * boolean attributes are set when true; undefined ones are left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "i18n") {
      el.dataset.i18n = String(v);
      el.textContent = t(v as StringKey);
    } else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...children);
  return el;
}

/** A labelled control: `<label><span>label</span>control</label>`. */
export function field(label: StringKey, control: HTMLElement, extra?: HTMLElement): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", { i18n: label }),
    control,
    ...(extra ? [extra] : []),
  );
}

/** A `<select>` of `options` (value, and text or a string key) calling `onChange` with the value. */
export function select(
  options: readonly { value: string; text?: string; i18n?: StringKey }[],
  value: string,
  onChange: (value: string) => void,
  testId?: string,
): HTMLSelectElement {
  const el = h("select", { "data-testid": testId });
  for (const o of options) {
    el.append(h("option", { value: o.value, i18n: o.i18n }, o.i18n ? "" : (o.text ?? o.value)));
  }
  el.value = value;
  el.addEventListener("change", () => onChange(el.value));
  return el;
}

/**
 * A slider over log10 of a value in [min, max], with the value shown beside it; `onChange` runs
 * when the user lets go, `onInput` while dragging.
 */
export function logSlider(
  min: number,
  max: number,
  value: number,
  onChange: (value: number) => void,
  testId?: string,
): { slider: HTMLInputElement; output: HTMLOutputElement } {
  const slider = h("input", {
    type: "range",
    min: Math.log10(min),
    max: Math.log10(max),
    step: 0.05,
    value: Math.log10(value),
    "data-testid": testId,
  });
  const output = h("output", {}, formatNumber(value));
  const read = () => Number(10 ** Number(slider.value)).toPrecision(2);
  slider.addEventListener("input", () => {
    output.textContent = formatNumber(Number(read()));
  });
  slider.addEventListener("change", () => onChange(Number(read())));
  return { slider, output };
}

/** 0.001 → "1e-3", 0.05 → "0.05", 1234.5 → "1.23e+3": short, for labels. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1e4)) {
    return v
      .toExponential(2)
      .replace(/\.?0+e/, "e")
      .replace("e-0", "e-");
  }
  return String(Number(v.toPrecision(3)));
}

/**
 * Resolves on the next animation frame (or after 50 ms in a hidden tab, where frames stop): long
 * computations yield here so the page stays responsive.
 */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A number input for the random seed (an integer >= 0); `onChange` gets the new seed. */
export function seedInput(value: number, onChange: (seed: number) => void): HTMLInputElement {
  const input = h("input", { type: "number", min: 0, step: 1, value, class: "seed" });
  input.addEventListener("change", () => {
    const seed = Math.max(0, Math.floor(Number(input.value) || 0));
    input.value = String(seed);
    onChange(seed);
  });
  return input;
}
