/**
 * The harness of the `@nn/tensor` behaviour suites: one backend per run, tests skipped (with
 * the reason listed) where the backend does not declare what they need, and known failures
 * declared by the caller run as `it.fails`, so a fix shows up as a failure to remove them.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Backend, DType } from "@nn/tensor";
import { describe, it } from "vitest";

/** What a test needs of a backend beyond float32, int32 and bool and finite values. */
export interface Needs {
  /** Dtypes the test stores (float32, int32 and bool are assumed). */
  readonly dtypes?: readonly DType[];
  /** The test produces or propagates NaN or ±Infinity. */
  readonly ieeeSpecials?: boolean;
  /** The test expects kernels to throw IndexError for an index out of range. */
  readonly indexChecks?: boolean;
}

/** What each suite registers its tests with. */
export interface SuiteContext {
  /** The backend under test; set before the first test runs. */
  readonly backend: Backend;
  /** A second instance of the same kind of backend (a new one per call), destroyed after the suites. */
  other(): Promise<Backend>;
  /**
   * Whether the backend under test declares `dtype`, for a test that leaves out its assertions
   * on a dtype the backend lacks (they are listed with the skipped tests).
   */
  supports(dtype: DType): boolean;
  /** `describe`, keeping the path that names a test in `knownFailures`. */
  group(name: string, body: () => void): void;
  /**
   * `it`: skipped, with the reason listed, where the backend does not declare `needs`; run as
   * `it.fails` where the caller declared it a known failure.
   */
  test(name: string, fn: () => unknown, needs?: Needs): void;
}

/** Why `backend` cannot run a test that needs `needs`, or undefined when it can. */
export function unmetNeeds(backend: Backend, needs: Needs | undefined): string | undefined {
  if (!needs) return undefined;
  const caps = backend.capabilities;
  const missing = (needs.dtypes ?? []).filter((d) => !caps.dtypes.includes(d));
  if (missing.length) return `dtype ${missing.join(", ")} not supported`;
  if (needs.ieeeSpecials && !caps.ieeeSpecials) return "IEEE special values not supported";
  if (needs.indexChecks && !caps.indexChecks) return "kernels do not check indices";
  return undefined;
}

/** Options of `tensorSuites`. */
export interface TensorSuiteOptions {
  /**
   * Tests that fail on this backend, by path ("memory > tidy > keeps what fn returns, ..."),
   * each with a one-line reason. They run as `it.fails`: one that starts passing fails the run.
   */
  readonly knownFailures?: Readonly<Record<string, string>>;
  /** Per-test timeout in milliseconds (vitest's default where absent); software GPUs are slow. */
  readonly timeout?: number;
}

/** The state one run of the suites shares; `context()` hands the tests their view of it. */
export class SuiteRun {
  #backend: Backend | undefined;
  readonly #created: Backend[] = [];
  #path: string[] = [];
  readonly #used = new Set<string>();
  #current = "";
  readonly skipped: string[] = [];

  constructor(
    readonly name: string,
    readonly make: () => Backend | Promise<Backend>,
    readonly options: TensorSuiteOptions,
  ) {}

  /** Creates the backend under test. */
  async start(): Promise<Backend> {
    this.#backend = await this.make();
    this.#created.push(this.#backend);
    return this.#backend;
  }

  /** Destroys every backend the run created. */
  finish(): void {
    for (const b of this.#created.splice(0)) b.destroy?.();
  }

  /** Known failures that named no test. */
  unusedKnownFailures(): string[] {
    return Object.keys(this.options.knownFailures ?? {}).filter((k) => !this.#used.has(k));
  }

  /** The known failures this run declared, with their reasons. */
  knownFailureList(): string[] {
    return Object.entries(this.options.knownFailures ?? {}).map(([k, why]) => `${k}: ${why}`);
  }

  context(): SuiteContext {
    const run = this;
    const ctx: SuiteContext = {
      get backend(): Backend {
        if (!run.#backend) throw new Error(`${run.name}: the backend is made in beforeAll`);
        return run.#backend;
      },
      async other() {
        const b = await run.make();
        run.#created.push(b);
        return b;
      },
      supports(dtype) {
        const yes = ctx.backend.capabilities.dtypes.includes(dtype);
        const note = `${run.#current}: its ${dtype} assertions (dtype ${dtype} not supported)`;
        if (!yes && !run.skipped.includes(note)) run.skipped.push(note);
        return yes;
      },
      group(name, body) {
        // vitest may run a describe's body after its parent's: keep the path as of now
        const path = [...run.#path, name];
        describe(name, () => {
          const outer = run.#path;
          run.#path = path;
          try {
            body();
          } finally {
            run.#path = outer;
          }
        });
      },
      test(name, fn, needs) {
        const id = [...run.#path, name].join(" > ");
        const known = run.options.knownFailures?.[id];
        if (known !== undefined) run.#used.add(id);
        const body = async (task: { skip(note?: string): never }) => {
          run.#current = id;
          const why = unmetNeeds(ctx.backend, needs);
          if (why) {
            run.skipped.push(`${id}: ${why}`);
            task.skip(why);
          }
          await fn();
        };
        const timeout = run.options.timeout;
        if (known === undefined) it(name, body, timeout);
        else it.fails(`${name} [known failure: ${known}]`, body, timeout);
      },
    };
    return ctx;
  }
}

/**
 * `text` (a `format()` result) without the `device=<label>` field a backend other than the CPU
 * adds, so it compares with PyTorch's CPU repr.
 */
export function withoutDevice(text: string, backend: Backend): string {
  const label = backend.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`,(?: |\\n *)device=${label}`), "");
}

let gc: (() => void) | undefined;

/**
 * Collects garbage and lets the finalizers run. `memory()` counts a tensor that was never
 * disposed until it is collected; a test that counts tensors across an `await` on a backend
 * whose reads yield to the event loop (a GPU) would otherwise see earlier tests' garbage go.
 */
export async function collectGarbage(): Promise<void> {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    }
  }
  // Tensors are handed to the finalizer at a microtask checkpoint after they are made (see
  // tensor.ts): let that run first, so that a tensor dropped just now can be collected.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  // V8 queues the finalizers as a task after the collection
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
