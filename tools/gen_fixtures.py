#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the TypeScript tensor library.

Run from the repository root with a Python that has PyTorch (the committed
file was made with Debian's python3-torch 1.13.1, whose torch.__version__
reads "1.13.0a0"):

    /usr/bin/python3 tools/gen_fixtures.py            # writes the fixture file
    /usr/bin/python3 tools/gen_fixtures.py --check    # exit 1 if it is stale
    GEN_FIXTURES_VERBOSE=1 /usr/bin/python3 tools/gen_fixtures.py
                                  # also list every PyTorch error and its mapping

It writes ``packages/testing/fixtures/ops.json`` and, for tensor printing,
``packages/testing/fixtures/format.json`` (format described at
``format_cases``).  The output is
deterministic: the seeds are fixed, intra-op threading is disabled, and the
ATen CPU kernels are pinned to the portable ``default`` capability so that the
float results do not depend on whether the machine has AVX2 or AVX-512 (with
the vectorised kernels, transcendental functions and reductions differ in the
last ulp, and linspace(-1, 1, 7)[3] comes out as -2.98e-08 instead of 0).
Another PyTorch build or libm can still change last-ulp float results, so the
TS tests should compare floats with a tolerance.

File format
-----------
::

    {"generator": "tools/gen_fixtures.py", "torch": "<torch.__version__>",
     "cases": [CASE, ...]}                    (one case per line)

    CASE   = {"id": "<unique, e.g. add/broadcast/float32>", "op": "<TS op name>",
              "args": [ARG, ...], "expected": OUT}
             (a few cases also carry a free-text "note")
    ARG    = TENSOR | NUMBER | plain JSON (int, bool, null, list of ints,
             dtype string) | [TENSOR, ...] (concat / stack)
    TENSOR = {"tensor": {"dtype": "float32"|"float64"|"int32"|"bool",
                         "shape": [...], "data": [...], "view": VIEW}}
    VIEW   = null          contiguous
           | "transpose"   build it physically transposed over the last two
                           dims, then transpose back (ndim >= 2); logical
                           values are "data"
           | "slice"       build it as every other element (along dim 0) of a
                           buffer twice as long (ndim >= 1)
           | {"expandFrom": [base shape]}
                           "data" holds the values of the base tensor of that
                           shape, and the argument is base.expand(shape)
    NUMBER = a JSON number, or {"number": "nan"|"inf"|"-inf"}
    OUT    = TENSOR (view null) | [TENSOR, ...] (split)
           | {"error": "ShapeError"|"DTypeError"|"IndexError"|"ValueError"}

``data`` is the flat row-major list of logical values.  Non-finite floats are
the strings "nan", "inf", "-inf"; bools are true/false.  float32 values are
written as the exact float32 numbers (shortest repr of the double that equals
the float32 value), float64 values with full repr precision.  The TS library
has no int64, so every int64 result of PyTorch is written with dtype "int32"
(integer inputs are built as torch.int32 where PyTorch allows it, and index
arguments are widened to int64 only for the PyTorch call).

Scalar arguments follow the TS side's view of numbers: a JSON number with an
integral value is an integer scalar (like a Python int), anything else is a
float scalar.  The generator therefore never emits integral-valued float
scalars such as 2.0, whose PyTorch meaning could not be told apart from 2.

