/**
 * `pnpm train --train-size 1000 --epochs 1` on WebGPU reaches the held-out accuracy of the same
 * run on the CPU, within half a point (both 81.00% when this was written): the backend's float32
 * rounding differs from the CPU's but must not change what the model learns. Runs the CLI's
 * entry in-process on Dawn (a software adapter in CI, where a missing adapter fails the test).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeWebGpu } from "@nn/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli.js";

const env = await nodeWebGpu();
const work = mkdtempSync(join(tmpdir(), "nn-train-webgpu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Trains with `backend` and returns metrics.json's final held-out accuracy (0..1). */
async function heldOutAccuracy(backend: "cpu" | "webgpu"): Promise<number> {
  const out = join(work, backend);
  const log = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const args = ["--backend", backend, "--train-size", "1000", "--epochs", "1", "--quiet"];
    expect(await main(["node", "train", ...args, "--out", out])).toBe(0);
  } finally {
    log.mockRestore();
  }
  const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
  return metrics.final.accuracy;
}

describe.skipIf(!env)("--backend webgpu against --backend cpu", () => {
  it("reaches the CPU's held-out accuracy within 0.5 points", async () => {
    const cpu = await heldOutAccuracy("cpu");
    const gpu = await heldOutAccuracy("webgpu");
    expect(cpu).toBeGreaterThan(0.75); // the run learned: a tie at chance would prove nothing
    expect(Math.abs(gpu - cpu)).toBeLessThanOrEqual(0.005);
  }, 120_000); // two real trainings, one on a software adapter, on a loaded 2-core machine
});
