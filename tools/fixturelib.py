"""The common module of the PyTorch fixture generators under tools/ (gen_*.py).

Each generator imports this module first and lists only its own cases; this module holds what
they share: the pinned, deterministic PyTorch (``deterministic``), the encoding of tensors,
numbers and arguments, PyTorch's errors mapped onto the TS error names, the TS op names'
PyTorch equivalents (``OPS``, used by ops.json and grads.json), the lists of elementwise ops
the generators loop over (``UNARY``, ``BINARY``: read from the op table's ``op-table.json``),
per-name random generators, the JSON layout of a fixture file (``render``) and the command
line (``main``: ``--out``, ``--check``).

Determinism
-----------
Importing this module pins the ATen CPU kernels to the portable ``default`` capability (it sets
``ATEN_CPU_CAPABILITY`` before importing torch), so that float results do not depend on whether
the machine has AVX2 or AVX-512 (with the vectorised kernels, transcendental functions and
reductions differ in the last ulp, and linspace(-1, 1, 7)[3] comes out as -2.98e-08 instead
of 0); ``main`` runs every generator on one intra-op thread with fixed seeds.  Another PyTorch
build or libm can still change last-ulp float results, so the TS tests compare floats with a
tolerance.

Encoding
--------
::

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

``data`` is the flat row-major list of logical values.  Non-finite floats are
the strings "nan", "inf", "-inf"; bools are true/false.  float32 values are
written as the exact float32 numbers (shortest repr of the double that equals
the float32 value), float64 values with full repr precision.  The TS library
has no int64, so every int64 result of PyTorch is written with dtype "int32"
(integer inputs are built as torch.int32 where PyTorch allows it, and index
arguments are widened to int64 only for the PyTorch call).

Scalar arguments follow the TS side's view of numbers: a JSON number with an
integral value is an integer scalar (like a Python int), anything else is a
float scalar.  The generators therefore never emit integral-valued float
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
import zlib
from pathlib import Path

# Must be set before torch is imported: pins the portable CPU kernels so the
# float results do not depend on the vector ISA of the generating machine.
os.environ["ATEN_CPU_CAPABILITY"] = "default"

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402
except ImportError:  # pragma: no cover - environment problem, not a bug
    sys.exit("the fixture generators need PyTorch (on Debian: apt-get install python3-torch, "
             "then run them with /usr/bin/python3)")

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "packages" / "testing" / "fixtures"

NAN = float("nan")
INF = float("inf")
FLOATS = ("float32", "float64")

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
    """A Python number (or a 0-d tensor's) as NUMBER."""
    if isinstance(v, torch.Tensor):
        v = v.item()
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


def classifier(rules):
    """``classify_error`` preceded by a generator's own ``(substring, error name)`` rules."""

    def classify(exc):
        msg = str(exc)
        for pattern, name in rules:
            if pattern in msg:
                return name
        return classify_error(exc)

    return classify


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


def as_tensor_operand(v):
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


def as_index(t):
    # Our index tensors are int32; PyTorch wants int64.  Other dtypes are
    # passed through so that PyTorch rejects them as it would.
    return t.long() if t.dtype == torch.int32 else t


def _eye(n, m):
    return torch.eye(n) if m is None else torch.eye(n, m)


def _tensor_operands(fn):
    """A binary op whose PyTorch function takes no Python number (torch.maximum, logical_and,
    ...): numbers are passed as 0-d tensors, which promote as the numbers would."""
    return lambda a, b: fn(as_tensor_operand(a), as_tensor_operand(b))


# The op table's rows (op-table.json), by TS name: the PyTorch function computing the same.
ELEMENTWISE = {
    # unary
    **{name: getattr(torch, name) for name in (
        "neg", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt",
        "sin", "cos", "tanh", "erf", "floor", "ceil", "round", "isnan", "tan", "asin", "acos",
        "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10", "exp2", "trunc",
        "frac", "reciprocal", "square")},
    "logicalNot": torch.logical_not,
    # binary
    **{name: getattr(torch, name) for name in (
        "add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge")},
    "maximum": _tensor_operands(torch.maximum),
    "minimum": _tensor_operands(torch.minimum),
    "logicalAnd": _tensor_operands(torch.logical_and),
    "logicalOr": _tensor_operands(torch.logical_or),
    # (torch.atan2, fmod, ... take no Python number for one operand or the other)
    **{name: _tensor_operands(getattr(torch, name)) for name in (
        "atan2", "fmod", "remainder", "copysign", "hypot", "logaddexp", "xlogy")},
}

OPS = {
    **ELEMENTWISE,
    "where": lambda c, a, b: torch.where(c, as_tensor_operand(a), as_tensor_operand(b)),
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
    "gather": lambda x, dim, index: torch.gather(x, dim, as_index(index)),
    "indexSelect": lambda x, dim, index: torch.index_select(x, dim, as_index(index)),
    "oneHot": lambda idx, n: F.one_hot(as_index(idx), n),
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
# The op table: the elementwise ops, from the TS side
# --------------------------------------------------------------------------
#
# packages/testing/fixtures/op-table.json is @nn/tensor's op table as data (opTableSummary():
# name, arity, promotion class per row), kept up to date by packages/tensor/test/op-table.test.ts.
# The generators take their lists of elementwise ops from it; this module only maps each name
# onto PyTorch (ELEMENTWISE above) and checks that every row has a mapping.

OP_TABLE = json.loads((FIXTURES / "op-table.json").read_text())["ops"]
_unmapped = [r["name"] for r in OP_TABLE if r["name"] not in ELEMENTWISE]
assert not _unmapped, ("op-table.json rows without a PyTorch equivalent in "
                       "fixturelib.ELEMENTWISE: %s" % ", ".join(_unmapped))

# The unary and binary elementwise ops of ops.json, in table order.
UNARY = [r["name"] for r in OP_TABLE if r["arity"] == 1]
BINARY = [r["name"] for r in OP_TABLE if r["arity"] == 2]
# The rows with a gradient (grads.json): those whose results are not bool.
DIFFERENTIABLE = {r["name"] for r in OP_TABLE
                  if r["promotion"] not in ("compare", "logical", "predicate")}
# Where the random inputs of a unary op are drawn: "positive", "unit" (inside (-1, 1)) or
# "above-one"; values of either sign for the ops not listed.
DOMAIN = {"log": "positive", "log1p": "positive", "sqrt": "positive", "rsqrt": "positive",
          "log2": "positive", "log10": "positive", "asin": "unit", "acos": "unit",
          "atanh": "unit", "acosh": "above-one"}
POSITIVE_DOMAIN = {op for op, d in DOMAIN.items() if d == "positive"}


def dim_name(d):
    """A reduction's dim argument as it appears in case ids: "all", "1" or "[0,2]"."""
    if d is None:
        return "all"
    return "[%s]" % ",".join(map(str, d)) if isinstance(d, list) else str(d)


# --------------------------------------------------------------------------
# Case collection and seeds
# --------------------------------------------------------------------------


class Cases(list):
    """The cases of one fixture file, in order; ``claim`` keeps their ids unique."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def claim(self, cid, op=None):
        """Reserve ``cid``; with ``op``, also check that the id starts with it."""
        assert cid not in self.ids, "duplicate case id " + cid
        assert op is None or cid.split("/")[0] == op, cid
        self.ids.add(cid)


def run_case(cases, entry, fn, args, error, classify):
    """Runs ``fn`` on the torch values of ``args`` (float tensors as fresh leaves that require
    grad). Where PyTorch raises and ``classify`` maps its error to ``error``, records ``entry``
    as that error in ``cases`` and returns None (AssertionError for any other outcome of an
    error case); else returns ``(out, leaves)``."""
    torch_args = []
    leaves = []
    for a in args:
        if isinstance(a, In):
            t = a.to_torch()
            if t.is_floating_point():
                t = t.detach().requires_grad_(True)
                leaves.append(t)
            torch_args.append(t)
        else:
            torch_args.append(a)
    cid = entry["id"]
    try:
        out = fn(*torch_args)
    except (RuntimeError, IndexError, ValueError) as exc:
        got = classify(exc)
        if got != error:
            raise AssertionError("%s: expected error %r, got %r (%s)" % (cid, error, got, exc))
        entry["gradOutput"] = None
        entry["expected"] = {"error": got}
        cases.append(entry)
        return None
    assert error is None, "%s: expected error %s, PyTorch succeeded" % (cid, error)
    return out, leaves


def record_result(cases, entry, args, out, leaves, grad_out):
    """Records in ``cases`` the value ``out`` and, for ``grad_out``, the gradient of every float
    tensor arg (zeros where ``out`` does not depend on it; None for other args)."""
    grads = list(torch.autograd.grad(out, leaves, grad_out, allow_unused=True)) if leaves else []
    encoded = []
    for a in args:
        if isinstance(a, In) and a.values.is_floating_point():
            g = grads.pop(0)
            encoded.append(encode_tensor(g if g is not None else torch.zeros_like(a.values)))
        else:
            encoded.append(None)
    entry["gradOutput"] = encode_tensor(grad_out)
    entry["expected"] = {"value": encode_tensor(out), "grads": encoded}
    cases.append(entry)

def seed(name):
    """Reseed torch's global generator from ``name``: one section's data leaves the others'
    alone."""
    torch.manual_seed(zlib.crc32(name.encode()))


def generator(name):
    """A torch.Generator seeded from ``name``: cases drawing from their own do not shift each
    other's data."""
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def deterministic():
    """One intra-op thread, seed 0, float32 as the default dtype (every generator's start)."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)


# --------------------------------------------------------------------------
# Files and the command line
# --------------------------------------------------------------------------


def dumps(x):
    """Compact JSON, no NaN (non-finite floats are encoded first)."""
    return json.dumps(x, separators=(",", ":"), allow_nan=False, ensure_ascii=False)


def render(generator_name, sections, sep=",\n"):
    """A fixture file: ``{"generator": ..., "torch": ...`` then each (name, value) of
    ``sections``, a list one item a line, joined by ``sep``."""
    head = json.dumps({"generator": generator_name, "torch": torch.__version__})[:-1]
    parts = [('"%s": [\n%s\n]' % (name, ",\n".join(dumps(c) for c in value))
              if isinstance(value, list) else '"%s": %s' % (name, dumps(value)))
             for name, value in sections]
    return head + ", " + sep.join(parts) + "}\n"


def check_outputs(outputs, generator_name):
    """``--check``: 0 if every (path, text or bytes) equals the file on disk, else 1, saying
    which."""
    stale = False
    for path, data in outputs:
        raw = data.encode() if isinstance(data, str) else data
        if not path.exists() or path.read_bytes() != raw:
            print("%s is out of date; rerun %s" % (path, generator_name), file=sys.stderr)
            stale = True
        else:
            print("%s is up to date" % path)
    return 1 if stale else 0


def main(doc, generator_name, default_out, generate, options=()):
    """The command line of a generator: ``--out``, ``--check`` and ``options`` (argparse
    ``(flags, kwargs)`` pairs).  ``generate(opts)`` runs after ``deterministic()`` and returns the
    files, a list of (path, text or bytes), and a summary to print once they are written.
    Returns the exit status."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default_out,
                        help="output path (default: %(default)s)")
    for flags, kwargs in options:
        parser.add_argument(*flags, **kwargs)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a file differs from a fresh run")
    opts = parser.parse_args()
    deterministic()
    outputs, summary = generate(opts)
    if opts.check:
        return check_outputs(outputs, generator_name)
    for path, data in outputs:
        raw = data.encode() if isinstance(data, str) else data
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        print("wrote %s (%d bytes)" % (path, len(raw)))
    if summary:
        print(summary)
    return 0