Errors raised by PyTorch are recorded as {"error": ...}; ``classify_error``
maps PyTorch's messages onto the four error names of the TS library.
"""

import argparse
import json
import math
import os
import re
import sys
import warnings
import zlib
from collections import Counter
from pathlib import Path

# Must be set before torch is imported: pins the portable CPU kernels so the
# float results do not depend on the vector ISA of the generating machine.
os.environ["ATEN_CPU_CAPABILITY"] = "default"

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402
except ImportError:  # pragma: no cover - environment problem, not a bug
    sys.exit("gen_fixtures.py needs PyTorch (on Debian: apt-get install python3-torch, "
             "then run it with /usr/bin/python3)")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "packages" / "testing" / "fixtures" / "ops.json"
DEFAULT_FORMAT_OUT = REPO_ROOT / "packages" / "testing" / "fixtures" / "format.json"
GENERATOR = "tools/gen_fixtures.py"

NAN = float("nan")
INF = float("inf")

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "int32": torch.int32,
    "bool": torch.bool,
}
OUT_DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.int64: "int32",  # the TS library has no int64
    torch.bool: "bool",
}
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------


class In:
    """A tensor argument: its logical values plus the layout the TS side builds."""

    def __init__(self, values, view=None, expand_to=None):
        assert isinstance(values, torch.Tensor)
        assert values.dtype in DTYPES.values(), values.dtype
        assert view in (None, "transpose", "slice", "expand"), view
        if view == "transpose":
            assert values.dim() >= 2, "transpose view needs ndim >= 2"
        if view == "slice":
            assert values.dim() >= 1, "slice view needs ndim >= 1"
        if view == "expand":
            assert expand_to is not None
            values.expand(expand_to)  # validates the expansion
        self.values = values.clone()
        self.view = view
        self.expand_to = None if expand_to is None else list(expand_to)

    def to_torch(self):
        v = self.values
        if self.view is None:
            return v.clone()
        if self.view == "transpose":
            return v.transpose(-1, -2).contiguous().transpose(-1, -2)
        if self.view == "slice":
            buf = torch.zeros((2 * v.shape[0],) + tuple(v.shape[1:]), dtype=v.dtype)
            if v.is_floating_point():
                buf.fill_(NAN)  # junk in the skipped rows
            buf[::2] = v
            return buf[::2]
        return v.expand(self.expand_to)

    def encode(self):
        if self.view == "expand":
            view = {"expandFrom": list(self.values.shape)}
            shape = self.expand_to
        else:
            view = self.view
            shape = list(self.values.shape)
        return encode_tensor(self.values, shape=shape, view=view)


def T(data, dtype=None, view=None):
    """Input tensor from a (nested) Python list or a torch tensor.

    The dtype defaults to the tensor's own dtype, to bool for Python bools and
    to float32 for any other Python numbers.
    """
    if isinstance(data, torch.Tensor):
        t = data if dtype is None else data.to(DTYPES[dtype])
    else:
        if dtype is None:
            dtype = "bool" if _all_bool(data) else "float32"
        t = torch.tensor(data, dtype=DTYPES[dtype])
    return In(t, view=view)


def _all_bool(data):
    if isinstance(data, (list, tuple)):
        return len(data) > 0 and all(_all_bool(x) for x in data)
    return isinstance(data, bool)


def E(base, shape, dtype=None):
    """Input tensor base.expand(shape); base is a list or a tensor."""
    if isinstance(base, In):
        base = base.values
    if not isinstance(base, torch.Tensor):
        base = torch.tensor(base, dtype=DTYPES[dtype or "float32"])
    elif dtype is not None:
        base = base.to(DTYPES[dtype])
    return In(base, view="expand", expand_to=shape)


def V(x, view):
    """The same logical tensor, with another view kind."""
    return In(x.values, view=view)


def encode_number(v):
    if isinstance(v, bool) or isinstance(v, int):
        return v
    assert isinstance(v, float)
    if math.isnan(v):
        return {"number": "nan"}
    if math.isinf(v):
        return {"number": "inf" if v > 0 else "-inf"}
    assert not v.is_integer(), (
        "integral float scalar %r is indistinguishable from an int in JSON/TS" % v
    )
    return v


def encode_arg(a):
    if isinstance(a, In):
        return a.encode()
    if isinstance(a, float):
        return encode_number(a)
    if isinstance(a, (list, tuple)):
        if any(isinstance(x, In) for x in a):
            assert all(isinstance(x, In) for x in a)
            return [x.encode() for x in a]
        assert all(isinstance(x, int) and not isinstance(x, bool) for x in a), a
        return list(a)
    assert a is None or isinstance(a, (bool, int, str)), a
    return a


def torch_arg(a):
    if isinstance(a, In):
        return a.to_torch()
    if isinstance(a, (list, tuple)) and any(isinstance(x, In) for x in a):
        return [x.to_torch() for x in a]
    if isinstance(a, tuple):
        return list(a)
    return a


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------


def encode_float(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def encode_tensor(t, shape=None, view=None):
    name = OUT_DTYPE_NAMES.get(t.dtype)
    if name is None:
        raise TypeError("unsupported dtype in fixture: %s" % t.dtype)
    flat = t.detach().reshape(-1).tolist()
    if t.is_floating_point():
        data = [encode_float(v) for v in flat]
    elif t.dtype == torch.bool:
        data = [bool(v) for v in flat]
    else:
        for v in flat:
            if not INT32_MIN <= v <= INT32_MAX:
                raise OverflowError("integer %d does not fit int32" % v)
        data = [int(v) for v in flat]
    return {
        "tensor": {
            "dtype": name,
            "shape": list(t.shape) if shape is None else list(shape),
            "data": data,
            "view": view,
        }
    }


def encode_output(out):
    if isinstance(out, torch.Tensor):
        return encode_tensor(out)
    if isinstance(out, (list, tuple)):
        assert all(isinstance(x, torch.Tensor) for x in out)
        return [encode_tensor(x) for x in out]
    raise TypeError("unexpected op output %r" % (out,))


# Ordered: the first matching rule wins.  Python-level IndexError/ValueError
# raised by PyTorch keep their name unless a rule says otherwise.
ERROR_RULES = [
    # dtype problems
    (r"not implemented for '|not supported|expected scalar type|could not infer output dtype"
     r"|expected both vectors to have same dtype|must be a boolean tensor"
     r"|condition to be a boolean|can't be cast to the desired output type"
     r"|Expected object of scalar type|should be of scalar type|only support floating point"
     r"|Expected dtype|only applicable to index tensor",
     "DTypeError"),
    # index / range problems
    (r"[Dd]imension out of range|out of bounds|out of range|Expected reduction dim"
     r"|exceeds dimension size|start out of range",
     "IndexError"),
    # shape problems
    (r"cannot be multiplied|size mismatch|[Ss]izes of tensors must match"
     r"|must match the size|stack expects each tensor to be equal size"
     r"|is invalid for input of size|expanded size|number of sizes provided"
     r"|only one dimension can be inferred|split_with_sizes expects|Size does not match"
     r"|shape mismatch|inconsistent tensor size|number of dims don't match"
     r"|Tensors must have same number of dimensions|at least 1D|must have the same shape"
     r"|isn't allowed in a leading, non-existing dimension|to be equal size|dimension mismatch"
     r"|cannot be concatenated|same number of dimensions|supposed to be a vector|cannot reshape tensor"
     r"|does not match the length of the desired ordering|negative dimension",
     "ShapeError"),
    # other invalid values
    (r"non-empty|Class values|step must be nonzero|bound inconsistent with step sign"
     r"|At least one of|Integers to negative integer powers|infer total number of classes"
     r"|start_dim cannot come after end_dim|duplicate dims|repeated dim|must be positive"
     r"|must be non-negative|greater or equal to 0|unsupported range|invalid",
     "ValueError"),
]


def classify_error(exc):
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    for pattern, name in ERROR_RULES:
        if re.search(pattern, msg):
            return name
    if isinstance(exc, IndexError):
        return "IndexError"
    if isinstance(exc, ValueError):
        return "ValueError"
    raise RuntimeError("unclassified PyTorch error (%s): %s" % (type(exc).__name__, msg))


# --------------------------------------------------------------------------
# TS op name -> equivalent PyTorch call
# --------------------------------------------------------------------------


def _all_dims(x):
    return list(range(x.dim()))


def _dims_arg(x, dim):
    """TS dim (null | int | list) -> an explicit PyTorch dim argument."""
    return _all_dims(x) if dim is None else dim


def _reduce(fn):
    def op(x, dim, keepdim):
        return fn(x, dim=_dims_arg(x, dim), keepdim=keepdim)
    return op


def _prod(x, dim, keepdim):
    # torch.prod only reduces a single dim; reduce several with one product
    # over the flattened trailing block so the accumulation is a single pass.
    if isinstance(dim, int):
        return torch.prod(x, dim, keepdim=keepdim)
    nd = x.dim()
    if dim is None:
        dims = _all_dims(x)
    else:
        for d in dim:
            x.size(d)  # raises IndexError for an out-of-range dim
        dims = sorted(set(d % nd for d in dim))
    keep = [d for d in range(nd) if d not in dims]
    kept_sizes = [x.size(d) for d in keep]
    inner = 1
    for d in dims:
        inner *= x.size(d)
    y = torch.prod(x.permute(keep + dims).reshape(kept_sizes + [inner]), -1)
    if keepdim:
        y = y.reshape([1 if d in dims else x.size(d) for d in range(nd)])
    return y


def _var_like(fn):
    def op(x, dim, keepdim, correction):
        return fn(x, dim=dim, correction=correction, keepdim=keepdim)
    return op


def _argext(fn):
    def op(x, dim, keepdim):
        return fn(x, dim=dim, keepdim=keepdim)
    return op


def _as_tensor_operand(v):
    # torch.maximum/minimum take no Python scalars (and torch.where not in
    # every position).  A 0-d tensor made from a Python scalar promotes exactly
    # like the scalar would (int -> int64, float -> the default float32, both
    # ranking below dimensioned tensors of the same kind).
    return v if isinstance(v, torch.Tensor) else torch.tensor(v)


def _clamp(x, lo, hi):
    return torch.clamp(x, min=lo, max=hi)


def _split(x, size_or_sections, dim):
    return list(torch.split(x, size_or_sections, dim))


def _slice(x, dim, start, end, step):
    x.size(dim)  # raises IndexError for an out-of-range dim
    index = [slice(None)] * x.dim()
    index[dim % x.dim()] = slice(start, end, step)
    return x[tuple(index)]


def _squeeze(x, dim):
    return torch.squeeze(x) if dim is None else torch.squeeze(x, dim)


def _index(t):
    # Our index tensors are int32; PyTorch wants int64.  Other dtypes are
    # passed through so that PyTorch rejects them as it would.
    return t.long() if t.dtype == torch.int32 else t


def _eye(n, m):
    return torch.eye(n) if m is None else torch.eye(n, m)


OPS = {
    # unary elementwise
    **{name: getattr(torch, name) for name in (
        "neg", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt",
        "sin", "cos", "tanh", "erf", "floor", "ceil", "round")},
    # binary elementwise
    **{name: getattr(torch, name) for name in (
        "add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge")},
    "maximum": lambda a, b: torch.maximum(a, _as_tensor_operand(b)),
    "minimum": lambda a, b: torch.minimum(a, _as_tensor_operand(b)),
    "where": lambda c, a, b: torch.where(c, _as_tensor_operand(a), _as_tensor_operand(b)),
    "clamp": _clamp,
    "cast": lambda x, dtype: x.to(DTYPES[dtype]),
    # reductions
    "sum": _reduce(torch.sum),
    "mean": _reduce(torch.mean),
    "max": _reduce(torch.amax),
    "min": _reduce(torch.amin),
    "prod": _prod,
    "argmax": _argext(torch.argmax),
    "argmin": _argext(torch.argmin),
    "variance": _var_like(torch.var),
    "std": _var_like(torch.std),
    "logsumexp": lambda x, dim, keepdim: torch.logsumexp(x, dim, keepdim),
    # linear algebra
    "matmul": torch.matmul,
    # joining / splitting / indexing
    "concat": lambda ts, dim: torch.cat(ts, dim),
    "stack": lambda ts, dim: torch.stack(ts, dim),
    "split": _split,
    "gather": lambda x, dim, index: torch.gather(x, dim, _index(index)),
    "indexSelect": lambda x, dim, index: torch.index_select(x, dim, _index(index)),
    "oneHot": lambda idx, n: F.one_hot(_index(idx), n),
    # views and copies
    "reshape": torch.reshape,
    "transpose": torch.transpose,
    "permute": torch.permute,
    "squeeze": _squeeze,
    "unsqueeze": torch.unsqueeze,
    "expand": lambda x, shape: x.expand(shape),
    "narrow": torch.narrow,
    "slice": _slice,
    "flatten": torch.flatten,
    "contiguous": lambda x: x.contiguous(),
    "clone": torch.clone,
    # creation
    "arange": torch.arange,
    "linspace": torch.linspace,
    "eye": _eye,
    "full": lambda shape, value: torch.full(shape, value),
}

# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------

CASES = []
_IDS = set()


def case(cid, op, *args, error=None, note=None, requires=None):
    """Run the PyTorch equivalent of ``op(*args)`` and record the result.

    ``requires`` names a backend capability the case needs beyond its dtypes, e.g.
    "indexChecks" for an error that only a backend reading its indices can raise (a GPU
    kernel cannot throw); it is written as ``"requires": [...]``.

    ``error`` asserts the case is meant to fail with that error name (or, when
    False, that it is meant to succeed): a guard against PyTorch behaving
    differently from what the case was written to exercise.
    """
    assert op in OPS, op
    assert cid not in _IDS, "duplicate case id " + cid
    assert cid.split("/")[0] == op, cid
    _IDS.add(cid)
    torch_args = [torch_arg(a) for a in args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = OPS[op](*torch_args)
    except (RuntimeError, IndexError, ValueError) as exc:
        expected = {"error": classify_error(exc)}
        if note is None and "not implemented for" in str(exc):
            # Not a semantic rule, just a missing PyTorch CPU kernel: say so.
            note = "PyTorch CPU kernel missing: " + str(exc).splitlines()[0]
        if os.environ.get("GEN_FIXTURES_VERBOSE"):
            print("%-45s %-10s %s" % (cid, expected["error"], str(exc).splitlines()[0]),
                  file=sys.stderr)
    else:
        expected = encode_output(out)
    if error is not None:
        got = expected.get("error", False) if isinstance(expected, dict) else False
        if got != error:
            raise AssertionError("%s: expected error=%r, got %r" % (cid, error, got))
    entry = {"id": cid, "op": op, "args": [encode_arg(a) for a in args], "expected": expected}
    if note:
        entry["note"] = note
    if requires:
        entry["requires"] = [requires]
    CASES.append(entry)


def seed(section):
    """Reseed per section so adding cases to one section leaves the others' data alone."""
    torch.manual_seed(zlib.crc32(section.encode()))


def randn(shape, dtype="float32", scale=2.0, q=256):
    """Normal samples quantised to multiples of 1/q (exact in float32)."""
    t = torch.randn(shape, dtype=torch.float64) * scale
    return T(torch.round(t * q) / q, dtype)


def randpos(shape, dtype="float32", q=256):
    """Positive samples in [0.125, 4.125), quantised to multiples of 1/q."""
    t = torch.rand(shape, dtype=torch.float64) * 4 + 0.125
    return T(torch.round(t * q) / q, dtype)


def randint(shape, lo=-5, hi=6, dtype="int32"):
    return T(torch.randint(lo, hi, shape, dtype=torch.int64), dtype)


def randbool(shape):
    return T(torch.rand(shape) < 0.5, "bool")


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------

UNARY = ["neg", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt",
         "sin", "cos", "tanh", "erf", "floor", "ceil", "round"]
POSITIVE_DOMAIN = {"log", "log1p", "sqrt", "rsqrt"}
UNARY_GRID = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1e-8, -1e-8, 1.0, -1.0,
              3.7, -3.7, 20.0, -20.0, 90.0, -90.0, 1e4, -1e4, INF, -INF, NAN]


