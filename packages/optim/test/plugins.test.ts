/**
 * The registry and the plugin contract: built-ins by name, a user-defined optimizer written
 * with the same public contract (defineOptimizer + a fused map), registration rules, and
 * parameter groups.
 */
import { backward } from "@nn/autograd";
import { cpu } from "@nn/backend-cpu";
import {
  add_,
  defineMap,
  mul,
  setBackend,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
  zerosLike,
} from "@nn/tensor";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  Adam,
  adam,
  checkCommon,
  createOptimizer,
  DefinedOptimizer,
  defineOptimizer,
  getOptimizer,
  LBFGS,
  listOptimizers,
  registerOptimizer,
  required,
  SGD,
  unregisterOptimizer,
} from "../src/index.js";

beforeAll(() => {
  setBackend(cpu({ syncRead: false }));
});

afterEach(() => {
  unregisterOptimizer("signsgd");
  unregisterOptimizer("heavyball");
});

const step = defineMap({
  name: "signSgdStep",
  inputs: 2,
  params: 1,
  build: ([p, g], [lr]) => p.sub(g.sign().mul(lr)),
});
const signSgd = defineOptimizer({
  name: "signsgd",
  defaults: { lr: required as number | typeof required },
  initState: () => ({}),
  update: ({ param, grad, group }) => step.applyInto([param], [param, grad], [group.lr as number]),
});

describe("the registry", () => {
  it("holds every built-in without any registration", () => {
    expect(listOptimizers()).toEqual([
      "sgd",
      "adagrad",
      "rmsprop",
      "adadelta",
      "adam",
      "adamw",
      "adamax",
      "nadam",
      "radam",
      "rprop",
      "asgd",
      "lbfgs",
    ]);
    expect(createOptimizer("adam", [zeros([1])])).toBeInstanceOf(Adam);
    expect(createOptimizer("lbfgs", [zeros([1])])).toBeInstanceOf(LBFGS);
    expect(getOptimizer("adam")).toBe(adam);
  });

  it("the classes are thin wrappers over the same definitions", () => {
    const opt = new Adam([zeros([1])], { lr: 0.5 });
    expect(opt).toBeInstanceOf(DefinedOptimizer);
    expect(opt.definition).toBe(adam);
    expect(opt.defaults.lr).toBe(0.5);
  });

  it("an unknown name is a ValueError listing the known ones", () => {
    expect(() => createOptimizer("adamm", [zeros([1])])).toThrow(
      /no optimizer named "adamm"; known: sgd, /,
    );
  });

  it("a plugin is constructed by name once registered, and only then", async () => {
    expect(() => createOptimizer("signsgd", [zeros([1])], { lr: 0.1 })).toThrow(ValueError);
    registerOptimizer(signSgd);
    registerOptimizer(signSgd); // idempotent
    const p = tensor([1, -1, 0.5], { dtype: "float64", requiresGrad: true });
    const opt = createOptimizer("signsgd", [p], { lr: 0.25 });
    p.grad = tensor([3, -0.5, 0], { dtype: "float64" });
    opt.step();
    expect(await p.array()).toEqual([0.75, -0.75, 0.5]);
    expect(listOptimizers()).toContain("signsgd");
  });

  it("a name taken by a built-in or by another plugin is a ValueError", () => {
    expect(() => registerOptimizer({ ...signSgd, name: "adam" })).toThrow(/built-in/);
    registerOptimizer(signSgd);
    expect(() => registerOptimizer({ ...signSgd })).toThrow(/already registered/);
  });

  it("defineOptimizer refuses names that are not lower-case identifiers", () => {
    expect(() => defineOptimizer({ ...signSgd, name: "Sign SGD" })).toThrow(ValueError);
  });

  it("a plugin may keep tensor-op state: replaced state tensors are kept, old ones freed", async () => {
    // Heavy-ball momentum written with ordinary tensor ops instead of a fused map.
    const heavyBall = defineOptimizer<{ lr: number; momentum: number }, { velocity: Tensor }>({
      name: "heavyball",
      defaults: { lr: 0.1, momentum: 0.5 },
      initState: (param) => ({ velocity: zerosLike(param) }),
      update({ param, grad, state, group }) {
        const v = add_(mul(state.velocity, group.momentum), grad);
        state.velocity = v;
        add_(param, v, -group.lr);
      },
    });
    registerOptimizer(heavyBall);
    const p = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = createOptimizer("heavyball", [p]);
    for (let k = 0; k < 3; k++) {
      tidy(() => {
        opt.zeroGrad();
        backward(sum(mul(p, p)));
      });
      const old = opt.state.get(p)?.velocity as Tensor | undefined;
      opt.step();
      if (old) expect(old.isDisposed).toBe(true);
      expect((opt.state.get(p)!.velocity as Tensor).isDisposed).toBe(false);
    }
    // p1 = 1 - 0.1*2 = 0.8; v2 = 0.5*2 + 1.6 = 2.6, p2 = 0.54; v3 = 1.3 + 1.08 = 2.38, p3 = 0.302
    expect((await p.array()) as number[]).toEqual([expect.closeTo(0.302, 12)]);
  });
});

