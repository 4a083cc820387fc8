#!/usr/bin/env python3
"""Generate PyTorch reference gradients (autograd fixtures) for the TypeScript library.

Run from the repository root with a Python that has PyTorch (the committed
file was made with Debian's python3-torch 1.13.1, torch.__version__ "1.13.0a0"):

    /usr/bin/python3 tools/gen_grad_fixtures.py           # writes the fixture file
    /usr/bin/python3 tools/gen_grad_fixtures.py --check   # exit 1 if it is stale

It writes ``packages/testing/fixtures/grads.json``.  The argument encoding, the
tensor encoding, the op names and their argument conventions are those of
``tools/gen_fixtures.py`` (ops.json), shared through ``tools/fixturelib.py``;
read its docstring for TENSOR, NUMBER, VIEW and the int64 -> int32 mapping.  The
output is deterministic (fixed seeds, one intra-op thread, ATen CPU kernels
pinned to the portable "default" capability by fixturelib).  Compare floats
with a tolerance: the TS side computes in its own order.

File format
-----------
::

    {"generator": "tools/gen_grad_fixtures.py", "torch": "<torch.__version__>",
     "cases": [GCASE, ...], "secondOrder": [SCASE, ...], "hvp": [HCASE]}
                                                      (one case per line)

    GCASE = {"id": "<op>/<what>/<dtype>", "op": "<TS op name>",
             "args": [ARG, ...],                    as in ops.json
             "gradOutput": TENSOR | [TENSOR, ...],  one per output (split: a list)
             "expected": {"grads": [GRAD, ...]}}    one per top-level arg, in order
            (a few cases also carry a free-text "note")
    GRAD  = TENSOR                  gradient of a float32/float64 tensor argument
          | [TENSOR, ...]           for the tensor list of concat / stack
          | null                    numbers, plain JSON args, int32 index tensors,
                                    bool conditions

The TS side builds every argument as ops.json does (``buildTensor``, views
included), marks each float tensor argument as a leaf that requires grad,
computes ``op(...args)``, runs backward with ``gradOutput`` (same shape and
dtype as the output, contiguous) and compares each argument's ``.grad``.

* The leaf is the argument tensor *as built*, i.e. the view itself: a
  gradient has the argument's logical shape and dtype.  For a
  ``{"expandFrom": base}`` argument it is the gradient w.r.t. the expanded
  tensor (shape "shape"), not summed down to the base (PyTorch: the leaf is
  ``base.expand(shape).detach().requires_grad_()``).
* Every float tensor argument requires grad, including 0-d tensors standing in
  for scalars (e.g. ``maximum(x, <0-d zero tensor>)``); a JSON number never
  does (its GRAD is null).  maximum/minimum numbers are passed to PyTorch as
  0-d tensors, as in ops.json.  A number may be either operand of the binary
  ops; ``2.5 - x`` etc. are computed in PyTorch with the Python operators
  (``torch.rsub``, ``torch.pow(Scalar, Tensor)``, ...).
* ``prod`` is only given one dim or null (torch.prod reduces one dim; null is
  reduced over the flattened tensor, same gradient rule).
* ``scatterAdd(x, dim, index, src)`` = torch.scatter_add; its index always has
  the shape of src (PyTorch 1.13's backward rejects a src larger than index).
* Op ``sumSquaredDiff`` (only in this file) is the chain
  ``sum(pow(sub(p, t), 2))`` with args ``[p, t]``, both differentiated; its
  output and gradOutput are 0-d.
* Ids containing ``/kink/`` are deliberately at a point where the gradient is
  not classically defined (abs, sqrt at 0, ties of maximum/minimum/max/min,
  zeros in prod, clamp at its bounds, pow at base 0, where with both branches
  equal, piecewise constant ops) and record PyTorch's convention there; for
  example maximum/minimum give half the gradient to each side of a tie, amax /
  amin split it evenly among the tied elements, clamp passes the gradient at
  exactly min or max, pow's exponent gradient is masked to 0 where base == 0
  and exponent >= 0, and sqrt'(0) is +-inf by the sign of the zero and of
  gradOutput; likewise the domain edges of asin, acos, atanh, acosh, log2,
  log10 and reciprocal (±inf, NaN beyond), atan2 and hypot at the origin (NaN),
  copysign at zeros, logaddexp at infinities, xlogy where self is 0, fmod and
  remainder at exact multiples and where torch's floor division differs from
  floor(self / other) (1 / 0.1).  Every other case (``/large/`` ones included:
  sinh(88.5), exp2(127.25), ...) is checked against central finite differences
  (in float64) when this script runs, so its inputs are well away from kinks.
* Random inputs are odd multiples of 1/128 in (-2, 2) (never 0, an integer or
  a half-integer; exact in float32), positive ones in (0.25, 2), in (-0.875,
  0.875) for asin, acos, atanh and tan, in (1.25, 3) for acosh; fmod and
  remainder divide by nonzero even multiples of 1/128, so that the quotient is
  never near an integer; gradOutputs likewise, so they are never 0 (the float32
  and float64 versions of a case share their gradOutput values).

Second-order and Hessian-vector cases
-------------------------------------
::

    SCASE = {"id": "<fn>/<dtype>", "fn": "tanh"|"sigmoid"|"exp"|"log"|<a unary op>,
             "x": TENSOR, "first": TENSOR, "second": TENSOR}

``first`` = d/dx sum(f(x)) from ``torch.autograd.grad(create_graph=True)`` and
``second`` = d/dx sum(first), i.e. the elementwise f'(x) and f''(x).
``sigmoid`` is the composite ``1 / (1 + exp(-x))`` (built from div, add, exp,
neg); any other ``fn`` is the TS op of that name (tan, asinh, exp2, ...); each
gets inputs inside its domain (``SECOND_X_BY_FN``).

    HCASE = {"id": "mlp", "params": [W1, b1, W2, b2], "x": X, "y": Y,
             "v": [V1, ..., V4], "loss": NUMBER, "grads": [G1, ..., G4],
             "hvp": [H1, ..., H4]}                            (all float64)

W1 [4,3], b1 [4], W2 [2,4], b2 [2], X [5,3], Y [5,2];
``loss = mean((tanh(X @ W1^T + b1) @ W2^T + b2 - Y) ** 2)``, ``grads`` its
gradient per parameter, and ``hvp`` = d/dparams sum_i (grads_i . V_i) (the
Hessian times V), computed with ``create_graph=True`` and a second grad.
"""

import math
import sys
import warnings
from collections import Counter

import fixturelib as fl
from fixturelib import (E, FLOATS, INF, NAN, POSITIVE_DOMAIN, In, T, V, dim_name, encode_tensor,
                        torch)

DEFAULT_OUT = fl.FIXTURES / "grads.json"
GENERATOR = "tools/gen_grad_fixtures.py"

# --------------------------------------------------------------------------
# Random inputs: per-name generators, so cases do not shift each other's data
# --------------------------------------------------------------------------