def unary_cases():
    for op in UNARY:
        seed("unary/" + op)
        rnd = randpos if op in POSITIVE_DOMAIN else randn
        for dt in ("float32", "float64"):
            case("%s/grid/%s" % (op, dt), op, T(UNARY_GRID, dt))
        case(op + "/int32", op, T([-3, -2, -1, 0, 1, 2, 3, 100], "int32"))
        case(op + "/bool", op, T([True, False, True], "bool"))
        case(op + "/0d/float32", op, T(2.5 if op in POSITIVE_DOMAIN else -2.5))
        case(op + "/0d/float64", op, T(0.75, "float64"))
        case(op + "/empty/[0]", op, T([]))
        case(op + "/empty/[2,0]", op, T(torch.zeros(2, 0)))
        case(op + "/view/transpose", op, V(rnd([3, 4]), "transpose"))
        case(op + "/view/slice", op, V(rnd([4, 3]), "slice"))
        case(op + "/view/expand", op, E(rnd([3, 1]), [2, 3, 4]))
        case(op + "/random/float64", op, rnd([2, 5], "float64"))


BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum",
          "eq", "ne", "lt", "le", "gt", "ge"]


def _pair(shape, dtype="float32", op=None):
    """Two random tensors of one shape sharing every third element (ties)."""
    if op == "pow":
        a = randpos(shape, dtype)
        b = randn(shape, dtype, scale=1.0, q=16)
    else:
        a = randn(shape, dtype)
        b = randn(shape, dtype)
    bv = b.values.clone().reshape(-1)
    bv[::3] = a.values.reshape(-1)[::3]
    return a, T(bv.reshape(shape), dtype)


def binary_cases():
    special_a = [NAN, INF, -INF, 1.0, NAN, 0.0, -0.0, INF, 2.5, -1.0, 0.0, -INF]
    special_b = [1.0, INF, 1.0, NAN, NAN, -0.0, 0.0, -INF, INF, 0.0, 0.0, -2.5]
    for op in BINARY:
        seed("binary/" + op)
        is_pow = op == "pow"

        def lhs(shape, dtype="float32"):
            # pow: positive bases, so fractional exponents do not just give nan
            return randpos(shape, dtype) if is_pow else randn(shape, dtype)

        def rhs(shape, dtype="float32"):
            # pow: small exponents on a coarse grid, to keep results moderate
            return randn(shape, dtype, scale=1.0, q=16) if is_pow else randn(shape, dtype)

        for dt in ("float32", "float64"):
            a, b = _pair([3, 4], dt, op)
            case("%s/same/%s" % (op, dt), op, a, b)
        case(op + "/broadcast/[3,1]x[1,4]", op, lhs([3, 1]), rhs([1, 4]))
        case(op + "/broadcast/[2,3,4]x[4]", op, lhs([2, 3, 4]), rhs([4]))
        case(op + "/broadcast/[4]x[2,3,4]", op, lhs([4]), rhs([2, 3, 4]))
        x = lhs([2, 3])
        case(op + "/scalar/float32-int", op, x, 2)
        case(op + "/scalar/float32-float", op, x, 2.5)
        case(op + "/scalar/float32-negfloat", op, x, -0.5)
        case(op + "/scalar/float64-float", op, lhs([2, 3], "float64"), 2.5)
        xi = randint([2, 3], 0 if is_pow else -5, 6)
        case(op + "/scalar/int32-int", op, xi, 2)
        case(op + "/scalar/int32-float", op, xi, 2.5)
        case(op + "/scalar/bool-int", op, randbool([2, 3]), 2)
        case(op + "/scalar/bool-bool", op, randbool([2, 3]), True)
        case(op + "/scalar/float32-nan", op, x, NAN)
        case(op + "/scalar/float32-inf", op, x, INF)
        ia, ib = randint([2, 3], 1, 6), randint([2, 3], 1, 4)
        case(op + "/int32", op, ia, ib)
        case(op + "/promote/int32-float32", op, ia, rhs([2, 3]))
        case(op + "/promote/float32-int32", op, lhs([2, 3]), ib)
        case(op + "/promote/float32-float64", op, lhs([2, 3]), rhs([2, 3], "float64"))
        case(op + "/promote/int32-float64", op, ia, rhs([2, 3], "float64"))
        case(op + "/promote/bool-int32", op, randbool([2, 3]), ib)
        case(op + "/promote/bool-float32", op, randbool([2, 3]), rhs([2, 3]))
        case(op + "/promote/bool-bool", op, randbool([2, 3]), randbool([2, 3]))
        case(op + "/promote/0d-float64-with-float32", op, T(1.25, "float64"), rhs([3]))
        case(op + "/promote/float32-with-0d-float64", op, lhs([3]), T(1.25, "float64"))
        case(op + "/promote/0d-float64-with-int32", op, T(1.25, "float64"), ib)
        case(op + "/promote/int32-with-0d-float64", op, ib, T(1.25, "float64"))
        case(op + "/promote/0d-int32-with-bool", op, T(3, "int32"), randbool([3]))
        case(op + "/promote/0d-float32-with-float64", op, T(1.25), rhs([3], "float64"))
        case(op + "/promote/0d-0d-float64-int32", op, T(1.25, "float64"), T(3, "int32"))
        case(op + "/special/float32", op, T(special_a), T(special_b))
        case(op + "/special/float64", op, T(special_a, "float64"), T(special_b, "float64"))
        case(op + "/0d/0d", op, T(1.5), T(-0.25))
        a, b = _pair([3, 4], "float32", op)
        case(op + "/view/transpose-contiguous", op, V(a, "transpose"), b)
        case(op + "/view/slice-transpose", op, V(a, "slice"), V(b, "transpose"))
        case(op + "/view/expand-slice", op, E(lhs([1, 4]), [3, 4]), V(b, "slice"))
        case(op + "/view/expand-expand", op, E(lhs([3, 1]), [3, 4]), E(rhs([4]), [3, 4]))
        case(op + "/error/broadcast-[2,3]x[4]", op, lhs([2, 3]), rhs([4]), error="ShapeError")
        case(op + "/empty/[0,3]x[3]", op, T(torch.zeros(0, 3)), rhs([3]))
        case(op + "/empty/[2,0]x[2,1]", op, T(torch.zeros(2, 0)), rhs([2, 1]))

    # op-specific cases
    case("add/precision/float64", "add", T([0.1, 1 / 3, 1e16, 1.0], "float64"),
         T([0.2, 1 / 3, 1.0, 1e-16], "float64"))
    case("add/precision/float32", "add", T([0.1, 1 / 3, 1e8, 1.0]), T([0.2, 1 / 3, 1.0, 1e-8]))
    case("mul/overflow/float32", "mul", T([1e20, -1e20, 1e-30]), T([1e20, 1e20, 1e-30]))
    case("div/zero/float32", "div", T([1.0, -1.0, 0.0, NAN, -0.0, INF]), T([0.0] * 6))
    case("div/zero/negzero", "div", T([1.0, -1.0, 0.0]), T([-0.0, -0.0, -0.0]))
    case("div/zero/int32", "div", T([1, -1, 0, 7, -7], "int32"), T([0, 0, 0, 2, 2], "int32"))
    case("div/int32-scalar-int", "div", T([1, -1, 0, 7, -7], "int32"), 2)
    case("div/int32-scalar-zero", "div", T([1, -1, 0], "int32"), 0)
    case("pow/negative-base-fractional", "pow", T([-2.0, -0.5, -8.0, 2.0]), T([0.5, 1.5, 1 / 3, 0.5]))
    case("pow/negative-base-integral", "pow", T([-2.0, -0.5, -3.0, -2.0]), T([2.0, 3.0, -1.0, -2.0]))
    case("pow/negative-base-scalar", "pow", T([-2.0, -0.5, 4.0]), 0.5)
    case("pow/zero-zero", "pow", T([0.0, 0.0, -0.0, NAN, 1.0]), T([0.0, -1.0, 0.5, 0.0, NAN]))
    case("pow/int32-int32", "pow", T([2, -3, 0, 5, 1], "int32"), T([3, 3, 0, 2, 7], "int32"))
    case("pow/int32-int32-negative-exp", "pow", T([2, -1, 1, -1, 0, 3], "int32"),
         T([-1, -1, -2, -2, 2, 0], "int32"))
    case("pow/int32-scalar-negative-int", "pow", T([2, 3], "int32"), -1)
    case("pow/int32-scalar-float", "pow", T([2, 3, 4], "int32"), 0.5)
    case("pow/float32-scalar-negative-int", "pow", T([2.0, -4.0, 0.0]), -1)
    case("maximum/nan-either-side", "maximum", T([NAN, 1.0, -INF]), T([0.5, NAN, NAN]))
    case("maximum/signed-zero", "maximum", T([0.0, -0.0]), T([-0.0, 0.0]))
    case("minimum/signed-zero", "minimum", T([0.0, -0.0]), T([-0.0, 0.0]))
    case("eq/int32-float32-exact", "eq", T([1, 2, 16777217], "int32"), T([1.0, 2.5, 16777216.0]))
    case("sub/bool-bool", "sub", T([True, False]), T([True, True]), error="DTypeError")


