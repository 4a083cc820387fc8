/**
 * Gradients of every op against PyTorch 1.13 (packages/testing/fixtures/grads.json, written by
 * tools/gen_grad_fixtures.py): first order in float32 and float64, including PyTorch's values
 * at kinks; second derivatives; and a Hessian-vector product of a small MLP.
 */
import { cpu } from "@nn/backend-cpu";
import * as nn from "@nn/tensor";
import { type Backend, isTensor, setBackend, type Tensor } from "@nn/tensor";
import { buildTensor, type FixtureTensor, loadFixtures, mismatch, num } from "@nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { computeGrad } from "../src/index.js";

type T = { tensor: FixtureTensor };
interface GradCase {
  id: string;
  op: string;
  args: unknown[];
  gradOutput: T | T[];
  expected: { grads: (T | T[] | null)[] };
}
interface SecondOrder {
  id: string;
  fn: string;
  x: T;
  first: T;
  second: T;
}
interface Hvp {
  id: string;
  params: T[];
  x: T;
  y: T;
  v: T[];
  loss: number;
  grads: T[];
  hvp: T[];
}
const fixtures = loadFixtures("grads.json") as unknown as {
  cases: GradCase[];
  secondOrder: SecondOrder[];
  hvp: Hvp[];
};

let backend: Backend;
beforeAll(() => {
  backend = setBackend(cpu({ syncRead: false }));
});

const ops = nn as unknown as Record<string, (...a: unknown[]) => Tensor | Tensor[]>;
const OPS: Record<string, (...a: unknown[]) => Tensor | Tensor[]> = {
  ...ops,
  sumSquaredDiff: (p, t) => nn.sum(nn.pow(nn.sub(p as Tensor, t as Tensor), 2)),
};

/** Builds an argument; float tensors become leaves that require grad. */
function buildArg(a: unknown, leaves: Tensor[]): unknown {
  if (Array.isArray(a)) return a.map((x) => buildArg(x, leaves));
  if (a && typeof a === "object" && "tensor" in a) {
    const t = buildTensor((a as T).tensor, backend);
    if (nn.isFloating(t.dtype)) {
      t.requiresGrad = true;
      leaves.push(t);
    }
    return t;
  }
  if (a && typeof a === "object" && "number" in a) return num((a as { number: string }).number);
  return a;
}

async function expectClose(op: string, id: string, actual: Tensor | null, expected: FixtureTensor) {
  expect(actual, `${id}: missing gradient`).not.toBeNull();
  const m = await mismatch(op, actual as Tensor, expected);
  if (m) expect.fail(`${id}: ${m}`);
}

describe("gradients match PyTorch", () => {
  const byOp = new Map<string, GradCase[]>();
  for (const c of fixtures.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
  for (const [op, cases] of byOp) {
    describe(op, () => {
      for (const c of cases) {
        it(c.id, async () => {
          const leaves: Tensor[] = [];
          const args = c.args.map((a) => buildArg(a, leaves));
          const fn = OPS[c.op];
          if (!fn) throw new Error(`no op ${c.op}`);
          const out = fn(...args);
          const outs = Array.isArray(out) ? out : [out];
          const gos = (Array.isArray(c.gradOutput) ? c.gradOutput : [c.gradOutput]).map((g) =>
            buildTensor(g.tensor, backend),
          );
          const grads = computeGrad(outs, leaves, { gradOutputs: gos, allowUnused: true });
          let k = 0;
          for (const e of c.expected.grads) {
            if (e === null) continue;
            for (const one of Array.isArray(e) ? e : [e]) {
              const g = grads[k++] ?? null;
              await expectClose(c.op, c.id, g ?? nn.zerosLike(leaves[k - 1] as Tensor), one.tensor);
            }
          }
          nn.dispose([args.filter(isTensor), outs, gos, grads]);
        });
      }
    });
  }
});

describe("second derivatives match PyTorch", () => {
  const fns: Record<string, (x: Tensor) => Tensor> = {
    tanh: nn.tanh,
    sigmoid: (x) => nn.div(1, nn.add(1, nn.exp(nn.neg(x)))),
    exp: nn.exp,
    log: nn.log,
  };
  for (const c of fixtures.secondOrder) {
    it(c.id, async () => {
      const x = buildTensor(c.x.tensor, backend);
      x.requiresGrad = true;
      // the op table's unary functions by name (tan, asinh, ...), and the composites above
      const f = (fns[c.fn] ?? ops[c.fn]) as (x: Tensor) => Tensor;
      const [first] = computeGrad([nn.sum(f(x))], [x], { createGraph: true }) as [Tensor];
      await expectClose("tanh", c.id, first, c.first.tensor);
      const [second] = computeGrad([nn.sum(first)], [x]) as [Tensor];
      await expectClose("tanh", c.id, second, c.second.tensor);
    });
  }
});

describe("Hessian-vector product of an MLP matches PyTorch", () => {
  for (const c of fixtures.hvp) {
    it(c.id, async () => {
      const [w1, b1, w2, b2] = c.params.map((p) => {
        const t = buildTensor(p.tensor, backend);
        t.requiresGrad = true;
        return t;
      }) as [Tensor, Tensor, Tensor, Tensor];
      const x = buildTensor(c.x.tensor, backend);
      const y = buildTensor(c.y.tensor, backend);
      const hidden = nn.tanh(nn.add(nn.matmul(x, nn.transpose(w1, 0, 1)), b1));
      const pred = nn.add(nn.matmul(hidden, nn.transpose(w2, 0, 1)), b2);
      const diff = nn.sub(pred, y);
      const loss = nn.mean(nn.mul(diff, diff));
      expect(Math.abs(((await loss.item()) as number) - c.loss)).toBeLessThan(1e-12);
      const params = [w1, b1, w2, b2];
      const grads = computeGrad([loss], params, { createGraph: true }) as Tensor[];
      for (let i = 0; i < 4; i++)
        await expectClose(
          "matmul",
          `${c.id} grad ${i}`,
          grads[i] as Tensor,
          (c.grads[i] as T).tensor,
        );
      const v = c.v.map((t) => buildTensor(t.tensor, backend));
      const dot = grads
        .map((g, i) => nn.sum(nn.mul(g, v[i] as Tensor)))
        .reduce((a, b) => nn.add(a, b));
      const hvp = computeGrad([dot], params) as Tensor[];
      for (let i = 0; i < 4; i++)
        await expectClose("matmul", `${c.id} hvp ${i}`, hvp[i] as Tensor, (c.hvp[i] as T).tensor);
    });
  }
});
