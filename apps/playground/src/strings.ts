/**
 * Every piece of UI text, in English and Korean. Elements carry a `data-i18n` key and
 * `translate` fills them in, so switching language never recomputes a chart.
 */

/** The page's languages. */
export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];

const EN = {
  "app.title": "nn playground",
  "app.tagline":
    "Why deep sigmoid nets stop learning, why ReLU does not, and how optimizers move on a real loss: computed live by nn in this page.",
  "app.backend": "Backend",
  "app.computing": "computing…",
  "app.seed": "Seed",
  "backend.webgpu": "WebGPU",
  "backend.cpu": "CPU",
  "backend.unavailable": "WebGPU is not available here: running on the CPU backend.",
  "panel.race": "Optimizer race",
  "panel.activations": "Activation explorer",
  "panel.vanishing": "Vanishing gradients",
  "panel.train": "Train in the browser",
  "race.lede":
    "Every optimizer starts from the same point. Click the map to move the start; the paths are computed step by step by nn's optimizers on the surface's loss.",
  "race.surface": "Surface",
  "race.surface.rosenbrock": "Rosenbrock (curved valley)",
  "race.surface.beale": "Beale (flat plateaus)",
  "race.surface.himmelblau": "Himmelblau (four minima)",
  "race.surface.saddle": "Saddle point",
  "race.surface.quadratic": "Ill-conditioned quadratic",
  "race.optimizers": "Optimizers",
  "race.lr": "Learning rate",
  "race.momentum": "Momentum / β₁",
  "race.steps": "Steps",
  "race.run": "Race again",
  "race.contours": "Loss surface and paths (click to set the start)",
  "race.loss": "Loss above the minimum, per step (log scale)",
  "race.diverged": "diverged",
  "race.final": "Final loss",
  "act.lede":
    "f(x) and its derivative f′(x), which nn's autograd computes (no formula). Shaded: saturated regions, where |f′(x)| < 1% of its maximum and gradients barely pass.",
  "act.activation": "Activation",
  "act.params": "Parameters",
  "act.noParams": "This activation has no parameters.",
  "act.chart": "f(x) and f′(x)",
  "act.custom":
    "“swishBeta” is defined in this page with defineActivation: x · sigmoid(β x), one expression; its gradient comes from nn.",
  "act.range": "Saturated for",
  "vanish.lede":
    "A deep MLP on a batch of real handwritten digits: the gradient norm of each layer's weights, first layer on the left. With sigmoid it shrinks layer by layer towards the input.",
  "vanish.depth": "Depth (layers)",
  "vanish.activation": "Activation",
  "vanish.init": "Initialiser",
  "vanish.init.default": "PyTorch default (Kaiming uniform, a=√5)",
  "vanish.init.xavier": "Xavier / Glorot uniform",
  "vanish.init.kaiming": "Kaiming / He normal",
  "vanish.init.normal": "Normal, std 0.01",
  "vanish.chart": "Gradient norm per layer (log scale)",
  "vanish.train": "20 more steps",
  "vanish.moved": "How far each layer's weights moved in 20 steps of SGD (relative, log scale)",
  "vanish.layer": "layer",
  "vanish.frozen":
    "A layer without a point did not move at all: its change is below float32's resolution.",
  "train.lede":
    "A small MLP learns the digits in this page. Then draw a digit: it is classified as you draw.",
  "train.optimizer": "Optimizer",
  "train.activation": "Activation",
  "train.hidden": "Hidden units",
  "train.lr": "Learning rate",
  "train.start": "Train 200 steps",
  "train.stop": "Stop",
  "train.reset": "Reset",
  "train.curves": "Training loss and held-out accuracy",
  "train.loss": "loss",
  "train.accuracy": "accuracy",
  "train.draw": "Draw a digit",
  "train.clear": "Clear",
  "train.prediction": "Prediction",
  "train.load": "Load a checkpoint from pnpm train (.safetensors)",
  "train.loaded": "Checkpoint loaded",
  "train.status": "Step {step} · loss {loss} · held-out accuracy {acc}",
} as const;

/** A UI string's key. */
export type StringKey = keyof typeof EN;

