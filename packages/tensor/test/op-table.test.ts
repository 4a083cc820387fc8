/**
 * `packages/testing/fixtures/op-table.json` is the op table as data (`opTableSummary()`: each
 * row's name, arity and promotion class), committed so that the Python fixture generators
 * (tools/fixturelib.py) take their op lists from the table without running TypeScript. This
 * test fails when the file is stale; `UPDATE_OP_TABLE=1 npx vitest run packages/tensor/test/op-table.test.ts`
 * rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { opTableSummary } from "../src/internal.js";

const PATH = fileURLToPath(new URL("../../testing/fixtures/op-table.json", import.meta.url));

/** The file's text: a header, then one row a line (biome leaves fixture JSON alone). */
function render(): string {
  const rows = opTableSummary().map((r) => JSON.stringify(r));
  const source = "packages/tensor/test/op-table.test.ts (UPDATE_OP_TABLE=1 rewrites it)";
  return `{"source": ${JSON.stringify(source)}, "ops": [\n${rows.join(",\n")}\n]}\n`;
}

describe("op table as data", () => {
  it("packages/testing/fixtures/op-table.json is up to date (UPDATE_OP_TABLE=1 rewrites it)", () => {
    const text = render();
    if (process.env.UPDATE_OP_TABLE) writeFileSync(PATH, text);
    expect(readFileSync(PATH, "utf8"), "stale: rerun with UPDATE_OP_TABLE=1").toBe(text);
  });

  it("names each row once, with arity 1 or 2", () => {
    const names = opTableSummary().map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of opTableSummary()) expect([1, 2]).toContain(r.arity);
  });
});