def where_cases():
    seed("where")
    c = randbool([3, 4])
    case("where/same/float32", "where", c, randn([3, 4]), randn([3, 4]))
    case("where/same/float64", "where", c, randn([3, 4], "float64"), randn([3, 4], "float64"))
    case("where/same/int32", "where", c, randint([3, 4]), randint([3, 4]))
    case("where/same/bool", "where", c, randbool([3, 4]), randbool([3, 4]))
    case("where/broadcast/all-three", "where", randbool([3, 1]), randn([1, 4]), randn([4]))
    case("where/broadcast/cond-smaller", "where", randbool([4]), randn([2, 3, 4]), randn([3, 1]))
    case("where/scalar-b/float32-int", "where", c, randn([3, 4]), 0)
    case("where/scalar-b/float32-float", "where", c, randn([3, 4]), -0.5)
    case("where/scalar-b/float32-nan", "where", c, randn([3, 4]), NAN)
    case("where/scalar-b/float32--inf", "where", c, randn([3, 4]), -INF)
    case("where/scalar-b/int32-int", "where", c, randint([3, 4]), 0)
    case("where/scalar-b/int32-float", "where", c, randint([3, 4]), 2.5)
    case("where/scalar-b/float64-float", "where", c, randn([3, 4], "float64"), 2.5)
    case("where/promote/int32-float64", "where", c, randint([3, 4]), randn([3, 4], "float64"))
    case("where/promote/float32-float64", "where", c, randn([3, 4]), randn([3, 4], "float64"))
    case("where/promote/int32-float32", "where", c, randint([3, 4]), randn([3, 4]))
    case("where/promote/bool-int32", "where", c, randbool([3, 4]), randint([3, 4]))
    case("where/promote/float32-0d-float64", "where", c, randn([3, 4]), T(0.25, "float64"))
    case("where/special/nan-inf", "where", T([True, False, True, False]),
         T([NAN, 1.0, INF, 2.5]), T([0.5, NAN, -1.0, -INF]))
    case("where/0d/all", "where", T(True, "bool"), T(1.5), T(-1.5))
    case("where/view/noncontiguous", "where", V(randbool([3, 4]), "transpose"),
         V(randn([3, 4]), "slice"), E(randn([3, 1]), [3, 4]))
    case("where/empty", "where", T(torch.zeros(0, 3, dtype=torch.bool), "bool"),
         randn([3]), randn([1, 3]))
    case("where/error/broadcast", "where", randbool([2, 3]), randn([2, 3]), randn([4]),
         error="ShapeError")
    case("where/error/cond-float32", "where", randn([3]), randn([3]), randn([3]),
         error="DTypeError")
    case("where/error/cond-int32", "where", randint([3], 0, 2), randn([3]), randn([3]),
         error="DTypeError")


def clamp_cases():
    seed("clamp")
    x = randn([3, 4])
    case("clamp/both/float32", "clamp", x, -1, 1)
    case("clamp/both-float/float32", "clamp", x, -0.5, 1.5)
    case("clamp/both/float64", "clamp", randn([3, 4], "float64"), -0.5, 0.75)
    case("clamp/min-only/float32", "clamp", x, -0.5, None)
    case("clamp/max-only/float32", "clamp", x, None, 0.5)
    case("clamp/none/float32", "clamp", x, None, None)
    case("clamp/nan-input", "clamp", T([NAN, -3.0, 0.25, 3.0, INF, -INF]), -0.5, 0.5)
    case("clamp/nan-bound-min", "clamp", T([-1.0, 0.0, 1.0]), NAN, None)
    case("clamp/nan-bound-max", "clamp", T([-1.0, 0.0, 1.0]), -0.5, NAN)
    case("clamp/infinite-bounds", "clamp", T([-INF, -1.5, 1.5, INF]), -INF, INF)
    case("clamp/min-greater-than-max", "clamp", x, 1, -1)
    case("clamp/int32-int", "clamp", randint([3, 4]), -2, 3)
    case("clamp/int32-float", "clamp", randint([3, 4]), -1.5, 2.5)
    case("clamp/int32-min-only-float", "clamp", randint([3, 4]), 0.5, None)
    case("clamp/bool", "clamp", randbool([4]), 0, 1)
    case("clamp/0d", "clamp", T(3.5), -1, 1)
    case("clamp/empty", "clamp", T(torch.zeros(2, 0)), -1, 1)
    case("clamp/view/transpose", "clamp", V(x, "transpose"), -1, 1)
    case("clamp/view/slice", "clamp", V(x, "slice"), -0.5, None)
    case("clamp/view/expand", "clamp", E(randn([3, 1]), [3, 4]), None, 0.5)


def cast_cases():
    seed("cast")
    fvals = [-2.7, -2.5, -0.5, -0.0, 0.0, 0.5, 0.99, 2.5, 2.7, 1e4, -1e4, 123456.75]
    bvals = [0.0, -0.0, 0.5, -1.0, NAN, INF, -INF, 1e-30]
    for dt in ("float32", "float64"):
        case("cast/%s-to-int32" % dt, "cast", T(fvals, dt), "int32")
        case("cast/%s-to-bool" % dt, "cast", T(bvals, dt), "bool")
        case("cast/%s-to-%s" % (dt, dt), "cast", T(bvals, dt), dt)
    case("cast/float32-to-float64", "cast", T([0.1, 1 / 3, NAN, -INF, -0.0]), "float64")
    case("cast/float64-to-float32", "cast",
         T([0.1, 1 / 3, 1e300, -1e300, 1e-300, NAN, -0.0, 16777217.0], "float64"), "float32")
    case("cast/bool-to-float32", "cast", T([True, False, True]), "float32")
    case("cast/bool-to-float64", "cast", T([True, False]), "float64")
    case("cast/bool-to-int32", "cast", T([True, False, True]), "int32")
    case("cast/bool-to-bool", "cast", T([True, False]), "bool")
    case("cast/int32-to-float64", "cast", T([-3, 0, 7, 2147483647, -2147483648], "int32"), "float64")
    case("cast/int32-to-float32", "cast", T([-3, 0, 7, 16777217, 2147483647], "int32"), "float32")
    case("cast/int32-to-bool", "cast", T([-3, 0, 7], "int32"), "bool")
    case("cast/int32-to-int32", "cast", T([-3, 0, 7], "int32"), "int32")
    case("cast/0d", "cast", T(-2.5), "int32")
    case("cast/empty", "cast", T(torch.zeros(0, 2)), "int32")
    case("cast/view/transpose", "cast", V(randn([3, 4]), "transpose"), "int32")
    case("cast/view/slice", "cast", V(randn([4, 2]), "slice"), "float64")
    case("cast/view/expand", "cast", E(randbool([3, 1]), [3, 2]), "float32")


