#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for @nn/optim (optimizers, LR schedulers, clipping).

Run from the repository root with a Python that has PyTorch (the committed
file was made with Debian's python3-torch 1.13.1, torch.__version__ "1.13.0a0"):

    /usr/bin/python3 tools/gen_optim_fixtures.py           # writes the fixture file
    /usr/bin/python3 tools/gen_optim_fixtures.py --check   # exit 1 if it is stale

It writes ``packages/testing/fixtures/optim.json``.  Tensors are encoded by
``tools/fixturelib.py``, the generators' common module (TENSOR = {"tensor":
{dtype, shape, data, view}}, non-finite values as "nan"/"inf"/"-inf").  The
output is deterministic: fixed data, one intra-op thread, ATen CPU kernels
pinned to the portable "default" capability (by fixturelib).

Names follow the TypeScript side: optimizer names are the registry names
("sgd", "adam", "adamw", "rmsprop", "lbfgs", ...), hyperparameters and state
keys are camelCase (``weight_decay`` -> ``weightDecay``, ``exp_avg_sq`` ->
``expAvgSq``, ``H_diag`` -> ``hDiag``); tuples are lists.

File format
-----------
::

    {"generator": "tools/gen_optim_fixtures.py", "torch": "<torch.__version__>",
     "problems": PROBLEMS,
     "trajectories": [TRAJ, ...], "steps": [STEP, ...],
     "schedulers": [SCHED, ...], "clip": [CLIP, ...]}     (one case per line)

    PROBLEMS = {"rosenbrock":   {"init": [TENSOR]},            one parameter, shape [2]
                "leastSquares": {"init": [TENSOR, TENSOR],     weight [4, 3], bias [3]
                                 "x": TENSOR, "y": TENSOR}}    x [6, 4], y [6, 3]
        all float64; every value is exactly representable in float32, so the
        float32 runs start from the same numbers.
        rosenbrock(p)         = (1 - p[0])**2 + 100 * (p[1] - p[0]**2)**2
        leastSquares(w, b)    = mean((x @ w + b - y)**2)

    TRAJ = {"id": "<optimizer>/<label>/<problem>", "optimizer": NAME,
            "options": {camelCase hyperparameters}, "problem": "rosenbrock"|"leastSquares",
            "negate": bool,          true: the loss is -objective (the "maximize" cases)
            "dtype": "float64", "steps": 100,
            "checkpoints": [{"step": k, "params": [TENSOR, ...]}, ...],
            "finalState": STATE}
        Free-running: each step is zeroGrad (set to none), loss = objective,
        backward, optimizer.step() (LBFGS: step(closure) with a closure doing
        the same and returning the loss).  "params" are the parameters after k
        steps; "finalState" is the optimizer state after the last step.

    STEP = {"id": ..., "optimizer": NAME, "options": {...}, "dtype": "float32"|"float64",
            "params": [TENSOR, ...],          the parameters before the first step
            "stateBefore": STATE | null,      null: a fresh optimizer
            "grads": [[TENSOR | null, ...], ...] | null,
                                              per step, one gradient per parameter
                                              (null: that parameter has no .grad);
                                              null for LBFGS, which calls the closure
            "problem": "rosenbrock"|"leastSquares"|null, "negate": bool,
                                              the closure's objective (LBFGS only)
            "expected": {"params": [TENSOR, ...], "state": STATE}}
        The float32 per-step cases ("<optimizer>/<label>/<problem>/float32/step<k>")
        take PyTorch's state before step k of a free-running float32 run, so a
        branch decided differently in one step (Rprop's sign, LBFGS) cannot
        compound.  The "trap/..." cases are the well-known pitfalls, each on its
        own small problem.

    STATE = {"<param position>": {"<key>": TENSOR | number | [TENSOR | number, ...] | null}}
        the optimizer's per-parameter state by position within the parameter
        groups (as PyTorch's state_dict); 0-d tensors become numbers, "step" is
        a number.  SGD has no "step" in PyTorch: it is written as the number of
        steps taken.  LBFGS keeps everything on the first parameter.

    SCHED = {"id": ..., "scheduler": "<class name>", "options": {camelCase},
             "optimizer": {"name": NAME, "groups": [{"lr": ..., ...}, ...]},
             "steps": n, "metrics": [number, ...] | absent (ReduceLROnPlateau),
             "lrs": [[lr per group], ...],          n + 1 rows: after construction,
                                                    then after each scheduler.step()
             "momenta": [[momentum or beta1 per group], ...] | absent (OneCycleLR)}
        SequentialLR's options hold "schedulers": [{"scheduler", "options"}, ...]
        and "milestones"; LambdaLR's and MultiplicativeLR's "lrLambda" names a function
        both sides know:
        "inverse" = 1 / (epoch + 1), "exp95" = 0.95 ** epoch.

    CLIP = {"id": ..., "op": "clipGradNorm"|"clipGradValue", "grads": [TENSOR, ...],
            "maxNorm" | "clipValue": number, "normType": number | "inf",
            "expected": {"grads": [TENSOR, ...], "norm": TENSOR | absent}}
"""

import math
import sys
import warnings

import fixturelib as fl
from fixturelib import encode_tensor, torch

DEFAULT_OUT = fl.FIXTURES / "optim.json"
GENERATOR = "tools/gen_optim_fixtures.py"
STEPS = 100
CHECKPOINTS = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
FLOAT32_STEPS = [0, 1, 2, 3, 9, 29, 99]  # zero-based step indices
# LBFGS keeps a history of flat vectors; its per-step cases stop early to stay small.
LBFGS_FLOAT32_STEPS = [0, 1, 2, 3, 9]
# LBFGS with 20 iterations a step: its history makes the per-step cases large; the
# other LBFGS configurations cover the same code per step.
NO_FLOAT32_STEPS = {("lbfgs", "default")}

# --------------------------------------------------------------------------
# Names: PyTorch's snake_case <-> the TS side's camelCase
# --------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
    "rprop": torch.optim.Rprop,
    "asgd": torch.optim.ASGD,
    "lbfgs": torch.optim.LBFGS,
}

# PyTorch-only group entries that have no TS counterpart.
TORCH_ONLY = {"foreach", "differentiable", "capturable", "fused", "params"}


def camel(name):
    if name == "H_diag":
        return "hDiag"
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def snake(name):
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def torch_options(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def encode_value(v):
    """A state value: tensors (0-d -> number), numbers, lists of those."""
    if isinstance(v, torch.Tensor):
        if v.dim() == 0:
            return v.item()
        return encode_tensor(v.detach().clone())
    if isinstance(v, (list, tuple)):
        return [encode_value(x) for x in v]
    if v is None or isinstance(v, (bool, int, float)):
        return v
    raise TypeError("unexpected state value %r" % (v,))


def encode_state(opt, params, steps_taken):
    """The optimizer state by parameter position, with camelCase keys."""
    out = {}
    for i, p in enumerate(params):
        st = opt.state.get(p)
        if not st:
            continue
        entry = {}
        for k, v in st.items():
            if k == "al":  # LBFGS scratch space, rebuilt on every iteration
                continue
            entry[camel(k)] = encode_value(v)
        if "step" not in entry and not isinstance(opt, torch.optim.LBFGS):
            entry["step"] = steps_taken[i]
        out[str(i)] = entry
    return out


# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


def exact32(t):
    """Round to float32 and back, so float32 and float64 runs start equal."""
    return t.float().double()


def make_problems():
    g = torch.Generator().manual_seed(20230213)
    x = exact32(torch.randn(6, 4, generator=g, dtype=torch.float64))
    w_true = torch.randn(4, 3, generator=g, dtype=torch.float64)
    y = exact32(x @ w_true + 0.1 * torch.randn(6, 3, generator=g, dtype=torch.float64))
    w0 = exact32(0.5 * torch.randn(4, 3, generator=g, dtype=torch.float64))
    b0 = exact32(0.5 * torch.randn(3, generator=g, dtype=torch.float64))
    return {
        "rosenbrock": {"init": [torch.tensor([-1.5, 2.0], dtype=torch.float64)]},
        "leastSquares": {"init": [w0, b0], "x": x, "y": y},
    }


PROBLEMS = make_problems()


def objective(problem, params, dtype):
    if problem == "rosenbrock":
        (p,) = params
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
    x = PROBLEMS["leastSquares"]["x"].to(dtype)
    y = PROBLEMS["leastSquares"]["y"].to(dtype)
    w, b = params
    r = x @ w + b - y
    return (r ** 2).mean()


def fresh_params(problem, dtype):
    return [t.to(dtype).clone().requires_grad_(True) for t in PROBLEMS[problem]["init"]]


# --------------------------------------------------------------------------
# Optimizer configurations: (optimizer, label, options); an option may be a
# dict {problem: value} when the problems need different values.
# --------------------------------------------------------------------------

RB, LS = "rosenbrock", "leastSquares"


def per(rb, ls):
    return {RB: rb, LS: ls}


CONFIGS = [
    ("sgd", "plain", {"lr": per(1e-3, 0.05)}),
    ("sgd", "momentum", {"lr": per(1e-4, 0.02), "momentum": 0.9}),
    ("sgd", "dampening", {"lr": per(1e-4, 0.02), "momentum": 0.9, "dampening": 0.3}),
    ("sgd", "nesterov", {"lr": per(1e-4, 0.02), "momentum": 0.9, "nesterov": True}),
    ("sgd", "weightDecay", {"lr": per(1e-3, 0.05), "momentum": 0.5, "weightDecay": 0.1}),
    ("sgd", "maximize", {"lr": per(1e-3, 0.05), "momentum": 0.9, "maximize": True}),
    ("adagrad", "default", {"lr": per(0.1, 0.1)}),
    ("adagrad", "lrDecay", {"lr": per(0.1, 0.1), "lrDecay": 0.05}),
    ("adagrad", "weightDecay", {"lr": per(0.1, 0.1), "weightDecay": 0.1}),
    ("adagrad", "initialAccumulator", {"lr": per(0.1, 0.1), "initialAccumulatorValue": 0.5,
                                       "eps": 1e-6}),
    ("adagrad", "maximize", {"lr": per(0.1, 0.1), "maximize": True}),
    ("rmsprop", "default", {"lr": per(1e-3, 1e-2)}),
    ("rmsprop", "centered", {"lr": per(1e-3, 1e-2), "centered": True}),
    ("rmsprop", "momentum", {"lr": per(1e-4, 1e-3), "momentum": 0.9}),
    ("rmsprop", "centeredMomentum", {"lr": per(1e-4, 1e-3), "centered": True, "momentum": 0.5,
                                     "alpha": 0.9}),
    ("rmsprop", "weightDecay", {"lr": per(1e-3, 1e-2), "weightDecay": 0.1, "eps": 1e-3}),
    ("rmsprop", "maximize", {"lr": per(1e-3, 1e-2), "maximize": True}),
    ("adadelta", "default", {}),
    ("adadelta", "rho", {"lr": 0.5, "rho": 0.5, "eps": 1e-4}),
    ("adadelta", "weightDecay", {"weightDecay": 0.1}),
    ("adadelta", "maximize", {"maximize": True}),
    ("adam", "default", {"lr": per(1e-2, 1e-2)}),
    ("adam", "amsgrad", {"lr": per(1e-2, 1e-2), "amsgrad": True}),
    ("adam", "weightDecay", {"lr": per(1e-2, 1e-2), "weightDecay": 0.1}),
    ("adam", "betas", {"lr": per(1e-2, 1e-2), "betas": [0.8, 0.99], "eps": 1e-3}),
    ("adam", "maximize", {"lr": per(1e-2, 1e-2), "maximize": True, "amsgrad": True,
                          "weightDecay": 0.05}),
    ("adamw", "default", {"lr": per(1e-2, 1e-2)}),
    ("adamw", "amsgrad", {"lr": per(1e-2, 1e-2), "amsgrad": True, "weightDecay": 0.1}),
    ("adamw", "maximize", {"lr": per(1e-2, 1e-2), "maximize": True}),
    ("adamax", "default", {"lr": per(2e-2, 2e-2)}),
    ("adamax", "weightDecay", {"lr": per(2e-2, 2e-2), "weightDecay": 0.1}),
    ("adamax", "maximize", {"lr": per(2e-2, 2e-2), "maximize": True}),
    ("nadam", "default", {"lr": per(1e-2, 1e-2)}),
    ("nadam", "momentumDecay", {"lr": per(1e-2, 1e-2), "momentumDecay": 0.05}),
    ("nadam", "weightDecay", {"lr": per(1e-2, 1e-2), "weightDecay": 0.1}),
    ("radam", "default", {"lr": per(1e-2, 1e-2)}),
    ("radam", "weightDecay", {"lr": per(1e-2, 1e-2), "weightDecay": 0.1, "betas": [0.8, 0.99]}),
    ("rprop", "default", {}),
    ("rprop", "etas", {"lr": 0.05, "etas": [0.3, 1.5], "stepSizes": [1e-4, 0.2]}),
    ("rprop", "maximize", {"maximize": True}),
    ("asgd", "default", {"lr": per(1e-3, 0.05)}),
    ("asgd", "averaging", {"lr": per(1e-3, 0.05), "t0": 10, "lambd": 1e-2, "alpha": 0.5}),
    ("asgd", "weightDecay", {"lr": per(1e-3, 0.05), "weightDecay": 0.1, "t0": 5}),
    ("asgd", "maximize", {"lr": per(1e-3, 0.05), "maximize": True, "t0": 20}),
    # LBFGS amplifies rounding differences on some settings (a fixed step of 0.5 on the least
    # squares problem turns a 1e-13 perturbation of the start into 1e-6 by step 30); these
    # settings were chosen to amplify little (checked by perturbing the start in PyTorch), and
    # stop before the curvature pairs at the optimum (ys ~ 1e-10) are rounding noise.
    ("lbfgs", "fixedStep", {"lr": per(0.02, 0.8), "maxIter": 1, "toleranceGrad": per(1e-7, 1e-5)}),
    ("lbfgs", "default", {"lr": per(0.2, 1), "toleranceGrad": per(1e-7, 1e-5)}),
    ("lbfgs", "strongWolfe", {"lineSearchFn": "strong_wolfe", "maxIter": 5,
                              "toleranceGrad": per(1e-7, 1e-5)}),
    ("lbfgs", "history", {"lineSearchFn": "strong_wolfe", "maxIter": 3, "historySize": 3}),
]


def resolve(options, problem):
    return {k: (v[problem] if isinstance(v, dict) else v) for k, v in options.items()}


def is_maximize(options):
    return bool(options.get("maximize"))


# --------------------------------------------------------------------------
# Running PyTorch
# --------------------------------------------------------------------------


class Run:
    """One optimizer on one problem, stepping as the TS side does."""

    def __init__(self, name, options, problem, dtype):
        self.name, self.problem, self.dtype = name, problem, dtype
        self.negate = is_maximize(options)
        self.params = fresh_params(problem, dtype)
        self.opt = OPTIMIZERS[name](self.params, **torch_options(options))
        self.steps_taken = [0] * len(self.params)

    def loss(self):
        f = objective(self.problem, self.params, self.dtype)
        return -f if self.negate else f

    def closure(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss()
        loss.backward()
        return loss

    def step(self):
        if self.name == "lbfgs":
            self.opt.step(self.closure)
        else:
            self.closure()
            self.opt.step()
        self.steps_taken = [s + 1 for s in self.steps_taken]

    def state(self):
        return encode_state(self.opt, self.params, self.steps_taken)

    def encoded_params(self):
        return [encode_tensor(p.detach().clone()) for p in self.params]


def check_finite(cid, params):
    for p in params:
        if not torch.isfinite(p).all():
            raise AssertionError("%s: parameters went non-finite" % cid)


def trajectory_case(name, label, options, problem):
    cid = "%s/%s/%s" % (name, label, problem)
    run = Run(name, options, problem, torch.float64)
    checkpoints = []
    for k in range(1, STEPS + 1):
        run.step()
        if k in CHECKPOINTS:
            checkpoints.append({"step": k, "params": run.encoded_params()})
    check_finite(cid, run.params)
    return {
        "id": cid, "optimizer": name, "options": options, "problem": problem,
        "negate": run.negate, "dtype": "float64", "steps": STEPS,
        "checkpoints": checkpoints, "finalState": run.state(),
    }


def float32_step_cases(name, label, options, problem):
    """Per-step cases from a free-running float32 run (state before step k -> after)."""
    run = Run(name, options, problem, torch.float32)
    cases = []
    for k in range(STEPS):
        record = k in (LBFGS_FLOAT32_STEPS if name == "lbfgs" else FLOAT32_STEPS)
        if record:
            params = run.encoded_params()
            state = run.state() if k > 0 else None
        if name == "lbfgs":
            grads = None
            run.step()
        else:
            run.closure()
            grads = [[encode_tensor(p.grad.clone()) if p.grad is not None else None
                      for p in run.params]]
            run.opt.step()
            run.steps_taken = [s + 1 for s in run.steps_taken]
        if record:
            cases.append({
                "id": "%s/%s/%s/float32/step%d" % (name, label, problem, k),
                "optimizer": name, "options": options, "dtype": "float32",
                "params": params, "stateBefore": state, "grads": grads,
                "problem": problem if name == "lbfgs" else None, "negate": run.negate,
                "expected": {"params": run.encoded_params(), "state": run.state()},
            })
    check_finite(name + "/" + label + "/float32", run.params)
    return cases


def given_grads_case(cid, name, options, params, grads_per_step, dtype=torch.float64):
    """Runs the optimizer on given parameters with given gradients (per step; None: no grad)."""
    ps = [torch.tensor(p, dtype=dtype).requires_grad_(True) for p in params]
    opt = OPTIMIZERS[name](ps, **torch_options(options))
    steps_taken = [0] * len(ps)
    encoded_grads = []
    for grads in grads_per_step:
        row = []
        for i, (p, g) in enumerate(zip(ps, grads)):
            p.grad = None if g is None else torch.tensor(g, dtype=dtype)
            row.append(None if g is None else encode_tensor(p.grad.clone()))
            if g is not None:
                steps_taken[i] += 1
        encoded_grads.append(row)
        opt.step()
    return {
        "id": cid, "optimizer": name, "options": options,
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "params": [encode_tensor(torch.tensor(p, dtype=dtype)) for p in params],
        "stateBefore": None, "grads": encoded_grads, "problem": None, "negate": False,
        "expected": {"params": [encode_tensor(p.detach().clone()) for p in ps],
                     "state": encode_state(opt, ps, steps_taken)},
    }


def trap_cases():
    """The well-known pitfalls, each on a tiny problem of its own."""
    p = [[0.5, -1.0, 2.0]]
    g = [[0.25, -0.5, 0.125]]
    g2 = [[-0.5, 0.75, 0.25]]
    zero = [[0.0, 0.0, 0.0]]
    return [
        # RMSprop adds eps outside the square root, after it: sqrt(v) + eps.
        given_grads_case("trap/rmspropEpsOutsideSqrt", "rmsprop", {"lr": 0.1, "eps": 0.5},
                         p, [g, g2]),
        # Adam adds eps after the bias-corrected square root: sqrt(v / bc2) + eps.
        given_grads_case("trap/adamEpsAfterBiasCorrection", "adam", {"lr": 0.1, "eps": 0.5},
                         p, [g, g2, g]),
        # PyTorch's Nesterov: p -= lr * (g + momentum * buf), buf = momentum * buf + g.
        given_grads_case("trap/sgdNesterov", "sgd", {"lr": 0.1, "momentum": 0.9,
                                                     "nesterov": True}, p, [g, g2, g]),
        # SGD's first momentum step copies the gradient (no dampening applied).
        given_grads_case("trap/sgdFirstMomentumStep", "sgd", {"lr": 0.1, "momentum": 0.9,
                                                               "dampening": 0.5}, p, [g, g2]),
        # Adagrad's accumulator starts at 0: the first step is lr * g / (|g| + eps).
        given_grads_case("trap/adagradInitialAccumulatorZero", "adagrad", {"lr": 0.1}, p, [g]),
        # Adadelta's default lr is 1.0.
        given_grads_case("trap/adadeltaDefaultLr", "adadelta", {}, p, [g, g2, g]),
        # AdamW multiplies the decay by lr: p *= 1 - lr * weight_decay.
        given_grads_case("trap/adamwDecayTimesLr", "adamw", {"lr": 0.01, "weightDecay": 0.1},
                         p, [zero]),
        # Weight decay applies when a gradient is zero (but present).
        given_grads_case("trap/weightDecayZeroGrad", "sgd", {"lr": 0.1, "weightDecay": 0.5},
                         p, [zero]),
        given_grads_case("trap/adamWeightDecayZeroGrad", "adam", {"lr": 0.1,
                                                                  "weightDecay": 0.5},
                         p, [zero, zero]),
        # A parameter without a gradient is skipped (no state, no decay).
        given_grads_case("trap/noGradSkipped", "adam", {"lr": 0.1, "weightDecay": 0.5},
                         p + [[1.0, 2.0]], [g + [None], g2 + [None]]),
        given_grads_case("trap/noGradSkippedSgd", "sgd", {"lr": 0.1, "momentum": 0.9,
                                                          "weightDecay": 0.5},
                         [[1.0, 2.0]] + p, [[None] + g, [None] + g2]),
    ]


# --------------------------------------------------------------------------
# LR schedulers
# --------------------------------------------------------------------------

LAMBDAS = {"inverse": lambda e: 1 / (e + 1), "exp95": lambda e: 0.95 ** e}
SCHEDULERS = torch.optim.lr_scheduler


def build_scheduler(opt, spec):
    cls = getattr(SCHEDULERS, spec["scheduler"])
    kw = dict(spec.get("options", {}))
    if spec["scheduler"] == "SequentialLR":
        subs = [build_scheduler(opt, s) for s in kw.pop("schedulers")]
        return cls(opt, schedulers=subs, milestones=kw["milestones"])
    if spec["scheduler"] in ("LambdaLR", "MultiplicativeLR"):
        fn = kw.pop("lrLambda")
        kw["lr_lambda"] = [LAMBDAS[f] for f in fn] if isinstance(fn, list) else LAMBDAS[fn]
    renames = {"tMax": "T_max", "t0": "T_0", "tMult": "T_mult"}
    return cls(opt, **{renames.get(k, snake(k)): v for k, v in kw.items()})


def scheduler_case(cid, spec, optimizer, groups, steps, metrics=None):
    params = [torch.zeros(1, requires_grad=True) for _ in groups]
    pgroups = [dict(g, params=[p]) for g, p in zip(groups, params)]
    opt = OPTIMIZERS[optimizer](pgroups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = build_scheduler(opt, spec)
        one_cycle = spec["scheduler"] == "OneCycleLR"

        def momenta():
            return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]

        lrs = [[g["lr"] for g in opt.param_groups]]
        moms = [momenta()] if one_cycle else None
        for k in range(steps):
            opt.step()
            if metrics is not None:
                sched.step(metrics[k])
            else:
                sched.step()
            lrs.append([g["lr"] for g in opt.param_groups])
            if one_cycle:
                moms.append(momenta())
    case = {"id": cid, "scheduler": spec["scheduler"], "options": spec.get("options", {}),
            "optimizer": {"name": optimizer, "groups": groups}, "steps": steps}
    if metrics is not None:
        case["metrics"] = metrics
    case["lrs"] = lrs
    if one_cycle:
        case["momenta"] = moms
    return case


def scheduler_cases():
    two = [{"lr": 0.1}, {"lr": 0.02}]
    plateau_metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6,
                       0.6, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45]
    S = lambda name, **options: {"scheduler": name, "options": options}  # noqa: E731
    return [
        scheduler_case("StepLR/basic", S("StepLR", stepSize=3, gamma=0.5), "sgd", two, 12),
        scheduler_case("StepLR/defaultGamma", S("StepLR", stepSize=4), "adam", [{"lr": 1e-3}], 12),
        scheduler_case("MultiStepLR/basic", S("MultiStepLR", milestones=[2, 5, 5, 9], gamma=0.5),
                       "sgd", two, 12),
        scheduler_case("ExponentialLR/basic", S("ExponentialLR", gamma=0.9), "sgd", two, 15),
        scheduler_case("CosineAnnealingLR/basic", S("CosineAnnealingLR", tMax=10), "sgd", two, 30),
        scheduler_case("CosineAnnealingLR/etaMin", S("CosineAnnealingLR", tMax=7, etaMin=0.001),
                       "sgd", two, 30),
        scheduler_case("CosineAnnealingWarmRestarts/basic",
                       S("CosineAnnealingWarmRestarts", t0=5), "sgd", two, 25),
        scheduler_case("CosineAnnealingWarmRestarts/tMult",
                       S("CosineAnnealingWarmRestarts", t0=3, tMult=2, etaMin=0.005),
                       "sgd", two, 25),
        scheduler_case("ConstantLR/basic", S("ConstantLR", factor=0.5, totalIters=4), "sgd", two, 8),
        scheduler_case("MultiplicativeLR/exp95", S("MultiplicativeLR", lrLambda="exp95"), "sgd",
                       two, 8),
        scheduler_case("LinearLR/default", S("LinearLR"), "sgd", two, 10),
        scheduler_case("LinearLR/decay", S("LinearLR", startFactor=1.0, endFactor=0.25,
                                           totalIters=6), "sgd", two, 10),
        scheduler_case("LambdaLR/inverse", S("LambdaLR", lrLambda="inverse"), "sgd", two, 10),
        scheduler_case("LambdaLR/perGroup", S("LambdaLR", lrLambda=["inverse", "exp95"]),
                       "sgd", two, 10),
        scheduler_case("OneCycleLR/cos", S("OneCycleLR", maxLr=0.5, totalSteps=20),
                       "sgd", [{"lr": 0.1, "momentum": 0.9}], 20),
        scheduler_case("OneCycleLR/linearThreePhase",
                       S("OneCycleLR", maxLr=[0.5, 0.2], totalSteps=25, annealStrategy="linear",
                         threePhase=True, pctStart=0.4), "adam", [{"lr": 1e-3}, {"lr": 1e-3}],
                       25),
        scheduler_case("OneCycleLR/noMomentum",
                       S("OneCycleLR", maxLr=1.0, epochs=3, stepsPerEpoch=4,
                         cycleMomentum=False, divFactor=10.0, finalDivFactor=100.0),
                       "sgd", [{"lr": 0.1}], 12),
        scheduler_case("ReduceLROnPlateau/min", S("ReduceLROnPlateau", patience=2, factor=0.5),
                       "sgd", two, len(plateau_metrics), plateau_metrics),
        scheduler_case("ReduceLROnPlateau/cooldownAbs",
                       S("ReduceLROnPlateau", patience=1, factor=0.5, cooldown=2,
                         thresholdMode="abs", threshold=0.05, minLr=[0.02, 0.01]),
                       "sgd", two, len(plateau_metrics), plateau_metrics),
        scheduler_case("ReduceLROnPlateau/max",
                       S("ReduceLROnPlateau", mode="max", patience=0, factor=0.1, eps=1e-3),
                       "sgd", two, len(plateau_metrics), [-m for m in plateau_metrics]),
        scheduler_case("SequentialLR/warmupThenCosine",
                       S("SequentialLR", schedulers=[S("LinearLR", startFactor=0.1, totalIters=3),
                                                     S("CosineAnnealingLR", tMax=8)],
                         milestones=[3]), "sgd", two, 15),
        scheduler_case("SequentialLR/threeStages",
                       S("SequentialLR", schedulers=[S("ExponentialLR", gamma=0.5),
                                                     S("StepLR", stepSize=2, gamma=0.1),
                                                     S("LinearLR", startFactor=0.5,
                                                       totalIters=2)],
                         milestones=[2, 6]), "sgd", two, 12),
        # pctStart * totalSteps < 1: the warm-up phase ends before step 0 (its end step is
        # negative), so every step is in the annealing phase. (At exactly 1 the warm-up phase has
        # no steps: PyTorch raises ZeroDivisionError and nn a ValueError; see the TS tests.)
        scheduler_case("OneCycleLR/shortWarmup",
                       S("OneCycleLR", maxLr=0.5, totalSteps=10, pctStart=0.05),
                       "sgd", [{"lr": 0.1, "momentum": 0.9}], 10),
    ]


# --------------------------------------------------------------------------
# Gradient clipping
# --------------------------------------------------------------------------


def clip_cases():
    g = torch.Generator().manual_seed(7)
    cases = []

    def grads(dtype, scale):
        return [exact32(scale * torch.randn(s, generator=g, dtype=torch.float64)).to(dtype)
                for s in ((3, 2), (4,))]

    for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
        for max_norm, norm_type, scale, label in ((1.0, 2.0, 2.0, "clipped"),
                                                  (100.0, 2.0, 2.0, "unclipped"),
                                                  (0.5, 1.0, 1.0, "l1"),
                                                  (0.5, math.inf, 1.0, "inf"),
                                                  (2.0, 3.0, 1.0, "p3")):
            gs = grads(dtype, scale)
            ps = [torch.zeros_like(x, requires_grad=True) for x in gs]
            for p, x in zip(ps, gs):
                p.grad = x.clone()
            norm = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
            cases.append({
                "id": "clipGradNorm/%s/%s" % (label, dname), "op": "clipGradNorm",
                "grads": [encode_tensor(x) for x in gs], "maxNorm": max_norm,
                "normType": "inf" if math.isinf(norm_type) else norm_type,
                "expected": {"grads": [encode_tensor(p.grad) for p in ps],
                             "norm": encode_tensor(norm)}})
        gs = grads(dtype, 1.0)
        ps = [torch.zeros_like(x, requires_grad=True) for x in gs]
        for p, x in zip(ps, gs):
            p.grad = x.clone()
        torch.nn.utils.clip_grad_value_(ps, 0.5)
        cases.append({"id": "clipGradValue/basic/%s" % dname, "op": "clipGradValue",
                      "grads": [encode_tensor(x) for x in gs], "clipValue": 0.5,
                      "expected": {"grads": [encode_tensor(p.grad) for p in ps]}})
    return cases


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def generate(opts):
    trajectories, steps = [], []
    for name, label, options in CONFIGS:
        for problem in (RB, LS):
            resolved = resolve(options, problem)
            trajectories.append(trajectory_case(name, label, resolved, problem))
            if (name, label) not in NO_FLOAT32_STEPS:
                steps.extend(float32_step_cases(name, label, resolved, problem))
    steps.extend(trap_cases())
    problems = {
        RB: {"init": [encode_tensor(t) for t in PROBLEMS[RB]["init"]]},
        LS: {"init": [encode_tensor(t) for t in PROBLEMS[LS]["init"]],
             "x": encode_tensor(PROBLEMS[LS]["x"]), "y": encode_tensor(PROBLEMS[LS]["y"])},
    }
    schedulers, clips = scheduler_cases(), clip_cases()
    text = fl.render(GENERATOR, [("problems", problems), ("trajectories", trajectories),
                                 ("steps", steps), ("schedulers", schedulers), ("clip", clips)])
    return [(opts.out, text)], (
        "%d trajectories, %d step cases, %d scheduler cases, %d clip cases"
        % (len(trajectories), len(steps), len(schedulers), len(clips)))


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
