#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the training app (apps/train).

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_train_fixtures.py            # writes the fixture file
    /usr/bin/python3 tools/gen_train_fixtures.py --check    # exit 1 if it is stale

It writes ``packages/testing/fixtures/train.json``: small MLPs (784 inputs would make the file
large, so 12) trained and measured exactly as apps/train does, so its training loop, held-out
evaluation, optimizer presets and the vanishing-gradient lesson are checked against PyTorch.
The tensor encoding (TENSOR, non-finite values as "nan"/"inf"/"-inf", int64 written as int32)
is that of ``tools/fixturelib.py``, the generators' common module. The output is
deterministic: fixed seeds, one intra-op thread, ATen's portable CPU kernels (pinned by
fixturelib).

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

import sys

import fixturelib as fl
from fixturelib import F, encode_tensor, torch

import torch.nn as tnn

GENERATOR = "tools/gen_train_fixtures.py"
DEFAULT_OUT = fl.FIXTURES / "train.json"

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


def build(arch, name):
    """The app's MLP with PyTorch's default initialisation, seeded per case."""
    fl.seed("train-init/" + name)
    layers, width = [], arch["inputs"]
    for h in arch["hidden"]:
        layers += [tnn.Linear(width, h), ACTIVATIONS[arch["activation"]]()]
        width = h
    return tnn.Sequential(*layers, tnn.Linear(width, arch["classes"]))


def data(name, n, arch):
    """Inputs: multiples of 1/64 in [-2, 2) (exact in float32); labels in [0, classes)."""
    g = fl.generator("train/" + name)
    x = torch.randint(-128, 128, (n, arch["inputs"]), generator=g).float() / 64
    y = torch.randint(0, arch["classes"], (n,), generator=g)
    return x, y


def state(model):
    return {k: encode_tensor(v) for k, v in model.state_dict().items()}


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
        per_epoch.append({"lossSum": fl.encode_number(loss_sum), "correct": correct, "seen": n})
    model.eval()
    with torch.no_grad():
        logits = model(xt)
        test_loss = F.cross_entropy(logits, yt).item()
        pred = logits.argmax(1)
    confusion = [[int(((yt == t) & (pred == p)).sum()) for p in range(arch["classes"])]
                 for t in range(arch["classes"])]
    return {"id": cid, "architecture": arch, "optimizer": optimizer, "lr": fl.encode_number(lr),
            "batchSize": batch_size, "epochs": epochs,
            "x": encode_tensor(x), "y": encode_tensor(y.int()), "initial": initial,
            "perEpoch": per_epoch, "final": state(model),
            "test": {"x": encode_tensor(xt), "y": encode_tensor(yt.int()),
                     "loss": fl.encode_number(test_loss), "confusion": confusion}}


def grad_norm_case(cid, arch, n=32):
    model = build(arch, cid)
    x, y = data(cid, n, arch)
    F.cross_entropy(model(x), y).backward()
    norms = [fl.encode_number(m.weight.grad.norm()) for m in model if isinstance(m, tnn.Linear)]
    return {"id": cid, "architecture": arch, "state": state(model),
            "x": encode_tensor(x), "y": encode_tensor(y.int()), "norms": norms}


def generate(opts):
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
    text = fl.render(GENERATOR, [("training", training), ("gradNorms", grad_norms)])
    return [(opts.out, text)], "%d training cases, %d gradient-norm cases" % (
        len(training), len(grad_norms))


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