class Rng:
    def __init__(self, name):
        self.g = fl.generator("grad/" + name)

    def odd(self, shape, lo, hi):
        """(k + 1/2) / 64 for integer k in [lo, hi): odd multiples of 1/128."""
        k = torch.randint(lo, hi, list(shape), generator=self.g, dtype=torch.int64)
        return (k.double() + 0.5) / 64

    def raw(self, shape, dtype=torch.float64):
        return self.odd(shape, -128, 128).to(dtype)

    def vals(self, shape, dt="float32"):
        """Values in (-2, 2): never 0, integral or half-integral."""
        return T(self.odd(shape, -128, 128), dt)

    def pos(self, shape, dt="float32"):
        """Values in (0.25, 2)."""
        return T(self.odd(shape, 16, 128), dt)

    def unit(self, shape, dt="float32"):
        """Values in (-0.875, 0.875)."""
        return T(self.odd(shape, -56, 56), dt)

    def above1(self, shape, dt="float32"):
        """Values in (1.25, 3)."""
        return T(self.odd(shape, 16, 128) + 1, dt)

    def mag(self, shape, dt="float32", lo=16, hi=128):
        """Random sign, magnitude in (lo/64, hi/64)."""
        m = self.odd(shape, lo, hi)
        s = torch.randint(0, 2, list(shape), generator=self.g, dtype=torch.int64) * 2 - 1
        return T(m * s, dt)

    def evens(self, shape, dt="float32"):
        """Nonzero multiples of 1/64 in [-2, 2]: never equal to a vals() value."""
        k = torch.randint(1, 129, list(shape), generator=self.g, dtype=torch.int64)
        s = torch.randint(0, 2, list(shape), generator=self.g, dtype=torch.int64) * 2 - 1
        return T((k * s).double() / 64, dt)

    def distinct(self, shape, dt="float32"):
        """Pairwise distinct vals() values (no ties for max/min)."""
        n = 1
        for s in shape:
            n *= s
        assert n <= 256
        k = torch.randperm(256, generator=self.g)[:n] - 128
        return T(((k.double() + 0.5) / 64).reshape(list(shape)), dt)


# --------------------------------------------------------------------------
# Ops (ops.json's PyTorch equivalents, plus number-first operands and extras)
# --------------------------------------------------------------------------


def _binary(name):
    fn = getattr(torch, name)
    rop = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "pow": lambda a, b: a ** b}[name]

    def op(a, b):
        return fn(a, b) if isinstance(a, torch.Tensor) else rop(a, b)
    return op


def _extremum(fn):
    return lambda a, b: fn(fl.as_tensor_operand(a), fl.as_tensor_operand(b))


OPS = dict(fl.OPS)
OPS.update({name: _binary(name) for name in ("add", "sub", "mul", "div", "pow")})
OPS.update({
    "maximum": _extremum(torch.maximum),
    "minimum": _extremum(torch.minimum),
    "scatterAdd": lambda x, dim, index, src: torch.scatter_add(x, dim, fl.as_index(index), src),
    "sumSquaredDiff": lambda p, t: torch.sum(torch.pow(torch.sub(p, t), 2)),
})

# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------

CASES = fl.Cases()
FD_CHECKED = Counter()


def _leaf(a):
    t = a.to_torch()
    if t.is_floating_point():
        t = t.detach().requires_grad_(True)
    return t


