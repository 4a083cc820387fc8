/**
 * Who last set each parameter group's learning rate, so that an optimizer refusing an invalid
 * lr at `step()` can name it ("set by ExponentialLR at epoch 3", or by hand). A WeakMap keyed by
 * the group object: nothing is added to the group, and nothing outlives it.
 */

type Source = { by: string; epoch: number; lr: unknown };

const sources = new WeakMap<object, Source>();

/** Records that scheduler `by` set `group.lr` to `lr` at `epoch`. */
export function recordLrSource(group: object, by: string, epoch: number, lr: unknown): void {
  sources.set(group, { by, epoch, lr });
}

/** Describes who set `lr`, the group's current learning rate: a scheduler, or the user. */
export function describeLrSource(group: object, lr: unknown): string {
  const s = sources.get(group);
  if (!s) return "set by hand or at construction";
  if (Object.is(s.lr, lr)) return `set by ${s.by} at epoch ${s.epoch}`;
  return `set by hand after ${s.by} set it to ${String(s.lr)} at epoch ${s.epoch}`;
}
