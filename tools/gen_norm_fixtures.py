#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the vector norms of @nn/tensor.

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_norm_fixtures.py           # writes the fixture file
    /usr/bin/python3 tools/gen_norm_fixtures.py --check   # exit 1 if it is stale

It writes ``packages/testing/fixtures/norm.json``: values and input gradients of
``torch.linalg.vector_norm`` (TS ``vectorNorm``) and ``torch.norm`` (TS ``norm``)
for ord 2, 1, inf, -inf, 0 and other p (fractional, negative), float32 and
float64, over all dims, one dim and two dims, with and without keepdim.  The
inputs hold an all-zero row (the gradient there is PyTorch's subgradient 0, not
NaN), a zero element and a tie of |x| (the infinity norms split the gradient
among ties).  Tensors are encoded as in ``tools/fixturelib.py``.

File format
-----------
::

    {"generator": "tools/gen_norm_fixtures.py", "torch": "<torch.__version__>",
     "cases": [CASE, ...]}                               (one case per line)

    CASE = {"id": "<fn>/<ord>/<dims>/<dtype>", "fn": "vectorNorm" | "norm",
            "input": TENSOR, "ord": NUMBER | "fro",      NUMBER: a number or "inf"/"-inf"
            "dim": null | int | [int, ...], "keepdim": bool,
            "dtype": null | "float64",                   vectorNorm's dtype option
            "output": TENSOR, "gradOutput": TENSOR, "grad": TENSOR}

The TS side calls ``vectorNorm(x, ord, dim, keepdim, {dtype})`` or
``norm(x, ord, dim, keepdim)``, runs backward with gradOutput and compares the
value and ``x.grad``.
"""
import sys

import fixturelib as fl
import torch

GENERATOR = "tools/gen_norm_fixtures.py"
DEFAULT_OUT = fl.FIXTURES / "norm.json"
CASES = []
ORDS = [2, 1, float("inf"), float("-inf"), 0, 0.5, 1.5, 3, -1, -0.5]
DIMS = [(None, False), (1, False), (0, True), ([0, 1], True), (-1, True)]


def make_input(name, dtype):
    g = fl.generator(name)
    x = torch.randint(-24, 24, [4, 5], generator=g).to(torch.float64) / 8 + 1 / 16
    x[0] = 0.0                                 # an all-zero row: norm 0, gradient 0
    x[1] = torch.tensor([2.0, -2.0, 0.0, 1.0, -0.5])  # a tie of |x| and a zero
    return x.to(dtype)


def case(fn, ord_, dim, keepdim, dt_name, cast_to=None):
    dtype = fl.DTYPES[dt_name]
    dims = "all" if dim is None else str(dim).replace(" ", "")
    cid = "%s/%s/%s%s/%s%s" % (fn, ord_, dims, "-keepdim" if keepdim else "", dt_name,
                               "-as-" + cast_to if cast_to else "")
    x = make_input(fn + "/" + dims, dtype).requires_grad_(True)
    if fn == "vectorNorm":
        kwargs = {"dtype": fl.DTYPES[cast_to]} if cast_to else {}
        out = torch.linalg.vector_norm(x, ord_, dim, keepdim, **kwargs)
    else:
        out = torch.norm(x, ord_, dim, keepdim)
    gen = fl.generator(cid)
    g = (torch.randint(-16, 16, list(out.shape), generator=gen).to(torch.float64) / 4 + 0.125)
    g = g.to(out.dtype)
    out.backward(g)
    CASES.append({
        "id": cid, "fn": fn, "input": fl.encode_tensor(x.detach()),
        "ord": ord_ if isinstance(ord_, str) else fl.encode_float(float(ord_)),
        "dim": dim, "keepdim": keepdim, "dtype": cast_to,
        "output": fl.encode_tensor(out.detach()), "gradOutput": fl.encode_tensor(g),
        # ord 0's backward returns no gradient (None): it is 0 everywhere.
        "grad": fl.encode_tensor(x.grad if x.grad is not None else torch.zeros_like(x)),
    })


def generate(opts):
    for dt_name in fl.FLOATS:
        for ord_ in ORDS:
            for dim, keepdim in DIMS:
                case("vectorNorm", ord_, dim, keepdim, dt_name)
        for ord_, dim, keepdim in [("fro", None, False), ("fro", [0, 1], True),
                                   ("fro", 1, False), (3, 0, False), (1, None, False),
                                   (float("inf"), 1, True)]:
            case("norm", ord_, dim, keepdim, dt_name)
    case("vectorNorm", 2, 1, False, "float32", cast_to="float64")
    return [(opts.out, fl.render(GENERATOR, [("cases", CASES)]))], "%d cases" % len(CASES)


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