def _build(a, make):
    if isinstance(a, In):
        return make(a)
    if isinstance(a, (list, tuple)) and any(isinstance(x, In) for x in a):
        return [make(x) for x in a]
    return fl.torch_arg(a)


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _run(op, targs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OPS[op](*targs)


def _grad_of(t):
    if not isinstance(t, torch.Tensor) or not t.requires_grad:
        return None
    g = t.grad
    if g is None:  # not reached by backward; report zeros (not hit by any case so far)
        g = torch.zeros_like(t)
    assert g.dtype == t.dtype and list(g.shape) == list(t.shape), (g.dtype, g.shape, t.shape)
    return g


def gcase(cid, op, *args, grad_out=None, note=None):
    """Record PyTorch's input gradients of ``op(*args)``.

    gradOutput is random unless ``grad_out`` (flat values, single-output ops) gives it.
    Cases whose id has no "/kink/" are checked against finite differences.
    """
    assert op in OPS, op
    CASES.claim(cid, op)
    kink = "/kink/" in cid
    targs = [_build(a, _leaf) for a in args]
    outs = _outputs(_run(op, targs))
    if grad_out is None:
        # the same gradOutput for the float32 and float64 versions of a case
        key = cid.rsplit("/", 1)[0] if cid.endswith(("/float32", "/float64")) else cid
        rng = Rng("gradOutput/" + key)
        gos = [rng.raw(o.shape, o.dtype) for o in outs]
    else:
        assert len(outs) == 1, cid
        gos = [torch.tensor(grad_out, dtype=outs[0].dtype).reshape(outs[0].shape)]
    assert all(o.is_floating_point() for o in outs), cid
    torch.autograd.backward(outs, gos)
    grads = []
    for a, t in zip(args, targs):
        if isinstance(a, (list, tuple)) and any(isinstance(x, In) for x in a):
            grads.append([_grad_of(x) for x in t])
        else:
            grads.append(_grad_of(t))
    if op == "cast":  # the identity, converted back to the input's dtype
        assert torch.equal(grads[0], gos[0].to(grads[0].dtype)), cid
    elif not kink:
        _fd_check(cid, op, args, grads, gos)
    enc = []
    for g in grads:
        if isinstance(g, list):
            assert all(x is not None for x in g), cid
            enc.append([encode_tensor(x) for x in g])
        else:
            enc.append(None if g is None else encode_tensor(g))
    entry = {"id": cid, "op": op, "args": [fl.encode_arg(a) for a in args],
             "gradOutput": ([encode_tensor(g) for g in gos] if op == "split"
                            else encode_tensor(gos[0])),
             "expected": {"grads": enc}}
    if note:
        entry["note"] = note
    CASES.append(entry)


def _fd_check(cid, op, args, grads, gos):
    """Central differences in float64 of sum(op(args) * gradOutput) against PyTorch's grads."""
    def f64(a):
        t = a.to_torch()
        return t.double().contiguous() if t.is_floating_point() else t

    base = [_build(a, f64) for a in args]
    gos64 = [g.double() for g in gos]

    def loss():
        outs = _outputs(_run(op, base))
        return sum(float((o.double() * g).sum()) for o, g in zip(outs, gos64))

    h = 1e-6
    pairs = []
    for b, g in zip(base, grads):
        if isinstance(g, list):
            pairs += list(zip(b, g))
        elif g is not None:
            pairs.append((b, g))
    for b, g in pairs:
        flat = b.view(-1)
        gflat = g.detach().double().reshape(-1)
        tol = 2e-4 if g.dtype == torch.float32 else 1e-6
        for i in range(flat.numel()):
            v = float(flat[i])
            flat[i] = v + h
            up = loss()
            flat[i] = v - h
            down = loss()
            flat[i] = v
            fd = (up - down) / (2 * h)
            got = float(gflat[i])
            if not abs(fd - got) <= tol * (1 + abs(fd)):
                raise AssertionError("%s: finite difference %r != torch grad %r (element %d)"
                                     % (cid, fd, got, i))
    FD_CHECKED[op] += 1


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------

UNARY = [op for op in fl.UNARY if op in fl.DIFFERENTIABLE]
# tan's random inputs stay inside (-0.875, 0.875), away from its poles.
DOMAIN = dict(fl.DOMAIN, tan="unit")


def unary_cases():
    for op in UNARY:
        r = Rng("unary/" + op)
        rnd = {"positive": r.pos, "unit": r.unit, "above-one": r.above1}.get(DOMAIN.get(op),
                                                                             r.vals)
        for dt in FLOATS:
            gcase("%s/random/%s" % (op, dt), op, rnd([3, 4], dt))
            gcase("%s/0d/%s" % (op, dt), op, rnd([], dt))
            gcase("%s/view/transpose/%s" % (op, dt), op, V(rnd([3, 4], dt), "transpose"))
            gcase("%s/view/slice/%s" % (op, dt), op, V(rnd([4, 3], dt), "slice"))
            gcase("%s/view/expand/%s" % (op, dt), op, E(rnd([3, 1], dt), [2, 3, 4]))

    for dt in FLOATS:
        gcase("abs/kink/zero/" + dt, "abs", T([0.0, -0.0, 1.5, -0.75, 0.0, 2.0], dt),
              grad_out=[1.0, -0.5, 0.25, 0.75, -1.25, 1.5])
        for op in ("sign", "floor", "ceil", "round"):
            gcase("%s/kink/integers-and-halves/%s" % (op, dt), op,
                  T([0.0, -0.0, 1.0, -2.0, 0.5, 1.5, -0.5, -2.5], dt))
        gcase("sqrt/kink/zero/" + dt, "sqrt", T([0.0, -0.0, 0.0, -0.0, 4.0, 0.25], dt),
              grad_out=[1.0, 1.0, -0.5, -0.5, 0.75, 1.25],
              note="sqrt'(0) = gradOutput / (2 * sqrt(x)): +-inf by the signs of the zero and of "
                   "gradOutput (sqrt(-0.0) is -0.0)")
    unary_edge_cases()


# Inputs at the edges of the domains of the unary ops (kinks: not finite-difference checked),
# and large ones (checked).
UNARY_KINKS = {
    "asin": [1.0, -1.0, 0.0, -0.0, 0.5, 1.5],
    "acos": [1.0, -1.0, 0.0, -0.0, 0.5, 1.5],
    "atanh": [1.0, -1.0, 0.0, -0.0, 0.5, 1.5],
    "acosh": [1.0, 1.5, 0.5, 0.0],
    "reciprocal": [0.0, -0.0, 2.0, -0.5],
    "log2": [0.0, -0.0, 1.0, -1.0],
    "log10": [0.0, -0.0, 1.0, -1.0],
    "trunc": [0.0, -0.0, 1.0, -2.0, 0.5, 1.5, -0.5, -2.5],
    "frac": [0.0, -0.0, 1.0, -2.0, 0.5, 1.5, -0.5, -2.5],
    "tan": [1.5707963267948966, -1.5707963267948966, 0.0, -0.0],
}
# (One magnitude a case: the finite-difference check sums the output.)
UNARY_LARGE = {
    "sinh": [20.0, -88.5], "cosh": [-20.0, 88.5], "exp2": [-100.0, 127.25], "tan": [1.5, 1.56],
    "atan": [1e3, -1e4], "asinh": [1e3, -1e4], "acosh": [1e3, 1e4], "atanh": [0.99, -0.999],
    "asin": [0.99, -0.999], "acos": [0.99, -0.999], "square": [1e3],
}


def unary_edge_cases():
    for dt in FLOATS:
        for op, values in UNARY_KINKS.items():
            gcase("%s/kink/domain-edges/%s" % (op, dt), op, T(values, dt))
        for op, values in UNARY_LARGE.items():
            for v in values:
                gcase("%s/large/%r/%s" % (op, v, dt), op, T([v, -v if op != "acosh" else v], dt))


# The differentiable elementwise ops of the op table.
BINARY = [op for op in fl.BINARY if op in fl.DIFFERENTIABLE]


def binary_cases():
    for op in BINARY:
        r = Rng("binary/" + op)
        is_pow = op == "pow"
        is_ext = op in ("maximum", "minimum")

        def lhs(shape, dt):
            return r.pos(shape, dt) if is_pow else r.vals(shape, dt)

        def rhs(shape, dt):
            if op == "xlogy":
                return r.pos(shape, dt)  # log's domain
            if op in ("fmod", "remainder"):
                # odd / even multiples of 1/128: self / other is never within 1/256 of an
                # integer, where these jump
                return r.evens(shape, dt)
            if op == "div":
                return r.mag(shape, dt)  # |divisor| > 0.25
            if is_ext:
                return r.evens(shape, dt)  # never ties with lhs values
            return r.vals(shape, dt)  # pow: exponents in (-2, 2)

        num_r = 2 if is_pow or op == "xlogy" else -0.75
        num_l = 1.5 if is_pow else 0.7578125 if op in ("fmod", "remainder") else 0.75
        for dt in FLOATS:
            gcase("%s/same/%s" % (op, dt), op, lhs([3, 4], dt), rhs([3, 4], dt))
            gcase("%s/broadcast/[3,1]x[1,4]/%s" % (op, dt), op, lhs([3, 1], dt), rhs([1, 4], dt))
            gcase("%s/broadcast/[2,3]x[3]/%s" % (op, dt), op, lhs([2, 3], dt), rhs([3], dt))
            gcase("%s/broadcast/[3]x[2,3]/%s" % (op, dt), op, lhs([3], dt), rhs([2, 3], dt))
            gcase("%s/broadcast/[2,1,3]x[4,1]/%s" % (op, dt), op, lhs([2, 1, 3], dt),
                  rhs([4, 1], dt))
            gcase("%s/scalar/tensor-number/%s" % (op, dt), op, lhs([2, 3], dt), num_r)
            gcase("%s/scalar/tensor-float/%s" % (op, dt), op, lhs([2, 3], dt),
                  1.25 if is_pow else 0.625)
            # (pow: exponents; maximum/minimum: odd multiples of 1/128, never tying num_l)
            gcase("%s/scalar/number-tensor/%s" % (op, dt), op, num_l,
                  (r.vals if is_pow or is_ext else rhs)([2, 3], dt))
            gcase("%s/0d/0d-with-[3]/%s" % (op, dt), op, lhs([], dt), rhs([3], dt))
            gcase("%s/0d/[3]-with-0d/%s" % (op, dt), op, lhs([3], dt), rhs([], dt))
            gcase("%s/0d/0d-0d/%s" % (op, dt), op, lhs([], dt), rhs([], dt))
            gcase("%s/view/transpose-slice/%s" % (op, dt), op, V(lhs([3, 4], dt), "transpose"),
                  V(rhs([3, 4], dt), "slice"))
            gcase("%s/view/expand-transpose/%s" % (op, dt), op, E(lhs([3, 1], dt), [3, 4]),
                  V(rhs([3, 4], dt), "transpose"))
        gcase(op + "/promote/float32-float64", op, lhs([2, 3], "float32"),
              rhs([2, 3], "float64"))
        gcase(op + "/promote/0d-float64-with-float32", op, lhs([], "float64"),
              rhs([3], "float32"))

    for dt in FLOATS:
        x = T([0.0, -0.0, 1.5, -0.75, 0.0, 0.25, -2.0], dt)
        for op in ("maximum", "minimum"):
            gcase("%s/kink/relu-number/%s" % (op, dt), op, x, 0)
            gcase("%s/kink/relu-0d/%s" % (op, dt), op, x, T(0.0, dt),
                  note="the 0-d zero tensor is differentiated too")
            a = T([[1.0, -0.5, 2.0, 0.25], [0.0, 1.5, -1.0, -1.0], [0.75, 0.75, -2.0, 1.25]], dt)
            b = T([[1.0, 0.5, -2.0, 0.25], [0.0, 1.5, 1.0, -1.5], [0.75, 0.5, -2.0, 1.0]], dt)
            gcase("%s/kink/ties/%s" % (op, dt), op, a, b)
            gcase("%s/kink/ties-broadcast/%s" % (op, dt), op, a, T([0.75, 1.5, -2.0, -1.0], dt))
        x = T([0.0, -0.0, 1.5, 0.25], dt)
        for e in (2, 0, 1, 3, 0.5, -1):
            gcase("pow/kink/zero-base/exp=%s/%s" % (e, dt), "pow", x, e)
        gcase("pow/kink/tensor-exponent-zero-base/" + dt, "pow",
              T([0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 1.5, 0.25], dt),
              T([0.0, 0.5, 1.0, 2.0, 3.0, 2.0, -1.0, 0.0, 0.5], dt),
              note="PyTorch masks the exponent gradient to 0 where base == 0 and exponent >= 0; "
                   "the base gradient is 0 where exponent == 0")
        gcase("pow/kink/zero-zero/" + dt, "pow", T([0.0, -0.0, 0.0], dt), T([0.0, 0.0, -0.0], dt))
        gcase("pow/kink/zero-zero-0d/" + dt, "pow", T(0.0, dt), T(0.0, dt))
        gcase("pow/kink/number-base-zero/" + dt, "pow", 0, T([0.0, 0.5, 2.0, 1.5, -1.0], dt))

    for dt in FLOATS:
        gcase("atan2/kink/zeros/" + dt, "atan2", T([0.0, -0.0, 0.0, 1.5, 0.0], dt),
              T([0.0, 0.0, -0.0, 0.0, -2.0], dt), note="0 / 0 at the origin: NaN (torch)")
        gcase("hypot/kink/zeros/" + dt, "hypot", T([0.0, -0.0, 0.0, 3.0, -3.0], dt),
              T([0.0, 0.0, 2.0, 0.0, -0.0], dt), note="self / result at the origin: NaN (torch)")
        gcase("copysign/kink/zeros/" + dt, "copysign", T([0.0, -0.0, 1.5, -1.5, 0.0, 2.5], dt),
              T([1.0, -1.0, -0.0, 0.0, 0.0, -2.0], dt),
              note="result / self, 0 where self == 0; other's gradient is 0")
        gcase("logaddexp/kink/infinities/" + dt, "logaddexp",
              T([-INF, INF, INF, -INF, 0.0, 50.0], dt), T([-INF, INF, -INF, 5.0, 0.0, -50.0], dt))
        gcase("xlogy/kink/zero-self/" + dt, "xlogy", T([0.0, 0.0, 0.0, -0.0, 1.5, 0.0], dt),
              T([0.0, -1.0, 2.0, 0.5, 0.0, INF], dt),
              note="self's gradient is masked to 0 where self == 0 and other <= 0")
        for op in ("fmod", "remainder"):
            gcase("%s/kink/exact-multiples/%s" % (op, dt), op,
                  T([3.0, -3.0, 1.5, -4.5, 0.75, 0.0], dt),
                  T([1.5, 1.5, -0.5, 1.5, 0.25, -2.0], dt))
            gcase("%s/kink/quotient-rounding/%s" % (op, dt), op, T([1.0, -1.0, 1.0, 0.3], dt),
                  T([0.1, 0.1, -0.1, 0.1], dt),
                  note="other's gradient is -trunc(self / other) (fmod) or torch's floor "
                       "division (remainder), which is 9 at 1 / 0.1 where floor(1 / 0.1) is 10")

    for dt in FLOATS:
        r = Rng("sumSquaredDiff/" + dt)
        gcase("sumSquaredDiff/random/" + dt, "sumSquaredDiff", r.vals([3, 4], dt),
              r.vals([3, 4], dt))
        gcase("sumSquaredDiff/broadcast/" + dt, "sumSquaredDiff", r.vals([3, 4], dt),
              r.vals([4], dt))
        gcase("sumSquaredDiff/kink/zero/" + dt, "sumSquaredDiff", T([[0.0, 0.0], [0.0, 0.0]], dt),
              T([[0.0, 0.0], [0.0, 0.0]], dt))
        gcase("sumSquaredDiff/kink/equal/" + dt, "sumSquaredDiff",
              T([0.0, 1.5, -0.75, 0.0, -0.0], dt), T([0.0, 1.5, -0.75, -0.0, 0.0], dt))


def where_cases():
    for dt in FLOATS:
        r = Rng("where/" + dt)
        c = T([[True, False, True, False], [False, False, True, True], [True, True, False, True]])
        gcase("where/same/" + dt, "where", c, r.vals([3, 4], dt), r.vals([3, 4], dt))
        gcase("where/broadcast/" + dt, "where", T([[True], [False], [True]]),
              r.vals([1, 4], dt), r.vals([4], dt))
        gcase("where/broadcast-cond/" + dt, "where", T([True, False, False, True]),
              r.vals([2, 3, 4], dt), r.vals([3, 1], dt))
        gcase("where/scalar-b/" + dt, "where", c, r.vals([3, 4], dt), 0.5)
        gcase("where/scalar-a/" + dt, "where", c, -1.25, r.vals([3, 4], dt))
        gcase("where/0d-cond/" + dt, "where", T(False), r.vals([2, 3], dt), r.vals([3], dt))
        gcase("where/view/" + dt, "where", V(c, "transpose"), V(r.vals([3, 4], dt), "slice"),
              E(r.vals([3, 1], dt), [3, 4]))
        same = r.vals([3, 4], dt)
        gcase("where/kink/both-branches/" + dt, "where", c, same, T(same.values),
              note="a and b hold the same values: the gradient goes only to the selected branch")
        gcase("where/kink/all-true/" + dt, "where", T([[True] * 4] * 3), r.vals([3, 4], dt),
              r.vals([3, 4], dt))
        gcase("where/kink/nonfinite-unselected/" + dt, "where", T([True, False, True, False]),
              T([1.5, INF, -0.5, NAN], dt), T([NAN, 0.25, -INF, 2.0], dt),
              note="inf/nan in the unselected positions do not leak into the gradients")
    gcase("where/promote/float32-float64", "where", T([True, False, True]),
          Rng("where/promote").vals([3], "float32"), Rng("where/promote2").vals([3], "float64"))


def clamp_cases():
    for dt in FLOATS:
        r = Rng("clamp/" + dt)
        x = r.vals([3, 4], dt)
        gcase("clamp/both/" + dt, "clamp", x, -1, 1)
        gcase("clamp/both-float/" + dt, "clamp", x, -0.75, 1.25)
        gcase("clamp/min-only/" + dt, "clamp", x, -0.5, None)
        gcase("clamp/max-only/" + dt, "clamp", x, None, 0.5)
        gcase("clamp/0d/" + dt, "clamp", r.vals([], dt), -1, 1)
        gcase("clamp/view/transpose/" + dt, "clamp", V(x, "transpose"), -1, 1)
        gcase("clamp/view/expand/" + dt, "clamp", E(r.vals([3, 1], dt), [3, 4]), None, 0.5)
        xb = T([-1.0, 1.0, -1.5, 1.5, 0.25, -1.0, 1.0, -0.5, 0.5], dt)
        gcase("clamp/kink/at-bounds/" + dt, "clamp", xb, -1, 1)
        gcase("clamp/kink/at-min-only/" + dt, "clamp", xb, -0.5, None)
        gcase("clamp/kink/at-max-only/" + dt, "clamp", xb, None, 0.5)
        gcase("clamp/kink/min-equals-max/" + dt, "clamp", xb, 0.5, 0.5)
        gcase("clamp/kink/min-greater-than-max/" + dt, "clamp", xb, 1, -1,
              note="result is max everywhere; PyTorch's mask (x >= min and x <= max) is empty")


def cast_cases():
    r = Rng("cast")
    for src in FLOATS:
        for dst in FLOATS:
            gcase("cast/%s-to-%s" % (src, dst), "cast", r.vals([3, 4], src), dst)
        other = "float64" if src == "float32" else "float32"
        gcase("cast/0d/%s-to-%s" % (src, other), "cast", r.vals([], src), other)
        gcase("cast/view/transpose/%s-to-%s" % (src, other), "cast",
              V(r.vals([3, 4], src), "transpose"), other)
        gcase("cast/view/expand/%s-to-%s" % (src, other), "cast",
              E(r.vals([3, 1], src), [3, 4]), other)


def reduction_cases():
    for op in ("sum", "mean", "max", "min", "prod", "variance", "std", "logsumexp"):
        r = Rng("reduce/" + op)
        is_var = op in ("variance", "std")
        if op == "prod":
            dims = [0, 1, -1, None]
        elif op == "logsumexp":
            dims = [0, -1, [0, 2], [2, -3], [0, 1, 2]]
        else:
            dims = [0, 1, -1, [0, 2], [2, -3], None]
        corrections = (0, 1) if is_var else (None,)

        def inp(shape, dt):
            if op in ("max", "min"):
                return r.distinct(shape, dt)
            if op == "prod":
                return r.mag(shape, dt, 32, 96)  # |x| in (0.5, 1.5)
            return r.vals(shape, dt)

        def go(cid, x, d, keepdim, corr=None):
            if is_var:
                gcase(cid + "/correction=%d" % corr, op, x, d, keepdim, corr)
            else:
                gcase(cid, op, x, d, keepdim)

        for dt in FLOATS:
            x = inp([2, 3, 4], dt)
            for d in dims:
                for keepdim in (False, True):
                    for corr in corrections:
                        go("%s/[2,3,4]/dim=%s/keepdim=%s/%s" % (
                            op, dim_name(d), str(keepdim).lower(), dt), x, d, keepdim, corr)
            c1 = corrections[-1]
            if op != "logsumexp":
                if op != "std":  # std of one element is 0: its gradient is nan
                    go("%s/0d/dim=all/%s" % (op, dt), inp([], dt), None, False, 0)
                    go("%s/0d/dim=-1/keepdim=true/%s" % (op, dt), inp([], dt), -1, True, 0)
            else:
                gcase("logsumexp/0d/dim=0/" + dt, op, inp([], dt), 0, False)
                gcase("logsumexp/0d/dim=-1/keepdim=true/" + dt, op, inp([], dt), -1, True)
            go("%s/1d/dim=0/%s" % (op, dt), inp([7], dt), 0, False, c1)
            go("%s/view/transpose/%s" % (op, dt), V(inp([2, 3, 4], dt), "transpose"), 1, False, c1)
            go("%s/view/transpose-all/%s" % (op, dt), V(inp([3, 4], dt), "transpose"),
               [0, 1] if op == "logsumexp" else None, True, c1)
            go("%s/view/slice/%s" % (op, dt), V(inp([4, 3], dt), "slice"), -1, True, c1)
            go("%s/view/expand/%s" % (op, dt), E(inp([3, 1], dt), [2, 3, 4]), 1, False, c1)

    for dt in FLOATS:
        ties = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [5.0, 5.0, 5.0, 5.0]]
        for op, sgn in (("max", 1), ("min", -1)):
            x = T([[sgn * v for v in row] for row in ties], dt)
            gcase("%s/kink/ties/dim=1/%s" % (op, dt), op, x, 1, False)
            gcase("%s/kink/ties/dim=0/keepdim=true/%s" % (op, dt), op, x, 0, True)
            gcase("%s/kink/ties/dim=all/%s" % (op, dt), op, x, None, False)
            gcase("%s/kink/ties/dim=[0,1]/keepdim=true/%s" % (op, dt), op, x, [0, 1], True)
            gcase("%s/kink/ties/dim=-1/keepdim=true/%s" % (op, dt), op, x, -1, True)
        z = T([[0.5, 0.0, 1.5, -2.0], [0.0, 1.25, 0.0, 0.75], [1.5, 0.5, -1.0, 2.0]], dt)
        gcase("prod/kink/zeros/dim=1/" + dt, "prod", z, 1, False,
              note="rows: one zero, two zeros, no zero")
        gcase("prod/kink/zeros/dim=0/keepdim=true/" + dt, "prod", z, 0, True)
        gcase("prod/kink/zeros/dim=all/" + dt, "prod", z, None, False,
              note="three zeros in all: every gradient is 0")
        gcase("prod/kink/one-zero/dim=all/" + dt, "prod",
              T([[0.5, -1.5, 1.25], [0.0, 0.75, -2.0]], dt), None, False)
        gcase("prod/kink/two-zeros/dim=all/" + dt, "prod",
              T([[0.5, 0.0, 1.25], [0.0, 0.75, -2.0]], dt), None, False)
        gcase("prod/kink/negative-zero/dim=0/" + dt, "prod", T([-0.0, 1.5, -2.0], dt), 0, False)
        gcase("prod/kink/0d-zero/" + dt, "prod", T(0.0, dt), None, False)