def reduction_cases():
    dims = [0, 1, -1, [0, 2], None]

    def dim_name(d):
        if d is None:
            return "all"
        return "[%s]" % ",".join(map(str, d)) if isinstance(d, list) else str(d)

    for op in ("sum", "mean", "max", "min", "prod", "argmax", "argmin",
               "variance", "std", "logsumexp"):
        seed("reduce/" + op)
        is_arg = op in ("argmax", "argmin")
        is_var = op in ("variance", "std")

        def every(ndim):
            # "reduce everything": null, except for logsumexp whose dim is required
            return list(range(ndim)) if op == "logsumexp" else None

        # argmax/argmin take a single dim; logsumexp needs an explicit one
        op_dims = [d for d in dims if not (is_arg and isinstance(d, list))
                   and not (op == "logsumexp" and d is None)]
        extra = (1,) if is_var else ()  # correction for variance/std
        scale = 1.0 if op == "prod" else 2.0
        xs = {dt: randn([2, 3, 4], dt, scale=scale) for dt in ("float32", "float64")}
        for dt, x in xs.items():
            for d in op_dims:
                for keepdim in (False, True):
                    cid = "%s/[2,3,4]/dim=%s/keepdim=%s/%s" % (
                        op, dim_name(d), str(keepdim).lower(), dt)
                    if is_var:
                        for corr in (0, 1):
                            case(cid + "/correction=%d" % corr, op, x, d, keepdim, corr)
                    else:
                        case(cid, op, x, d, keepdim)
        x = xs["float32"]
        # 0-d, 1-d and non-contiguous inputs
        if op != "logsumexp":
            case(op + "/0d/dim=all", op, T(1.5), None, False, *extra)
        case(op + "/0d/dim=0", op, T(1.5), 0, False, *extra)
        case(op + "/0d/dim=-1/keepdim=true", op, T(-2.5), -1, True, *extra)
        case(op + "/1d/dim=0", op, randn([7]), 0, False, *extra)
        case(op + "/view/transpose", op, V(x, "transpose"), 1, False, *extra)
        case(op + "/view/transpose-all", op, V(x, "transpose"), every(3), False, *extra)
        case(op + "/view/slice", op, V(x, "slice"), -1, True, *extra)
        case(op + "/view/expand", op, E(randn([3, 1], scale=1.0), [2, 3, 4]),
             1 if is_arg else [0, 2], False, *extra)
        case(op + "/error/dim-out-of-range", op, x, 3, False, *extra, error="IndexError")
        # integer and bool inputs
        for dt, xi in (("int32", randint([3, 4], -3, 4)), ("bool", randbool([3, 4]))):
            case("%s/%s/dim=all" % (op, dt), op, xi, every(2), False, *extra)
            case("%s/%s/dim=1" % (op, dt), op, xi, 1, False, *extra)
            case("%s/%s/dim=0/keepdim=true" % (op, dt), op, xi, 0, True, *extra)
        # special values
        case(op + "/nan/dim=-1", op, T([[1.0, NAN, 3.0, -1.0], [2.0, 0.5, -4.0, 4.0]]),
             -1, False, *extra)
        case(op + "/nan/dim=all", op, T([[1.0, NAN, 3.0], [INF, 0.5, NAN]]), every(2),
             False, *extra)
        case(op + "/inf/dim=1", op, T([[INF, 1.0, 2.0], [-INF, -INF, 0.0], [INF, -INF, 1.0]]),
             1, False, *extra)
        # empty inputs
        empty = T(torch.zeros(0, 3))
        case(op + "/empty/[0,3]/dim=0", op, empty, 0, False, *extra)
        case(op + "/empty/[0,3]/dim=1", op, empty, 1, False, *extra)
        case(op + "/empty/[0,3]/dim=all", op, empty, every(2), False, *extra)
        case(op + "/empty/[0,3]/dim=0/int32", op, T(torch.zeros(0, 3), "int32"), 0, False, *extra)

    # op-specific
    ties = T([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, -1.0], [5.0, 5.0, 5.0, 5.0]])
    for op in ("argmax", "argmin"):
        case(op + "/ties/dim=1", op, ties, 1, False)
        case(op + "/ties/dim=0", op, ties, 0, False)
        case(op + "/ties/dim=all", op, ties, None, False)
        case(op + "/ties/int32/dim=1", op, T([[4, 4, 1], [1, 1, 4]], "int32"), 1, False)
        case(op + "/nan-first-and-ties", op, T([[NAN, 1.0, NAN], [2.0, NAN, NAN]]), 1, False)
        case(op + "/signed-zero", op, T([0.0, -0.0, 0.0]), 0, False)
        case(op + "/dim=all/keepdim=true/[2,3]", op, T([[1.0, 5.0, 2.0], [7.0, -1.0, 0.0]]), None, True)
    case("max/signed-zero", "max", T([-0.0, 0.0, -0.0]), 0, False)
    case("min/signed-zero", "min", T([0.0, -0.0, 0.0]), 0, False)
    case("sum/negative-zero", "sum", T([-0.0, -0.0]), 0, False)
    # (No int32 overflow cases: PyTorch accumulates in int64, which the TS side
    # cannot represent, so encode_tensor refuses results outside int32.)
    case("sum/int32-near-limit", "sum", T([2000000000, 147483647, -100], "int32"), 0, False)
    case("mean/int32", "mean", randint([3, 4]), None, False, error="DTypeError")
    case("sum/precision/float32", "sum", T([1e8, 1.0, -1e8, 1.0]), 0, False)
    case("sum/precision/float64", "sum", T([0.1] * 10, "float64"), 0, False)
    # An empty dim list reduces every dim (PyTorch 1.13), keepdim or not.
    case("sum/dims=[]", "sum", randn([2, 3]), [], False)
    case("sum/dims=[]/keepdim", "sum", randn([2, 3]), [], True)
    case("mean/dims=[]", "mean", randn([2, 3]), [], False)
    case("mean/precision/float32", "mean", T([0.1] * 10), None, False)
    for op in ("variance", "std"):
        case(op + "/single-element/correction=1", op, T([[2.5], [1.5]]), 1, False, 1)
        case(op + "/single-element/correction=0", op, T([[2.5], [1.5]]), 1, False, 0)
        case(op + "/correction=2", op, T([1.0, 2.0, 4.0, 8.0]), 0, False, 2)
        case(op + "/correction-exceeds-n", op, T([1.0, 2.0, 4.0]), 0, False, 5)
        case(op + "/constant", op, T([0.1, 0.1, 0.1]), 0, False, 1)
        case(op + "/large-offset/float32", op, T([1e4 + 0.25, 1e4 - 0.25, 1e4 + 0.5, 1e4]), 0, False, 1)
    case("logsumexp/large", "logsumexp", T([[1e4, 1e4 - 1, 0.0], [-INF, -INF, -INF],
                                           [-INF, 0.0, 1.0], [-1e4, -1e4, -1e4]]), 1, False)
    case("logsumexp/large/float64", "logsumexp", T([[1e4, 1e4 - 1, 0.0], [-INF, -INF, -INF],
                                                   [-INF, 0.0, 1.0], [700.5, 710.5, 705.5]], "float64"),
         1, True)
    case("logsumexp/all-neg-inf", "logsumexp", T([-INF, -INF]), 0, False)
    case("logsumexp/with-inf", "logsumexp", T([[INF, 1.0], [INF, -INF], [INF, NAN]]), 1, False)


def matmul_cases():
    seed("matmul")

    def r(shape, dtype="float32"):
        return randn(shape, dtype, q=16)

    for dt in ("float32", "float64"):
        case("matmul/2d-2d/" + dt, "matmul", r([3, 4], dt), r([4, 5], dt))
        case("matmul/1d-1d/" + dt, "matmul", r([4], dt), r([4], dt))
        case("matmul/batched/" + dt, "matmul", r([2, 3, 4], dt), r([2, 4, 5], dt))
    case("matmul/precision/float64", "matmul", T([[0.1, 0.2, 1 / 3]], "float64"),
         T([[0.3], [0.7], [3.0]], "float64"))
    case("matmul/random-full-precision-positive/float32", "matmul",
         T(torch.rand(3, 8)), T(torch.rand(8, 2)))
    case("matmul/1d-2d", "matmul", r([4]), r([4, 5]))
    case("matmul/2d-1d", "matmul", r([3, 4]), r([4]))
    case("matmul/3d-1d", "matmul", r([2, 3, 4]), r([4]))
    case("matmul/1d-3d", "matmul", r([4]), r([2, 4, 5]))
    case("matmul/3d-2d", "matmul", r([2, 3, 4]), r([4, 2]))
    case("matmul/2d-3d", "matmul", r([3, 4]), r([2, 4, 2]))
    case("matmul/broadcast-batch/[2,1,3,4]x[5,4,2]", "matmul", r([2, 1, 3, 4]), r([5, 4, 2]))
    case("matmul/view/transpose-both", "matmul", V(r([3, 4]), "transpose"), V(r([4, 5]), "transpose"))
    case("matmul/view/transpose-a-batched", "matmul", V(r([2, 3, 4]), "transpose"), r([2, 4, 3]))
    case("matmul/view/slice", "matmul", V(r([3, 4]), "slice"), V(r([4, 2]), "slice"))
    case("matmul/view/expand", "matmul", E(r([1, 3, 4]), [2, 3, 4]), r([2, 4, 5]))
    case("matmul/view/expand-vector", "matmul", r([3, 4]), E(r([1]), [4]))
    case("matmul/int32", "matmul", randint([2, 3]), randint([3, 2]))
    case("matmul/int32/1d-1d", "matmul", randint([5]), randint([5]))
    case("matmul/special/nan-inf", "matmul", T([[NAN, 1.0], [INF, 0.0], [1.0, 2.0]]),
         T([[1.0, 0.0], [0.0, 1.0]]))
    case("matmul/empty-k", "matmul", T(torch.zeros(3, 0)), T(torch.zeros(0, 2)))
    case("matmul/empty-m", "matmul", T(torch.zeros(0, 4)), r([4, 2]))
    case("matmul/empty-k/1d-1d", "matmul", T([]), T([]))
    case("matmul/error/shape-[3,4]x[5,6]", "matmul", r([3, 4]), r([5, 6]), error="ShapeError")
    case("matmul/error/shape-1d-1d", "matmul", r([3]), r([4]), error="ShapeError")
    case("matmul/error/shape-2d-1d", "matmul", r([3, 4]), r([3]), error="ShapeError")
    case("matmul/error/batch-broadcast", "matmul", r([2, 3, 4]), r([3, 4, 5]), error="ShapeError")
    case("matmul/error/0d", "matmul", T(2.5), r([3]), error="ShapeError")
    case("matmul/error/float32-float64", "matmul", r([3, 4]), r([4, 2], "float64"), error="DTypeError")
    case("matmul/error/int32-float32", "matmul", randint([3, 4]), r([4, 2]), error="DTypeError")


