#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for @nn/nn's pooling and 2-D normalisation layers.

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_pool_fixtures.py           # writes the fixture file
    /usr/bin/python3 tools/gen_pool_fixtures.py --check   # exit 1 if it is stale

It writes ``packages/testing/fixtures/pool.json``: values and input gradients of
``F.max_pool2d`` (TS ``maxPool2d``, with its indices), ``F.avg_pool2d`` (``avgPool2d``) and
``F.adaptive_avg_pool2d`` (``adaptiveAvgPool2d``) in float32 and float64 (stride, padding,
dilation, ceil mode where it adds a window and where it does not, countIncludePad false,
divisorOverride, ties, NaN and -inf, non-square, unbatched, empty batch, adaptive sizes that do
not divide, a transposed input view); ``BatchNorm2d`` layer cases in the layout of nn.json's
(train and eval outputs, gradients, running statistics); and the bad arguments both refuse.
Tensors are encoded as in ``tools/fixturelib.py``.

File format
-----------
::

    {"generator": "tools/gen_pool_fixtures.py", "torch": "<torch.__version__>",
     "pool": [PCASE, ...], "layers": [LCASE, ...], "errors": [ECASE, ...]}

    PCASE = {"id": "<op>/<what>/<dtype>", "op": "maxPool2d"|"avgPool2d"|"adaptiveAvgPool2d",
             "input": TENSOR, "kernelSize": int | [kh, kw] | null,
             "outputSize": int | [int | null, int | null] | null,     (adaptiveAvgPool2d)
             "options": {TS options: stride, padding, dilation, ceilMode,
                         countIncludePad, divisorOverride},
             "output": TENSOR, "indices": TENSOR | null,                (maxPool2d: int32)
             "gradOutput": TENSOR, "grad": TENSOR}

The TS side calls ``op(input, kernelSize | outputSize, options)`` (maxPool2d with
``returnIndices: true``), runs backward with gradOutput and compares the output, the indices
and ``input.grad``.

    LCASE = as nn.json's layer cases (tools/gen_nn_fixtures.py), layer "BatchNorm2d",
            config {numFeatures, eps, momentum, affine, trackRunningStats}
    ECASE = {"id": str, "op": str, "shape": [...], "kernelSize" | "outputSize": ...,
             "options": {...}, "error": "ShapeError"|"ValueError"}

