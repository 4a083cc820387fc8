// Printing: format() (and toString() where the backend reads synchronously) against PyTorch's
// repr (packages/testing/fixtures/format.json, written by tools/gen_fixtures.py; torch's dtype
// suffixes are renamed there to nn's spelling). A backend other than the CPU adds
// `device=<label>`, as torch does for a CUDA tensor; it is taken out before comparing.
import { setBackend, tensor, transpose } from "@nn/tensor";
import { beforeAll, expect } from "vitest";
import { buildTensor, type FixtureTensor, loadFixtures } from "../fixtures.js";
import { type SuiteContext, withoutDevice } from "./harness.js";

interface FormatCase {
  id: string;
  tensor: FixtureTensor;
  requiresGrad: boolean;
  repr: string;
}

/** Registers the printing tests. */
export function formatTests(s: SuiteContext): void {
  const { group, test } = s;
  const { cases } = loadFixtures("format.json") as unknown as { cases: FormatCase[] };
  beforeAll(() => {
    setBackend(s.backend);
  });

  group("format matches PyTorch's repr", () => {
    test("has the fixture cases", () => {
      expect(cases.length).toBeGreaterThan(50);
    });

    for (const c of cases) {
      test(
        c.id,
        async () => {
          const t = buildTensor(c.tensor, s.backend);
          t.requiresGrad = c.requiresGrad;
          if (s.backend.capabilities.syncRead) expect(t.toString()).toBe(c.repr);
          const text = await t.format();
          if (s.backend.name !== "cpu") expect(text).toContain(`device=${s.backend.label}`);
          expect(withoutDevice(text, s.backend)).toBe(c.repr);
          t.dispose();
        },
        { dtypes: [c.tensor.dtype] },
      );
    }
  });

  group("format of views and special states", () => {
    test("prints the logical values of a non-contiguous view", async () => {
      const t = transpose(
        tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          { dtype: "float32" },
        ),
        0,
        1,
      );
      expect(withoutDevice(await t.format(), s.backend)).toBe(
        "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])",
      );
    });

    test("prints a disposed tensor without reading it", () => {
      const t = tensor([[1, 2]], { dtype: "int32" });
      t.dispose();
      expect(t.toString()).toBe("tensor(<disposed>, shape=[1, 2], dtype=int32)");
    });
  });
}
