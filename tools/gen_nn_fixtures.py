#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for @nn/nn: layers, losses, initialisers, safetensors.

Run from the repository root with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/gen_nn_fixtures.py            # writes the fixture files
    /usr/bin/python3 tools/gen_nn_fixtures.py --check    # exit 1 if any is stale
    /usr/bin/python3 tools/gen_nn_fixtures.py read FILE  # print a safetensors file as JSON

It writes ``packages/testing/fixtures/nn.json`` and two safetensors files beside
it, ``nn-tensors.safetensors`` and ``nn-model.safetensors``.  The tensor
encoding (TENSOR, non-finite values as "nan"/"inf"/"-inf", int64 written as
int32) is that of ``tools/fixturelib.py``, the generators' common module.
The output is deterministic: per-case seeds, one intra-op thread, ATen's
portable CPU kernels (pinned by fixturelib).

PyTorch 1.13 (and Debian) have no safetensors library, so this script
implements the format itself (``save_safetensors`` / ``load_safetensors``,
after the specification in huggingface/safetensors' README): an 8-byte
little-endian header length N, N bytes of compact UTF-8 JSON (``__metadata__``
first, then the tensors ordered by dtype alignment, largest first, then by
name; padded with spaces to a multiple of 8), then the packed little-endian
row-major data.  The reader checks what the reference checks: the header
length against the file and the 100 MB limit, the offsets tiling the buffer
exactly, each byte range against its shape and dtype, no repeated keys.

File format of nn.json
----------------------
::

    {"generator": "tools/gen_nn_fixtures.py", "torch": "<version>",
     "layers": [LCASE, ...], "losses": [SCASE, ...], "init": [ICASE, ...],
     "gains": [GCASE, ...], "safetensors": STCASE}        (one case per line)

    LCASE = {"id": "<layer>/<what>/<dtype>", "layer": "Linear"|"LayerNorm"|
             "BatchNorm1d"|"Embedding"|"PReLU"|"Flatten"|"Identity"|"Sequential",
             "config": {TS constructor options, see below}, "dtype": "float32"|"float64",
             "training": bool, "state": {KEY: TENSOR}, "input": TENSOR,
             "gradOutput": TENSOR, "output": TENSOR,
             "inputGrad": TENSOR | null,                 (null for int32 ids)
             "paramGrads": {KEY: TENSOR},                (named_parameters)
             "stateAfter": {KEY: TENSOR}}                (the state dict after forward)

Config keys are the TS options: Linear {inFeatures, outFeatures, bias};
LayerNorm {normalizedShape, eps, elementwiseAffine}; BatchNorm1d {numFeatures,
eps, momentum, affine, trackRunningStats}; Embedding {numEmbeddings,
embeddingDim, paddingIdx}; PReLU {numParameters, init}; Flatten {startDim,
endDim}; Sequential {layers: [{"layer", "config"}, ...]} (children keyed 0, 1, ...).
KEY is PyTorch's state-dict key (``1.running_mean``).  The TS side builds the
layer, loads ``state`` with loadStateDict, sets the mode, runs forward on
``input``, backward with ``gradOutput``, and compares.

    SCASE = {"id": "<loss>/<what>/<dtype>", "loss": "<TS function name>",
             "input": TENSOR, "target": TENSOR, "options": {TS options;
             tensors as TENSOR}, "output": TENSOR, "gradOutput": TENSOR,
             "grads": {"input": TENSOR, "target": TENSOR | null}}

``target`` gets a gradient only where PyTorch defines one (float targets of
mseLoss, l1Loss, smoothL1Loss, huberLoss, bceLoss, bceWithLogitsLoss, klDiv,
and probability targets of crossEntropy).

    ICASE = {"fn": "<init function>", "shape": [...], "options": {...},
             "fanIn": int, "fanOut": int, "gain": NUMBER, "bound": NUMBER,
             "std": NUMBER}
    GCASE = {"nonlinearity": str, "param": NUMBER | null, "gain": NUMBER}

``bound`` is the half-width of the uniform initialisers and ``std`` the
standard deviation of every initialiser's distribution, from
``torch.nn.init``'s own fan and gain functions.

    STCASE = {"tensors": {"file": "nn-tensors.safetensors",
                          "metadata": {...}, "values": {NAME: TENSOR}},
              "model": {"file": "nn-model.safetensors",
                        "layers": [{"layer", "config"}, ...],
                        "input": TENSOR, "output": TENSOR}}

The model is ``Sequential(Linear(4, 3), BatchNorm1d(3), Linear(3, 2))`` in
eval mode after a few training-mode batches (so its running statistics are
not the defaults), saved with its num_batches_tracked converted to int32.

``read FILE`` prints ``{"metadata": {...}, "tensors": {NAME: TENSOR}}`` for a
safetensors file (the TS test that writes a file checks it this way).
"""

import json
import math
import struct
import sys
import warnings
from pathlib import Path

import fixturelib as fl
from fixturelib import F, encode_tensor, torch

import numpy as np
import torch.nn as tnn

DEFAULT_OUT = fl.FIXTURES / "nn.json"
TENSORS_FILE = "nn-tensors.safetensors"
MODEL_FILE = "nn-model.safetensors"
GENERATOR = "tools/gen_nn_fixtures.py"
DTYPES = {"float32": torch.float32, "float64": torch.float64}


# --------------------------------------------------------------------------
# safetensors, implemented from the format's specification
# --------------------------------------------------------------------------

ST_DTYPES = {  # name -> (size, numpy little-endian dtype or None), in the reference's order
    "BOOL": (1, "|b1"), "U8": (1, "|u1"), "I8": (1, "|i1"), "F8_E5M2": (1, None),
    "F8_E4M3": (1, None), "I16": (2, "<i2"), "U16": (2, "<u2"), "F16": (2, "<f2"),
    "BF16": (2, None), "I32": (4, "<i4"), "U32": (4, "<u4"), "F32": (4, "<f4"),
    "F64": (8, "<f8"), "I64": (8, "<i8"), "U64": (8, "<u8"),
}
ST_ORDER = list(ST_DTYPES)
TORCH_TO_ST = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32",
               torch.int64: "I64", torch.bool: "BOOL"}
MAX_HEADER = 100_000_000


def save_safetensors(tensors, metadata=None):
    """Bytes of a safetensors file holding ``tensors`` (name -> torch.Tensor)."""
    items = sorted(tensors.items(),
                   key=lambda kv: (-ST_ORDER.index(TORCH_TO_ST[kv[1].dtype]), kv[0]))
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    for name, t in items:
        st = TORCH_TO_ST[t.dtype]
        data = t.detach().contiguous().numpy().astype(ST_DTYPES[st][1]).tobytes()
        header[name] = {"dtype": st, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


class SafetensorsError(ValueError):
    pass


def _no_repeats(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise SafetensorsError("key %r appears twice in the header" % k)
    return dict(pairs)


def load_safetensors(data):
    """(metadata, {name: torch.Tensor}) from safetensors bytes, validated."""
    if len(data) < 8:
        raise SafetensorsError("truncated: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER:
        raise SafetensorsError("header too large: %d bytes" % n)
    if 8 + n > len(data):
        raise SafetensorsError("truncated: header of %d bytes runs past the end" % n)
    text = data[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        raise SafetensorsError("the header must start with '{'")
    header = json.loads(text, object_pairs_hook=_no_repeats)
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError("__metadata__ must map strings to strings")
    buf = data[8 + n:]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    at, out = 0, {}
    for name, info in entries:
        size, npdt = ST_DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        if begin != at or end < begin:
            raise SafetensorsError("tensor %r: offsets overlap or leave a hole" % name)
        if end - begin != math.prod(info["shape"]) * size:
            raise SafetensorsError("tensor %r: byte range does not match its shape" % name)
        if end > len(buf):
            raise SafetensorsError("truncated: tensor %r runs past the end" % name)
        if npdt is None:
            raise SafetensorsError("tensor %r: dtype %s not readable here" % (name, info["dtype"]))
        at = end
        arr = np.frombuffer(buf[begin:end], dtype=npdt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    if at != len(buf):
        raise SafetensorsError("%d trailing bytes belong to no tensor" % (len(buf) - at))
    return metadata, {name: out[name] for name in header}


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


class Rng:
    """Per-name generator: odd multiples of 1/128, exact in float32, never 0."""

    def __init__(self, name):
        self.g = fl.generator("nn/" + name)

    def vals(self, shape, lo=-128, hi=128):
        k = torch.randint(lo, hi, list(shape), generator=self.g, dtype=torch.int64)
        return (k.double() + 0.5) / 64

    def prob(self, shape):
        """Values in (0, 1)."""
        k = torch.randint(0, 64, list(shape), generator=self.g, dtype=torch.int64)
        return (k.double() + 0.5) / 64

    def ints(self, shape, lo, hi):
        return torch.randint(lo, hi, list(shape), generator=self.g, dtype=torch.int64)


def enc(t):
    return encode_tensor(t)


def number(v):
    return fl.encode_number(v) if isinstance(v, float) else v


# --------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------


def build_layer(kind, cfg):
    if kind == "Linear":
        return tnn.Linear(cfg["inFeatures"], cfg["outFeatures"], bias=cfg.get("bias", True))
    if kind == "LayerNorm":
        return tnn.LayerNorm(cfg["normalizedShape"], eps=cfg.get("eps", 1e-5),
                             elementwise_affine=cfg.get("elementwiseAffine", True))
    if kind == "BatchNorm1d":
        return tnn.BatchNorm1d(cfg["numFeatures"], eps=cfg.get("eps", 1e-5),
                               momentum=cfg.get("momentum", 0.1), affine=cfg.get("affine", True),
                               track_running_stats=cfg.get("trackRunningStats", True))
    if kind == "Embedding":
        return tnn.Embedding(cfg["numEmbeddings"], cfg["embeddingDim"],
                             padding_idx=cfg.get("paddingIdx"))
    if kind == "PReLU":
        return tnn.PReLU(cfg.get("numParameters", 1), init=cfg.get("init", 0.25))
    if kind == "Flatten":
        return tnn.Flatten(cfg.get("startDim", 1), cfg.get("endDim", -1))
    if kind == "Identity":
        return tnn.Identity()
    if kind == "Sequential":
        return tnn.Sequential(*[build_layer(c["layer"], c["config"]) for c in cfg["layers"]])
    raise KeyError(kind)


def randomise_state(module, rng):
    """Replace every float parameter and buffer with exact random values (positive variances)."""
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if not t.is_floating_point():
                continue
            if name.endswith("running_var"):
                t.copy_(rng.prob(t.shape) + 0.25)
            else:
                t.copy_(rng.vals(t.shape))


LAYER_CASES = []


def layer_case(what, kind, cfg, input_shape, training=True, ids=None):
    for dt_name, dt in DTYPES.items():
        cid = "%s/%s/%s" % (kind, what, dt_name)
        rng = Rng(cid.rsplit("/", 1)[0])
        module = build_layer(kind, cfg).to(dt)
        randomise_state(module, rng)
        if kind == "Embedding" and cfg.get("paddingIdx") is not None:
            with torch.no_grad():
                module.weight[cfg["paddingIdx"]].zero_()
        state = {k: enc(v) for k, v in module.state_dict().items()}
        module.train(training)
        if ids is not None:
            x = rng.ints(input_shape, *ids)
            x_in = x
        else:
            x = rng.vals(input_shape).to(dt).requires_grad_(True)
            x_in = x
        out = module(x_in)
        g = rng.vals(out.shape).to(dt)
        out.backward(g)
        LAYER_CASES.append({
            "id": cid, "layer": kind, "config": cfg, "dtype": dt_name, "training": training,
            "state": state,
            "input": enc(x.to(torch.int32) if ids is not None else x.detach()),
            "gradOutput": enc(g), "output": enc(out.detach()),
            "inputGrad": None if ids is not None else enc(x.grad),
            "paramGrads": {k: enc(p.grad) for k, p in module.named_parameters()},
            "stateAfter": {k: enc(v) for k, v in module.state_dict().items()},
        })


def layer_cases():
    layer_case("bias", "Linear", {"inFeatures": 4, "outFeatures": 3}, [5, 4])
    layer_case("nobias-3d", "Linear", {"inFeatures": 4, "outFeatures": 2, "bias": False}, [2, 3, 4])
    layer_case("last", "LayerNorm", {"normalizedShape": [5]}, [3, 5])
    layer_case("two-dims", "LayerNorm", {"normalizedShape": [2, 3], "eps": 1e-3}, [4, 2, 3])
    layer_case("no-affine", "LayerNorm", {"normalizedShape": [4], "elementwiseAffine": False},
               [3, 4])
    layer_case("train-2d", "BatchNorm1d", {"numFeatures": 3}, [6, 3])
    layer_case("train-3d", "BatchNorm1d", {"numFeatures": 2, "momentum": 0.25}, [3, 2, 4])
    layer_case("eval", "BatchNorm1d", {"numFeatures": 3}, [4, 3], training=False)
    layer_case("no-affine", "BatchNorm1d", {"numFeatures": 3, "affine": False}, [5, 3])
    layer_case("no-stats", "BatchNorm1d", {"numFeatures": 2, "trackRunningStats": False},
               [4, 2], training=False)
    layer_case("lookup", "Embedding", {"numEmbeddings": 6, "embeddingDim": 3}, [2, 4], ids=(0, 6))
    layer_case("padding", "Embedding", {"numEmbeddings": 5, "embeddingDim": 2, "paddingIdx": 1},
               [7], ids=(0, 5))
    layer_case("shared", "PReLU", {}, [3, 4])
    layer_case("channels", "PReLU", {"numParameters": 3, "init": 0.1}, [2, 3, 4])
    layer_case("default", "Flatten", {}, [2, 3, 2])
    layer_case("range", "Flatten", {"startDim": 0, "endDim": 1}, [2, 3, 2])
    layer_case("same", "Identity", {}, [2, 3])
    layer_case("mlp", "Sequential", {"layers": [
        {"layer": "Linear", "config": {"inFeatures": 4, "outFeatures": 5}},
        {"layer": "LayerNorm", "config": {"normalizedShape": [5]}},
        {"layer": "PReLU", "config": {}},
        {"layer": "Linear", "config": {"inFeatures": 5, "outFeatures": 2}},
    ]}, [3, 4])


def layer_edge_cases():
    """Found by differential testing: a negative paddingIdx counts from the end (-1 is the
    last row), for the functional embedding as for the module."""
    layer_case("padding-negative", "Embedding",
               {"numEmbeddings": 5, "embeddingDim": 2, "paddingIdx": -1}, [7], ids=(0, 5))


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------

LOSS_CASES = []
TORCH_LOSS = {
    "mseLoss": F.mse_loss, "l1Loss": F.l1_loss, "smoothL1Loss": F.smooth_l1_loss,
    "huberLoss": F.huber_loss, "bceLoss": F.binary_cross_entropy,
    "bceWithLogitsLoss": F.binary_cross_entropy_with_logits, "crossEntropy": F.cross_entropy,
    "nllLoss": F.nll_loss, "klDiv": F.kl_div,
}
TORCH_KW = {"reduction": "reduction", "weight": "weight", "posWeight": "pos_weight",
            "ignoreIndex": "ignore_index", "labelSmoothing": "label_smoothing", "beta": "beta",
            "delta": "delta", "logTarget": "log_target"}


def loss_case(loss, what, make, options=None, dtypes=("float32", "float64")):
    """make(rng, dtype) -> (input, target, {option tensors}); target int64 for class indices."""
    options = options or {}
    for dt_name in dtypes:
        dt = DTYPES[dt_name]
        cid = "%s/%s/%s" % (loss, what, dt_name)
        rng = Rng(cid.rsplit("/", 1)[0])
        x, y, extra = make(rng, dt)
        x = x.to(dt).requires_grad_(True)
        float_target = y.is_floating_point()
        if float_target:
            y = y.to(dt).requires_grad_(True)
        extra = {k: v.to(dt) for k, v in extra.items()}
        kwargs = {TORCH_KW[k]: v for k, v in {**options, **extra}.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kl_div's note on reduction="mean"
            out = TORCH_LOSS[loss](x, y, **kwargs)
        g = rng.vals(out.shape).to(dt)
        out.backward(g)
        ts_opts = dict(options)
        ts_opts.update({k: enc(v) for k, v in extra.items()})
        ts_opts = {k: number(v) for k, v in ts_opts.items()}
        LOSS_CASES.append({
            "id": cid, "loss": loss, "input": enc(x.detach()),
            "target": enc(y.detach() if float_target else y.to(torch.int32)),
            "options": ts_opts, "output": enc(out.detach()), "gradOutput": enc(g),
            "grads": {"input": enc(x.grad),
                      "target": enc(y.grad) if float_target and y.grad is not None else None},
        })


def pair(shape):
    return lambda rng, dt: (rng.vals(shape), rng.vals(shape), {})


def log_probs(rng, shape, dim=1):
    return torch.log_softmax(rng.vals(shape) * 2, dim=dim)


def probs(rng, shape, dim=1):
    return torch.softmax(rng.vals(shape) * 2, dim=dim)


def loss_cases():
    for red in ("mean", "sum", "none"):
        loss_case("mseLoss", red, pair([3, 4]), {"reduction": red})
        loss_case("l1Loss", red, pair([3, 4]), {"reduction": red})
        loss_case("smoothL1Loss", red, pair([3, 4]), {"reduction": red})
        loss_case("huberLoss", red, pair([3, 4]), {"reduction": red})
    loss_case("l1Loss", "tie", lambda r, dt: (torch.tensor([0.5, -1.25, 2.0]),
                                               torch.tensor([0.5, 1.0, 2.0]), {}))
    loss_case("smoothL1Loss", "beta-half", pair([2, 5]), {"beta": 0.5})
    loss_case("smoothL1Loss", "beta-zero", pair([2, 5]), {"beta": 0})
    loss_case("huberLoss", "delta-half", pair([2, 5]), {"delta": 0.5})
    loss_case("huberLoss", "delta-large", pair([2, 5]), {"delta": 1.5, "reduction": "sum"})

    def bce(rng, dt):
        return rng.prob([3, 4]), rng.prob([3, 4]), {}
    for red in ("mean", "sum", "none"):
        loss_case("bceLoss", red, bce, {"reduction": red})
    loss_case("bceLoss", "weight", lambda r, dt: (r.prob([3, 4]), r.prob([3, 4]),
                                                  {"weight": r.prob([4]) + 0.5}))
    loss_case("bceLoss", "hard-labels", lambda r, dt: (r.prob([2, 3]),
                                                       (r.ints([2, 3], 0, 2)).double(), {}))
    loss_case("bceLoss", "saturated",
              lambda r, dt: (torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5]),
                             torch.tensor([0.0, 1.0, 1.0, 0.0, 0.25]), {}),
              {"reduction": "none"})

    def logits(rng, dt):
        return rng.vals([3, 4]) * 4, rng.prob([3, 4]), {}
    for red in ("mean", "sum", "none"):
        loss_case("bceWithLogitsLoss", red, logits, {"reduction": red})
    loss_case("bceWithLogitsLoss", "large-logits",
              lambda r, dt: (torch.tensor([[100.0, -100.0, 40.0], [-40.0, 0.0, 30.5]]),
                             torch.tensor([[0.0, 1.0, 0.25], [1.0, 0.5, 0.0]]), {}),
              {"reduction": "none"})
    loss_case("bceWithLogitsLoss", "pos-weight",
              lambda r, dt: (r.vals([3, 4]) * 4, r.prob([3, 4]), {"posWeight": r.prob([4]) * 3}))
    loss_case("bceWithLogitsLoss", "weight-and-pos-weight",
              lambda r, dt: (r.vals([2, 3]) * 4, r.prob([2, 3]),
                             {"weight": r.prob([3]) + 0.5, "posWeight": r.prob([3]) * 3}),
              {"reduction": "sum"})

    # The far tails, where the old gradient (1 - t) - w·σ(-x) cancelled to 0: PyTorch gives
    # (1 - t)·σ(x) - w·t·σ(-x), 2.06e-9 at x = -20 (float32) and 3.7e-44 at x = -100 (float64),
    # and the loss (1 - t)·softplus(x) + w·t·softplus(-x) keeps the same digits.
    def tails(rng, dt):
        far = -100.0 if dt == torch.float64 else -80.0
        return (torch.tensor([-20.0, far, -30.0, 20.0, 35.0, 0.0, -20.0]),
                torch.tensor([0.0, 0.0, 0.0, 1.0, 1.0, 0.5, 0.25]), {})
    tail_pw = torch.tensor([2.0, 0.5, 3.0, 1.5, 4.0, 0.25, 2.5])
    tail_w = torch.tensor([0.5, 2.0, 1.0, 3.0, 0.25, 1.5, 1.0])
    loss_case("bceWithLogitsLoss", "tails", tails, {"reduction": "none"})
    loss_case("bceWithLogitsLoss", "tails-pos-weight",
              lambda r, dt: (*tails(r, dt)[:2], {"posWeight": tail_pw}), {"reduction": "none"})
    loss_case("bceWithLogitsLoss", "tails-weight-pos-weight-sum",
              lambda r, dt: (*tails(r, dt)[:2], {"weight": tail_w, "posWeight": tail_pw}),
              {"reduction": "sum"})
    loss_case("bceWithLogitsLoss", "tails-weight-mean",
              lambda r, dt: (*tails(r, dt)[:2], {"weight": tail_w}))

    def ce_idx(shape, classes):
        def make(rng, dt):
            t_shape = [shape[0]] + list(shape[2:]) if len(shape) > 1 else []
            return rng.vals(shape) * 2, rng.ints(t_shape, 0, classes), {}
        return make
    for red in ("mean", "sum", "none"):
        loss_case("crossEntropy", "indices-" + red, ce_idx([4, 5], 5), {"reduction": red})
        loss_case("nllLoss", red, lambda r, dt: (log_probs(r, [4, 5]), r.ints([4], 0, 5), {}),
                  {"reduction": red})
    loss_case("crossEntropy", "indices-3d", ce_idx([2, 3, 4], 3))
    loss_case("crossEntropy", "indices-1d", ce_idx([5], 5))
    loss_case("crossEntropy", "weight", lambda r, dt: (r.vals([4, 3]) * 2, r.ints([4], 0, 3),
                                                       {"weight": r.prob([3]) + 0.5}))

    def with_ignored(rng, dt):
        x = rng.vals([5, 4]) * 2
        t = rng.ints([5], 0, 4)
        t[1] = -100
        t[3] = -100
        return x, t, {}
    loss_case("crossEntropy", "ignore-default", with_ignored)
    loss_case("crossEntropy", "ignore-custom",
              lambda r, dt: (r.vals([4, 3]) * 2, torch.tensor([0, 2, 1, 2]),
                             {"weight": r.prob([3]) + 0.5}), {"ignoreIndex": 2})
    loss_case("crossEntropy", "ignore-none", with_ignored, {"reduction": "none"})
    for red in ("mean", "sum", "none"):
        loss_case("crossEntropy", "smoothing-" + red, ce_idx([4, 5], 5),
                  {"labelSmoothing": 0.1, "reduction": red})
    loss_case("crossEntropy", "smoothing-weight",
              lambda r, dt: (r.vals([4, 3]) * 2, r.ints([4], 0, 3), {"weight": r.prob([3]) + 0.5}),
              {"labelSmoothing": 0.2})
    loss_case("crossEntropy", "smoothing-ignore", with_ignored, {"labelSmoothing": 0.15})
    loss_case("crossEntropy", "smoothing-3d", ce_idx([2, 3, 4], 3), {"labelSmoothing": 0.1})
    loss_case("crossEntropy", "large-logits",
              lambda r, dt: (torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 800.0, 799.5]]),
                             torch.tensor([1, 2]), {}), {"reduction": "none"})
    for red in ("mean", "sum", "none"):
        loss_case("crossEntropy", "probs-" + red,
                  lambda r, dt: (r.vals([3, 4]) * 2, probs(r, [3, 4]), {}), {"reduction": red})
    loss_case("crossEntropy", "probs-3d", lambda r, dt: (r.vals([2, 3, 2]) * 2,
                                                         probs(r, [2, 3, 2]), {}))
    loss_case("crossEntropy", "probs-weight-smoothing",
              lambda r, dt: (r.vals([3, 4]) * 2, probs(r, [3, 4]), {"weight": r.prob([4]) + 0.5}),
              {"labelSmoothing": 0.1})
    loss_case("nllLoss", "weight-ignore",
              lambda r, dt: (log_probs(r, [5, 3]), torch.tensor([0, 1, -100, 2, 1]),
                             {"weight": r.prob([3]) + 0.5}))
    loss_case("nllLoss", "3d", lambda r, dt: (log_probs(r, [2, 3, 4]), r.ints([2, 4], 0, 3), {}),
              {"reduction": "sum"})
    loss_case("nllLoss", "1d", lambda r, dt: (log_probs(r, [4], dim=0), torch.tensor(2), {}))

    def kl(rng, dt):
        t = probs(rng, [3, 4])
        t[0, 1] = 0.0
        return log_probs(rng, [3, 4]), t, {}
    for red in ("mean", "batchmean", "sum", "none"):
        loss_case("klDiv", red, kl, {"reduction": red})
    loss_case("klDiv", "log-target",
              lambda r, dt: (log_probs(r, [3, 4]), log_probs(r, [3, 4]), {}),
              {"reduction": "batchmean", "logTarget": True})


def loss_edge_cases():
    """Found by differential testing: ignored targets and non-finite values.

    An ignored target must add exactly 0 and send back no gradient, even where its logit is
    -inf (a masked class) or NaN; with every target ignored the "mean" is 0/0 = NaN but the
    gradients are 0.  smoothL1Loss / huberLoss pass a NaN difference on to the gradient, and
    smoothL1Loss with beta 0 takes PyTorch's -1 at a tie (for input and target alike).
    """
    ninf, nan = float("-inf"), float("nan")

    def masked_ignored(rng, dt):
        x = rng.vals([4, 3]) * 2
        x[1, 0] = ninf  # an ignored row with a masked class
        x[3, 2] = nan  # an ignored row holding NaN
        x[0, 2] = ninf  # a masked class in a kept row
        return x, torch.tensor([1, -100, 2, -100]), {}
    for red in ("mean", "sum", "none"):
        loss_case("crossEntropy", "ignore-masked-logits-" + red, masked_ignored, {"reduction": red})
    loss_case("crossEntropy", "ignore-masked-logits-smoothing", masked_ignored,
              {"labelSmoothing": 0.1})

    def all_ignored(rng, dt):
        return rng.vals([3, 4]) * 2, torch.tensor([2, 2, 2]), {"weight": rng.prob([4]) + 0.5}
    loss_case("crossEntropy", "all-ignored", all_ignored, {"ignoreIndex": 2})
    loss_case("crossEntropy", "all-ignored-smoothing", all_ignored,
              {"ignoreIndex": 2, "labelSmoothing": 0.2})
    loss_case("nllLoss", "all-ignored",
              lambda r, dt: (log_probs(r, [3, 4]), torch.tensor([-100, -100, -100]), {}))
    loss_case("nllLoss", "all-ignored-sum",
              lambda r, dt: (log_probs(r, [3, 4]), torch.tensor([-100, -100, -100]), {}),
              {"reduction": "sum"})

    def nan_pair(rng, dt):
        x, y = rng.vals([2, 4]), rng.vals([2, 4])
        x[0, 1] = nan
        y[1, 2] = nan
        x[1, 3] = y[1, 3]  # a tie
        return x, y, {}
    loss_case("smoothL1Loss", "nan", nan_pair, {"reduction": "none"})
    loss_case("smoothL1Loss", "nan-beta-zero", nan_pair, {"beta": 0, "reduction": "sum"})
    loss_case("huberLoss", "nan", nan_pair, {"delta": 0.5, "reduction": "none"})


# --------------------------------------------------------------------------
# Initialisers and gains
# --------------------------------------------------------------------------

INIT_CASES = []
GAIN_CASES = []
SQRT3 = math.sqrt(3.0)


def init_case(fn, shape, options):
    fan_in, fan_out = tnn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    case = {"fn": fn, "shape": shape, "options": options, "fanIn": fan_in, "fanOut": fan_out}
    if fn in ("xavierUniform", "xavierNormal"):
        gain = options.get("gain", 1.0)
        std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    else:
        mode = options.get("mode", "fanIn")
        fan = fan_in if mode == "fanIn" else fan_out
        gain = tnn.init.calculate_gain(options.get("nonlinearity", "leaky_relu"),
                                       options.get("a", 0))
        std = gain / math.sqrt(fan)
    case.update({"gain": gain, "std": std, "bound": SQRT3 * std})
    # PyTorch's own draw must respect the bound we record.
    t = torch.empty(shape, dtype=torch.float64)
    torch_fn = {"xavierUniform": tnn.init.xavier_uniform_, "xavierNormal": tnn.init.xavier_normal_,
                "kaimingUniform": tnn.init.kaiming_uniform_,
                "kaimingNormal": tnn.init.kaiming_normal_}[fn]
    kwargs = {"gain": options["gain"]} if "gain" in options else {}
    if fn.startswith("kaiming"):
        kwargs = {"a": options.get("a", 0),
                  "mode": "fan_in" if options.get("mode", "fanIn") == "fanIn" else "fan_out",
                  "nonlinearity": options.get("nonlinearity", "leaky_relu")}
    fl.seed(fn)
    torch_fn(t, **kwargs)
    if fn.endswith("Uniform"):
        assert t.abs().max().item() <= case["bound"], (fn, shape)
    INIT_CASES.append(case)


def init_cases():
    init_case("xavierUniform", [30, 20], {})
    init_case("xavierUniform", [8, 4, 3, 3], {"gain": 1.5})
    init_case("xavierNormal", [30, 20], {"gain": 0.5})
    init_case("kaimingUniform", [128, 784], {"a": math.sqrt(5)})  # Linear(784, 128)'s weight
    init_case("kaimingUniform", [40, 30], {"nonlinearity": "relu"})
    init_case("kaimingUniform", [40, 30], {"mode": "fanOut", "nonlinearity": "relu"})
    init_case("kaimingNormal", [40, 30], {"nonlinearity": "relu"})
    init_case("kaimingNormal", [6, 4, 5], {"mode": "fanOut", "a": 0.2})
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        GAIN_CASES.append({"nonlinearity": name, "param": param,
                           "gain": tnn.init.calculate_gain(name, param)})


# --------------------------------------------------------------------------
# safetensors fixtures
# --------------------------------------------------------------------------

MODEL_LAYERS = [
    {"layer": "Linear", "config": {"inFeatures": 4, "outFeatures": 3}},
    {"layer": "BatchNorm1d", "config": {"numFeatures": 3}},
    {"layer": "Linear", "config": {"inFeatures": 3, "outFeatures": 2}},
]


def safetensors_fixtures():
    rng = Rng("safetensors/tensors")
    values = {
        "weights.f32": rng.vals([2, 3]).to(torch.float32),
        "weights.f64": (rng.vals([3]) / 3).to(torch.float64),
        "ids": rng.ints([2, 2], -1000, 1000).to(torch.int32),
        "mask": torch.tensor([True, False, False, True]),
        "scalar": torch.tensor(0.1, dtype=torch.float32),
        "empty": torch.zeros([0, 3], dtype=torch.float32),
        "specials": torch.tensor([float("nan"), float("inf"), float("-inf"), -0.0]),
    }
    metadata = {"format": "pt", "source": GENERATOR}
    tensors_bytes = save_safetensors(values, metadata)

    rng = Rng("safetensors/model")
    model = tnn.Sequential(*[build_layer(c["layer"], c["config"]) for c in MODEL_LAYERS])
    randomise_state(model, rng)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(rng.vals([6, 4]).float())
    model.eval()
    x = rng.vals([5, 4]).to(torch.float32)
    with torch.no_grad():
        y = model(x)
    state = {k: (v.to(torch.int32) if v.dtype == torch.int64 else v)
             for k, v in model.state_dict().items()}
    model_bytes = save_safetensors(state, {"format": "pt"})
    # What was written reads back identically.
    meta_back, back = load_safetensors(tensors_bytes)
    assert meta_back == metadata and list(back) == sorted(back, key=lambda n: (
        -ST_ORDER.index(TORCH_TO_ST[back[n].dtype]), n))
    for k, v in values.items():
        assert torch.equal(back[k], v) or (v.is_floating_point() and torch.allclose(
            back[k], v, equal_nan=True)), k
    case = {
        "tensors": {"file": TENSORS_FILE, "metadata": metadata,
                    "values": {k: enc(v) for k, v in values.items()}},
        "model": {"file": MODEL_FILE, "layers": MODEL_LAYERS, "input": enc(x), "output": enc(y)},
    }
    return case, {TENSORS_FILE: tensors_bytes, MODEL_FILE: model_bytes}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def generate(opts):
    layer_cases()
    layer_edge_cases()
    loss_cases()
    loss_edge_cases()
    init_cases()
    st_case, files = safetensors_fixtures()
    text = fl.render(GENERATOR, [("layers", LAYER_CASES), ("losses", LOSS_CASES),
                                 ("init", INIT_CASES), ("gains", GAIN_CASES),
                                 ("safetensors", st_case)])
    outputs = [(opts.out, text)] + [(opts.out.parent / n, b) for n, b in files.items()]
    return outputs, "%d layer cases, %d loss cases, %d init cases, %d gains" % (
        len(LAYER_CASES), len(LOSS_CASES), len(INIT_CASES), len(GAIN_CASES))


def read_mode(path):
    metadata, tensors = load_safetensors(Path(path).read_bytes())
    out = {"metadata": metadata, "tensors": {k: enc(v) for k, v in tensors.items()}}
    print(json.dumps(out, separators=(",", ":"), allow_nan=False))
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "read":
        if len(sys.argv) != 3:
            sys.exit("usage: gen_nn_fixtures.py read FILE.safetensors")
        try:
            return read_mode(sys.argv[2])
        except (SafetensorsError, ValueError, KeyError) as e:
            print("SafetensorsError: %s" % e, file=sys.stderr)
            return 2
    return fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate)


if __name__ == "__main__":
    sys.exit(main())
