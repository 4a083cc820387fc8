#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for @nn/activations (values and gradients).

Run from the repository root with a Python that has PyTorch (the committed
file was made with Debian's python3-torch 1.13.1, torch.__version__ "1.13.0a0"):

    /usr/bin/python3 tools/gen_activation_fixtures.py           # writes the fixture file
    /usr/bin/python3 tools/gen_activation_fixtures.py --check   # exit 1 if it is stale

It writes ``packages/testing/fixtures/activations.json``.  The tensor
encoding (TENSOR, VIEW, non-finite values as "nan"/"inf"/"-inf", exact float32
values) is that of ``tools/fixturelib.py``, the generators' common module;
read its docstring.  The output is deterministic (fixed seeds, one intra-op
thread, ATen CPU kernels pinned to the portable "default" capability by
fixturelib).  Compare floats with a tolerance.

File format
-----------
::

    {"generator": "tools/gen_activation_fixtures.py", "torch": "<torch.__version__>",
     "cases": [CASE, ...]}                                  (one case per line)

    CASE = {"id": "<op>/<options>/<what>/<dtype>", "op": "<TS function name>",
            "args": [ARG, ...],
            "gradOutput": TENSOR | null,                      null for error cases
            "expected": {"value": TENSOR, "grads": [GRAD, ...]}
                      | {"error": "ShapeError"|"ValueError"|"DTypeError"}}
    ARG  = TENSOR
         | int                   a dim (softmax, logSoftmax, softmin, glu)
         | OPTIONS               a JSON object of the TS options, e.g.
                                 {"negativeSlope": 0.2} or {"approximate": "tanh"}
    GRAD = TENSOR                d(sum(value * gradOutput)) / d(arg) for a float tensor arg
         | null                  for an int or OPTIONS arg

The TS side calls ``op(...args)`` (an OPTIONS object is the last argument, and
absent when the case uses the defaults), marks every TENSOR arg as a leaf that
requires grad, runs backward with ``gradOutput`` and compares each arg's
gradient.  ``<options>`` in the id is "default" or the options as k=v pairs.

Inputs
------
* ``grid`` cases: a 1-D tensor of every value of GRID (0, -0, +-1e-8, +-0.25,
  +-0.5, +-1, +-1.5, +-2, +-3, +-4.5, +-6, +-10, +-20, +-90, +-1e4, +-inf,
  nan) plus the activation's kink points for those options (0, the bounds of
  hardtanh/relu6/hardsigmoid/hardswish, +-lambd, the threshold, softplus's
  threshold/beta) and their neighbours +-1/64; gradOutput is all ones, so the
  gradient is PyTorch's derivative, at the kinks as PyTorch defines it.
* ``view`` cases: a [3, 4] transposed view of random values in (-8, 8) with a
  random gradOutput (strided inputs).
* softmax, logSoftmax, softmin: [4, 5] tensors with values up to +-1e4 and
  -inf entries (and, in "specials", a row of all -inf, a +inf and a nan), and
  random [4, 5] / [2, 3, 4] tensors, over several dims, random gradOutput.
* glu over several dims; prelu with a one-element, a per-channel and a 0-d
  weight (gradients for the input and the weight); rrelu in eval mode (in
  training its slopes are random, so the TS test checks their bounds).
* error cases: invalid options and shapes (PyTorch's error mapped onto the TS
  error names).
