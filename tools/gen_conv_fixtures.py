#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for pad, unfold, conv1d and conv2d (values and gradients).

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_conv_fixtures.py           # writes the fixture files
    /usr/bin/python3 tools/gen_conv_fixtures.py --check   # exit 1 if one is stale

It writes ``packages/testing/fixtures/conv.json`` and, beside it, ``conv-model.safetensors``:
the state dict of a small CNN (see ``cnn_model``) saved with the safetensors writer of
``tools/gen_nn_fixtures.py``.  The tensor encoding (TENSOR,
exact float32 values) is that of ``tools/fixturelib.py``, the generators'
common module.  The output is deterministic (per-case seeds, one intra-op
thread, ATen's portable CPU kernels pinned by fixturelib); compare floats with
a tolerance.

File format
-----------
::

    {"generator": "tools/gen_conv_fixtures.py", "torch": "<version>",
     "cases": [CASE, ...],                                   (one case per line)
     "model": {"file": "conv-model.safetensors", "keys": [state-dict key, ...],
               "input": TENSOR, "output": TENSOR}}          (PyTorch's logits)

    CASE = {"id": "<op>/<what>/<dtype>", "op": "pad"|"unfold"|"conv1d"|"conv2d",
            "args": [ARG, ...],
            "gradOutput": TENSOR | null,                      null for error cases
            "expected": {"value": TENSOR, "grads": [TENSOR | null, ...]}
                      | {"error": "ShapeError"|"ValueError"|"IndexError"}}
    ARG  = TENSOR | null | int | NUMBER | [int, ...] | OPTIONS

The TS side calls ``op(...args)``: ``pad(x, pad, value)``, ``unfold(x, dim,
size, step)``, ``conv1d/conv2d(input, weight, bias | null, OPTIONS)`` with
OPTIONS the TS ConvOptions (``stride``, ``padding`` (int, [int, ...], "same" or
"valid"), ``dilation``, ``groups``).  It marks every TENSOR arg as a leaf that
requires grad, runs backward with ``gradOutput`` and compares each arg's
gradient (``grads[i]`` for ``args[i]``; null for a non-tensor arg).
"""

import sys
import warnings
from collections import Counter

import fixturelib as fl
import torch.nn as tnn
from fixturelib import F, encode_tensor, torch
from gen_nn_fixtures import load_safetensors, save_safetensors

DEFAULT_OUT = fl.FIXTURES / "conv.json"
MODEL_FILE = "conv-model.safetensors"
GENERATOR = "tools/gen_conv_fixtures.py"

CASES = fl.Cases()

# PyTorch notes that it copies the input for "same" with an even kernel; so does nn.
warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")

# PyTorch error messages of these ops -> TS error names (first match wins; then fixturelib's).
ERROR_RULES = [
    ("Padding length must be divisible by 2", "ValueError"),
    ("Padding length too large", "ValueError"),
    # pad crops before it checks the size, so a crop past the end fails in narrow
    ("+ length (-", "ValueError"),
    ("resulted in a negative output size", "ValueError"),
    ("maximum size for tensor at dimension", "ShapeError"),
    ("step is 0 but must be > 0", "ValueError"),
    ("channels, but got", "ShapeError"),
    ("expected weight to be divisible by", "ShapeError"),
    ("Kernel size can't be greater than actual input size", "ShapeError"),
    ("negative padding is not supported", "ValueError"),
    ("non-positive stride is not supported", "ValueError"),
    ("(unbatched) or", "ShapeError"),
    ("weight should have at least", "ShapeError"),
    ("expected bias to be 1-dimensional", "ShapeError"),
    ("not supported for strided convolutions", "ValueError"),
    # conv1d of a 4-d input: PyTorch takes it for a 2-d convolution and trips on the stride
    ("to match the convolution dimensions", "ShapeError"),
]


classify = fl.classifier(ERROR_RULES)


def rand(name, shape, dtype):
    """Values (k + 1/2) / 16 for k in [-32, 32): exact in float32, never 0."""
    g = fl.generator("conv/" + name)
    k = torch.randint(-32, 32, list(shape), generator=g, dtype=torch.int64)
    return ((k.double() + 0.5) / 16).to(fl.DTYPES[dtype])


def encode_arg(a):
    if isinstance(a, fl.In):
        return a.encode()
    if isinstance(a, dict):
        for v in a.values():
            assert isinstance(v, (int, str, list)) and not isinstance(v, bool), a
        return a
    return fl.encode_arg(a)


def case(cid, op, fn, args, error=None):
    """Record ``fn(*torch_args)``: its value and the gradient of every float tensor arg for a
    random gradOutput; or, with ``error``, the TS error name PyTorch's error maps onto."""
    CASES.claim(cid, op)
    entry = {"id": cid, "op": op, "args": [encode_arg(a) for a in args]}
    ran = fl.run_case(CASES, entry, fn, args, error, classify)
    if ran is None:
        return
    out, leaves = ran
    grad_out = rand(cid + "/gradOutput", out.shape, fl.OUT_DTYPE_NAMES[out.dtype])
    fl.record_result(CASES, entry, args, out, leaves, grad_out)


# --------------------------------------------------------------------------
# pad and unfold
# --------------------------------------------------------------------------


def pad_cases():
    def pad(x, p, value):
        return F.pad(x, p, mode="constant", value=value)

    for dtype in fl.FLOATS:
        for what, shape, p, value in [
            ("last", [2, 3], [1, 2], 0),
            ("hw", [1, 2, 3, 4], [1, 1, 2, 0], 0),
            ("value", [2, 3, 2], [0, 1, 1, 0, 2, 1], 0.75),
            ("crop", [2, 5, 4], [-1, 2, 1, -2], 0),
            ("crop-to-1", [3, 5], [-2, -2], 0),
            ("none", [2, 2], [], 0),
            ("empty", [0, 3], [1, 1], 0),
        ]:
            x = fl.In(rand("pad/" + what, shape, dtype))
            case("pad/%s/%s" % (what, dtype), "pad", pad, [x, p, value])
        x = fl.In(rand("pad/strided", [3, 4], dtype), view="transpose")
        case("pad/strided/%s" % dtype, "pad", pad, [x, [2, 1, 0, 1], 0])
    x = fl.In(rand("pad/odd", [2, 3], "float32"))
    case("pad/odd-length/float32", "pad", pad, [x, [1, 1, 1], 0], error="ValueError")
    case("pad/too-many/float32", "pad", pad, [x, [1, 1, 1, 1, 1, 1], 0], error="ValueError")
    case("pad/negative-size/float32", "pad", pad, [x, [-2, -2], 0], error="ValueError")


def unfold_cases():
    def unfold(x, dim, size, step):
        return x.unfold(dim, size, step)

    for dtype in fl.FLOATS:
        for what, shape, dim, size, step in [
            ("overlap", [7], 0, 3, 1),
            ("step2", [2, 8, 3], 1, 3, 2),
            ("gap", [2, 9], -1, 2, 3),
            ("tiles", [10, 2], 0, 5, 5),
            ("whole", [3, 4], 1, 4, 1),
            ("size1", [2, 3], 0, 1, 1),
            ("uneven", [11], 0, 4, 3),
            ("empty-batch", [0, 6], 1, 3, 1),
        ]:
            x = fl.In(rand("unfold/" + what, shape, dtype))
            case("unfold/%s/%s" % (what, dtype), "unfold", unfold, [x, dim, size, step])
        x = fl.In(rand("unfold/strided", [6, 4], dtype), view="transpose")
        case("unfold/strided/%s" % dtype, "unfold", unfold, [x, 0, 2, 1])
    x = fl.In(rand("unfold/bad", [2, 3], "float32"))
    case("unfold/too-big/float32", "unfold", unfold, [x, 1, 4, 1], error="ShapeError")
    case("unfold/dim/float32", "unfold", unfold, [x, 2, 1, 1], error="IndexError")
    case("unfold/step0/float32", "unfold", unfold, [x, 1, 2, 0], error="ValueError")


# --------------------------------------------------------------------------
# conv1d and conv2d
# --------------------------------------------------------------------------


def conv_fn(op):
    torch_fn = F.conv1d if op == "conv1d" else F.conv2d

    def fn(x, w, b, options):
        kwargs = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, **options}
        return torch_fn(x, w, b, **kwargs)

    return fn


def conv_case(op, what, dtype, x_shape, w_shape, bias=True, error=None, **options):
    name = "%s/%s" % (op, what)
    x = fl.In(rand(name + "/input", x_shape, dtype))
    w = fl.In(rand(name + "/weight", w_shape, dtype))
    b = fl.In(rand(name + "/bias", [w_shape[0]], dtype)) if bias else None
    if what == "bias-shape":
        b = fl.In(rand(name + "/bias", [3], dtype))
    case("%s/%s" % (name, dtype), op, conv_fn(op), [x, w, b, options], error=error)


def conv2d_cases():
    for dtype in fl.FLOATS:
        c = lambda *a, **k: conv_case("conv2d", *a, **k)  # noqa: E731
        c("basic", dtype, [2, 3, 5, 6], [4, 3, 3, 3])
        c("no-bias", dtype, [2, 3, 5, 6], [4, 3, 3, 3], bias=False)
        c("stride2-pad1", dtype, [2, 2, 7, 6], [3, 2, 3, 3], stride=2, padding=1)
        c("per-dim", dtype, [1, 2, 6, 5], [3, 2, 2, 3], stride=[2, 1], padding=[1, 2])
        c("dilation2", dtype, [1, 2, 7, 7], [2, 2, 3, 3], dilation=2, padding=1)
        c("dilation-per-dim", dtype, [2, 1, 6, 8], [2, 1, 2, 3], dilation=[1, 2], stride=[1, 2])
        c("groups2", dtype, [2, 4, 5, 5], [6, 2, 3, 3], groups=2)
        c("depthwise", dtype, [2, 3, 6, 6], [3, 1, 3, 3], groups=3, padding=1)
        c("depthwise-x2", dtype, [1, 3, 5, 4], [6, 1, 3, 3], groups=3)
        c("1x1", dtype, [2, 4, 3, 5], [5, 4, 1, 1])
        c("1x1-stride2", dtype, [2, 3, 5, 5], [2, 3, 1, 1], stride=2)
        c("same", dtype, [1, 2, 5, 6], [3, 2, 3, 4], padding="same")
        c("same-dilation", dtype, [1, 2, 7, 6], [2, 2, 2, 3], padding="same", dilation=2)
        c("valid", dtype, [1, 2, 5, 6], [3, 2, 3, 4], padding="valid")
        c("unbatched", dtype, [3, 5, 5], [2, 3, 3, 3], padding=1)
        c("empty-batch", dtype, [0, 3, 5, 5], [2, 3, 3, 3])
        c("whole", dtype, [2, 2, 3, 4], [3, 2, 3, 4])
        c("cnn", dtype, [2, 1, 8, 8], [4, 1, 3, 3])
    e = lambda what, err, *a, **k: conv_case("conv2d", what, "float32", *a, error=err, **k)  # noqa: E731
    e("groups-channels", "ShapeError", [1, 3, 5, 5], [4, 1, 3, 3], groups=2)
    e("groups-out", "ShapeError", [1, 4, 5, 5], [3, 2, 3, 3], groups=2)
    e("in-channels", "ShapeError", [1, 2, 5, 5], [4, 3, 3, 3])
    e("kernel-too-big", "ShapeError", [1, 1, 2, 4], [1, 1, 3, 3], padding=0)
    e("negative-padding", "ValueError", [1, 1, 5, 5], [1, 1, 3, 3], padding=-1)
    e("rank", "ShapeError", [5, 5], [1, 1, 3, 3])
    e("weight-rank", "ShapeError", [1, 1, 5, 5], [1, 1, 3])
    e("same-strided", "ValueError", [1, 1, 5, 5], [1, 1, 3, 3], padding="same", stride=2)
    e("stride0", "ValueError", [1, 1, 5, 5], [1, 1, 3, 3], stride=0)
    e("bias-shape", "ShapeError", [1, 1, 5, 5], [2, 1, 3, 3], bias=False)


def conv1d_cases():
    for dtype in fl.FLOATS:
        c = lambda *a, **k: conv_case("conv1d", *a, **k)  # noqa: E731
        c("basic", dtype, [2, 3, 9], [4, 3, 3])
        c("stride-pad-dilation", dtype, [2, 2, 11], [3, 2, 3], stride=2, padding=2, dilation=2)
        c("groups2", dtype, [1, 4, 7], [2, 2, 2], groups=2, bias=False)
        c("depthwise", dtype, [2, 3, 8], [3, 1, 3], groups=3, padding=1)
        c("same-even", dtype, [1, 2, 7], [2, 2, 4], padding="same")
        c("1x1", dtype, [2, 3, 4], [2, 3, 1])
        c("unbatched", dtype, [2, 6], [3, 2, 2], stride=[2])
        c("empty-batch", dtype, [0, 2, 6], [3, 2, 2])
    conv_case("conv1d", "rank", "float32", [1, 1, 1, 5], [1, 1, 3], error="ShapeError")


SECTIONS = [pad_cases, unfold_cases, conv2d_cases, conv1d_cases]


# --------------------------------------------------------------------------
# A small CNN's state dict, saved by PyTorch
# --------------------------------------------------------------------------


def cnn_model():
    """Conv2d(1, 4, 3) -> ReLU -> Flatten -> Linear(144, 5) with PyTorch's own (seeded)
    initialisation, its state dict as safetensors, an input batch and PyTorch's logits."""
    torch.manual_seed(15)
    model = tnn.Sequential(tnn.Conv2d(1, 4, 3), tnn.ReLU(), tnn.Flatten(), tnn.Linear(144, 5))
    x = rand("model/input", [3, 1, 8, 8], "float32")
    with torch.no_grad():
        y = model(x)
    data = save_safetensors(model.state_dict(), {"format": "pt", "source": GENERATOR})
    # PyTorch loads the file back (nn's test checks that nn saves these very bytes).
    again = tnn.Sequential(tnn.Conv2d(1, 4, 3), tnn.ReLU(), tnn.Flatten(), tnn.Linear(144, 5))
    again.load_state_dict(load_safetensors(data)[1])
    with torch.no_grad():
        assert torch.equal(again(x), y)
    case = {"file": MODEL_FILE, "keys": list(model.state_dict()), "input": encode_tensor(x),
            "output": encode_tensor(y)}
    return case, data


def generate(opts):
    for section in SECTIONS:
        section()
    model, model_bytes = cnn_model()
    counts = Counter(c["op"] for c in CASES)
    errors = Counter(c["op"] for c in CASES if "error" in c["expected"])
    summary = ["%d cases" % len(CASES)]
    summary += ["  %-8s %4d cases (%d errors)" % (op, counts[op], errors[op])
                for op in sorted(counts)]
    text = fl.render(GENERATOR, [("cases", CASES), ("model", model)])
    return [(opts.out, text), (opts.out.parent / MODEL_FILE, model_bytes)], "\n".join(summary)


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
