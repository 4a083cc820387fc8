/**
 * safetensors: files written by tools/gen_nn_fixtures.py (from PyTorch tensors) load here with
 * identical values; files written here are read back by that script (where /usr/bin/python3 has
 * torch); the format's rules are enforced on corrupt files made here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type DType, dispose, type Tensor, tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Linear,
  loadSafetensors,
  loadStateDictFrom,
  SafetensorsError,
  Sequential,
  StateDictError,
  safetensorsMetadata,
  saveSafetensors,
  saveStateDict,
} from "../src/index.js";
import {
  loadSafetensorsFile,
  loadStateDictFile,
  saveSafetensorsFile,
  saveStateDictFile,
} from "../src/node.js";
import {
  build,
  buildLayer,
  expectClose,
  fixturePath,
  nnFixtures,
  type T,
  useAsyncCpu,
} from "./helpers.js";

let backend: Backend;
beforeAll(() => {
  backend = useAsyncCpu();
});

const fixtures = nnFixtures().safetensors;
const dir = mkdtempSync(join(tmpdir(), "nn-safetensors-"));
const repoRoot = fixturePath("../../..");

/** Element-exact comparison (NaN equal to NaN, -0 distinct from 0). */
async function expectIdentical(what: string, actual: Tensor, expected: T): Promise<void> {
  expect(actual.dtype, what).toBe(expected.tensor.dtype);
  expect(actual.shape, what).toEqual(expected.tensor.shape);
  const got = Array.from(await actual.data(), (v) => (actual.dtype === "bool" ? v !== 0 : v));
  const want = expected.tensor.data.map((v) =>
    v === "nan" ? Number.NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v,
  );
  for (const [i, g] of got.entries()) {
    expect(Object.is(g, want[i]), `${what}[${i}]: ${g} vs ${want[i]}`).toBe(true);
  }
}

describe("safetensors from PyTorch", () => {
  it("a file the fixture script wrote loads with identical values and metadata", async () => {
    const bytes = readFileSync(fixturePath(fixtures.tensors.file));
    const tensors = loadSafetensors(bytes, backend);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(fixtures.tensors.values).sort());
    for (const [name, expected] of Object.entries(fixtures.tensors.values)) {
      await expectIdentical(name, tensors[name] as Tensor, expected);
    }
    expect(safetensorsMetadata(bytes)).toEqual(fixtures.tensors.metadata);
    dispose(tensors);
  });

  it("a PyTorch model's state dict loads into the same model built here, which computes PyTorch's output", async () => {
    const model = new Sequential(
      ...fixtures.model.layers.map((l) => buildLayer(l.layer, l.config)),
    );
    await loadStateDictFile(model, fixturePath(fixtures.model.file));
    model.eval();
    const x = build(fixtures.model.input, backend);
    await expectClose("model output", model.forward(x), fixtures.model.output, "matmul");
    model.dispose();
  });

  it("writes exactly what the reference writer writes (dtype order, compact header, space padding)", async () => {
    const bytes = await saveSafetensors({
      b: tensor([1, 2], { dtype: "int32" }),
      a: tensor([0.5], { dtype: "float32" }),
      c: tensor([0.25], { dtype: "float64" }),
    });
    const header =
      '{"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"I32","shape":[2],"data_offsets":[12,20]}}';
    const padded = header + " ".repeat((8 - (header.length % 8)) % 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(0, true)).toBe(padded.length);
    expect(view.getUint32(4, true)).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + padded.length))).toBe(padded);
    const data = bytes.subarray(8 + padded.length);
    expect(new DataView(data.buffer, data.byteOffset).getFloat64(0, true)).toBe(0.25);
    expect(new DataView(data.buffer, data.byteOffset).getFloat32(8, true)).toBe(0.5);
    expect(new DataView(data.buffer, data.byteOffset).getInt32(16, true)).toBe(2);
    expect((8 + padded.length) % 8).toBe(0);
  });

  it("round-trips every dtype, scalars and empty tensors", async () => {
    const src: Record<string, Tensor> = {
      f32: tensor(
        [
          [1.5, -2],
          [Number.NaN, Infinity],
        ],
        { dtype: "float32" },
      ),
      f64: tensor([Math.PI, -0], { dtype: "float64" }),
      i32: tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: "int32" }),
      mask: tensor([true, false, true]),
      scalar: tensor(7, { dtype: "float32" }),
      empty: tensor([], { dtype: "float32", shape: [0, 4] }),
    };
    const back = loadSafetensors(await saveSafetensors(src, { note: "round trip" }), backend);
    for (const [k, t] of Object.entries(src)) {
      const b = back[k] as Tensor;
      expect(b.dtype).toBe(t.dtype as DType);
      expect(b.shape).toEqual(t.shape);
      expect(Array.from(await b.data())).toEqual(Array.from(await t.data()));
    }
    dispose([src, back]);
  });

  const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
  it.skipIf(!hasTorch)(
    "a file written here is read back identically by the script (PyTorch tensors)",
    async () => {
      const src: Record<string, Tensor> = {
        "layer.weight": tensor(
          [
            [0.1, -0.2, 0.3],
            [1e-8, 3e38, -0],
          ],
          { dtype: "float32" },
        ),
        "layer.bias": tensor([1 / 3, -2 / 3], { dtype: "float64" }),
        steps: tensor([12345, -7], { dtype: "int32" }),
        mask: tensor([false, true]),
        nothing: tensor([], { dtype: "float64", shape: [2, 0] }),
      };
      const path = join(dir, "written-here.safetensors");
      await saveSafetensorsFile(path, src, { format: "pt", by: "@nn/nn" });
      const out = execFileSync(
        "/usr/bin/python3",
        [join(repoRoot, "tools", "gen_nn_fixtures.py"), "read", path],
        {
          encoding: "utf8",
        },
      );
      const read = JSON.parse(out) as {
        metadata: Record<string, string>;
        tensors: Record<string, T>;
      };
      expect(read.metadata).toEqual({ format: "pt", by: "@nn/nn" });
      expect(Object.keys(read.tensors).sort()).toEqual(Object.keys(src).sort());
      for (const [k, t] of Object.entries(src))
        await expectIdentical(`python read ${k}`, t, read.tensors[k] as T);
      dispose(src);
    },
    60_000,
  );

  it("module helpers save and load a state dict; a mismatched module is refused naming the keys", async () => {
    const a = new Sequential(new Linear(3, 2), new Linear(2, 1));
    const b = new Sequential(new Linear(3, 2), new Linear(2, 1));
    loadStateDictFrom(b, await saveStateDict(a));
    expect(Array.from(await b.at(1).stateDict().weight!.data())).toEqual(
      Array.from(await a.at(1).stateDict().weight!.data()),
    );
    const path = join(dir, "model.safetensors");
    await saveStateDictFile(a, path);
    const other = new Sequential(new Linear(3, 2));
    await expect(loadStateDictFile(other, path)).rejects.toThrow(StateDictError);
    await expect(loadStateDictFile(other, path)).rejects.toThrow(
      /unexpected keys: 1\.bias, 1\.weight/,
    );
    const wide = new Sequential(new Linear(3, 4), new Linear(4, 1));
    await expect(loadStateDictFile(wide, path)).rejects.toThrow(/size mismatch for "0\.weight"/);
    for (const m of [a, b, other, wide]) m.dispose();
  });
});

