/**
 * The page: header (backend switch with the adapter's name, language switch), one tab per
 * panel, and the active panel. The state lives in the URL (state.ts); a panel is created when it
 * is shown and disposed when another is, or when the backend changes.
 */
import "./style.css";
import { activationsPanel } from "./activations/panel.js";
import { type ActiveBackend, activateBackend } from "./backend.js";
import { h } from "./dom.js";
import type { Panel, PanelContext } from "./panel.js";
import { probe } from "./probe.js";
import { racePanel } from "./race/panel.js";
import { type PanelId, parseState, type State, serializeState } from "./state.js";
import { LANGUAGES, type Language, type StringKey, setLanguage, translate } from "./strings.js";
import { trainPanel } from "./train/panel.js";
import { vanishingPanel } from "./vanishing/panel.js";

const PANELS: Record<PanelId, (ctx: PanelContext) => Panel> = {
  race: racePanel,
  activations: activationsPanel,
  vanishing: vanishingPanel,
  train: trainPanel,
};

const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ko: "한국어" };

const state: State = parseState(location.search);
setLanguage(state.lang);

let active: ActiveBackend | undefined;
let panel: Panel | undefined;
let busyCount = 0;

function update(patch: Partial<State>): void {
  Object.assign(state, patch);
  history.replaceState(null, "", `${location.pathname}${serializeState(state)}${location.hash}`);
}

const spinner = h("span", { class: "busy", i18n: "app.computing", hidden: true });
const ctx: PanelContext = {
  state,
  update,
  busy(on) {
    busyCount = Math.max(0, busyCount + (on ? 1 : -1));
    spinner.hidden = busyCount === 0;
  },
};

const backendLabel = h("span", { class: "adapter", "data-testid": "adapter" });
const backendButtons = (["webgpu", "cpu"] as const).map((kind) => {
  const b = h("button", {
    type: "button",
    "data-backend": kind,
    i18n: `backend.${kind}` as StringKey,
  });
  b.addEventListener("click", () => {
    if (kind !== active?.kind) switchBackend(kind);
  });
  return b;
});
const languageButtons = LANGUAGES.map((lang) => {
  const b = h("button", { type: "button", lang, "data-lang": lang }, LANGUAGE_NAMES[lang]);
  b.addEventListener("click", () => {
    update({ lang });
    setLanguage(lang);
    translate(document);
    markPressed();
  });
  return b;
});
const tabs = (Object.keys(PANELS) as PanelId[]).map((id) => {
  const b = h("button", {
    type: "button",
    role: "tab",
    "data-panel": id,
    i18n: `panel.${id}` as StringKey,
  });
  b.addEventListener("click", () => {
    update({ panel: id });
    show();
  });
  return b;
});
const main = h("main", {});
const notice = h("p", { class: "notice", i18n: "backend.unavailable", hidden: true });

document
  .getElementById("app")
  ?.append(
    h(
      "header",
      {},
      h("div", { class: "title" }, h("h1", { i18n: "app.title" }), h("p", { i18n: "app.tagline" })),
      h(
        "div",
        { class: "switches" },
        h(
          "div",
          { class: "switch", role: "group" },
          h("span", { i18n: "app.backend" }),
          ...backendButtons,
          backendLabel,
        ),
        h("div", { class: "switch", role: "group" }, ...languageButtons),
        spinner,
      ),
    ),
    notice,
    h("nav", { role: "tablist" }, ...tabs),
    main,
  );

function markPressed(): void {
  for (const b of backendButtons)
    b.setAttribute("aria-pressed", String(b.dataset.backend === active?.kind));
  for (const b of languageButtons)
    b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
  for (const b of tabs) b.setAttribute("aria-selected", String(b.dataset.panel === state.panel));
}

/** Shows the state's panel (a new instance, on the current backend). */
function show(): void {
  panel?.dispose();
  panel = PANELS[state.panel](ctx);
  main.replaceChildren(panel.element);
  markPressed();
}

async function switchBackend(kind: "webgpu" | "cpu"): Promise<void> {
  panel?.dispose();
  panel = undefined;
  active = await activateBackend(kind);
  update({ backend: kind });
  backendLabel.textContent = active.label;
  notice.hidden = !active.fellBack;
  probe().backend = active.kind;
  show();
}

switchBackend(state.backend);