Every ECASE is refused by PyTorch too (the generator checks it); ``error`` is the TS error.
"""
import math
import sys

import fixturelib as fl
from fixturelib import F, encode_tensor, torch

import torch.nn as tnn

GENERATOR = "tools/gen_pool_fixtures.py"
DEFAULT_OUT = fl.FIXTURES / "pool.json"
POOL, LAYERS, ERRORS = [], [], []
NAN, INF = float("nan"), float("inf")


def vals(g, shape):
    """Odd multiples of 1/128 in (-1, 1): exact in float32, practically no ties."""
    k = torch.randint(-64, 64, list(shape), generator=g, dtype=torch.int64)
    return (k.double() * 2 + 1) / 128


def ties(g, shape):
    """Small integers: many equal values in each window."""
    return torch.randint(-2, 3, list(shape), generator=g, dtype=torch.int64).double()


def pair(v):
    return list(v) if isinstance(v, (list, tuple)) else v


def torch_options(op, opts):
    names = {"stride": "stride", "padding": "padding", "dilation": "dilation",
             "ceilMode": "ceil_mode", "countIncludePad": "count_include_pad",
             "divisorOverride": "divisor_override"}
    return {names[k]: tuple(v) if isinstance(v, list) else v for k, v in opts.items()}


def call(op, x, size, opts):
    if op == "maxPool2d":
        return F.max_pool2d(x, tuple(size) if isinstance(size, list) else size,
                            return_indices=True, **torch_options(op, opts))
    if op == "avgPool2d":
        return F.avg_pool2d(x, tuple(size) if isinstance(size, list) else size,
                            **torch_options(op, opts)), None
    return F.adaptive_avg_pool2d(x, tuple(size) if isinstance(size, list) else size), None


def pool_case(op, what, shape, size, opts=None, data=vals, special=None, view=None):
    opts = opts or {}
    for dt_name in fl.FLOATS:
        cid = "%s/%s/%s" % (op, what, dt_name)
        fl_cases.claim(cid, op)
        g = fl.generator(cid.rsplit("/", 1)[0])
        base = data(g, shape)
        if special:
            special(base)
        x_in = fl.In(base.to(fl.DTYPES[dt_name]), view=view)
        x = x_in.to_torch().requires_grad_(True)
        out, idx = call(op, x, size, opts)
        grad_out = vals(g, out.shape).to(out.dtype)
        out.backward(grad_out)
        POOL.append({
            "id": cid, "op": op, "input": x_in.encode(),
            "kernelSize": None if op == "adaptiveAvgPool2d" else pair(size),
            "outputSize": pair(size) if op == "adaptiveAvgPool2d" else None,
            "options": opts, "output": encode_tensor(out.detach()),
            "indices": None if idx is None else encode_tensor(idx.to(torch.int32)),
            "gradOutput": encode_tensor(grad_out), "grad": encode_tensor(x.grad),
        })


fl_cases = fl.Cases()


def two_nans(x):
    """Two NaNs in the first window (PyTorch's kernel picks the last) and one alone."""
    x[0, 0, 0, 0] = NAN
    x[0, 0, 1, 1] = NAN
    x[0, 1, 2, 3] = NAN


def minus_inf_corner(x):
    """A window whose input elements are all -inf, next to the padding (the index is the first
    element inside the input, as PyTorch's kernel starts there)."""
    x[0, 0, 0:2, 0:2] = -INF


def pool_cases():
    mp, ap, ad = "maxPool2d", "avgPool2d", "adaptiveAvgPool2d"
    pool_case(mp, "k2", [2, 3, 6, 6], 2)
    pool_case(mp, "k3-s2", [1, 2, 7, 7], 3, {"stride": 2})
    pool_case(mp, "k3-s1-p1-overlap", [2, 2, 5, 6], 3, {"stride": 1, "padding": 1})
    pool_case(mp, "nonsquare", [1, 2, 5, 7], [2, 3], {"stride": [1, 2], "padding": [1, 0]})
    pool_case(mp, "dilation2", [1, 2, 7, 7], 3, {"stride": 1, "dilation": 2})
    pool_case(mp, "dilation-2x1-p1", [1, 1, 6, 5], [3, 2], {"stride": [2, 1], "padding": 1,
                                                           "dilation": [2, 1]})
    pool_case(mp, "ceil-adds-window", [1, 2, 5, 5], 2, {"ceilMode": True})
    pool_case(mp, "ceil-no-new-window", [1, 1, 5, 5], 3, {"stride": 2, "padding": 1,
                                                          "ceilMode": True})
    pool_case(mp, "ceil-drops-window", [1, 1, 6, 6], 2, {"stride": 4, "padding": 1,
                                                         "ceilMode": True})
    pool_case(mp, "ties-overlap", [2, 2, 5, 5], 3, {"stride": 1, "padding": 1}, data=ties)
    pool_case(mp, "ties-k2", [1, 3, 4, 6], 2, data=ties)
    pool_case(mp, "nan", [1, 2, 4, 4], 2, {"stride": 2}, special=two_nans)
    pool_case(mp, "minus-inf-padding", [1, 1, 4, 4], 3, {"stride": 1, "padding": 1},
              special=minus_inf_corner)
    pool_case(mp, "unbatched", [2, 5, 5], 2, {"stride": 1})
    pool_case(mp, "empty-batch", [0, 2, 4, 4], 2)
    pool_case(mp, "transposed-view", [2, 2, 5, 4], 2, {"stride": 1}, view="transpose")

    pool_case(ap, "k2", [2, 3, 6, 6], 2)
    pool_case(ap, "k3-s2-p1", [1, 2, 7, 7], 3, {"stride": 2, "padding": 1})
    pool_case(ap, "k3-s2-p1-exclude-pad", [1, 2, 7, 7], 3,
              {"stride": 2, "padding": 1, "countIncludePad": False})
    pool_case(ap, "overlap", [2, 2, 5, 6], 3, {"stride": 1, "padding": 1})
    pool_case(ap, "ceil-adds-window", [1, 2, 5, 5], 2, {"ceilMode": True})
    pool_case(ap, "ceil-p1", [1, 1, 6, 6], 3, {"stride": 2, "padding": 1, "ceilMode": True})
    pool_case(ap, "ceil-p1-exclude-pad", [1, 1, 6, 6], 3,
              {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False})
    pool_case(ap, "divisor-override", [1, 2, 6, 6], 3, {"stride": 2, "padding": 1,
                                                         "divisorOverride": 3})
    pool_case(ap, "nonsquare", [1, 2, 5, 7], [2, 3], {"stride": [1, 2], "padding": [1, 0]})
    pool_case(ap, "unbatched", [2, 5, 5], 2, {"stride": 1})
    pool_case(ap, "empty-batch", [0, 2, 4, 4], 2)

    pool_case(ad, "7-to-3", [2, 2, 7, 7], 3)
    pool_case(ad, "divides", [1, 3, 6, 8], [2, 4])
    pool_case(ad, "5x7-to-3x5", [1, 2, 5, 7], [3, 5])
    pool_case(ad, "global", [2, 3, 5, 4], 1)
    pool_case(ad, "keep-height", [1, 2, 5, 7], [None, 3])
    pool_case(ad, "upsample", [1, 2, 3, 2], [5, 4])
    pool_case(ad, "unbatched", [2, 7, 5], [3, 2])
    pool_case(ad, "empty-batch", [0, 2, 6, 5], [4, 3])
    pool_case(ad, "transposed-view", [1, 2, 6, 5], [4, 3], view="transpose")


def randomise_state(module, g):
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if not t.is_floating_point():
                continue
            v = vals(g, t.shape)
            t.copy_(v.abs() + 0.25 if name.endswith("running_var") else v)


def batchnorm2d_case(what, cfg, shape, training=True):
    for dt_name in fl.FLOATS:
        dt = fl.DTYPES[dt_name]
        cid = "BatchNorm2d/%s/%s" % (what, dt_name)
        fl_cases.claim(cid)
        g = fl.generator(cid.rsplit("/", 1)[0])
        module = tnn.BatchNorm2d(cfg["numFeatures"], eps=cfg.get("eps", 1e-5),
                                 momentum=cfg.get("momentum", 0.1), affine=cfg.get("affine", True),
                                 track_running_stats=cfg.get("trackRunningStats", True)).to(dt)
        randomise_state(module, g)
        state = {k: encode_tensor(v) for k, v in module.state_dict().items()}
        module.train(training)
        x = vals(g, shape).to(dt).requires_grad_(True)
        out = module(x)
        grad_out = vals(g, out.shape).to(dt)
        out.backward(grad_out)
        LAYERS.append({
            "id": cid, "layer": "BatchNorm2d", "config": cfg, "dtype": dt_name,
            "training": training, "state": state, "input": encode_tensor(x.detach()),
            "gradOutput": encode_tensor(grad_out), "output": encode_tensor(out.detach()),
            "inputGrad": encode_tensor(x.grad),
            "paramGrads": {k: encode_tensor(p.grad) for k, p in module.named_parameters()},
            "stateAfter": {k: encode_tensor(v) for k, v in module.state_dict().items()},
        })


def layer_cases():
    batchnorm2d_case("train", {"numFeatures": 3}, [4, 3, 3, 5])
    batchnorm2d_case("train-momentum", {"numFeatures": 2, "momentum": 0.25, "eps": 1e-3},
                     [2, 2, 4, 3])
    batchnorm2d_case("eval", {"numFeatures": 3}, [2, 3, 4, 4], training=False)
    batchnorm2d_case("no-affine", {"numFeatures": 2, "affine": False}, [3, 2, 3, 3])
    batchnorm2d_case("no-stats-eval", {"numFeatures": 2, "trackRunningStats": False},
                     [3, 2, 2, 3], training=False)


def error_case(what, op, shape, size, opts, error):
    cid = "%s/%s" % (op, what)
    fl_cases.claim(cid, op)
    x = torch.zeros(shape)
    try:
        call(op, x, size, opts)
    except (RuntimeError, ValueError, TypeError, IndexError):
        pass
    else:
        raise AssertionError("PyTorch accepts %s; the TS side would refuse it" % cid)
    key = "outputSize" if op == "adaptiveAvgPool2d" else "kernelSize"
    ERRORS.append({"id": cid, "op": op, "shape": shape, key: pair(size), "options": opts,
                   "error": error})


def error_cases():
    mp, ap, ad = "maxPool2d", "avgPool2d", "adaptiveAvgPool2d"
    for op in (mp, ap):
        error_case("rank-2", op, [4, 4], 2, {}, "ShapeError")
        error_case("rank-5", op, [1, 1, 1, 4, 4], 2, {}, "ShapeError")
        error_case("kernel-larger-than-padded-input", op, [1, 1, 3, 3], 6, {"padding": 1},
                   "ShapeError")
        error_case("padding-over-half-kernel", op, [1, 1, 6, 6], 3, {"padding": 2},
                   "ValueError")
        error_case("negative-padding", op, [1, 1, 6, 6], 3, {"padding": -1}, "ValueError")
        error_case("zero-kernel", op, [1, 1, 6, 6], 0, {}, "ValueError")
        error_case("zero-stride", op, [1, 1, 6, 6], 2, {"stride": 0}, "ValueError")
        error_case("empty-width", op, [1, 1, 6, 0], 2, {}, "ShapeError")
    error_case("dilation-too-large", mp, [1, 1, 4, 4], 3, {"dilation": 2}, "ShapeError")
    error_case("zero-dilation", mp, [1, 1, 4, 4], 2, {"dilation": 0}, "ValueError")
    error_case("zero-divisor", ap, [1, 1, 4, 4], 2, {"divisorOverride": 0}, "ValueError")
    error_case("rank-2", ad, [4, 4], 2, {}, "ShapeError")
    error_case("negative-size", ad, [1, 1, 4, 4], -1, {}, "ValueError")
    error_case("empty-height", ad, [1, 1, 0, 4], 2, {}, "ShapeError")


def generate(opts):
    pool_cases()
    layer_cases()
    error_cases()
    text = fl.render(GENERATOR, [("pool", POOL), ("layers", LAYERS), ("errors", ERRORS)])
    return [(opts.out, text)], "%d pooling cases, %d layer cases, %d error cases" % (
        len(POOL), len(LAYERS), len(ERRORS))


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