def view_cases():
    for dt in FLOATS:
        r = Rng("views/" + dt)
        x = r.vals([2, 3, 4], dt)
        srcs = (("contiguous", x), ("transpose", V(r.vals([2, 3, 4], dt), "transpose")),
                ("slice", V(r.vals([2, 3, 4], dt), "slice")),
                ("expand", E(r.vals([3, 1], dt), [2, 3, 4])))
        for name, src in srcs:
            gcase("reshape/%s/[6,4]/%s" % (name, dt), "reshape", src, [6, 4])
            gcase("reshape/%s/[-1]/%s" % (name, dt), "reshape", src, [-1])
            gcase("permute/%s/[2,0,1]/%s" % (name, dt), "permute", src, [2, 0, 1])
            gcase("transpose/%s/0,2/%s" % (name, dt), "transpose", src, 0, 2)
            gcase("expand/%s/[2,2,3,4]/%s" % (name, dt), "expand", src, [2, 2, 3, 4])
            gcase("slice/%s/dim=2/1:4:2/%s" % (name, dt), "slice", src, 2, 1, 4, 2)
            gcase("narrow/%s/dim=1/%s" % (name, dt), "narrow", src, 1, 1, 2)
            gcase("flatten/%s/0,-1/%s" % (name, dt), "flatten", src, 0, -1)
            gcase("contiguous/%s/%s" % (name, dt), "contiguous", src)
            gcase("clone/%s/%s" % (name, dt), "clone", src)
            gcase("unsqueeze/%s/1/%s" % (name, dt), "unsqueeze", src, 1)
        gcase("reshape/[4,-1]/" + dt, "reshape", x, [4, -1])
        gcase("reshape/[2,12,1]/" + dt, "reshape", x, [2, 12, 1])
        gcase("reshape/0d-to-[1]/" + dt, "reshape", r.vals([], dt), [1])
        gcase("reshape/[1]-to-0d/" + dt, "reshape", r.vals([1], dt), [])
        gcase("permute/[-1,0,1]/" + dt, "permute", x, [-1, 0, 1])
        gcase("permute/identity/" + dt, "permute", x, [0, 1, 2])
        gcase("transpose/-1,0/" + dt, "transpose", x, -1, 0)
        gcase("transpose/same-dim/" + dt, "transpose", x, 1, 1)
        gcase("expand/[3,1]-to-[2,3,4]/" + dt, "expand", r.vals([3, 1], dt), [2, 3, 4])
        gcase("expand/with-minus-one/" + dt, "expand", r.vals([1, 3, 1], dt), [2, -1, 4])
        gcase("expand/0d-to-[3]/" + dt, "expand", r.vals([], dt), [3])
        gcase("expand/same-shape/" + dt, "expand", r.vals([2, 3], dt), [2, 3])
        y = r.vals([2, 1, 3], dt)
        gcase("squeeze/dim=1/" + dt, "squeeze", y, 1)
        gcase("squeeze/dim=-2/" + dt, "squeeze", y, -2)
        gcase("squeeze/not-one/" + dt, "squeeze", y, 0)
        gcase("squeeze/all/" + dt, "squeeze", r.vals([1, 3, 1], dt), None)
        gcase("squeeze/view/transpose/" + dt, "squeeze", V(r.vals([3, 1], dt), "transpose"), 1)
        gcase("unsqueeze/0/" + dt, "unsqueeze", x, 0)
        gcase("unsqueeze/-1/" + dt, "unsqueeze", x, -1)
        gcase("unsqueeze/0d/" + dt, "unsqueeze", r.vals([], dt), 0)
        gcase("slice/dim=0/1:null:1/" + dt, "slice", x, 0, 1, None, 1)
        gcase("slice/dim=-1/0:null:3/" + dt, "slice", x, -1, 0, None, 3)
        gcase("slice/dim=1/-2:null:1/" + dt, "slice", x, 1, -2, None, 1)
        gcase("slice/dim=2/0:-1:2/" + dt, "slice", x, 2, 0, -1, 2)
        gcase("narrow/dim=-1/" + dt, "narrow", x, -1, 0, 3)
        gcase("narrow/dim=0/" + dt, "narrow", x, 0, 1, 1)
        gcase("flatten/1,2/" + dt, "flatten", x, 1, 2)
        gcase("flatten/0,1/" + dt, "flatten", x, 0, 1)
        gcase("flatten/0d/" + dt, "flatten", r.vals([], dt), 0, -1)
        gcase("contiguous/0d/" + dt, "contiguous", r.vals([], dt))
        gcase("clone/0d/" + dt, "clone", r.vals([], dt))


