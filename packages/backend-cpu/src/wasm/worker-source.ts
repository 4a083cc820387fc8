/**
 * The body of a kernel worker thread (`threads.ts`), as source text so that the package build
 * needs no second entry and the same code runs from the ESM and CJS builds and from source.
 * Node runs it with `eval: true` (CommonJS, so `require` is there).
 */

/** Int32 slots of the control block (a SharedArrayBuffer) that the threads share. */
export const CTRL = {
  /** Job generation: the caller bumps it and notifies; workers wait for it to change. */
  gen: 0,
  /** Workers that finished the current job (the caller waits for all). */
  done: 1,
  /** Workers that picked up the current job. */
  started: 2,
  /** 1 + the index of a worker whose kernel threw, else 0. */
  failed: 3,
  /** The job's kernel id (`ThreadPool.kernel`). */
  kernel: 4,
  /** Arguments per call. */
  arity: 5,
  /** Nonzero once some call returned nonzero (e.g. an elementwise kernel's out-of-range flag). */
  result: 6,
  /** Worker w's calls: the first at `ranges + 2 w` (a float64 index), their count at `+ 1`. */
  ranges: 16,
  /** Where the argument tuples begin, as a float64 index (so f32 arguments pass exactly). */
  args: 128,
} as const;

/**
 * Waits for a new generation, instantiates the job's kernel on the shared memory the first time
 * its id is seen (the caller posts `{ id, bytes, name }` on the worker's port first), calls it
 * once per argument tuple of this worker's range, ORs its results into `result`, and counts
 * itself done. A throw (a Wasm trap)
 * is posted back as text and flagged, never left to hang the caller.
 */
export const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, control, port, index } = workerData;
const C = ${JSON.stringify(CTRL)};
const ctrl = new Int32Array(control);
const argv = new Float64Array(control);
const kernels = new Map();
const pause = new Int32Array(new SharedArrayBuffer(4));
function kernel(id) {
  for (let tries = 0; !kernels.has(id); tries++) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) {
      if (tries > 2000) throw new Error("kernel " + id + " never arrived");
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    const { id: got, bytes, name } = m.message;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    kernels.set(got, inst.exports[name]);
  }
  return kernels.get(id);
}
let seen = 0; // the generation when the pool was made: a job posted before this thread started still runs
for (;;) {
  Atomics.wait(ctrl, C.gen, seen);
  seen = Atomics.load(ctrl, C.gen);
  Atomics.add(ctrl, C.started, 1);
  try {
    const fn = kernel(Atomics.load(ctrl, C.kernel));
    const arity = ctrl[C.arity];
    const first = ctrl[C.ranges + 2 * index];
    const end = first + arity * ctrl[C.ranges + 2 * index + 1];
    let result = 0;
    for (let at = first; at < end; at += arity) result |= fn.apply(null, argv.subarray(at, at + arity));
    if (result) Atomics.or(ctrl, C.result, 1);
  } catch (e) {
    port.postMessage(String((e && e.stack) || e));
    Atomics.store(ctrl, C.failed, index + 1);
  }
  Atomics.add(ctrl, C.done, 1);
  Atomics.notify(ctrl, C.done);
}
`;
