/**
 * Test prerequisites that `.ci/run` installs (chromium, libvulkan1): a local run without them
 * skips with a warning, a CI run fails, so CI never passes by skipping.
 */

/** True under CI: `CI` set to anything but "", "false" or "0" (`.ci/run` sets CI=true). */
export function inCi(): boolean {
  const ci = process.env.CI;
  return !!ci && ci !== "false" && ci !== "0";
}

/**
 * Reports a missing prerequisite of a test suite.
 * @param why what is missing, e.g. "no adapter" (prefixed with `[topic]` by the caller).
 * @param install what to install to get it, e.g. "chromium + libvulkan1".
 * @returns false locally, after a console warning saying the suite is skipped.
 * @throws Error under CI, naming what is missing and what to install.
 */
export function missingPrerequisite(why: string, install: string): false {
  if (inCi()) throw new Error(`${why} under CI: these suites must run there (install ${install})`);
  console.warn(`${why}: tests skipped (CI would fail here; install ${install})`);
  return false;
}