"""

import math
import sys
from collections import Counter

import fixturelib as fl
from fixturelib import F, FLOATS, INF, NAN, T, torch

DEFAULT_OUT = fl.FIXTURES / "activations.json"
GENERATOR = "tools/gen_activation_fixtures.py"

GRID = [0.0, -0.0, 1e-8, -1e-8, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0, -2.0,
        3.0, -3.0, 4.5, -4.5, 6.0, -6.0, 10.0, -10.0, 20.0, -20.0, 90.0, -90.0,
        1e4, -1e4, INF, -INF, NAN]
NUDGE = 1.0 / 64

# --------------------------------------------------------------------------
# Elementwise activations: TS name -> (PyTorch call, defaults, option sets, kinks)
# --------------------------------------------------------------------------

SELU_KINKS = [0.0]


def _gelu(x, approximate):
    return F.gelu(x, approximate=approximate)


ELEMENTWISE = {
    # name: (fn(x, **params), defaults, extra option sets, kinks(params))
    "sigmoid": (lambda x: torch.sigmoid(x), {}, [], lambda p: []),
    "tanh": (lambda x: torch.tanh(x), {}, [], lambda p: []),
    "relu": (lambda x: F.relu(x), {}, [], lambda p: [0.0]),
    "leakyRelu": (lambda x, negativeSlope: F.leaky_relu(x, negativeSlope),
                  {"negativeSlope": 0.01}, [{"negativeSlope": 0.2}, {"negativeSlope": -0.5}],
                  lambda p: [0.0]),
    "relu6": (lambda x: F.relu6(x), {}, [], lambda p: [0.0, 6.0]),
    "elu": (lambda x, alpha: F.elu(x, alpha), {"alpha": 1.0}, [{"alpha": 0.5}, {"alpha": 2.5}],
            lambda p: [0.0]),
    "selu": (lambda x: F.selu(x), {}, [], lambda p: [0.0]),
    "celu": (lambda x, alpha: F.celu(x, alpha), {"alpha": 1.0}, [{"alpha": 0.5}, {"alpha": 2.5}],
             lambda p: [0.0]),
    "gelu": (_gelu, {"approximate": "none"}, [{"approximate": "tanh"}], lambda p: []),
    "silu": (lambda x: F.silu(x), {}, [], lambda p: []),
    "mish": (lambda x: F.mish(x), {}, [], lambda p: []),
    "softplus": (lambda x, beta, threshold: F.softplus(x, beta, threshold),
                 {"beta": 1.0, "threshold": 20.0},
                 [{"beta": 2.0, "threshold": 10.0}, {"beta": 0.5, "threshold": 5.0}],
                 lambda p: [p["threshold"] / p["beta"]]),
    "softsign": (lambda x: F.softsign(x), {}, [], lambda p: [0.0]),
    "hardtanh": (lambda x, minVal, maxVal: F.hardtanh(x, minVal, maxVal),
                 {"minVal": -1.0, "maxVal": 1.0}, [{"minVal": -2.0, "maxVal": 3.0}],
                 lambda p: [p["minVal"], p["maxVal"]]),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), {}, [], lambda p: [-3.0, 3.0]),
    "hardswish": (lambda x: F.hardswish(x), {}, [], lambda p: [-3.0, 3.0]),
    "logSigmoid": (lambda x: F.logsigmoid(x), {}, [], lambda p: []),
    "tanhshrink": (lambda x: F.tanhshrink(x), {}, [], lambda p: []),
    "softshrink": (lambda x, lambd: F.softshrink(x, lambd), {"lambd": 0.5},
                   [{"lambd": 1.5}, {"lambd": 0.0}], lambda p: [p["lambd"], -p["lambd"]]),
    "hardshrink": (lambda x, lambd: F.hardshrink(x, lambd), {"lambd": 0.5}, [{"lambd": 1.5}],
                   lambda p: [p["lambd"], -p["lambd"]]),
    "threshold": (lambda x, threshold, value: F.threshold(x, threshold, value),
                  {"threshold": 0.0, "value": 0.0},
                  [{"threshold": 0.5, "value": -3.0}, {"threshold": -1.0, "value": 2.0}],
                  lambda p: [p["threshold"]]),
    # rrelu: eval mode only (training draws random slopes); options as the TS function takes them.
    "rrelu": (lambda x, lower, upper, training: F.rrelu(x, lower, upper, training=training),
              {"lower": 1.0 / 8, "upper": 1.0 / 3, "training": False},
              [{"lower": 0.1, "upper": 0.3, "training": False}], lambda p: [0.0]),
}

# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------

CASES = fl.Cases()

# PyTorch error messages of these ops -> TS error names (first match wins; then fixturelib's).
ERROR_RULES = [
    ("Halving dimension must be even", "ShapeError"),
    ("glu does not support scalars", "ShapeError"),
    ("Expected `weight` to be a scalar or 1D tensor", "ShapeError"),
    ("Mismatch of parameter numbers and input channel size", "ShapeError"),
    ("Not allow zero-dim input tensor", "ShapeError"),
    ("alpha cannot be 0", "ValueError"),
    ("Lower bound should be less than or equal to the upper bound", "ValueError"),
    ("lambda must be greater or equal to 0", "ValueError"),
]


classify = fl.classifier(ERROR_RULES)


class Rng:
    def __init__(self, name):
        self.g = fl.generator("act/" + name)

    def odd(self, shape, scale):
        """(k + 1/2) * scale / 128 for k in [-128, 128): never 0 or a kink at a round number."""
        k = torch.randint(-128, 128, list(shape), generator=self.g, dtype=torch.int64)
        return (k.double() + 0.5) * scale / 128


def _encode_options(opts):
    out = {}
    for k, v in opts.items():
        assert isinstance(v, (bool, int, float, str)), (k, v)
        assert not (isinstance(v, float) and not math.isfinite(v)), (k, v)
        out[k] = v
    return out


def _opt_id(opts):
    if not opts:
        return "default"
    return ",".join("%s=%s" % (k, v) for k, v in opts.items())


def _encode_arg(a):
    if isinstance(a, fl.In):
        return a.encode()
    if isinstance(a, dict):
        return _encode_options(a)
    assert isinstance(a, int) and not isinstance(a, bool), a
    return a


def case(cid, op, fn, args, grad_out=None, error=None):
    """Record ``fn(*torch_args)``: its value and the gradient of every tensor arg.

    ``error`` asserts the case fails with that TS error name (a guard against
    PyTorch behaving differently from what the case was written to exercise).
    """
    CASES.claim(cid, op)
    entry = {"id": cid, "op": op, "args": [_encode_arg(a) for a in args]}
    ran = fl.run_case(CASES, entry, fn, args, error, classify)
    if ran is None:
        return
    out, leaves = ran
    if grad_out is None:
        grad_out = torch.ones_like(out)
    grad_out = grad_out.to(out.dtype)
    fl.record_result(CASES, entry, args, out, leaves, grad_out)


def grid_values(kinks):
    vals = list(GRID)
    for k in kinks:
        for v in (k, k - NUDGE, k + NUDGE):
            if not any(v == g and math.copysign(1, v) == math.copysign(1, g) for g in vals):
                vals.append(v)
    return vals


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def elementwise_cases():
    for name, (fn, defaults, extra, kinks) in ELEMENTWISE.items():
        for opts in [{}] + extra:
            params = dict(defaults, **opts)
            call = (lambda x, *_, params=params, fn=fn: fn(x, **params))
            vals = grid_values(kinks(params))
            for dt in FLOATS:
                args = [T(vals, dt)] + ([opts] if opts else [])
                case("%s/%s/grid/%s" % (name, _opt_id(opts), dt), name, call, args)
        rng = Rng(name)
        x = rng.odd([3, 4], 8.0)
        g = rng.odd([3, 4], 2.0)
        params = dict(defaults)
        for dt in FLOATS:
            case("%s/default/view/%s" % (name, dt), name,
                 lambda x, params=params, fn=fn: fn(x, **params),
                 [T(x, dt, view="transpose")], grad_out=g)


def error_cases():
    x = T([-1.0, 0.5, 2.0])
    case("celu/alpha=0/error", "celu", lambda x, o: F.celu(x, 0.0), [x, {"alpha": 0.0}],
         error="ValueError")
    case("softshrink/lambd=-1/error", "softshrink", lambda x, o: F.softshrink(x, -1.0),
         [x, {"lambd": -1.0}], error="ValueError")
    for training in (False, True):
        opts = {"lower": 0.5, "upper": 0.25, "training": training}
        case("rrelu/%s/error" % _opt_id(opts), "rrelu",
             lambda x, o, t=training: F.rrelu(x, 0.5, 0.25, training=t), [x, opts],
             error="ValueError")


def softmax_cases():
    fns = {"softmax": F.softmax, "logSoftmax": F.log_softmax, "softmin": F.softmin}
    large = [[1e4, 0.0, -INF, 1.0, -1e4],
             [-INF, -INF, 2.0, -INF, 3.0],
             [1e4, 1e4, 9999.0, 5.0, 5.0],
             [-1e4, -9999.0, 0.5, -0.5, -INF]]
    specials = [[-INF, -INF, -INF, -INF, -INF],
                [INF, 1.0, 2.0, 3.0, 4.0],
                [NAN, 1.0, 2.0, 3.0, 4.0],
                [1.0, 2.0, 3.0, 4.0, 5.0]]
    for name, fn in fns.items():
        rng = Rng(name)
        g2 = rng.odd([4, 5], 2.0)
        g3 = rng.odd([2, 3, 4], 2.0)
        r2 = rng.odd([4, 5], 8.0)
        r3 = rng.odd([2, 3, 4], 8.0)
        call = (lambda x, d, fn=fn: fn(x, dim=d))
        for dt in FLOATS:
            for d in (1, 0, -1):
                case("%s/large/dim=%d/%s" % (name, d, dt), name, call,
                     [T(large, dt), d], grad_out=g2)
            case("%s/specials/dim=1/%s" % (name, dt), name, call, [T(specials, dt), 1],
                 grad_out=g2)
            case("%s/random/dim=0/%s" % (name, dt), name, call, [T(r2, dt), 0], grad_out=g2)
            for d in (0, 1, 2, -2):
                case("%s/random3d/dim=%d/%s" % (name, d, dt), name, call, [T(r3, dt), d],
                     grad_out=g3)
            case("%s/view/dim=1/%s" % (name, dt), name, call,
                 [T(r2, dt, view="transpose"), 1], grad_out=g2)
            case("%s/0d/dim=0/%s" % (name, dt), name, call, [T(1.5, dt), 0],
                 grad_out=torch.tensor(0.75))


def glu_cases():
    rng = Rng("glu")
    call = lambda x, d: F.glu(x, dim=d)  # noqa: E731
    x2 = rng.odd([4, 6], 8.0)
    x3 = rng.odd([2, 4, 3], 8.0)
    grid = torch.tensor(GRID + [0.125], dtype=torch.float64)  # even length
    xg = torch.stack([grid.flip(0), grid])  # a: reversed grid, b: grid (gate)
    for dt in FLOATS:
        for d in (-1, 1):
            case("glu/random/dim=%d/%s" % (d, dt), "glu", call, [T(x2, dt), d],
                 grad_out=rng.odd([4, 3], 2.0))
        case("glu/random/dim=0/%s" % dt, "glu", call, [T(x2, dt), 0],
             grad_out=rng.odd([2, 6], 2.0))
        case("glu/random3d/dim=1/%s" % dt, "glu", call, [T(x3, dt), 1],
             grad_out=rng.odd([2, 2, 3], 2.0))
        case("glu/grid/dim=0/%s" % dt, "glu", call, [T(xg, dt), 0])
        case("glu/odd/error/%s" % dt, "glu", call, [T(rng.odd([3, 5], 2.0), dt), 1],
             error="ShapeError")
        case("glu/0d/error/%s" % dt, "glu", call, [T(1.5, dt), 0], error="ShapeError")


def prelu_cases():
    rng = Rng("prelu")
    call = lambda x, w: F.prelu(x, w)  # noqa: E731
    kinks = grid_values([0.0])
    x3 = rng.odd([2, 3, 4], 8.0)
    w3 = torch.tensor([0.25, -0.5, 1.5], dtype=torch.float64)
    x2 = rng.odd([2, 3], 8.0)
    for dt in FLOATS:
        case("prelu/grid/weight=1/%s" % dt, "prelu", call, [T(kinks, dt), T([0.25], dt)])
        case("prelu/channels/%s" % dt, "prelu", call, [T(x3, dt), T(w3, dt)],
             grad_out=rng.odd([2, 3, 4], 2.0))
        case("prelu/0d-weight/%s" % dt, "prelu", call, [T(x2, dt), T(-0.75, dt)],
             grad_out=rng.odd([2, 3], 2.0))
        case("prelu/0d-input/%s" % dt, "prelu", call, [T(-2.5, dt), T([0.25], dt)],
             grad_out=torch.tensor(1.25))
        case("prelu/view/%s" % dt, "prelu", call,
             [T(rng.odd([4, 3], 8.0), dt, view="transpose"), T(w3[:3], dt)],
             grad_out=rng.odd([4, 3], 2.0))
        case("prelu/weight-2d/error/%s" % dt, "prelu", call,
             [T(x2, dt), T([[0.25, 0.5, 0.75]], dt)], error="ShapeError")
        case("prelu/weight-size/error/%s" % dt, "prelu", call,
             [T(x2, dt), T([0.25, 0.5], dt)], error="ShapeError")
        case("prelu/1d-input-channels/error/%s" % dt, "prelu", call,
             [T([-1.0, 2.0, -3.0], dt), T(w3, dt)], error="ShapeError")


def softmax_empty_cases():
    """Normalizing over (or alongside) a size-0 dim: an empty result, as PyTorch (no max of
    nothing is taken). Found by differential testing."""
    fns = {"softmax": F.softmax, "logSoftmax": F.log_softmax, "softmin": F.softmin}
    for name, fn in fns.items():
        call = (lambda x, d, fn=fn: fn(x, dim=d))
        for dt in FLOATS:
            case("%s/empty/[2,0]/dim=1/%s" % (name, dt), name, call, [T(torch.zeros(2, 0), dt), 1])
            case("%s/empty/[0,3]/dim=0/%s" % (name, dt), name, call, [T(torch.zeros(0, 3), dt), 0])
            case("%s/empty/[0]/dim=-1/%s" % (name, dt), name, call, [T([], dt), -1])


SECTIONS = [elementwise_cases, error_cases, softmax_cases, glu_cases, prelu_cases,
            softmax_empty_cases]


def generate(opts):
    for section in SECTIONS:
        section()
    counts = Counter(c["op"] for c in CASES)
    errors = Counter(c["op"] for c in CASES if "error" in c["expected"])
    summary = ["%d cases" % len(CASES)]
    summary += ["  %-12s %4d cases (%d errors)" % (op, counts[op], errors[op])
                for op in sorted(counts)]
    return [(opts.out, fl.render(GENERATOR, [("cases", CASES)]))], "\n".join(summary)


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