def join_split_cases():
    seed("concat")
    a, b, c = randn([2, 3]), randn([1, 3]), randn([3, 3])
    case("concat/dim=0/three", "concat", [a, b, c], 0)
    case("concat/dim=1", "concat", [randn([2, 1]), randn([2, 3]), randn([2, 2])], 1)
    case("concat/dim=-1", "concat", [randn([2, 2]), randn([2, 3])], -1)
    case("concat/dim=-2", "concat", [a, b], -2)
    case("concat/3d/dim=1", "concat", [randn([2, 1, 2]), randn([2, 3, 2])], 1)
    case("concat/single", "concat", [a], 0)
    case("concat/1d", "concat", [randn([3]), randn([2])], 0)
    case("concat/with-empty", "concat", [a, T(torch.zeros(0, 3))], 0)
    case("concat/all-empty", "concat", [T(torch.zeros(0, 3)), T(torch.zeros(0, 3))], 0)
    case("concat/float64", "concat", [randn([2, 2], "float64"), randn([1, 2], "float64")], 0)
    case("concat/int32", "concat", [randint([2, 2]), randint([2, 1])], 1)
    case("concat/bool", "concat", [randbool([2]), randbool([3])], 0)
    case("concat/promote/float32-float64", "concat", [randn([2]), randn([2], "float64")], 0)
    case("concat/promote/int32-float32", "concat", [randint([2]), randn([2])], 0)
    case("concat/promote/bool-int32", "concat", [randbool([2]), randint([2])], 0)
    case("concat/view/mixed", "concat", [V(randn([2, 3]), "transpose"), V(randn([2, 3]), "slice"),
                                         E(randn([1, 3]), [2, 3])], 0)
    case("concat/view/transpose-dim1", "concat", [V(randn([3, 2]), "transpose"), randn([3, 2])], 1)
    case("concat/error/shape", "concat", [randn([2, 3]), randn([2, 4])], 0, error="ShapeError")
    case("concat/error/ndim", "concat", [randn([2, 3]), randn([3])], 0, error="ShapeError")
    case("concat/error/empty-list", "concat", [], 0, error="ValueError")
    case("concat/error/dim-out-of-range", "concat", [a, a], 2, error="IndexError")
    case("concat/error/0d", "concat", [T(1.5), T(2.5)], 0)

    seed("stack")
    a, b = randn([2, 3]), randn([2, 3])
    for d in (0, 1, 2, -1, -3):
        case("stack/dim=%d" % d, "stack", [a, b], d)
    case("stack/three-1d", "stack", [randn([2]), randn([2]), randn([2])], 0)
    case("stack/0d", "stack", [T(1.5), T(-2.5), T(0.25)], 0)
    case("stack/single", "stack", [a], 1)
    case("stack/int32", "stack", [randint([3]), randint([3])], 1)
    case("stack/bool", "stack", [randbool([3]), randbool([3])], 0)
    case("stack/promote/int32-float64", "stack", [randint([2]), randn([2], "float64")], 0)
    case("stack/empty-tensors", "stack", [T(torch.zeros(0, 2)), T(torch.zeros(0, 2))], 1)
    case("stack/view/mixed", "stack", [V(a, "transpose"), V(b, "slice"), E(randn([3]), [2, 3])], 0)
    case("stack/error/shape", "stack", [randn([2, 3]), randn([3, 2])], 0, error="ShapeError")
    case("stack/error/empty-list", "stack", [], 0, error="ValueError")
    case("stack/error/dim-out-of-range", "stack", [a, b], 3, error="IndexError")

    seed("split")
    x = randn([5, 4])
    case("split/size/remainder", "split", x, 2, 0)
    case("split/size/exact", "split", x, 2, 1)
    case("split/size/larger-than-dim", "split", x, 7, 0)
    case("split/size/one", "split", x, 1, -1)
    case("split/sections", "split", x, [1, 3, 1], 0)
    case("split/sections/with-zero", "split", x, [0, 4, 0], 1)
    case("split/sections/negative-dim", "split", x, [3, 1], -1)
    case("split/3d", "split", randn([2, 5, 2]), 2, 1)
    case("split/int32", "split", randint([5]), 3, 0)
    case("split/view/transpose", "split", V(x, "transpose"), 3, 1)
    case("split/view/expand", "split", E(randn([1, 4]), [3, 4]), 2, 0)
    case("split/empty", "split", T(torch.zeros(0, 2)), 2, 0)
    case("split/error/sections-not-summing", "split", x, [2, 2], 0, error="ShapeError")
    case("split/error/sections-too-many", "split", x, [3, 3], 0, error="ShapeError")
    case("split/error/dim-out-of-range", "split", x, 2, 2, error="IndexError")


def indexing_cases():
    seed("gather")
    x = randn([3, 4])
    case("gather/dim=1", "gather", x, 1, T([[0, 3], [1, 1], [2, 0]], "int32"))
    case("gather/dim=0", "gather", x, 0, T([[2, 0, 1, 2], [0, 0, 0, 1]], "int32"))
    case("gather/dim=-1/smaller-index", "gather", x, -1, T([[3], [0]], "int32"))
    case("gather/dim=1/larger-index", "gather", x, 1, T([[0, 1, 2, 3, 3, 0]] * 3, "int32"))
    case("gather/3d", "gather", randn([2, 3, 2]), 1, T([[[2, 0], [1, 1]], [[0, 2], [2, 2]]], "int32"))
    case("gather/int32", "gather", randint([2, 3]), 1, T([[2, 2], [0, 1]], "int32"))
    case("gather/bool", "gather", randbool([2, 3]), 1, T([[2, 1], [0, 0]], "int32"))
    case("gather/float64", "gather", randn([2, 3], "float64"), 0, T([[1, 0, 1]], "int32"))
    case("gather/view/transpose", "gather", V(x, "transpose"), 1, T([[3, 0], [2, 2], [0, 1]], "int32"))
    case("gather/view/index-transpose", "gather", x, 1,
         V(T([[0, 3, 1], [1, 2, 0]], "int32"), "transpose"))
    case("gather/view/expand", "gather", E(randn([1, 4]), [3, 4]), 1, E(T([[1, 3]], "int32"), [3, 2]))
    case("gather/empty-index", "gather", x, 1, T(torch.zeros(3, 0), "int32"))
    case("gather/0d", "gather", T(2.5), 0, T(0, "int32"))
    case("gather/error/index-out-of-range", "gather", x, 1, T([[0, 4]], "int32"), error="IndexError", requires="indexChecks")
    case("gather/error/negative-index", "gather", x, 1, T([[-1, 0]], "int32"), error="IndexError", requires="indexChecks")
    case("gather/error/index-too-large", "gather", x, 1, T([[0]] * 4, "int32"), error="ShapeError")
    case("gather/error/ndim-mismatch", "gather", x, 1, T([0, 1], "int32"))
    case("gather/error/float-index", "gather", x, 1, T([[0.0]]), error="DTypeError")
    case("gather/error/dim-out-of-range", "gather", x, 2, T([[0]], "int32"), error="IndexError")

    seed("indexSelect")
    x = randn([4, 3])
    case("indexSelect/dim=0/repeated", "indexSelect", x, 0, T([2, 0, 2, 3], "int32"))
    case("indexSelect/dim=1", "indexSelect", x, 1, T([1, 1, 0], "int32"))
    case("indexSelect/dim=-1", "indexSelect", x, -1, T([2], "int32"))
    case("indexSelect/1d", "indexSelect", randn([5]), 0, T([4, 0, 0, 1], "int32"))
    case("indexSelect/3d", "indexSelect", randn([2, 3, 2]), 1, T([2, 0], "int32"))
    case("indexSelect/int32", "indexSelect", randint([4, 2]), 0, T([3, 1], "int32"))
    case("indexSelect/bool", "indexSelect", randbool([4]), 0, T([3, 3, 0], "int32"))
    case("indexSelect/empty-index", "indexSelect", x, 0, T([], "int32"))
    case("indexSelect/0d-index", "indexSelect", x, 0, T(1, "int32"))
    case("indexSelect/view/transpose", "indexSelect", V(x, "transpose"), 1, T([2, 0], "int32"))
    case("indexSelect/view/slice", "indexSelect", V(x, "slice"), 0, V(T([3, 0, 1], "int32"), "slice"))
    case("indexSelect/view/expand", "indexSelect", E(randn([3]), [4, 3]), 0, T([0, 3], "int32"))
    case("indexSelect/error/out-of-range", "indexSelect", x, 0, T([0, 4], "int32"), error="IndexError", requires="indexChecks")
    case("indexSelect/error/negative", "indexSelect", x, 0, T([-1], "int32"), error="IndexError", requires="indexChecks")
    case("indexSelect/error/2d-index", "indexSelect", x, 0, T([[0, 1]], "int32"))
    case("indexSelect/error/float-index", "indexSelect", x, 0, T([0.0]), error="DTypeError")
    case("indexSelect/error/dim-out-of-range", "indexSelect", x, 2, T([0], "int32"), error="IndexError")

    case("oneHot/basic", "oneHot", T([0, 2, 1, 2], "int32"), 3)
    case("oneHot/more-classes", "oneHot", T([0, 2], "int32"), 5)
    case("oneHot/infer", "oneHot", T([1, 3, 0], "int32"), -1)
    case("oneHot/2d", "oneHot", T([[0, 1], [2, 0]], "int32"), 3)
    case("oneHot/0d", "oneHot", T(2, "int32"), 4)
    case("oneHot/empty", "oneHot", T([], "int32"), 3)
    case("oneHot/view/transpose", "oneHot", V(T([[0, 1, 2], [2, 1, 0]], "int32"), "transpose"), 3)
    case("oneHot/error/index-too-large", "oneHot", T([0, 3], "int32"), 3, error="ValueError", requires="indexChecks")
    case("oneHot/error/negative-index", "oneHot", T([0, -1], "int32"), 3, error="ValueError", requires="indexChecks")
    case("oneHot/error/infer-empty", "oneHot", T([], "int32"), -1)
    case("oneHot/error/float-indices", "oneHot", T([0.5, 1.5]), 3, error="DTypeError")