def matmul_cases():
    for dt in FLOATS:
        r = Rng("matmul/" + dt)
        m = r.vals
        gcase("matmul/2d-2d/" + dt, "matmul", m([3, 4], dt), m([4, 5], dt))
        gcase("matmul/1d-1d/" + dt, "matmul", m([4], dt), m([4], dt))
        gcase("matmul/1d-2d/" + dt, "matmul", m([4], dt), m([4, 5], dt))
        gcase("matmul/2d-1d/" + dt, "matmul", m([3, 4], dt), m([4], dt))
        gcase("matmul/batched/" + dt, "matmul", m([2, 3, 4], dt), m([2, 4, 5], dt))
        gcase("matmul/3d-2d/" + dt, "matmul", m([2, 3, 4], dt), m([4, 2], dt))
        gcase("matmul/2d-3d/" + dt, "matmul", m([3, 4], dt), m([2, 4, 2], dt))
        gcase("matmul/3d-1d/" + dt, "matmul", m([2, 3, 4], dt), m([4], dt))
        gcase("matmul/1d-3d/" + dt, "matmul", m([4], dt), m([2, 4, 5], dt))
        gcase("matmul/broadcast-batch/[2,1,3,4]x[5,4,2]/" + dt, "matmul", m([2, 1, 3, 4], dt),
              m([5, 4, 2], dt))
        gcase("matmul/view/transpose-both/" + dt, "matmul", V(m([3, 4], dt), "transpose"),
              V(m([4, 5], dt), "transpose"))
        gcase("matmul/view/transpose-batched/" + dt, "matmul", V(m([2, 3, 4], dt), "transpose"),
              m([2, 4, 3], dt))
        gcase("matmul/view/slice/" + dt, "matmul", V(m([3, 4], dt), "slice"),
              V(m([4, 2], dt), "slice"))
        gcase("matmul/view/expand/" + dt, "matmul", E(m([1, 3, 4], dt), [2, 3, 4]),
              m([2, 4, 5], dt))
        gcase("matmul/view/expand-vector/" + dt, "matmul", m([3, 4], dt), E(m([1], dt), [4]))


