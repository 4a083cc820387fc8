/**
 * The optimizer race, without the page: each optimizer starts at the same point of a surface
 * and takes `steps` steps of its own update rule on the surface's loss. The page animates what
 * this yields; the tests compare it with PyTorch and with a direct nn loop.
 */
import { backward, noGrad } from "@nn/autograd";
import type { Optimizer } from "@nn/optim";
import { dispose, narrow, type Tensor, tensor, tidy } from "@nn/tensor";
import { buildOptimizer } from "../optimizers.js";
import { SURFACES, type SurfaceName } from "./surfaces.js";

/** What one race runs. */
export interface RaceConfig {
  surface: SurfaceName;
  /** Optimizer names (see `optimizerNames`). */
  optimizers: readonly string[];
  lr: number;
  /** SGD's momentum for the presets, β₁ for the Adam family and Lion (default 0.9, theirs). */
  momentum?: number;
  start: readonly [number, number];
  steps: number;
}

/** One optimizer's path: points and losses before each step (index 0 is the start). */
export interface Trajectory {
  optimizer: string;
  xs: number[];
  ys: number[];
  losses: number[];
  /**
   * Set when the loss stopped being finite, or the point flew far off the plotted rectangle:
   * no more steps are taken (or recorded).
   */
  diverged: boolean;
}

/** A point this many plot widths outside the plotted rectangle has left the race. */
const ESCAPE_MARGIN = 2;

/** Whether (x, y) is outside `bounds` by more than ESCAPE_MARGIN times their size. */
function escaped([x0, x1, y0, y1]: readonly number[], x: number, y: number): boolean {
  const [a = 0, b = 0, c = 0, d = 0] = [x0, x1, y0, y1];
  const mx = ESCAPE_MARGIN * (b - a);
  const my = ESCAPE_MARGIN * (d - c);
  return !(x > a - mx && x < b + mx && y > c - my && y < d + my);
}

interface Runner {
  trajectory: Trajectory;
  p: Tensor;
  optimizer: Optimizer;
}

/**
 * Runs the race, yielding the trajectories so far after every `chunk` steps (and at the end),
 * so a page can draw while it computes. Values are read back once a chunk (asynchronously:
 * it runs on WebGPU too). Throws ValueError from @nn/optim for an unknown optimizer or bad lr.
 */
export async function* raceSteps(config: RaceConfig, chunk = 10): AsyncGenerator<Trajectory[]> {
  const f = SURFACES[config.surface].f;
  const loss = (p: Tensor) => f(narrow(p, 0, 0, 1), narrow(p, 0, 1, 1)).sum();
  const runners: Runner[] = config.optimizers.map((name) => {
    const p = tensor([...config.start], { requiresGrad: true });
    return {
      trajectory: { optimizer: name, xs: [], ys: [], losses: [], diverged: false },
      p,
      optimizer: buildOptimizer(name, [p], config.lr, config.momentum),
    };
  });
  try {
    for (let done = 0; done <= config.steps; ) {
      const last = Math.min(done + chunk, config.steps + 1);
      const snaps: Tensor[][] = runners.map(() => []);
      for (let step = done; step < last; step++) {
        runners.forEach((r, i) => {
          if (r.trajectory.diverged) return;
          const snap = tidy(() => {
            const l = loss(r.p);
            const point = noGrad(() => r.p.detach().clone());
            if (step < config.steps) {
              r.optimizer.zeroGrad();
              backward(l);
              r.optimizer.step();
            }
            return [point, l.detach()];
          });
          snaps[i]?.push(...snap);
        });
      }
      const bounds = SURFACES[config.surface].bounds;
      await Promise.all(runners.map((r, i) => record(r.trajectory, snaps[i] ?? [], bounds)));
      done = last;
      yield runners.map((r) => r.trajectory);
    }
  } finally {
    for (const r of runners) {
      r.optimizer.zeroGrad();
      r.optimizer.disposeState();
      r.p.dispose();
    }
  }
}

/** Appends snapshots (point, loss pairs) to a trajectory, stopping at the first non-finite one. */
async function record(t: Trajectory, snaps: Tensor[], bounds: readonly number[]): Promise<void> {
  const values = await Promise.all(snaps.map((s) => s.data()));
  dispose(snaps);
  for (let i = 0; i + 1 < values.length && !t.diverged; i += 2) {
    const point = values[i] as ArrayLike<number>;
    const x = Number(point[0]);
    const y = Number(point[1]);
    const l = Number((values[i + 1] as ArrayLike<number>)[0]);
    if (!Number.isFinite(l) || escaped(bounds, x, y)) {
      t.diverged = true;
      break;
    }
    t.xs.push(x);
    t.ys.push(y);
    t.losses.push(l);
  }
}

/** The whole race at once: the final trajectories. */
export async function runRace(config: RaceConfig): Promise<Trajectory[]> {
  let result: Trajectory[] = [];
  for await (const t of raceSteps(config, config.steps + 1)) result = t;
  return result;
}
