/**
 * `webgpu` (Dawn, ~130 MB) is an optional dependency: without it `--backend webgpu` is a user
 * error naming the package to install, and the CPU backend still works. The missing package is
 * simulated by a module mock whose load throws, as Node's resolution does when it is absent.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { UserError } from "../src/errors.js";

describe("--backend webgpu without the webgpu package", () => {
  afterEach(() => {
    vi.doUnmock("webgpu");
    vi.resetModules();
  });

  async function createDeviceWithoutDawn() {
    vi.resetModules();
    vi.doMock("webgpu", () => {
      throw new Error("Cannot find package 'webgpu' imported from apps/train/src/backend.ts");
    });
    return (await import("../src/backend.js")).createDevice;
  }

  it("is a UserError naming the optional package and how to install it", async () => {
    const createDevice = await createDeviceWithoutDawn();
    const made = createDevice("webgpu");
    await expect(made).rejects.toBeInstanceOf(UserError);
    await expect(made).rejects.toThrow(
      /needs the optional package `webgpu` \(Dawn for Node\), which did not load \(.*\): install it with pnpm add webgpu@0\.6\.2.*--backend cpu/,
    );
  });

  it("leaves --backend cpu working", async () => {
    const createDevice = await createDeviceWithoutDawn();
    const cpu = await createDevice("cpu");
    expect(cpu.name).toBe("cpu");
  });
});