def join_split_cases():
    for dt in FLOATS:
        r = Rng("concat/" + dt)
        v = r.vals
        gcase("concat/dim=0/three/" + dt, "concat", [v([2, 3], dt), v([1, 3], dt), v([3, 3], dt)],
              0)
        gcase("concat/dim=1/" + dt, "concat", [v([2, 1], dt), v([2, 3], dt), v([2, 2], dt)], 1)
        gcase("concat/dim=-1/" + dt, "concat", [v([2, 2], dt), v([2, 3], dt)], -1)
        gcase("concat/3d/dim=1/" + dt, "concat", [v([2, 1, 2], dt), v([2, 3, 2], dt)], 1)
        gcase("concat/1d/" + dt, "concat", [v([3], dt), v([2], dt)], 0)
        gcase("concat/single/" + dt, "concat", [v([2, 3], dt)], 0)
        gcase("concat/view/mixed/" + dt, "concat", [V(v([2, 3], dt), "transpose"),
                                                    V(v([2, 3], dt), "slice"),
                                                    E(v([1, 3], dt), [2, 3])], 0)

        r = Rng("stack/" + dt)
        v = r.vals
        a, b = v([2, 3], dt), v([2, 3], dt)
        for d in (0, 1, 2, -1, -3):
            gcase("stack/dim=%d/%s" % (d, dt), "stack", [a, b], d)
        gcase("stack/three-1d/" + dt, "stack", [v([2], dt), v([2], dt), v([2], dt)], 0)
        gcase("stack/0d/" + dt, "stack", [v([], dt), v([], dt), v([], dt)], 0)
        gcase("stack/single/" + dt, "stack", [a], 1)
        gcase("stack/view/mixed/" + dt, "stack", [V(a, "transpose"), V(b, "slice"),
                                                  E(v([3], dt), [2, 3])], 0)

        r = Rng("split/" + dt)
        x = r.vals([5, 4], dt)
        gcase("split/size/remainder/" + dt, "split", x, 2, 0)
        gcase("split/size/exact/" + dt, "split", x, 2, 1)
        gcase("split/size/larger-than-dim/" + dt, "split", x, 7, 0)
        gcase("split/size/one/" + dt, "split", x, 1, -1)
        gcase("split/sections/" + dt, "split", x, [1, 3, 1], 0)
        gcase("split/sections/with-zero/" + dt, "split", x, [0, 4, 0], 1)
        gcase("split/sections/negative-dim/" + dt, "split", x, [3, 1], -1)
        gcase("split/3d/" + dt, "split", r.vals([2, 5, 2], dt), 2, 1)
        gcase("split/view/transpose/" + dt, "split", V(x, "transpose"), 3, 1)
        gcase("split/view/expand/" + dt, "split", E(r.vals([1, 4], dt), [3, 4]), 2, 0)


