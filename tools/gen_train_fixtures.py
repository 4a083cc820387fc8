#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the training app (apps/train).

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_train_fixtures.py            # writes the fixture file
    /usr/bin/python3 tools/gen_train_fixtures.py --check    # exit 1 if it is stale

It writes ``packages/testing/fixtures/train.json``: small MLPs (784 inputs would make the file
large, so 12) trained and measured exactly as apps/train does, so its training loop, held-out
evaluation, optimizer presets and the vanishing-gradient lesson are checked against PyTorch.
The tensor encoding (TENSOR, non-finite values as "nan"/"inf"/"-inf", int64 written as int32)
is that of ``tools/gen_fixtures.py``, whose helpers this script imports. The output is
deterministic: fixed seeds, one intra-op thread, ATen's portable CPU kernels (pinned by
importing gen_fixtures).

File format
-----------
::

    {"generator": "tools/gen_train_fixtures.py", "torch": "<version>",
     "training": [TCASE, ...], "gradNorms": [GCASE, ...]}      (one case per line)

    ARCH  = {"inputs": int, "hidden": [int, ...], "classes": int, "activation": str}
            the app's buildMlp: Sequential(Linear, act, ..., Linear), keys "0.weight", ...
    TCASE = {"id": str, "architecture": ARCH,
             "optimizer": str,           the app's --optimizer name (presets included)
             "lr": NUMBER,
             "batchSize": int, "epochs": int,
             "x": TENSOR [N, inputs] float32, "y": TENSOR [N] int32,
             "initial": {KEY: TENSOR},   the weights before training
             "perEpoch": [{"lossSum": NUMBER, "correct": int, "seen": int}, ...],
             "final": {KEY: TENSOR},     the weights after training
             "test": {"x": TENSOR, "y": TENSOR, "loss": NUMBER, "confusion": [[int]]}}

Training visits the examples in order (no shuffle), one minibatch step each: zero_grad,
mean cross-entropy, backward, step. ``lossSum`` adds each step's loss times its batch size
(the running sum the app keeps on the device), ``correct`` the batch's correct predictions
before the step. ``test`` is the evaluation of the final model: mean cross-entropy, and
``confusion[t][p]`` counting examples of class t predicted as p.

    GCASE = {"id": str, "architecture": ARCH, "state": {KEY: TENSOR},
             "x": TENSOR, "y": TENSOR, "norms": [NUMBER, ...]}

