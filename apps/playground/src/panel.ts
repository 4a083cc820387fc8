/** What every panel of the page is given and gives back. */
import type { State } from "./state.js";

/** A panel's view of the page: the state (from the URL) and a way to change it. */
export interface PanelContext {
  readonly state: State;
  /** Merges `patch` into the state and the URL (no reload, no history entry). */
  update(patch: Partial<State>): void;
  /** Shows or hides the "computing" indicator. */
  busy(on: boolean): void;
}

/** A mounted panel. `dispose` stops its work and frees its tensors. */
export interface Panel {
  readonly element: HTMLElement;
  dispose(): void;
}