/** A file with this header (object or raw text) and `dataBytes` zero bytes of data. */
function craft(header: unknown, dataBytes: number, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.length + dataBytes);
  const v = new DataView(out.buffer);
  v.setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  return out;
}

describe("safetensors bad input: typed errors naming the file and key", () => {
  const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
    dtype,
    shape,
    data_offsets: [begin, end],
  });
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "empty",
      new Uint8Array(3),
      /truncated: 3 bytes, but a safetensors file starts with an 8-byte header length/,
    ],
    [
      "header past the end",
      craft({}, 0, 4096),
      /truncated: the header length says 4096 bytes but only 2 follow/,
    ],
    [
      "header too large",
      (() => {
        const b = craft({}, 0);
        new DataView(b.buffer).setUint32(4, 1, true);
        return b;
      })(),
      /header too large: 4294967298 bytes/,
    ],
    ["not JSON", craft("{nope", 0), /the header is not valid JSON/],
    ["not an object", craft("[1, 2]", 0), /must be a JSON object starting with "\{"/],
    [
      "repeated key",
      craft(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        4,
      ),
      /key "w" appears twice/,
    ],
    [
      "unknown dtype",
      craft({ w: entry("F128", [1], 0, 16) }, 16),
      /tensor "w": unknown dtype "F128"/,
    ],
    [
      "unsupported dtype",
      craft({ steps: entry("I64", [1], 0, 8) }, 8),
      /tensor "steps": dtype I64 is not supported by nn; it reads F32, F64, I32, BOOL/,
    ],
    [
      "shape and bytes disagree",
      craft({ w: entry("F32", [3], 0, 8) }, 8),
      /tensor "w": data_offsets \[0, 8\] hold 8 bytes, but shape \[3\] of F32 needs 12/,
    ],
    [
      "truncated data",
      craft({ w: entry("F32", [4], 0, 16) }, 10),
      /truncated: tensor "w" ends at byte 16 of the buffer, which has only 10 bytes/,
    ],
    [
      "overlap",
      craft({ a: entry("F32", [2], 0, 8), b: entry("F32", [2], 4, 12) }, 12),
      /tensor "b" \(bytes 4 to 12\) overlaps the tensor before it, which ends at 8/,
    ],
    [
      "hole",
      craft({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 8, 12) }, 12),
      /bytes 4 to 8 of the buffer belong to no tensor \(a hole before "b"\)/,
    ],
    [
      "trailing bytes",
      craft({ a: entry("F32", [1], 0, 4) }, 7),
      /the last 3 bytes of the buffer belong to no tensor/,
    ],
    [
      "end before begin",
      craft({ a: entry("F32", [0], 4, 0) }, 4),
      /tensor "a": data_offsets \[4, 0\] end before they begin/,
    ],
    [
      "bad offsets",
      craft({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, 4),
      /tensor "a": data_offsets \[0\] must be \[begin, end\]/,
    ],
    [
      "bad shape",
      craft({ a: entry("F32", [-1], 0, 4) }, 4),
      /tensor "a": shape \[-1\] must be a list of non-negative integers/,
    ],
    [
      "bad metadata",
      craft({ __metadata__: { epoch: 3 } }, 0),
      /__metadata__\["epoch"\] must be a string/,
    ],
    [
      "bool neither 0 nor 1",
      craft({ m: entry("BOOL", [2], 0, 2) }, 2).map((b, i, a) => (i === a.length - 1 ? 2 : b)),
      /tensor "m": BOOL element 1 is 2/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, async () => {
      const path = join(dir, `${what.replaceAll(" ", "-")}.safetensors`);
      writeFileSync(path, bytes);
      const err = await loadSafetensorsFile(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SafetensorsError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message.startsWith(`${path}: `)).toBe(true);
    });
  }

  it("saving refuses reserved names and non-string metadata", async () => {
    const t = tensor([1]);
    await expect(saveSafetensors({ __metadata__: t })).rejects.toThrow(/cannot be a tensor name/);
    await expect(saveSafetensors({ t }, { n: 1 as unknown as string })).rejects.toThrow(
      /metadata\["n"\] must be a string/,
    );
    t.dispose();
  });
});