``norms`` holds the L2 norm of the gradient of the mean cross-entropy with respect to each
Linear layer's weight, first layer first (the app's --compare activation lesson).
"""

import argparse
import json
import os
import sys
import zlib
from pathlib import Path

os.environ["ATEN_CPU_CAPABILITY"] = "default"  # before torch is imported (as gen_fixtures)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_fixtures as gf  # noqa: E402  (imports torch with the pinned kernels)
from gen_fixtures import check_outputs, encode_tensor, torch  # noqa: E402

import torch.nn as tnn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

GENERATOR = "tools/gen_train_fixtures.py"
DEFAULT_OUT = gf.REPO_ROOT / "packages" / "testing" / "fixtures" / "train.json"

ACTIVATIONS = {"relu": tnn.ReLU, "sigmoid": tnn.Sigmoid, "tanh": tnn.Tanh,
               "leakyRelu": tnn.LeakyReLU}

# The app's --optimizer names -> the PyTorch optimizer it builds (presets of SGD included).
OPTIMIZERS = {
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "nesterov": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr),
}


def generator(name):
    return torch.Generator().manual_seed(zlib.crc32(("train/" + name).encode()))


def build(arch, name):
    """The app's MLP with PyTorch's default initialisation, seeded per case."""
    torch.manual_seed(zlib.crc32(("train-init/" + name).encode()))
    layers, width = [], arch["inputs"]
    for h in arch["hidden"]:
        layers += [tnn.Linear(width, h), ACTIVATIONS[arch["activation"]]()]
        width = h
    return tnn.Sequential(*layers, tnn.Linear(width, arch["classes"]))


def data(name, n, arch):
    """Inputs: multiples of 1/64 in [-2, 2) (exact in float32); labels in [0, classes)."""
    g = generator(name)
    x = torch.randint(-128, 128, (n, arch["inputs"]), generator=g).float() / 64
    y = torch.randint(0, arch["classes"], (n,), generator=g)
    return x, y


def state(model):
    return {k: encode_tensor(v) for k, v in model.state_dict().items()}


def number(v):
    return gf.encode_number(float(v))


def training_case(cid, arch, optimizer, lr, batch_size=16, epochs=2, n=64, n_test=40):
    model = build(arch, cid)
    x, y = data(cid, n, arch)
    xt, yt = data(cid + "/test", n_test, arch)
    initial = state(model)
    opt = OPTIMIZERS[optimizer](model.parameters(), lr)
    per_epoch = []
    for _ in range(epochs):
        loss_sum, correct = 0.0, 0
        for i in range(0, n, batch_size):
            xb, yb = x[i : i + batch_size], y[i : i + batch_size]
            opt.zero_grad(set_to_none=True)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(xb)
            correct += int((logits.argmax(1) == yb).sum())
        per_epoch.append({"lossSum": number(loss_sum), "correct": correct, "seen": n})
    model.eval()
    with torch.no_grad():
        logits = model(xt)
        test_loss = F.cross_entropy(logits, yt).item()
        pred = logits.argmax(1)
    confusion = [[int(((yt == t) & (pred == p)).sum()) for p in range(arch["classes"])]
                 for t in range(arch["classes"])]
    return {"id": cid, "architecture": arch, "optimizer": optimizer, "lr": number(lr),
            "batchSize": batch_size, "epochs": epochs,
            "x": encode_tensor(x), "y": encode_tensor(y.int()), "initial": initial,
            "perEpoch": per_epoch, "final": state(model),
            "test": {"x": encode_tensor(xt), "y": encode_tensor(yt.int()),
                     "loss": number(test_loss), "confusion": confusion}}


def grad_norm_case(cid, arch, n=32):
    model = build(arch, cid)
    x, y = data(cid, n, arch)
    F.cross_entropy(model(x), y).backward()
    norms = [number(m.weight.grad.norm()) for m in model if isinstance(m, tnn.Linear)]
    return {"id": cid, "architecture": arch, "state": state(model),
            "x": encode_tensor(x), "y": encode_tensor(y.int()), "norms": norms}


def generate():
    torch.set_num_threads(1)
    mlp = {"inputs": 12, "hidden": [16, 8], "classes": 5, "activation": "relu"}
    training = [
        training_case("adam/relu", mlp, "adam", 0.01),
        training_case("sgd/relu", mlp, "sgd", 0.1),
        training_case("momentum/tanh", {**mlp, "activation": "tanh"}, "momentum", 0.05),
        training_case("nesterov/relu", mlp, "nesterov", 0.05),
        training_case("rmsprop/leakyRelu", {**mlp, "activation": "leakyRelu"}, "rmsprop", 0.01),
    ]
    deep = {"inputs": 12, "hidden": [16] * 8, "classes": 5}
    grad_norms = [grad_norm_case("deep/" + a, {**deep, "activation": a})
                  for a in ("sigmoid", "tanh", "relu", "leakyRelu")]
    head = json.dumps({"generator": GENERATOR, "torch": torch.__version__})[:-1]
    parts = []
    for name, cases in (("training", training), ("gradNorms", grad_norms)):
        lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases]
        parts.append('"%s": [\n%s\n]' % (name, ",\n".join(lines)))
    return head + ", " + ",\n".join(parts) + "}\n", len(training), len(grad_norms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file differs from what would be generated")
    opts = parser.parse_args()
    text, n_training, n_norms = generate()
    if opts.check:
        return check_outputs([(opts.out, text)], GENERATOR)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text)
    print("wrote %s (%d bytes): %d training cases, %d gradient-norm cases"
          % (opts.out, len(text), n_training, n_norms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
