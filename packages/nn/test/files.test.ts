/**
 * The file helpers of `@nn/nn/node`: atomic writes (a full disk leaves the previous file whole
 * and no temporary file behind) and FileError with the path for ENOENT, EISDIR, ENOSPC.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileError, NNError, tensor } from "@nn/tensor";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Linear } from "../src/index.js";
import {
  loadSafetensorsFile,
  loadStateDictFile,
  saveSafetensorsFile,
  saveStateDictFile,
} from "../src/node.js";
import { useAsyncCpu } from "./helpers.js";

/** When set, the next file opened for writing fills the disk: half the data, then ENOSPC. */
const fault = { diskFull: false };

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    if (!fault.diskFull || args[1] !== "wx") return handle;
    const writeFile = async (data: string | Uint8Array) => {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      await handle.write(bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
      });
    };
    return new Proxy(handle, {
      get: (h, key) =>
        key === "writeFile"
          ? writeFile
          : (Reflect.get(h, key, h)?.bind?.(h) ?? Reflect.get(h, key)),
    });
  };
  return { ...real, open, default: { ...real, open } };
});

beforeAll(() => {
  useAsyncCpu();
});
const work = mkdtempSync(join(tmpdir(), "nn-files-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("saveSafetensorsFile / saveStateDictFile write atomically", () => {
  it("a full disk leaves the previous file whole and no temporary file", async () => {
    const dir = join(work, "full");
    mkdirSync(dir);
    const path = join(dir, "w.safetensors");
    await saveSafetensorsFile(path, { w: tensor([1, 2, 3]) });
    const before = readFileSync(path);

    fault.diskFull = true;
    const err = await saveSafetensorsFile(path, { w: tensor([4, 5, 6, 7]) }).catch((e) => e);
    fault.diskFull = false;
    expect(err).toBeInstanceOf(FileError);
    expect(err).toBeInstanceOf(NNError);
    expect((err as FileError).code).toBe("ENOSPC");
    expect((err as FileError).path).toBe(path);
    expect((err as Error).message).toBe(
      `saveSafetensorsFile: cannot write ${path}: no space left on the device (ENOSPC)`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["w.safetensors"]);
    const back = await loadSafetensorsFile(path);
    expect(Array.from(await back.w!.data())).toEqual([1, 2, 3]);

    const model = new Linear(2, 1);
    const sd = join(dir, "model.safetensors");
    await saveStateDictFile(model, sd);
    const sdBefore = readFileSync(sd);
    fault.diskFull = true;
    await expect(saveStateDictFile(model, sd)).rejects.toThrow(
      /^saveStateDictFile: cannot write .*model\.safetensors: no space left on the device \(ENOSPC\)$/,
    );
    fault.diskFull = false;
    expect(readFileSync(sd).equals(sdBefore)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["model.safetensors", "w.safetensors"]);
  });
});

describe("file-system errors are FileErrors naming the function and the path", () => {
  it("ENOENT (missing file or directory), EISDIR (a directory)", async () => {
    const missing = join(work, "nowhere", "x.safetensors");
    await expect(saveSafetensorsFile(missing, { a: tensor([1]) })).rejects.toThrow(
      `saveSafetensorsFile: cannot write ${missing}: no such file or directory (ENOENT)`,
    );
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(
      `loadSafetensorsFile: cannot read ${missing}: no such file or directory (ENOENT)`,
    );
    await expect(loadStateDictFile(new Linear(1, 1), missing)).rejects.toBeInstanceOf(FileError);
    const err = await loadSafetensorsFile(work).catch((e) => e);
    expect(err).toBeInstanceOf(FileError);
    expect((err as FileError).code).toBe("EISDIR");
    expect((err as Error).message).toBe(
      `loadSafetensorsFile: cannot read ${work}: it is a directory, not a file (EISDIR)`,
    );
    // Writing over a directory: the rename fails, the temporary file is removed.
    const asDir = join(work, "adir");
    mkdirSync(asDir);
    await expect(saveSafetensorsFile(asDir, { a: tensor([1]) })).rejects.toBeInstanceOf(FileError);
    expect(readdirSync(work).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