def view_cases():
    seed("views")
    x = randn([2, 3, 4])
    xt = V(x, "transpose")
    xs = V(x, "slice")
    xe = E(randn([3, 1]), [2, 3, 4])

    for src, name in ((x, "contiguous"), (xt, "transpose"), (xs, "slice"), (xe, "expand")):
        case("reshape/%s/[6,4]" % name, "reshape", src, [6, 4])
        case("reshape/%s/[-1]" % name, "reshape", src, [-1])
        case("reshape/%s/[4,-1]" % name, "reshape", src, [4, -1])
        case("reshape/%s/[2,12,1]" % name, "reshape", src, [2, 12, 1])
        case("transpose/%s/0,2" % name, "transpose", src, 0, 2)
        case("transpose/%s/-1,0" % name, "transpose", src, -1, 0)
        case("permute/%s/[2,0,1]" % name, "permute", src, [2, 0, 1])
        case("permute/%s/[-1,0,1]" % name, "permute", src, [-1, 0, 1])
        case("expand/%s/[2,2,3,4]" % name, "expand", src, [2, 2, 3, 4])
        case("narrow/%s/dim=1" % name, "narrow", src, 1, 1, 2)
        case("narrow/%s/dim=-1" % name, "narrow", src, -1, 0, 3)
        case("slice/%s/dim=2/1:4:2" % name, "slice", src, 2, 1, 4, 2)
        case("slice/%s/dim=0/0:null:1" % name, "slice", src, 0, 1, None, 1)
        case("flatten/%s/0,-1" % name, "flatten", src, 0, -1)
        case("flatten/%s/1,2" % name, "flatten", src, 1, 2)
        case("contiguous/%s" % name, "contiguous", src)
        case("clone/%s" % name, "clone", src)
        case("unsqueeze/%s/1" % name, "unsqueeze", src, 1)
        case("squeeze/%s/1" % name, "squeeze", src, 1)

    case("reshape/0d-to-[1]", "reshape", T(1.5), [1])
    case("reshape/[1]-to-0d", "reshape", T([1.5]), [])
    case("reshape/0d-to-[-1]", "reshape", T(1.5), [-1])
    case("reshape/empty", "reshape", T(torch.zeros(0, 3)), [3, 0])
    case("reshape/empty/-1", "reshape", T(torch.zeros(0, 3)), [-1])
    case("reshape/int32", "reshape", randint([2, 3]), [3, 2])
    case("reshape/bool", "reshape", randbool([2, 3]), [6])
    case("reshape/error/invalid", "reshape", x, [5, 5], error="ShapeError")
    case("reshape/error/two-inferred", "reshape", x, [-1, -1])
    case("reshape/error/inferred-not-divisible", "reshape", x, [5, -1], error="ShapeError")
    case("reshape/error/empty-inferred", "reshape", T(torch.zeros(0, 3)), [0, -1])

    case("transpose/same-dim", "transpose", x, 1, 1)
    case("transpose/2d", "transpose", randn([2, 3]), 0, 1)
    case("transpose/1d", "transpose", randn([3]), 0, -1)
    case("transpose/0d", "transpose", T(1.5), 0, -1)
    case("transpose/error/dim-out-of-range", "transpose", x, 0, 3, error="IndexError")

    case("permute/identity", "permute", x, [0, 1, 2])
    case("permute/0d", "permute", T(1.5), [])
    case("permute/error/wrong-length", "permute", x, [1, 0])
    case("permute/error/repeated", "permute", x, [0, 0, 1])
    case("permute/error/out-of-range", "permute", x, [0, 1, 3], error="IndexError")

    y = randn([1, 3, 1])
    case("squeeze/all", "squeeze", y, None)
    case("squeeze/dim=0", "squeeze", y, 0)
    case("squeeze/dim=-1", "squeeze", y, -1)
    case("squeeze/non-unit-dim-noop", "squeeze", y, 1)
    case("squeeze/all-ones-to-0d", "squeeze", randn([1, 1]), None)
    case("squeeze/0d", "squeeze", T(1.5), None)
    case("squeeze/0d-dim=0", "squeeze", T(1.5), 0)
    case("squeeze/empty", "squeeze", T(torch.zeros(1, 0)), None)
    case("squeeze/view/expand", "squeeze", E(randn([1, 3, 1]), [1, 3, 1]), 0)
    case("squeeze/error/dim-out-of-range", "squeeze", y, 3, error="IndexError")

    case("unsqueeze/dim=0", "unsqueeze", randn([2, 3]), 0)
    case("unsqueeze/dim=-1", "unsqueeze", randn([2, 3]), -1)
    case("unsqueeze/dim=2", "unsqueeze", randn([2, 3]), 2)
    case("unsqueeze/dim=-3", "unsqueeze", randn([2, 3]), -3)
    case("unsqueeze/0d", "unsqueeze", T(1.5), 0)
    case("unsqueeze/error/dim-out-of-range", "unsqueeze", randn([2, 3]), 3, error="IndexError")

    case("expand/[3,1]-to-[3,4]", "expand", randn([3, 1]), [3, 4])
    case("expand/[3]-to-[2,3]", "expand", randn([3]), [2, 3])
    case("expand/minus-one", "expand", randn([3, 1]), [-1, 4])
    case("expand/minus-one-new-dims", "expand", randn([3, 1]), [2, -1, -1])
    case("expand/0d", "expand", T(1.5), [2, 2])
    case("expand/to-empty", "expand", randn([1, 3]), [0, 3])
    case("expand/same", "expand", randn([2, 3]), [2, 3])
    case("expand/int32", "expand", randint([2, 1]), [2, 3])
    case("expand/error/size-mismatch", "expand", randn([3]), [4], error="ShapeError")
    case("expand/error/fewer-dims", "expand", randn([2, 3]), [3], error="ShapeError")
    case("expand/error/minus-one-leading", "expand", randn([3]), [-1, 3], error="ShapeError")

    z = randn([4, 5])
    case("narrow/negative-start", "narrow", z, 0, -2, 2)
    case("narrow/zero-length", "narrow", z, 1, 2, 0)
    case("narrow/full", "narrow", z, 1, 0, 5)
    case("narrow/error/past-end", "narrow", z, 0, 3, 2, error="IndexError")
    case("narrow/error/start-out-of-range", "narrow", z, 0, 5, 0)
    case("narrow/error/negative-length", "narrow", z, 0, 1, -1)
    case("narrow/error/dim-out-of-range", "narrow", z, 2, 0, 1, error="IndexError")

    w = randn([6, 4])
    for args, name in (
        ((0, 1, 5, 2), "1:5:2"),
        ((0, 0, None, 3), "0:null:3"),
        ((0, -3, None, 1), "-3:null:1"),
        ((0, 1, -1, 1), "1:-1:1"),
        ((0, -100, 100, 1), "-100:100:1"),
        ((0, 4, 2, 1), "4:2:1-empty"),
        ((0, 7, None, 1), "7:null:1-empty"),
        ((1, 1, 3, 1), "dim=1/1:3:1"),
        ((-1, 0, None, 2), "dim=-1/0:null:2"),
        ((0, 0, 6, 10), "0:6:10"),
    ):
        case("slice/" + name, "slice", w, *args)
    case("slice/view/transpose/dim=0", "slice", V(w, "transpose"), 0, 1, None, 2)
    case("slice/int32", "slice", randint([5]), 0, 1, 4, 2)
    case("slice/error/dim-out-of-range", "slice", w, 2, 0, 1, 1, error="IndexError")

    case("flatten/0,1", "flatten", x, 0, 1)
    case("flatten/same", "flatten", x, 1, 1)
    case("flatten/negative", "flatten", x, -2, -1)
    case("flatten/0d", "flatten", T(1.5), 0, -1)
    case("flatten/1d", "flatten", randn([3]), 0, 0)
    case("flatten/empty", "flatten", T(torch.zeros(2, 0, 3)), 0, 1)
    case("flatten/error/start-after-end", "flatten", x, 2, 1)
    case("flatten/error/dim-out-of-range", "flatten", x, 0, 3, error="IndexError")

    for op in ("contiguous", "clone"):
        case(op + "/0d", op, T(1.5))
        case(op + "/int32/view/transpose", op, V(randint([2, 3]), "transpose"))
        case(op + "/bool/view/slice", op, V(randbool([2, 3]), "slice"))
        case(op + "/float64/view/expand", op, E(randn([2, 1], "float64"), [2, 3]))
        case(op + "/empty", op, T(torch.zeros(2, 0)))
        case(op + "/special", op, T([NAN, -0.0, INF, -INF]))


def creation_cases():
    for args, name in (
        ((0, 5, 1), "int/0,5,1"),
        ((2, 11, 3), "int/2,11,3"),
        ((0, 10, 3), "int/0,10,3"),
        ((5, 0, -1), "int/5,0,-1"),
        ((-3, 4, 2), "int/-3,4,2"),
        ((0, 0, 1), "int/empty"),
        ((0, 1, 0.1), "float/0,1,0.1"),
        ((1, 1.3, 0.1), "float/1,1.3,0.1"),
        ((1, 2.5, 0.5), "float/1,2.5,0.5"),
        ((0, -1, -0.25), "float/0,-1,-0.25"),
        ((0.5, 3, 1), "float/0.5,3,1"),
        ((-3.7, 2, 1.3), "float/-3.7,2,1.3"),
        ((0, 1, 1 / 3), "float/0,1,1_3"),
        ((0, 5, 2.5), "float/0,5,2.5"),
        ((0.5, 0.5, 1), "float/empty"),
    ):
        case("arange/" + name, "arange", *args)
    case("arange/error/zero-step", "arange", 0, 5, 0, error="ValueError")
    case("arange/error/wrong-sign", "arange", 0, 5, -1, error="ValueError")
    case("arange/error/wrong-sign-float", "arange", 1, 0, 0.5, error="ValueError")
    case("arange/error/nan", "arange", 0, NAN, 1)
    case("arange/error/inf", "arange", 0, INF, 1)

    for args, name in (
        ((0, 1, 5), "0,1,5"),
        ((0, 1, 1), "0,1,1"),
        ((0, 1, 0), "0,1,0"),
        ((-1, 1, 7), "-1,1,7"),
        ((2.5, -1, 4), "2.5,-1,4"),
        ((0, 10, 11), "0,10,11"),
        ((0.1, 0.7, 13), "0.1,0.7,13"),
        ((3, 3, 3), "3,3,3"),
    ):
        case("linspace/" + name, "linspace", *args)
    case("linspace/error/negative-steps", "linspace", 0, 1, -1, error="ValueError")

    for args, name in (((3, 3), "3,3"), ((2, 4), "2,4"), ((4, 2), "4,2"), ((1, 1), "1,1"),
                       ((0, 3), "0,3"), ((3, 0), "3,0"), ((3, None), "3,null")):
        case("eye/" + name, "eye", *args)
    case("eye/error/negative", "eye", -1, 2, error="ValueError")

    for args, name in (
        (([2, 3], 7), "int"),
        (([2, 3], -2), "negative-int"),
        (([2, 3], 2.5), "float"),
        (([2], True), "bool-true"),
        (([2, 2], False), "bool-false"),
        (([], 1.5), "0d"),
        (([0, 2], 1), "empty"),
        (([2, 2], NAN), "nan"),
        (([3], -INF), "-inf"),
        (([2], 0.1), "float-rounding"),
    ):
        case("full/" + name, "full", *args)
    case("full/error/negative-dim", "full", [-1, 2], 1.5, error="ShapeError")


