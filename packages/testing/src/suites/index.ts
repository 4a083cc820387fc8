/**
 * The `@nn/tensor` behaviour suites (creation, in-place ops, memory, printing, typed errors,
 * edge cases), run against any backend. They read values with the async forms (`data()`,
 * `array()`, `item()`, `format()`), so they run where there are no sync reads; sync forms are
 * checked only where the backend declares `syncRead`.
 */
import type { Backend } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anomalyTests } from "./anomaly.js";
import { creationTests } from "./creation.js";
import { edgeCaseTests } from "./edge-cases.js";
import { errorTests } from "./errors.js";
import { formatTests } from "./format.js";
import { SuiteRun, type TensorSuiteOptions } from "./harness.js";
import { inplaceTests } from "./inplace.js";
import { limitTests } from "./limits.js";
import { memoryTests } from "./memory.js";

export type { Needs, SuiteContext, TensorSuiteOptions } from "./harness.js";

/**
 * Registers the `@nn/tensor` behaviour suites for the backend `makeBackend` makes (called once
 * for the backend under test, and again where a test needs a second instance). Tests that need
 * what the backend does not declare (a dtype, IEEE specials, index checks) are skipped and
 * listed; `options.knownFailures` names the tests expected to fail, each with its reason.
 *
 *     tensorSuites("cpu", () => cpu());
 *     tensorSuites("webgpu", () => webgpu({ device }), { knownFailures: { "memory > ...": "why" } });
 */
export function tensorSuites(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: TensorSuiteOptions = {},
): void {
  describe(`tensor: ${name}`, () => {
    const run = new SuiteRun(name, makeBackend, options);
    const s = run.context();
    beforeAll(() => run.start());
    afterAll(() => run.finish());

    s.group("creation", () => creationTests(s));
    s.group("in-place", () => inplaceTests(s));
    s.group("memory", () => memoryTests(s));
    s.group("format", () => formatTests(s));
    s.group("errors", () => errorTests(s));
    s.group("edge cases", () => edgeCaseTests(s));
    s.group("limits", () => limitTests(s));
    s.group("anomaly mode", () => anomalyTests(s));

    it("lists the tests left out and the known failures", () => {
      if (run.skipped.length)
        console.info(
          `[${name}] ${run.skipped.length} tests left out by declared capabilities:\n  ${run.skipped.join("\n  ")}`,
        );
      const known = run.knownFailureList();
      if (known.length)
        console.info(`[${name}] ${known.length} known failures:\n  ${known.join("\n  ")}`);
      expect(run.unusedKnownFailures(), "known failures that name no test").toEqual([]);
    });
  });
}