const KO: Record<StringKey, string> = {
  "app.title": "nn 놀이터",
  "app.tagline":
    "깊은 시그모이드 신경망이 왜 학습을 멈추는지, ReLU는 왜 그렇지 않은지, 최적화 기법이 실제 손실 위에서 어떻게 움직이는지: 이 페이지에서 nn이 직접 계산합니다.",
  "app.backend": "백엔드",
  "app.computing": "계산 중…",
  "app.seed": "시드",
  "backend.webgpu": "WebGPU",
  "backend.cpu": "CPU",
  "backend.unavailable": "이 환경에서는 WebGPU를 쓸 수 없어 CPU 백엔드로 실행합니다.",
  "panel.race": "최적화 기법 경주",
  "panel.activations": "활성화 함수 탐색기",
  "panel.vanishing": "기울기 소실",
  "panel.train": "브라우저에서 학습",
  "race.lede":
    "모든 최적화 기법이 같은 지점에서 출발합니다. 지도를 클릭해 출발점을 옮기세요. 경로는 nn의 최적화 기법이 손실 위에서 한 걸음씩 계산합니다.",
  "race.surface": "손실 곡면",
  "race.surface.rosenbrock": "로젠브록 (굽은 골짜기)",
  "race.surface.beale": "빌 (평평한 고원)",
  "race.surface.himmelblau": "힘멜블라우 (최솟값 네 개)",
  "race.surface.saddle": "안장점",
  "race.surface.quadratic": "조건수가 나쁜 이차 함수",
  "race.optimizers": "최적화 기법",
  "race.lr": "학습률",
  "race.momentum": "모멘텀 / β₁",
  "race.steps": "단계 수",
  "race.run": "다시 경주",
  "race.contours": "손실 곡면과 경로 (클릭해서 출발점 지정)",
  "race.loss": "단계별 손실과 최솟값의 차 (로그 눈금)",
  "race.diverged": "발산",
  "race.final": "최종 손실",
  "act.lede":
    "f(x)와 도함수 f′(x). 도함수는 공식이 아니라 nn의 자동 미분으로 계산합니다. 음영: |f′(x)|가 최댓값의 1% 미만인 포화 구간으로, 기울기가 거의 전달되지 않습니다.",
  "act.activation": "활성화 함수",
  "act.params": "매개변수",
  "act.noParams": "이 활성화 함수에는 매개변수가 없습니다.",
  "act.chart": "f(x)와 f′(x)",
  "act.custom":
    "“swishBeta”는 이 페이지에서 defineActivation으로 정의했습니다: x · sigmoid(β x) 한 식이며, 기울기는 nn이 계산합니다.",
  "act.range": "포화 구간",
  "vanish.lede":
    "실제 손글씨 숫자 묶음에 대한 깊은 MLP: 각 층 가중치의 기울기 노름이며, 왼쪽이 첫 층입니다. 시그모이드에서는 입력 쪽으로 갈수록 층마다 줄어듭니다.",
  "vanish.depth": "깊이 (층 수)",
  "vanish.activation": "활성화 함수",
  "vanish.init": "초기화",
  "vanish.init.default": "PyTorch 기본값 (Kaiming 균등, a=√5)",
  "vanish.init.xavier": "Xavier / Glorot 균등",
  "vanish.init.kaiming": "Kaiming / He 정규",
  "vanish.init.normal": "정규분포, 표준편차 0.01",
  "vanish.chart": "층별 기울기 노름 (로그 눈금)",
  "vanish.train": "20단계 더 학습",
  "vanish.moved": "SGD 20단계 동안 각 층 가중치가 움직인 정도 (상대값, 로그 눈금)",
  "vanish.layer": "층",
  "vanish.frozen": "점이 없는 층은 전혀 움직이지 않았습니다: 변화가 float32의 해상도보다 작습니다.",
  "train.lede":
    "작은 MLP가 이 페이지에서 숫자를 학습합니다. 그다음 숫자를 그려 보세요: 그리는 동안 분류합니다.",
  "train.optimizer": "최적화 기법",
  "train.activation": "활성화 함수",
  "train.hidden": "은닉 유닛",
  "train.lr": "학습률",
  "train.start": "200단계 학습",
  "train.stop": "멈춤",
  "train.reset": "초기화",
  "train.curves": "학습 손실과 검증 정확도",
  "train.loss": "손실",
  "train.accuracy": "정확도",
  "train.draw": "숫자를 그리세요",
  "train.clear": "지우기",
  "train.prediction": "예측",
  "train.load": "pnpm train 체크포인트 불러오기 (.safetensors)",
  "train.loaded": "체크포인트를 불러왔습니다",
  "train.status": "{step}단계 · 손실 {loss} · 검증 정확도 {acc}",
};

const TABLES: Readonly<Record<Language, Readonly<Record<StringKey, string>>>> = { en: EN, ko: KO };

let current: Language = "en";

/** Sets the language `t` and `translate` use. */
export function setLanguage(lang: Language): void {
  current = lang;
}

/** The text of `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: StringKey, vars: Record<string, string | number> = {}): string {
  return TABLES[current][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** Fills every `[data-i18n]` element under `root` with its text in the current language. */
export function translate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n as StringKey);
  }
  document.documentElement.lang = current;
}
