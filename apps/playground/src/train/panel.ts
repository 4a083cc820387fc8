/**
 * The training panel: a small MLP learns the shipped digits in the page (optimizer, activation,
 * width and learning rate chosen here), with live loss and held-out accuracy, and a pad to draw
 * a digit that the model classifies as you draw.
 */
import { activationNames } from "../activations/registry.js";
import { lineChart } from "../chart.js";
import { type Digits, loadDigits } from "../digits.js";
import { field, formatNumber, h, logSlider, nextFrame, seedInput, select } from "../dom.js";
import { optimizerNames } from "../optimizers.js";
import type { Panel, PanelContext } from "../panel.js";
import { probe } from "../probe.js";
import { t } from "../strings.js";
import { loadCheckpoint } from "./checkpoint.js";
import { toMnist } from "./preprocess.js";
import { sketchPad } from "./sketch.js";
import { Trainer } from "./trainer.js";

/** Steps one press of Train runs. */
export const STEPS_PER_RUN = 200;
/** Steps between two points of the curves (and two frames). */
const REPORT_EVERY = 10;
const HIDDEN_CHOICES = [16, 32, 64, 128, 256];
const PAD_SIZE = 280;
const LOSS_COLOR = "#3b6ea5";
const ACCURACY_COLOR = "#59a14f";