SECTIONS = [unary_cases, binary_cases, where_cases, clamp_cases, cast_cases,
            reduction_cases, matmul_cases, join_split_cases, indexing_cases,
            view_cases, creation_cases]


# --------------------------------------------------------------------------
# Printing: packages/testing/fixtures/format.json
# --------------------------------------------------------------------------
#
# {"generator": ..., "torch": ..., "cases": [FCASE, ...]}
# FCASE = {"id": "...", "tensor": TENSOR (view null), "requiresGrad": bool, "repr": "..."}
#
# "repr" is PyTorch's repr(t) with its suffixes renamed to the TS library's spelling before
# torch decides where to wrap them: "dtype=torch.float64" -> "dtype=float64",
# "requires_grad=True" -> "requiresGrad=true". Integer tensors are built as torch.int64,
# torch's default integer dtype, which prints no dtype suffix, as the TS library's default
# integer dtype int32 does (an empty one prints "dtype=torch.int64", written "dtype=int32").

FORMAT_CASES = []
FORMAT_SUFFIXES = {
    "dtype=torch.float64": "dtype=float64",
    # torch names the dtype of an empty tensor whenever it is not the default float dtype
    "dtype=torch.int64": "dtype=int32",
    "dtype=torch.bool": "dtype=bool",
    "requires_grad=True": "requiresGrad=true",
}


def _ts_suffixes(tensor_str, suffixes, indent, force_newline):
    for s in suffixes:
        assert s in FORMAT_SUFFIXES or s.startswith("size=("), "unexpected repr suffix %r" % s
    return _TORCH_ADD_SUFFIXES(tensor_str, [FORMAT_SUFFIXES.get(s, s) for s in suffixes],
                               indent, force_newline)


_TORCH_ADD_SUFFIXES = torch._tensor_str._add_suffixes


def fcase(cid, t, requires_grad=False):
    assert all(c["id"] != cid for c in FORMAT_CASES), "duplicate format case " + cid
    assert t.dtype in (torch.float32, torch.float64, torch.int64, torch.bool), t.dtype
    t = t.detach().clone().requires_grad_(requires_grad)
    torch._tensor_str._add_suffixes = _ts_suffixes
    try:
        text = repr(t)
    finally:
        torch._tensor_str._add_suffixes = _TORCH_ADD_SUFFIXES
    FORMAT_CASES.append({"id": cid, "tensor": encode_tensor(t)["tensor"],
                         "requiresGrad": requires_grad, "repr": text})


def format_cases():
    seed("format")
    f32, f64, i64 = torch.float32, torch.float64, torch.int64

    def q(shape, scale=2.0, dtype=f32, qu=256):
        return (torch.round(torch.randn(shape, dtype=f64) * scale * qu) / qu).to(dtype)

    fcase("float32/1d", torch.tensor([1.5, -2.25, 3.125]))
    fcase("float32/2d", q([3, 4]))
    fcase("float32/3d", q([2, 3, 4]))
    fcase("float32/4d", q([2, 1, 2, 3]))
    fcase("float32/rounding", torch.tensor([0.1, 2 / 3, -1 / 3, 12.34567]))
    fcase("float32/ties", torch.tensor([0.15625, 1.03125, -0.15625, 2.46875]))
    fcase("float32/wide", torch.tensor([100.5, 0.25, -3.0]))
    fcase("float32/int-valued", torch.tensor([1.0, 2.0]))
    fcase("float32/int-valued-2d", torch.tensor([[1.0, -20.0, 300.0], [0.0, 4.0, -5.0]]))
    fcase("float32/int-valued-sci", torch.tensor([1e9, 2.0, 0.0]))
    fcase("float32/int-valued-ratio", torch.tensor([1.0, 1001.0]))
    fcase("float32/sci-small", torch.tensor([1e-5, 1.0, 1000.5]))
    fcase("float32/sci-ratio", torch.tensor([0.0001, 123.5]))
    fcase("float32/sci-large", torch.tensor([123456789.0, 1.5]))
    fcase("float32/sci-huge", torch.tensor([1e20]))
    fcase("float32/sci-ties", torch.tensor([12.5625, 1e-5, -12.5625]))
    fcase("float32/sci-2d", torch.tensor([[1e-6, 2.5], [-3e3, 0.0]]))
    fcase("float32/zeros", torch.tensor([0.0, 0.0]))
    fcase("float32/negative-zero", torch.tensor([-0.0, 0.0]))
    fcase("float32/nan-inf", torch.tensor([NAN, INF, -INF, 1.5]))
    fcase("float32/int-valued-nan", torch.tensor([1.0, NAN]))
    fcase("float32/zero-nan", torch.tensor([0.0, NAN]))
    fcase("float32/only-nan", torch.tensor([NAN]))
    fcase("float32/only-inf", torch.tensor([INF, -INF]))
    fcase("float32/sci-nan", torch.tensor([1e-5, NAN, INF, 3.0]))
    fcase("float32/wide-nan-2d", torch.tensor([[1234.5, NAN], [-INF, 0.5]]))
    fcase("float32/0d", torch.tensor(3.5))
    fcase("float32/0d-int-valued", torch.tensor(-2.0))
    fcase("float32/0d-nan", torch.tensor(NAN))
    fcase("float32/empty", torch.zeros([0]))
    fcase("float32/empty-2x0", torch.zeros([2, 0]))
    fcase("float32/empty-0x3x2", torch.zeros([0, 3, 2]))
    fcase("float32/requires-grad", torch.tensor([1.0, 2.5]), requires_grad=True)
    fcase("float32/long-row", torch.arange(40.0))
    fcase("float32/long-row-frac", q([30]))
    fcase("float32/long-rows-2d", q([2, 20]))
    fcase("float32/summarised-1d", torch.arange(1001.0))
    fcase("float32/summarised-2d", q([40, 30]))
    fcase("float32/summarised-3d", q([12, 10, 10]))
    fcase("float32/summarised-tall", torch.arange(2000.0).reshape(1000, 2))
    fcase("float32/not-summarised-1000", torch.arange(1000.0) / 4)
    fcase("int32/1d", torch.tensor([1, -20, 300], dtype=i64))
    fcase("int32/2d", torch.tensor([[1, 2, 3], [-4, 55, 6]], dtype=i64))
    fcase("int32/0d", torch.tensor(3, dtype=i64))
    fcase("int32/empty", torch.zeros([0], dtype=i64))
    fcase("int32/empty-2x0", torch.zeros([2, 0], dtype=i64))
    fcase("int32/long-row", torch.arange(-50, 50, dtype=i64))
    fcase("int32/summarised", torch.arange(2000, dtype=i64))
    fcase("int32/extremes", torch.tensor([INT32_MIN, INT32_MAX, 0], dtype=i64))
    fcase("bool/1d", torch.tensor([True, False]))
    fcase("bool/2d", torch.tensor([[True, False, True], [False, False, True]]))
    fcase("bool/0d", torch.tensor(True))
    fcase("bool/empty", torch.zeros([0], dtype=torch.bool))
    fcase("bool/long-row", torch.arange(30) % 3 == 0)
    fcase("float64/1d", torch.tensor([1.5, 2.25], dtype=f64))
    fcase("float64/int-valued", torch.tensor([1.0, 2.0], dtype=f64))
    fcase("float64/2d", q([3, 3], dtype=f64))
    fcase("float64/0d", torch.tensor(0.1, dtype=f64))
    fcase("float64/empty", torch.zeros([0], dtype=f64))
    fcase("float64/empty-0x3", torch.zeros([0, 3], dtype=f64))
    fcase("float64/sci", torch.tensor([1e-300, 1.0, 1e300], dtype=f64))
    fcase("float64/suffix-fits", torch.tensor([10.5, 11.5, 12.5, 13.5, 14.5, 15.5], dtype=f64))
    fcase("float64/suffix-wraps", torch.arange(14.0, dtype=f64))
    fcase("float64/suffix-wraps-2d", q([2, 9], dtype=f64))
    fcase("float64/requires-grad", torch.tensor([0.5, -1.0], dtype=f64), requires_grad=True)
    fcase("float64/summarised", torch.arange(1500.0, dtype=f64) / 8)


def render(cases):
    lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases]
    head = json.dumps({"generator": GENERATOR, "torch": torch.__version__})[:-1]
    return head + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"


def check_outputs(outputs, generator):
    """``--check``: 0 if every (path, text or bytes) equals the file on disk, else 1, saying which."""
    stale = False
    for path, data in outputs:
        raw = data.encode() if isinstance(data, str) else data
        if not path.exists() or path.read_bytes() != raw:
            print("%s is out of date; rerun %s" % (path, generator), file=sys.stderr)
            stale = True
        else:
            print("%s is up to date" % path)
    return 1 if stale else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output path (default: %(default)s)")
    parser.add_argument("--format-out", type=Path, default=DEFAULT_FORMAT_OUT,
                        help="output path of the printing cases (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file differs from what would be generated")
    opts = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    for section in SECTIONS:
        section()
    text = render(CASES)
    format_cases()
    format_text = render(FORMAT_CASES)

    if opts.check:
        return check_outputs([(opts.out, text), (opts.format_out, format_text)], "tools/gen_fixtures.py")

    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text)
    opts.format_out.parent.mkdir(parents=True, exist_ok=True)
    opts.format_out.write_text(format_text)
    print("wrote %s: %d cases" % (opts.format_out, len(FORMAT_CASES)))
    counts = Counter(c["op"] for c in CASES)
    errors = Counter(c["op"] for c in CASES
                     if isinstance(c["expected"], dict) and "error" in c["expected"])
    print("wrote %s: %d cases, %d bytes" % (opts.out, len(CASES), len(text.encode())))
    for op in sorted(counts):
        print("  %-12s %4d cases (%d errors)" % (op, counts[op], errors[op]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
