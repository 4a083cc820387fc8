/** Option parsing, per-data-set defaults, resume merging, and the activation/optimizer/plugin choices. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpu } from "@nn/backend-cpu";
import { getOptimizer, unregisterOptimizer } from "@nn/optim";
import { NNError, randn, setBackend } from "@nn/tensor";
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import {
  activationModule,
  activationNames,
  resolveActivation,
} from "../src/choices/activations.js";
import {
  buildOptimizer,
  FALLBACK_LR,
  hyperparameters,
  optimizerNames,
  resolveOptimizer,
} from "../src/choices/optimizers.js";
import { loadPlugin } from "../src/choices/plugins.js";
import { UserError } from "../src/errors.js";
import {
  comparison,
  depthValue,
  layerWidths,
  pathValue,
  positiveInt,
  positiveNumber,
  seedValue,
} from "../src/parse.js";
import { buildProgram, type CliOptions } from "../src/program.js";
import { checkMidEpochResume, hiddenWidths, resolveRunConfig } from "../src/resolve.js";

setBackend(cpu({ syncRead: false }));

function parse(...args: string[]): { o: CliOptions; given: (k: keyof CliOptions) => boolean } {
  const program = buildProgram().exitOverride();
  program.parse(args, { from: "user" });
  return { o: program.opts<CliOptions>(), given: (k) => program.getOptionValueSource(k) === "cli" };
}

describe("value parsers", () => {
  it("accept what they should", () => {
    expect(positiveInt("64")).toBe(64);
    expect(seedValue("0")).toBe(0);
    expect(positiveNumber("1e-3")).toBe(0.001);
    expect(positiveNumber(".5")).toBe(0.5);
    expect(layerWidths("256, 128")).toEqual([256, 128]);
    expect(comparison("activation=sigmoid,tanh")).toEqual({
      kind: "activation",
      names: ["sigmoid", "tanh"],
    });
  });

  it.each([
    [positiveInt, "0"],
    [positiveInt, "2.5"],
    [positiveInt, "ten"],
    [positiveInt, "-3"],
    [seedValue, "-1"],
    [seedValue, "1e99"],
    [positiveNumber, "abc"],
    [positiveNumber, "0"],
    [positiveNumber, "-0.1"],
    [positiveNumber, "Infinity"],
    [positiveNumber, ""],
    [layerWidths, "128,"],
    [layerWidths, "0"],
    [layerWidths, "12,x"],
    [comparison, "activation=relu"],
    [comparison, "activation=relu,relu"],
    [comparison, "loss=a,b"],
  ] as [(v: string) => unknown, string][])("%o rejects %o", (parser, value) => {
    expect(() => parser(value)).toThrow(InvalidArgumentError);
  });
});

describe("run configuration", () => {
  it("defaults: mnist 784-128-10 relu, adam lr 1e-3, batch 64, 10 epochs, seed 0, cpu", () => {
    const { o, given } = parse();
    const c = resolveRunConfig(o, given);
    expect(c).toMatchObject({
      dataset: "mnist",
      architecture: { inputs: 784, hidden: [128], classes: 10, activation: "relu" },
      optimizer: "adam",
      lr: 1e-3,
      epochs: 10,
      batchSize: 64,
      seed: 0,
      backend: "cpu",
    });
  });

  it("fashion-mnist: 784-256-128-10 for 5 epochs, files from Debian's package", () => {
    const { o, given } = parse("--dataset", "fashion-mnist");
    const c = resolveRunConfig(o, given);
    expect(c.architecture.hidden).toEqual([256, 128]);
    expect(c.epochs).toBe(5);
    expect(c.dataDir).toBe("/usr/share/datasets/fashion-mnist");
  });

  it("--depth repeats a single width; several widths must match it", () => {
    expect(hiddenWidths([64], 3)).toEqual([64, 64, 64]);
    expect(hiddenWidths([64, 32], 2)).toEqual([64, 32]);
    expect(() => hiddenWidths([64, 32], 3)).toThrow(UserError);
  });

  it("resume: the checkpoint's settings unless given on the command line", () => {
    const { o: first, given: g1 } = parse(
      "--hidden",
      "32,16",
      "--activation",
      "tanh",
      "--optimizer",
      "momentum",
      "--seed",
      "7",
      "--epochs",
      "3",
    );
    const saved = resolveRunConfig(first, g1);
    const { o, given } = parse("--epochs", "5");
    const c = resolveRunConfig(o, given, saved);
    expect(c).toMatchObject({
      architecture: { hidden: [32, 16], activation: "tanh" },
      optimizer: "momentum",
      lr: FALLBACK_LR,
      seed: 7,
      epochs: 5,
    });
    const { o: o2, given: g2 } = parse("--hidden", "64");
    expect(resolveRunConfig(o2, g2, saved).architecture).toMatchObject({
      hidden: [64],
      activation: "tanh",
    });
  });

  it("refuses a resume on another data set, or mid-epoch with other batches, naming both", () => {
    const { o: first, given: g1 } = parse("--epochs", "3");
    const saved = resolveRunConfig(first, g1);
    const { o, given } = parse("--dataset", "fashion-mnist");
    expect(() => resolveRunConfig(o, given, saved, {}, "runs/a/checkpoint")).toThrow(
      "checkpoint runs/a/checkpoint was trained on mnist, but this run asks for --dataset fashion-mnist; resume without --dataset (or with --dataset mnist), or start a new run with another --out",
    );
    const { o: o2, given: g2 } = parse("--batch-size", "32");
    const smaller = resolveRunConfig(o2, g2, saved);
    expect(() => checkMidEpochResume(smaller, saved, "runs/a/checkpoint")).toThrow(
      "checkpoint runs/a/checkpoint stopped in the middle of an epoch with --batch-size 64, but this run asks for --batch-size 32; resume without --batch-size to finish that epoch, or start a new run",
    );
    const { o: o3, given: g3 } = parse("--train-size", "100");
    expect(() => checkMidEpochResume(resolveRunConfig(o3, g3, saved), saved, "x")).toThrow(
      /with --train-size \(all\), but this run asks for --train-size 100/,
    );
    const { o: o4, given: g4 } = parse("--epochs", "5", "--lr", "0.5");
    expect(() => checkMidEpochResume(resolveRunConfig(o4, g4, saved), saved, "x")).not.toThrow();
  });
});

describe("--model", () => {
  it("mlp by default; cnn takes the CNN's fixed layers and any --activation", () => {
    const { o, given } = parse();
    expect(resolveRunConfig(o, given).architecture.model).toBe("mlp");
    const { o: o2, given: g2 } = parse("--model", "cnn", "--activation", "tanh");
    expect(resolveRunConfig(o2, g2).architecture).toEqual({
      model: "cnn",
      inputs: 784,
      hidden: [128],
      classes: 10,
      activation: "tanh",
    });
  });

  it("rejects an unknown model, listing the choices", () => {
    expect(() => parse("--model", "resnet")).toThrow(
      "option '--model <kind>' argument 'resnet' is invalid. Allowed choices are mlp, cnn.",
    );
  });

  it.each([
    [["--hidden", "64"], "--hidden cannot be used with --model cnn: the CNN's layers are fixed"],
    [["--depth", "3"], "--depth cannot be used with --model cnn: the CNN's layers are fixed"],
    [
      ["--compare", "activation=relu,tanh"],
      "--compare cannot be used with --model cnn: the lessons compare MLPs; drop --model cnn to run one",
    ],
  ])("refuses %o with --model cnn", (args, message) => {
    const { o, given } = parse("--model", "cnn", ...args);
    expect(() => resolveRunConfig(o, given)).toThrow(message);
  });

  it("resume: the checkpoint's model (an MLP when it predates --model); another is refused", () => {
    const { o: first, given: g1 } = parse("--model", "cnn");
    const saved = resolveRunConfig(first, g1);
    const { o, given } = parse("--epochs", "5");
    expect(resolveRunConfig(o, given, saved).architecture.model).toBe("cnn");
    const { o: o2, given: g2 } = parse("--model", "mlp");
    expect(() => resolveRunConfig(o2, g2, saved, {}, "runs/a/checkpoint")).toThrow(
      "checkpoint runs/a/checkpoint holds a CNN, but this run asks for --model mlp; resume without --model (or with --model cnn), or start a new run with another --out",
    );
    const { model: _, ...old } = resolveRunConfig(o, given).architecture;
    const before = { ...saved, architecture: old };
    expect(resolveRunConfig(o, given, before).architecture.model).toBe("mlp");
    const { o: o3, given: g3 } = parse("--model", "cnn");
    expect(() => resolveRunConfig(o3, g3, before)).toThrow(
      /holds an MLP, but this run asks for --model cnn/,
    );
  });
});

describe("activations", () => {
  it("lists every elementwise activation of @nn/activations, plus prelu and rrelu", () => {
    const names = activationNames();
    for (const n of [
      "sigmoid",
      "tanh",
      "relu",
      "leakyRelu",
      "gelu",
      "elu",
      "selu",
      "silu",
      "mish",
      "prelu",
      "rrelu",
    ]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain("softmax");
  });

  it("accepts other spellings and rejects unknown names, listing the valid ones", () => {
    expect(resolveActivation("leaky_relu")).toBe("leakyRelu");
    expect(resolveActivation("LeakyReLU")).toBe("leakyRelu");
    expect(() => resolveActivation("swish")).toThrow(
      /unknown activation "swish"; the activations are: .*sigmoid/,
    );
  });

  it("every listed activation builds a module that keeps the input's shape", () => {
    const x = randn([3, 4], { seed: 5 });
    for (const name of activationNames()) {
      const y = activationModule(name).forward(x);
      expect(y.shape, name).toEqual([3, 4]);
    }
  });
});

describe("optimizers", () => {
  it("momentum and nesterov are SGD with momentum 0.9 (the second with Nesterov)", () => {
    expect(resolveOptimizer("momentum")).toEqual({
      optimizer: "sgd",
      options: { momentum: 0.9, lr: FALLBACK_LR },
    });
    expect(resolveOptimizer("nesterov")).toEqual({
      optimizer: "sgd",
      options: { momentum: 0.9, nesterov: true, lr: FALLBACK_LR },
    });
    const p = randn([2], { seed: 1 });
    expect(hyperparameters(buildOptimizer("nesterov", [p], 0.05))).toMatchObject({
      lr: 0.05,
      momentum: 0.9,
      nesterov: true,
      dampening: 0,
    });
  });

  it("lr: the given one, else the optimizer's default, else 0.01 for SGD (whose lr is required)", () => {
    expect(resolveOptimizer("adam").options.lr).toBe(1e-3);
    expect(resolveOptimizer("adadelta").options.lr).toBe(1);
    expect(resolveOptimizer("sgd").options.lr).toBe(0.01);
    expect(resolveOptimizer("adam", 0.1).options.lr).toBe(0.1);
  });

  it("unknown names list the registered ones and the presets; lbfgs is refused with a reason", () => {
    expect(optimizerNames()).toEqual(
      expect.arrayContaining(["sgd", "adam", "nadam", "momentum", "nesterov"]),
    );
    expect(() => resolveOptimizer("adamz")).toThrow(
      /unknown optimizer "adamz"; the optimizers are: sgd, .*momentum, nesterov/,
    );
    expect(() => resolveOptimizer("lbfgs")).toThrow(/closure/);
  });

  it("an invalid hyperparameter becomes a user error", () => {
    const p = randn([2], { seed: 1 });
    const err = (() => {
      try {
        buildOptimizer("adadelta", [p], Number.NaN);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err).toBeInstanceOf(NNError);
  });

  it("--plugin registers the optimizer definitions a module exports", async () => {
    const dir = fileURLToPath(new URL("./plugins/", import.meta.url));
    try {
      expect(await loadPlugin(join(dir, "halfstep.ts"))).toEqual(["halfstep"]);
      expect(getOptimizer("halfstep")).toBeDefined();
      expect(optimizerNames()).toContain("halfstep");
      expect(resolveOptimizer("halfstep")).toEqual({ optimizer: "halfstep", options: { lr: 0.5 } });
      await expect(loadPlugin(join(dir, "missing.ts"))).rejects.toThrow(/cannot import it/);
      await expect(loadPlugin(join(dir, "empty.ts"))).rejects.toThrow(
        /exports no optimizer definition/,
      );
    } finally {
      unregisterOptimizer("halfstep");
    }
  });
});

describe("option bounds", () => {
  it("refuses layer widths and depths it could not allocate, and empty paths", () => {
    expect(() => layerWidths("10000000")).toThrow(/from 1 to 16384/);
    expect(() => depthValue("100000")).toThrow(/at most 1000/);
    expect(() => pathValue("")).toThrow(/empty/);
    expect(layerWidths("256,128")).toEqual([256, 128]);
  });
});