/** Creates the panel with a fresh, untrained model. */
export function trainPanel(ctx: PanelContext): Panel {
  const { state } = ctx;
  if (!activationNames().includes(state.tact)) ctx.update({ tact: "relu" });
  if (!optimizerNames().includes(state.topt)) ctx.update({ topt: "adam" });
  let trainer: Trainer | undefined;
  let digits: Digits | undefined;
  let running = false;
  let generation = 0;
  const curve: { step: number[]; loss: (number | null)[]; acc: number[] } = {
    step: [],
    loss: [],
    acc: [],
  };

  const chartBox = h("div", { class: "chart", "data-testid": "train-chart" });
  const chart = lineChart(chartBox, {
    xLabel: "step",
    yRange: [0, 2.5],
    legend: false,
    series: [
      { label: "loss", color: LOSS_COLOR },
      { label: "accuracy", color: ACCURACY_COLOR },
    ],
  });
  const status = h("p", { class: "note", "data-testid": "train-status" });
  const bars = h("ol", { class: "bars", start: 0, "data-testid": "train-bars" });
  const guess = h("div", { class: "guess", "data-testid": "train-guess" }, "–");

  const startButton = h("button", {
    type: "button",
    class: "primary",
    "data-testid": "train-start",
  });
  startButton.addEventListener("click", () => (running ? stop() : run()));
  const resetButton = h("button", { type: "button", i18n: "train.reset" });
  resetButton.addEventListener("click", () => reset());
  const onChange = (patch: Partial<typeof state>) => {
    ctx.update(patch);
    reset();
  };
  const optSelect = select(
    optimizerNames().map((n) => ({ value: n })),
    state.topt,
    (v) => onChange({ topt: v }),
    "train-optimizer",
  );
  const actSelect = select(
    activationNames().map((n) => ({ value: n })),
    state.tact,
    (v) => onChange({ tact: v }),
  );
  const hiddenSelect = select(
    HIDDEN_CHOICES.map((n) => ({ value: String(n) })),
    String(state.hidden),
    (v) => onChange({ hidden: Number(v) }),
  );
  const lr = logSlider(1e-4, 1, state.tlr, (v) => onChange({ tlr: v }));

  const fileInput = h("input", {
    type: "file",
    accept: ".safetensors",
    "data-testid": "train-checkpoint",
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) loadFile(file);
  });
  const loadError = h("p", { class: "bad", hidden: true });

  const pad = sketchPad(PAD_SIZE, (gray) => classify(gray));
  const clearButton = h("button", { type: "button", i18n: "train.clear" });
  clearButton.addEventListener("click", () => {
    pad.clear();
    showProbabilities(undefined);
  });

  function label(): void {
    startButton.dataset.i18n = running ? "train.stop" : "train.start";
    startButton.textContent = t(running ? "train.stop" : "train.start");
  }

  function showStatus(loss: number, accuracy: number): void {
    status.textContent = t("train.status", {
      step: trainer?.step ?? 0,
      loss: Number.isFinite(loss) ? formatNumber(loss) : "–",
      acc: `${(accuracy * 100).toFixed(1)}%`,
    });
  }

  async function reset(): Promise<void> {
    const token = ++generation;
    running = false;
    label();
    trainer?.dispose();
    trainer = undefined;
    digits ??= await loadDigits();
    if (token !== generation) return;
    trainer = Trainer.fresh(
      {
        hidden: state.hidden,
        activation: state.tact,
        optimizer: state.topt,
        lr: state.tlr,
        seed: state.seed,
      },
      digits,
    );
    const accuracy = await trainer.accuracy();
    if (token !== generation) return;
    startCurve(accuracy);
    probe().train = { step: 0, loss: Number.NaN, accuracy };
  }

  /** Restarts the chart at step 0: a new model's accuracy, no training loss yet. */
  function startCurve(accuracy: number): void {
    curve.step = [0];
    curve.loss = [null];
    curve.acc = [accuracy];
    chart.setData(curve.step, [curve.loss, curve.acc]);
    showStatus(Number.NaN, accuracy);
  }

  async function run(): Promise<void> {
    if (!trainer) return;
    const token = generation;
    const me = trainer;
    running = true;
    label();
    ctx.busy(true);
    try {
      const end = me.step + STEPS_PER_RUN;
      while (running && token === generation && me.step < end) {
        const loss = await me.train(Math.min(REPORT_EVERY, end - me.step));
        const accuracy = await me.accuracy();
        if (token !== generation) return;
        curve.step.push(me.step);
        curve.loss.push(loss);
        curve.acc.push(accuracy);
        chart.setData(curve.step, [curve.loss, curve.acc]);
        showStatus(loss, accuracy);
        probe().train = { step: me.step, loss, accuracy };
        await nextFrame();
      }
    } finally {
      ctx.busy(false);
      if (token === generation) {
        running = false;
        label();
      }
    }
  }

  /** Replaces the model with a checkpoint's (`pnpm train`'s model.safetensors). */
  async function loadFile(file: File): Promise<void> {
    const token = ++generation;
    running = false;
    label();
    loadError.hidden = true;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      digits ??= await loadDigits();
      if (token !== generation) return;
      const loaded = loadCheckpoint(bytes, file.name);
      trainer?.dispose();
      trainer = new Trainer(
        loaded.model,
        { optimizer: state.topt, lr: state.tlr, seed: state.seed },
        digits,
        loaded.stats,
      );
      const [accuracy, predictions] = await Promise.all([
        trainer.accuracy(),
        trainer.predictions(),
      ]);
      if (token !== generation) return;
      startCurve(accuracy);
      status.textContent = `${t("train.loaded")}: ${loaded.architecture} · ${status.textContent}`;
      probe().train = {
        step: 0,
        loss: Number.NaN,
        accuracy,
        checkpoint: { architecture: loaded.architecture, predictions },
      };
    } catch (e) {
      loadError.textContent = e instanceof Error ? e.message : String(e);
      loadError.hidden = false;
    }
  }

  function stop(): void {
    running = false;
    label();
  }

  let pending: Float32Array | undefined;
  let classifying = false;
  /** Classifies the latest drawing; drawings that arrive meanwhile replace each other. */
  async function classify(gray: Float32Array): Promise<void> {
    pending = gray;
    if (classifying) return;
    classifying = true;
    try {
      while (pending && trainer) {
        const image = toMnist(pending, PAD_SIZE, PAD_SIZE);
        pending = undefined;
        showProbabilities(image ? await trainer.predict(image) : undefined);
      }
    } finally {
      classifying = false;
    }
  }

  function showProbabilities(p: number[] | undefined): void {
    if (!p) {
      guess.textContent = "–";
      bars.replaceChildren();
      return;
    }
    const best = p.indexOf(Math.max(...p));
    guess.textContent = String(best);
    bars.replaceChildren(
      ...p.map((v, d) =>
        h(
          "li",
          { class: d === best ? "best" : undefined },
          h("span", {}, String(d)),
          h("i", { style: `width:${(v * 100).toFixed(1)}%` }),
          h("small", {}, `${(v * 100).toFixed(0)}%`),
        ),
      ),
    );
    const current = probe().train ?? { step: 0, loss: Number.NaN, accuracy: Number.NaN };
    probe().train = { ...current, prediction: best, probabilities: p };
  }

  label();
  reset();
  return {
    element: h(
      "section",
      { class: "panel train" },
      h("p", { class: "lede", i18n: "train.lede" }),
      h(
        "div",
        { class: "controls" },
        field("train.optimizer", optSelect),
        field("train.activation", actSelect),
        field("train.hidden", hiddenSelect),
        field("train.lr", lr.slider, lr.output),
        field(
          "app.seed",
          seedInput(state.seed, (seed) => onChange({ seed })),
        ),
        startButton,
        resetButton,
      ),
      h(
        "div",
        { class: "two" },
        h(
          "figure",
          { class: "grow" },
          h("figcaption", { i18n: "train.curves" }),
          chartBox,
          h(
            "p",
            { class: "legend" },
            h("i", { class: "swatch", style: `background:${LOSS_COLOR}` }),
            h("span", { i18n: "train.loss" }),
            h("i", { class: "swatch", style: `background:${ACCURACY_COLOR}` }),
            h("span", { i18n: "train.accuracy" }),
          ),
          status,
          h("label", { class: "field" }, h("span", { i18n: "train.load" }), fileInput),
          loadError,
        ),
        h(
          "figure",
          {},
          h("figcaption", { i18n: "train.draw" }),
          h(
            "div",
            { class: "draw" },
            pad.canvas,
            h("div", {}, h("span", { class: "note", i18n: "train.prediction" }), guess, bars),
          ),
          clearButton,
        ),
      ),
    ),
    dispose() {
      generation++;
      running = false;
      chart.destroy();
      trainer?.dispose();
    },
  };
}
