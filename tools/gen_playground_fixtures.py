"""PyTorch reference for apps/playground's optimizer race: each surface of
apps/playground/src/race/surfaces.ts, each torch.optim optimizer (and SGD's momentum and
Nesterov presets), from the surface's start point at its default learning rate, float32.
Writes every step's point and loss; the playground's tests check its race against them.

Run: /usr/bin/python3 tools/gen_playground_fixtures.py [--check]
"""

import sys
from pathlib import Path

import fixturelib  # noqa: F401  (pins torch first)
from fixturelib import encode_float, main, render
import torch

STEPS = 40

# name -> (f, start, lr): the same formulas, starts and rates as surfaces.ts.
SURFACES = {
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-1.5, 2.5), 1e-3),
    "beale": (lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2
              + (2.625 - x + x * y**3) ** 2, (1.0, 1.5), 1e-3),
    "himmelblau": (lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (-0.5, -0.5), 1e-2),
    "saddle": (lambda x, y: x**2 + y**4 / 4 - y**2 / 2, (-1.8, 0.001), 1e-2),
    "quadratic": (lambda x, y: (x**2 + 25 * y**2) / 2, (-4.5, 2.0), 3e-2),
}

OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adadelta": (torch.optim.Adadelta, {}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "adamax": (torch.optim.Adamax, {}),
    "nadam": (torch.optim.NAdam, {}),
    "radam": (torch.optim.RAdam, {}),
    "rprop": (torch.optim.Rprop, {}),
    "asgd": (torch.optim.ASGD, {}),
}


def race(f, start, lr, make, options):
    p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
    opt = make([p], lr=lr, **options)
    xs, ys, losses = [], [], []
    for step in range(STEPS + 1):
        loss = f(p[0:1], p[1:2]).sum()
        xs.append(encode_float(p[0].item()))
        ys.append(encode_float(p[1].item()))
        losses.append(encode_float(loss.item()))
        if step < STEPS:
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {"xs": xs, "ys": ys, "losses": losses}


def generate(opts):
    cases = []
    for surface, (f, start, lr) in SURFACES.items():
        for name, (make, options) in OPTIMIZERS.items():
            case = {"surface": surface, "optimizer": name, "lr": lr, "start": list(start),
                    "steps": STEPS}
            case.update(race(f, start, lr, make, options))
            cases.append(case)
    text = render("tools/gen_playground_fixtures.py", [("races", cases)])
    return [(opts.out, text)], "%d races of %d steps" % (len(cases), STEPS)


if __name__ == "__main__":
    sys.exit(main(__doc__, "tools/gen_playground_fixtures.py",
                  Path(__file__).resolve().parent.parent / "packages/testing/fixtures/playground-race.json",
                  generate))
