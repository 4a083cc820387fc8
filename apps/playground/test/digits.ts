import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Digits, parseDigits } from "../src/digits.js";

const FILE = fileURLToPath(new URL("../public/digits.bin", import.meta.url));

/** The page's digits sample, made by scripts/make-digits.mjs when missing (as the build does). */
export function readDigits(): Digits {
  if (!existsSync(FILE)) {
    execFileSync(process.execPath, [
      fileURLToPath(new URL("../scripts/make-digits.mjs", import.meta.url)),
    ]);
  }
  const bytes = readFileSync(FILE);
  return parseDigits(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