describe("the README's plugin example", () => {
  // Kept in step with packages/optim/README.md "Writing an optimizer (plugin)".
  const heavyBallStep = defineMap({
    name: "heavyBallStep",
    inputs: 3,
    params: 2,
    build: ([p, g, v], [lr, mu]) => {
      const next = v.mul(mu).add(g);
      return [p.sub(lr.mul(next)), next];
    },
  });
  const fusedHeavyBall = defineOptimizer({
    name: "heavyball",
    defaults: { lr: 0.01, momentum: 0.9 },
    validate: (group) => checkCommon("heavyball", group),
    initState: (param) => ({ velocity: zerosLike(param) }),
    update: ({ param, grad, state, group }) =>
      heavyBallStep.applyInto(
        [param, state.velocity],
        [param, grad, state.velocity],
        [group.lr, group.momentum],
      ),
  });

  it("registers, constructs by name and steps like momentum SGD without dampening", async () => {
    registerOptimizer(fusedHeavyBall);
    const p = tensor([1, -2], { dtype: "float64", requiresGrad: true });
    const q = tensor([1, -2], { dtype: "float64", requiresGrad: true });
    const opt = createOptimizer("heavyball", [p], { lr: 0.1 });
    const ref = new SGD([q], { lr: 0.1, momentum: 0.9 });
    for (let k = 0; k < 5; k++) {
      for (const [x, o] of [
        [p, opt],
        [q, ref],
      ] as const) {
        tidy(() => {
          o.zeroGrad();
          backward(sum(mul(x, x)));
        });
        o.step();
      }
    }
    expect(await p.array()).toEqual(await q.array());
    expect(() => createOptimizer("heavyball", [p], { lr: -1 })).toThrow(ValueError);
  });
});

describe("parameter groups", () => {
  it("each group has its own hyperparameters, the rest filled from the defaults", () => {
    const [a, b] = [zeros([1]), zeros([1])];
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.nesterov])).toEqual([
      [0.1, 0, false],
      [0.5, 0.9, false],
    ]);
  });

  it("addParamGroup adds a group trained from the next step on", async () => {
    const a = tensor([1], { dtype: "float64", requiresGrad: true });
    const b = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.5 });
    a.grad = tensor([1], { dtype: "float64" });
    b.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect([await a.item(), await b.item()]).toEqual([0.9, 0.5]);
  });

  it("state is keyed by the parameter tensor itself", () => {
    const a = zeros([2], { requiresGrad: true });
    const opt = new Adam([a]);
    a.grad = zeros([2]);
    opt.step();
    expect([...opt.state.keys()]).toEqual([a]);
  });

  it("step(closure) resolves to the closure's loss, computed before the update", async () => {
    const a = tensor([2], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([a], { lr: 0.25 });
    const loss = await opt.step(() =>
      tidy(() => {
        opt.zeroGrad();
        const l = sum(mul(a, a));
        backward(l);
        return l;
      }),
    );
    expect(await loss.item()).toBe(4);
    expect(await a.item()).toBe(1);
  });
});