def indexing_cases():
    def i32(data):
        return T(data, "int32")

    for dt in FLOATS:
        r = Rng("gather/" + dt)
        x = r.vals([3, 4], dt)
        gcase("gather/dim=1/repeated/" + dt, "gather", x, 1, i32([[0, 3, 0], [1, 1, 1], [2, 0, 2]]))
        gcase("gather/dim=0/" + dt, "gather", x, 0, i32([[2, 0, 1, 2], [0, 0, 0, 1], [2, 2, 1, 1]]))
        gcase("gather/dim=-1/smaller-index/" + dt, "gather", x, -1, i32([[3], [0]]))
        gcase("gather/dim=1/larger-index/" + dt, "gather", x, 1, i32([[0, 1, 2, 3, 3, 0]] * 3))
        gcase("gather/3d/" + dt, "gather", r.vals([2, 3, 2], dt), 1,
              i32([[[2, 0], [1, 1]], [[0, 2], [2, 2]]]))
        gcase("gather/view/transpose/" + dt, "gather", V(x, "transpose"), 1,
              i32([[3, 0], [2, 2], [0, 1]]))
        gcase("gather/view/index-transpose/" + dt, "gather", x, 1,
              V(i32([[0, 3, 1], [1, 2, 0]]), "transpose"))
        gcase("gather/view/expand/" + dt, "gather", E(r.vals([1, 4], dt), [3, 4]), 1,
              E(i32([[1, 3]]), [3, 2]))
        gcase("gather/0d/" + dt, "gather", r.vals([], dt), 0, T(0, "int32"))

        r = Rng("indexSelect/" + dt)
        x = r.vals([4, 3], dt)
        gcase("indexSelect/dim=0/repeated/" + dt, "indexSelect", x, 0, i32([2, 0, 2, 3, 2]))
        gcase("indexSelect/dim=1/repeated/" + dt, "indexSelect", x, 1, i32([1, 1, 0]))
        gcase("indexSelect/dim=-1/" + dt, "indexSelect", x, -1, i32([2]))
        gcase("indexSelect/1d/" + dt, "indexSelect", r.vals([5], dt), 0, i32([4, 0, 0, 1]))
        gcase("indexSelect/3d/" + dt, "indexSelect", r.vals([2, 3, 2], dt), 1, i32([2, 0, 2]))
        gcase("indexSelect/0d-index/" + dt, "indexSelect", x, 0, T(1, "int32"))
        gcase("indexSelect/view/transpose/" + dt, "indexSelect", V(x, "transpose"), 1,
              i32([2, 0, 2]))
        gcase("indexSelect/view/slice/" + dt, "indexSelect", V(x, "slice"), 0,
              V(i32([3, 0, 3]), "slice"))
        gcase("indexSelect/view/expand/" + dt, "indexSelect", E(r.vals([3], dt), [4, 3]), 0,
              i32([0, 3, 3]))

        r = Rng("scatterAdd/" + dt)
        x = r.vals([3, 4], dt)
        gcase("scatterAdd/dim=0/repeated/" + dt, "scatterAdd", x, 0,
              i32([[0, 1, 2, 0], [0, 2, 2, 1]]), r.vals([2, 4], dt))
        gcase("scatterAdd/dim=1/repeated/" + dt, "scatterAdd", x, 1,
              i32([[3, 3, 0], [1, 0, 1], [2, 2, 2]]), r.vals([3, 3], dt))
        gcase("scatterAdd/dim=-1/smaller-index/" + dt, "scatterAdd", x, -1,
              i32([[1, 1], [3, 0]]), r.vals([2, 2], dt))
        gcase("scatterAdd/3d/" + dt, "scatterAdd", r.vals([2, 3, 2], dt), 1,
              i32([[[2, 0], [2, 1]], [[0, 0], [1, 2]]]), r.vals([2, 2, 2], dt))
        gcase("scatterAdd/view/transpose/" + dt, "scatterAdd", V(x, "transpose"), 0,
              i32([[2, 0, 1, 1], [2, 2, 0, 1]]), V(r.vals([2, 4], dt), "slice"))
        gcase("scatterAdd/view/expand/" + dt, "scatterAdd", E(r.vals([1, 4], dt), [3, 4]), 1,
              i32([[0, 0], [3, 1], [2, 2]]), E(r.vals([3, 1], dt), [3, 2]))
        gcase("scatterAdd/0d/" + dt, "scatterAdd", r.vals([], dt), 0, T(0, "int32"),
              r.vals([], dt))


def std_zero_cases():
    """std where it is 0 (every value of a slice equal): PyTorch's std_backward masks the
    gradient to 0 there (pytorch/pytorch#4320), where the chain rule through sqrt gives 0/0."""
    for dt in FLOATS:
        x = T([[1.5, 1.5, 1.5, 1.5], [0.5, -1.25, 2.0, 0.75], [-3.0, -3.0, -3.0, -3.0]], dt)
        gcase("std/kink/constant-rows/dim=1/correction=1/" + dt, "std", x, 1, False, 1)
        gcase("std/kink/constant-rows/dim=-1/keepdim=true/correction=0/" + dt, "std", x, -1, True, 0)
        gcase("std/kink/constant/dim=all/correction=1/" + dt, "std",
              T([[0.25, 0.25], [0.25, 0.25]], dt), None, False, 1)
        gcase("std/kink/constant/expand/dim=0/correction=1/" + dt, "std",
              E([[0.75, -0.5, 2.0]], [4, 3], dt), 0, False, 1)
        gcase("std/kink/0d/correction=0/" + dt, "std", T(0.625, dt), None, False, 0)


SECTIONS = [unary_cases, binary_cases, where_cases, clamp_cases, cast_cases,
            reduction_cases, view_cases, matmul_cases, join_split_cases, indexing_cases,
            std_zero_cases]

# --------------------------------------------------------------------------
# Second order and Hessian-vector products
# --------------------------------------------------------------------------

SECOND_FNS = {
    "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2,
             lambda x: -2 * torch.tanh(x) * (1 - torch.tanh(x) ** 2)),
    "sigmoid": (lambda x: 1 / (1 + torch.exp(-x)),
                lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)),
                lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)) * (1 - 2 * torch.sigmoid(x))),
    "exp": (torch.exp, torch.exp, torch.exp),
    "log": (torch.log, lambda x: 1 / x, lambda x: -1 / x ** 2),
}
LN2, LN10 = math.log(2), math.log(10)
SECOND_FNS.update({
    "tan": (torch.tan, lambda x: 1 + torch.tan(x) ** 2,
            lambda x: 2 * torch.tan(x) * (1 + torch.tan(x) ** 2)),
    "asin": (torch.asin, lambda x: (1 - x ** 2) ** -0.5, lambda x: x * (1 - x ** 2) ** -1.5),
    "acos": (torch.acos, lambda x: -(1 - x ** 2) ** -0.5, lambda x: -x * (1 - x ** 2) ** -1.5),
    "atan": (torch.atan, lambda x: 1 / (1 + x ** 2), lambda x: -2 * x / (1 + x ** 2) ** 2),
    "sinh": (torch.sinh, torch.cosh, torch.sinh),
    "cosh": (torch.cosh, torch.sinh, torch.cosh),
    "asinh": (torch.asinh, lambda x: (1 + x ** 2) ** -0.5, lambda x: -x * (1 + x ** 2) ** -1.5),
    "acosh": (torch.acosh, lambda x: (x ** 2 - 1) ** -0.5, lambda x: -x * (x ** 2 - 1) ** -1.5),
    "atanh": (torch.atanh, lambda x: 1 / (1 - x ** 2), lambda x: 2 * x / (1 - x ** 2) ** 2),
    "log2": (torch.log2, lambda x: 1 / (x * LN2), lambda x: -1 / (x ** 2 * LN2)),
    "log10": (torch.log10, lambda x: 1 / (x * LN10), lambda x: -1 / (x ** 2 * LN10)),
    "exp2": (torch.exp2, lambda x: 2 ** x * LN2, lambda x: 2 ** x * LN2 ** 2),
    "reciprocal": (torch.reciprocal, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3),
    "square": (torch.square, lambda x: 2 * x, lambda x: 2 + 0 * x),
})
SECOND_X = [-1.75, -0.5, 0.0, 0.375, 1.25, 2.5]
SECOND_X_POS = [0.125, 0.5, 1.0, 1.375, 2.25, 3.5]
SECOND_X_UNIT = [-0.75, -0.5, 0.0, 0.375, 0.625, 0.875]
SECOND_X_ABOVE1 = [1.125, 1.5, 2.0, 2.75, 4.0, 10.0]
SECOND_X_BY_FN = {"log": SECOND_X_POS, "log2": SECOND_X_POS, "log10": SECOND_X_POS,
                  "reciprocal": SECOND_X_POS, "asin": SECOND_X_UNIT, "acos": SECOND_X_UNIT,
                  "atanh": SECOND_X_UNIT, "acosh": SECOND_X_ABOVE1}


def second_order_cases():
    out = []
    for fn, (f, d1, d2) in SECOND_FNS.items():
        for dt in ("float64", "float32"):
            x = torch.tensor(SECOND_X_BY_FN.get(fn, SECOND_X), dtype=fl.DTYPES[dt])
            xl = x.clone().requires_grad_(True)
            (first,) = torch.autograd.grad(f(xl).sum(), xl, create_graph=True)
            (second,) = torch.autograd.grad(first.sum(), xl)
            tol = 1e-5 if dt == "float32" else 1e-12
            x64 = x.double()
            assert torch.allclose(first.double(), d1(x64), rtol=tol, atol=tol), fn
            assert torch.allclose(second.double(), d2(x64), rtol=tol, atol=tol), fn
            out.append({"id": "%s/%s" % (fn, dt), "fn": fn, "x": encode_tensor(x),
                        "first": encode_tensor(first), "second": encode_tensor(second)})
    return out


def hvp_cases():
    r = Rng("hvp/mlp")

    def w(shape, lo=-64, hi=64):
        return r.odd(shape, lo, hi)  # float64, odd multiples of 1/128 in (-1, 1)

    params = [w([4, 3]), w([4]), w([2, 4]), w([2])]
    x, y = r.raw([5, 3]), r.raw([5, 2])
    v = [w(p.shape) for p in params]

    def loss_fn(ps):
        w1, b1, w2, b2 = ps
        pred = torch.tanh(x @ w1.T + b1) @ w2.T + b2
        return ((pred - y) ** 2).mean()

    def grads_at(ps, create_graph=False):
        leaves = [p.clone().requires_grad_(True) for p in ps]
        loss = loss_fn(leaves)
        return loss, leaves, torch.autograd.grad(loss, leaves, create_graph=create_graph)

    loss, leaves, grads = grads_at(params, create_graph=True)
    dot = sum((g * vi).sum() for g, vi in zip(grads, v))
    hvp = torch.autograd.grad(dot, leaves)
    # check: directional finite difference of the gradient along v
    h = 1e-5
    _, _, gp = grads_at([p + h * vi for p, vi in zip(params, v)])
    _, _, gm = grads_at([p - h * vi for p, vi in zip(params, v)])
    for hv, a, b in zip(hvp, gp, gm):
        assert torch.allclose(hv, (a - b) / (2 * h), rtol=1e-6, atol=1e-8), "hvp check"
    return [{"id": "mlp", "params": [encode_tensor(p) for p in params],
             "x": encode_tensor(x), "y": encode_tensor(y), "v": [encode_tensor(t) for t in v],
             "loss": fl.encode_float(float(loss)), "grads": [encode_tensor(g) for g in grads],
             "hvp": [encode_tensor(t) for t in hvp]}]


def generate(opts):
    for section in SECTIONS:
        section()
    second = second_order_cases()
    hvp = hvp_cases()
    text = fl.render(GENERATOR, [("cases", CASES), ("secondOrder", second), ("hvp", hvp)],
                     sep=", ")
    counts = Counter(c["op"] for c in CASES)
    kinks = Counter(c["op"] for c in CASES if "/kink/" in c["id"])
    summary = ["%d cases, %d second-order, %d hvp" % (len(CASES), len(second), len(hvp))]
    summary += ["  %-15s %4d cases (%d kink, %d finite-difference checked)"
                % (op, counts[op], kinks[op], FD_CHECKED[op]) for op in sorted(counts)]
    return [(opts.out, text)], "\n".join(summary)


if __name__ == "__main__":
    sys.exit(fl.main(__doc__, GENERATOR, DEFAULT_OUT, generate))
