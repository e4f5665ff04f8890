"""dimtensor._core.FusedProgram: every operation against NumPy's ufunc of the
same name, constant folding and merging, out= (also overlapping an input),
every error path, pickling, fork and thread safety, and random programs
against NumPy evaluated step by step."""

from __future__ import annotations

import copy
import multiprocessing
import operator
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
from dimtensor._core import FusedProgram
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from thread_harness import N_THREADS, run_in_threads

UNARY = [
    "negative", "absolute", "sqrt", "square", "reciprocal", "exp", "expm1", "log", "log1p",
    "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "floor", "ceil", "trunc", "rint", "cbrt", "sign",
    "logical_not", "isnan", "isinf", "isfinite",
]  # fmt: skip
BINARY = [
    "add", "subtract", "multiply", "divide", "maximum", "minimum", "hypot", "arctan2",
    "copysign", "power", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor",
]  # fmt: skip
BOOL_UNARY = {"logical_not", "isnan", "isinf", "isfinite"}
BOOL_BINARY = {
    "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor",
}  # fmt: skip
# Exactly rounded (or exact) operations: the same bits as NumPy, signed zeros included.
EXACT_UNARY = {
    "negative", "absolute", "sqrt", "square", "reciprocal", "floor", "ceil", "trunc", "rint",
    "sign",
} | BOOL_UNARY  # fmt: skip
EXACT_BINARY = {"add", "subtract", "multiply", "divide", "maximum", "minimum", "copysign"}
EXACT_BINARY |= BOOL_BINARY
# The rest call libm (NumPy may use its own SIMD versions): a few ulps apart.
LIBM_UNARY = [u for u in UNARY if u not in EXACT_UNARY]
LIBM_BINARY = [b for b in BINARY if b not in EXACT_BINARY]
# NumPy's SIMD versions err by up to 4 ulps (2e-15 holds where 1e-15 is marginal).
RTOL = {np.float64: 2e-15, np.float32: 1e-6}
DTYPES = [np.float64, np.float32]

SPECIAL = [
    np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1.5, -1.5,
    2.5, -2.5, 3.5, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 709.0, 710.0, -745.0, 88.0, 89.0,
    0.9999999, 1.0000001, 3.141592653589793, 1e-8, -1e-8, 1e16, 4503599627370497.0,
]  # fmt: skip


def values(dtype: Any, n: int = 1000, seed: int = 0) -> np.ndarray:
    """Special values, then random ones of every scale and sign (over several blocks)."""
    rng = np.random.default_rng(seed)
    sign = rng.choice([-1.0, 1.0], n)
    parts = [
        np.array(SPECIAL),
        rng.uniform(-10, 10, n),
        rng.uniform(-1, 1, n),
        np.exp(rng.uniform(-40, 40, n)) * sign,
        rng.integers(-20, 20, n) + 0.5,  # ties for rint
    ]
    with np.errstate(all="ignore"):
        return np.concatenate(parts).astype(dtype)


def np_op(name: str, *args: Any) -> Any:
    with np.errstate(all="ignore"):
        return getattr(np, name)(*args)


def assert_same(got: Any, ref: Any) -> None:
    """Bit for bit, except for NaN payloads; the sign of zero counts."""
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    assert_array_equal(got, ref, strict=True)
    if got.dtype != bool:
        assert_array_equal(np.signbit(got) & ~np.isnan(got), np.signbit(ref) & ~np.isnan(ref))


def assert_close(got: Any, ref: Any, name: str, dtype: Any) -> None:
    if name in EXACT_UNARY | EXACT_BINARY:
        return assert_same(got, ref)
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    # (subnormal results: a few of the smallest steps apart)
    atol = 4 * np.finfo(dtype).smallest_subnormal
    assert_allclose(got, ref, rtol=RTOL[dtype], atol=atol, equal_nan=True, strict=True)
    nan = np.isnan(ref)
    assert_array_equal(np.signbit(got[~nan]), np.signbit(ref[~nan]))


def unary_inputs(name: str, dtype: Any) -> np.ndarray:
    return values(dtype)


def powi_ref(x: Any, n: int) -> Any:
    """``x**n`` as the program computes it: left-to-right binary exponentiation."""
    one = x.dtype.type(1)
    m = abs(n)
    if m == 0:
        return np.full_like(x, one) if isinstance(x, np.ndarray) else one
    r = x
    for bit in range(m.bit_length() - 2, -1, -1):
        r = r * r
        if (m >> bit) & 1:
            r = r * x
    return one / r if n < 0 else r


# ---- every operation ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_matches_numpy(name: str, dtype: Any) -> None:
    x = unary_inputs(name, dtype)
    p = FusedProgram([("input", 0), (name, 0)], 1)
    assert p.is_boolean == (name in BOOL_UNARY)
    got = p.eval([x], dtype=dtype)
    assert_close(got, np_op(name, x), name, dtype)
    # A scalar input (evaluated once, in the evaluation type), written into out.
    for v in x[:40]:
        out = np.empty((2, 3), bool if p.is_boolean else dtype)
        assert p.eval([float(v)], out=out, dtype=dtype) is out
        assert_close(out, np.full((2, 3), np_op(name, v)), name, dtype)
    # A constant, folded in float64.
    if dtype is np.float64:
        for v in x[:40]:
            q = FusedProgram([("const", float(v)), (name, 0)], 0)
            assert q.n_nodes == 1
            assert q.is_boolean == p.is_boolean
            assert_close(q.eval([]), np.asarray(np_op(name, v)), name, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_matches_numpy(name: str, dtype: Any) -> None:
    x = values(dtype, seed=1)
    y = np.random.default_rng(2).permutation(x)
    s = np.array([*SPECIAL[:10], 3.0, -3.0, 0.25], dtype=dtype)
    gx, gy = (g.ravel() for g in np.meshgrid(s, s))  # every pair of special values
    x, y = np.concatenate([x, gx]), np.concatenate([y, gy])
    p = FusedProgram([("input", 0), ("input", 1), (name, 0, 1)], 2)
    assert p.is_boolean == (name in BOOL_BINARY)
    assert_close(p.eval([x, y], dtype=dtype), np_op(name, x, y), name, dtype)
    # Array with scalar, both ways round; two scalars. (The scalar spread for NumPy:
    # np.power(x, 0.5) is its sqrt(x), which differs at -inf and -0.0.)
    for v in s:
        ref = np_op(name, x, np.full_like(x, v))
        assert_close(p.eval([x, float(v)], dtype=dtype), ref, name, dtype)
        ref = np_op(name, np.full_like(y, v), y)
        assert_close(p.eval([v, y], dtype=dtype), ref, name, dtype)
        assert_close(p.eval([v, v], dtype=dtype), np.asarray(np_op(name, [v], [v])[0]), name, dtype)
    # Constants, folded in float64.
    if dtype is np.float64:
        for a, b in zip(gx, gy, strict=True):
            q = FusedProgram([("const", float(a)), ("const", float(b)), (name, 0, 1)], 0)
            assert q.n_nodes == 1
            assert_close(q.eval([]), np.asarray(np_op(name, [a], [b])[0]), name, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_arccosh_arctanh_accurate_near_singularities(dtype: Any) -> None:
    eps = np.finfo(dtype).eps
    k = np.arange(1, 2000)
    for name, x in [("arccosh", 1 + eps * k), ("arctanh", -(1 - eps / 2 * k))]:
        x = x.astype(dtype)
        got = FusedProgram([("input", 0), (name, 0)], 1).eval([x], dtype=dtype)
        assert_allclose(got, np_op(name, x), rtol=RTOL[dtype], atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_affine_powi_where(dtype: Any) -> None:
    x = values(dtype)
    c = np.random.default_rng(5).permutation(x)
    f = dtype
    for scale, offset in [(1000.0, 0.0), (1.8, 32.0), (-2.0, -0.0), (0.1, 273.15), (np.nan, 1.0)]:
        p = FusedProgram([("input", 0), ("affine", 0, scale, offset)], 1)
        ref = x * f(scale) + f(offset) if offset != 0 else x * f(scale)
        assert_same(p.eval([x], dtype=dtype), ref)
        assert_same(p.eval([float(x[7])], dtype=dtype), np.asarray(ref[7]))
    for n in [-7, -2, -1, 0, 2, 3, 5, 8, 13, 100]:
        p = FusedProgram([("input", 0), ("powi", 0, n)], 1)
        with np.errstate(all="ignore"):
            ref = powi_ref(x, n)
            assert_same(p.eval([x], dtype=dtype), ref)
            moderate = (np.abs(x) > 1e-3) & (np.abs(x) < 1e3)
            assert_allclose(ref[moderate], np.power(x[moderate], f(n)), rtol=50 * RTOL[dtype])
            assert_same(p.eval([x[9]], dtype=dtype), np.asarray(powi_ref(x[9], n)))
    # NaN and -0.0 conditions: NaN is true, -0.0 false (as NumPy's truth value).
    p = FusedProgram([("input", 0), ("input", 1), ("input", 2), ("where", 0, 1, 2)], 3)
    assert not p.is_boolean
    assert_same(p.eval([c, x, -x], dtype=dtype), np.where(c != 0, x, -x))
    assert_same(p.eval([c, 1.5, -x], dtype=dtype), np.where(c != 0, f(1.5), -x))
    assert_same(p.eval([c, x, 2], dtype=dtype), np.where(c != 0, x, f(2)))
    for v in [np.nan, -0.0, 0.0, 3.0]:
        assert_same(p.eval([v, x, -x], dtype=dtype), x if v != 0 else -x)
    # where between truth values is a truth value.
    nodes = [("input", 0), ("input", 1), ("less", 0, 1), ("isnan", 0), ("where", 1, 2, 3)]
    p = FusedProgram(nodes, 2)
    assert p.is_boolean
    assert_same(p.eval([x, c], dtype=dtype), np.where(c != 0, x < c, np.isnan(x)))
    p = FusedProgram([*nodes[:3], ("const", 7.0), ("where", 0, 2, 3)], 2)
    assert not p.is_boolean
    assert_same(p.eval([x, c], dtype=dtype), np.where(x != 0, (x < c).astype(dtype), f(7)))


@np.errstate(all="ignore")
def test_scalars_of_every_kind_mixed_with_arrays() -> None:
    x = values(np.float64)
    p = FusedProgram([("input", 0), ("input", 1), ("multiply", 0, 1)], 2)
    for s in [3, 2.5, np.float64(0.1), np.float32(0.1), np.int64(-4), np.float16(1.5), True]:
        assert_same(p.eval([x, s]), x * np.float64(s))
        x32 = x.astype(np.float32)
        assert_same(p.eval([s, x32], dtype="float32"), np.float32(s) * x32)
    # All inputs scalar: a 0-d array, or out's shape.
    assert_same(p.eval([2.0, 3.0]), np.array(6.0))
    assert_same(p.eval([2.0, 3.0], out=np.empty((2, 2))), np.full((2, 2), 6.0))
    # A 0-d array is an array of shape ().
    assert_same(p.eval([np.array(2.0), 3.0]), np.array(6.0))
    # One array given for two inputs.
    assert_same(p.eval([x, x]), x * x)
    # dtype given in any form numpy.dtype takes.
    for dt in ["float32", "f4", np.float32, np.dtype("float32")]:
        assert p.eval([x.astype(np.float32), 1.0], dtype=dt).dtype == np.float32


# ---- sizes and shapes -----------------------------------------------------------------

# A program of several registers, scalar inputs, folded affine reads and a where:
# w = where(x < y, max(x*1000 / (8.314*(y + 273.15)) - x²·s, y), -(y/s)), s a scalar.
BIG_NODES = [
    ("input", 0), ("input", 1), ("input", 2), ("affine", 0, 1000.0, 0.0),
    ("affine", 1, 1.0, 273.15), ("const", 8.314), ("multiply", 5, 4), ("divide", 3, 6),
    ("square", 0), ("multiply", 8, 2), ("subtract", 7, 9), ("maximum", 10, 1),
    ("less", 0, 1), ("divide", 1, 2), ("negative", 13), ("where", 12, 11, 14),
]  # fmt: skip


def big_ref(x: Any, y: Any, s: Any) -> Any:
    f = x.dtype.type
    a = (x * f(1000.0)) / (f(8.314) * (y * f(1.0) + f(273.15))) - np.square(x) * s
    return np.where(x < y, np.maximum(a, y), -(y / s))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape", [(0,), (1,), (511,), (512,), (513,), (100_003,), (0, 3), (7, 93), (3, 41, 257)]
)
def test_sizes_and_shapes(shape: tuple[int, ...], dtype: Any) -> None:
    rng = np.random.default_rng(len(shape) * 1000 + shape[-1])
    x = rng.uniform(-300, 300, shape).astype(dtype)
    y = rng.uniform(-300, 300, shape).astype(dtype)
    p = FusedProgram(BIG_NODES, 3)
    with np.errstate(all="ignore"):
        for s in [2.5, 0.0]:
            ref = big_ref(x, y, dtype(s))
            assert_same(p.eval([x, y, s], dtype=dtype), ref)
            out = np.full(shape, 12345.0, dtype)
            assert p.eval([x, y, s], out=out, dtype=dtype) is out
            assert_same(out, ref)
        # the scalar as an array too
        sa = np.full(shape, 2.5, dtype)
        assert_same(p.eval([x, y, sa], dtype=dtype), big_ref(x, y, sa))
    # A truth-valued result, into a new array and into out.
    q = FusedProgram([("input", 0), ("input", 1), ("less_equal", 0, 1)], 2)
    assert_same(q.eval([x, y], dtype=dtype), x <= y)
    out = np.ones(shape, bool)
    assert q.eval([x, 0.0], out=out, dtype=dtype) is out
    assert_same(out, x <= 0)


# ---- simplification -------------------------------------------------------------------


@np.errstate(all="ignore")
def test_constant_folding_and_merging_shrink_the_program() -> None:
    x = values(np.float64)
    # x + 2*3: the product is folded.
    p = FusedProgram([("input", 0), ("const", 2.0), ("const", 3.0), ("multiply", 1, 2),
                      ("add", 0, 3)], 1)  # fmt: skip
    assert p.n_nodes == 3
    assert p.nodes == [("input", 0), ("const", 6.0), ("add", 0, 1)]
    assert_same(p.eval([x]), x + 6.0)
    # sin(x) + sin(x): merged.
    p = FusedProgram([("input", 0), ("sin", 0), ("sin", 0), ("add", 1, 2)], 1)
    assert p.n_nodes == 3
    assert_same(p.eval([x]), np.add(*[FusedProgram([("input", 0), ("sin", 0)], 1).eval([x])] * 2))
    # x*y and y*x merged (commutative); x-y and y-x not.
    p = FusedProgram([("input", 0), ("input", 1), ("multiply", 0, 1), ("multiply", 1, 0),
                      ("subtract", 2, 3)], 2)  # fmt: skip
    assert p.n_nodes == 4
    y = x[::-1].copy()
    assert_same(p.eval([x, y]), x * y - y * x)
    p = FusedProgram([("input", 0), ("input", 1), ("subtract", 0, 1), ("subtract", 1, 0),
                      ("add", 2, 3)], 2)  # fmt: skip
    assert p.n_nodes == 5
    assert_same(p.eval([x, y]), (x - y) + (y - x))
    # Unused nodes dropped; identities: affine(a, 1, 0), powi(a, 1), where(c, a, a),
    # where with a constant condition.
    p = FusedProgram([("input", 0), ("cos", 0), ("affine", 0, 1.0, 0.0), ("powi", 2, 1),
                      ("const", 0.0), ("where", 4, 1, 3), ("where", 0, 5, 5)], 1)  # fmt: skip
    assert p.nodes == [("input", 0)]
    assert_same(p.eval([x]), x)
    # 0.0 and -0.0 are different constants: 1/0 + 1/-0 is NaN.
    p = FusedProgram([("input", 0), ("const", 1.0), ("const", 0.0), ("const", -0.0),
                      ("divide", 1, 2), ("divide", 1, 3), ("add", 4, 5)], 1)  # fmt: skip
    assert p.n_nodes == 1
    assert np.isnan(p.eval([x])).all()
    # A folded comparison stays a truth value.
    p = FusedProgram([("input", 0), ("const", 1.0), ("const", 2.0), ("less", 1, 2)], 1)
    assert p.is_boolean and p.n_nodes == 1 and p.n_inputs == 1
    assert_same(p.eval([x]), np.ones(x.shape, bool))
    assert repr(p) == "FusedProgram(n_nodes=1, n_inputs=1, is_boolean=True)"
    # The simplified nodes rebuild the same program.
    p = FusedProgram(BIG_NODES, 3)
    q = FusedProgram(p.nodes, p.n_inputs)
    assert q.nodes == p.nodes
    assert_same(q.eval([x, y, 2.0]), p.eval([x, y, 2.0]))


# ---- out= -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 10, 513, 100_003])
def test_out_overlapping_an_input(n: int) -> None:
    p = FusedProgram([("input", 0), ("const", 2.0), ("multiply", 0, 1), ("const", 1.0),
                      ("add", 2, 3)], 1)  # fmt: skip
    x = np.linspace(-5, 5, n)
    ref = x * 2 + 1
    assert p.eval([x], out=x) is x  # x = x*2 + 1
    assert_same(x, ref)
    # out is the second input of two.
    q = FusedProgram([("input", 0), ("input", 1), ("subtract", 0, 1), ("multiply", 2, 1)], 2)
    x, y = np.linspace(-5, 5, n), np.linspace(3, 4, n)
    ref = (x - y) * y
    assert q.eval([x, y], out=y) is y
    assert_same(y, ref)
    # out shifted by one element over the input's memory.
    buf = np.linspace(-5, 5, n + 1)
    ref = buf[:-1] * 2 + 1
    p.eval([buf[:-1]], out=buf[1:])
    assert_same(buf[1:], ref)
    # out a reshaped view of the input.
    x = np.linspace(-5, 5, n)
    ref = (x * 2 + 1).reshape(-1, 1)
    p.eval([x.reshape(-1, 1)], out=x.reshape(-1, 1))
    assert_same(x.reshape(-1, 1), ref)
    # A truth-valued out over the bytes of a float input.
    mem = bytearray(8 * n)
    x = np.frombuffer(mem, np.float64)
    x[:] = np.linspace(-5, 5, n)
    ref = x < 0.5
    b = FusedProgram([("input", 0), ("const", 0.5), ("less", 0, 1)], 1)
    b.eval([x], out=np.frombuffer(mem, bool)[:n])
    assert_same(np.frombuffer(mem, bool)[:n], ref)


def test_out_new_array_is_the_same_as_into_out() -> None:
    x = values(np.float64)
    p = FusedProgram(BIG_NODES, 3)
    new = p.eval([x, -x, 1.5])
    out = np.empty_like(x)
    assert p.eval([x, -x, 1.5], out=out) is out
    assert_same(out, new)
    assert new.flags.c_contiguous and new.flags.writeable and new.base is None


# ---- errors ---------------------------------------------------------------------------

BAD_PROGRAMS = [
    ([("input", 0), ("frobnicate", 0)], 1),  # unknown operation
    ([("input", 0), ("fmod", 0, 0)], 1),  # a NumPy ufunc, not supported
    ([("INPUT", 0)], 1),
    ([("input", 0), ("sin", 0, 0)], 1),  # wrong arity
    ([("input", 0), ("add", 0)], 1),
    ([("input", 0), ("where", 0, 0)], 1),
    ([("input", 0), ("affine", 0, 2.0)], 1),
    ([("input", 0), ("powi", 0)], 1),
    ([("input",)], 1),
    ([("const",)], 0),
    ([("input", 0), ("sin", 1)], 1),  # forward references, itself included
    ([("sin", 0)], 1),
    ([("input", 0), ("add", 0, 5)], 1),
    ([("input", 0), ("where", 2, 0, 0), ("sin", 0)], 1),
    ([("input", 1)], 1),  # input index out of range
    ([("input", 0)], 0),
    ([("input", -1)], 1),
    ([("input", 0.5)], 1),
    ([("input", np.nan)], 1),
    ([("input", 2**60)], 1),
    ([("input", 10**400)], 1),
    ([("input", "0")], 1),
    ([("input", None)], 1),
    ([("input", 0), ("sin", -1)], 1),
    ([("input", 0), ("powi", 0, 2.5)], 1),  # powi exponent not a 32-bit integer
    ([("input", 0), ("powi", 0, 2**31)], 1),
    ([("input", 0), ("powi", 0, -(2**31))], 1),
    ([("const", 1j)], 0),
    ([("const", np.ones(2))], 0),
    ([["input", 0]], 1),  # not tuples
    (["input"], 1),
    ([0], 1),
    ([None], 1),
    ([()], 1),  # empty tuple
    ([(0, 0)], 1),  # name not a str
    ([], 0),  # no node
    (5, 1),  # not a list
    (None, 1),
    ([("input", 0)], -1),  # n_inputs
    ([("input", 0)], 1.5),
    ([("input", 0)], "1"),
]


@pytest.mark.parametrize(("nodes", "n_inputs"), BAD_PROGRAMS)
def test_bad_programs_raise(nodes: Any, n_inputs: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        FusedProgram(nodes, n_inputs)


def test_huge_n_inputs_raises_value_error() -> None:
    with pytest.raises((ValueError, TypeError)):
        FusedProgram([("input", 0)], 2**70)


def unaligned(n: int) -> np.ndarray:
    a = np.frombuffer(bytearray(8 * n + 1), np.float64, count=n, offset=1)
    assert not a.flags.aligned and a.flags.writeable and a.flags.c_contiguous
    return a


def matrix(a: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(a)


def read_only(n: int, dtype: Any = np.float64) -> np.ndarray:
    a = np.zeros(n, dtype)
    a.flags.writeable = False
    return a


P2 = [("input", 0), ("input", 1), ("add", 0, 1)]
P2_BOOL = [("input", 0), ("input", 1), ("less", 0, 1)]
BAD_EVALS = [
    # (nodes, inputs, out, dtype)
    (P2, lambda: [np.ones(4, np.int64), 1.0], None, None),  # input dtypes
    (P2, lambda: [np.ones(4, np.float16), 1.0], None, None),
    (P2, lambda: [np.ones(4, ">f8"), 1.0], None, None),
    (P2, lambda: [np.ones(4, np.float32), 1.0], None, None),
    (P2, lambda: [np.ones(4), 1.0], None, "float32"),
    (P2, lambda: [np.ones(4, bool), 1.0], None, None),
    (P2, lambda: [np.ones(4, complex), 1.0], None, None),
    (P2, lambda: [np.ones(4, object), 1.0], None, None),
    (P2, lambda: [np.ones(4, np.longdouble), 1.0], None, None),
    (P2, lambda: [np.ones(8)[::2], 1.0], None, None),  # layout
    (P2, lambda: [np.ones((4, 3)).T, 1.0], None, None),
    (P2, lambda: [np.ones((4, 3), order="F"), 1.0], None, None),
    (P2, lambda: [unaligned(4), 1.0], None, None),
    (P2, lambda: [np.ma.masked_array(np.ones(4)), 1.0], None, None),  # subclasses
    (P2, lambda: [matrix(np.ones(4)), 1.0], None, None),
    (P2, lambda: [np.ones(4), np.ones(5)], None, None),  # shapes
    (P2, lambda: [np.ones(4), np.ones((4, 1))], None, None),
    (P2, lambda: [np.ones(4), np.ones(())], None, None),
    (P2, lambda: [np.ones(4), "1.0"], None, None),  # not numbers
    (P2, lambda: [np.ones(4), None], None, None),
    (P2, lambda: [np.ones(4), 1j], None, None),
    (P2, lambda: [np.ones(4), np.complex128(1)], None, None),
    (P2, lambda: [np.ones(4), np.bool_(True)], None, None),
    (P2, lambda: [np.ones(4), [1.0, 2.0, 3.0, 4.0]], None, None),
    (P2, lambda: [np.ones(4), 10**400], None, None),
    (P2, lambda: [np.ones(4)], None, None),  # input count
    (P2, lambda: [np.ones(4), 1.0, 1.0], None, None),
    (P2, lambda: [], None, None),
    (P2, lambda: np.ones(4), None, None),
    (P2, lambda: 5, None, None),
    (P2, lambda: None, None, None),
    (P2, lambda: [np.ones(4), 1.0], lambda: read_only(4), None),  # out
    (P2, lambda: [np.ones(4), 1.0], lambda: np.empty(4, np.float32), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.empty(4, bool), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.empty(5), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.empty((4, 1)), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.empty(8)[::2], None),
    (P2, lambda: [np.ones(4), 1.0], lambda: unaligned(4), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.ma.masked_array(np.empty(4)), None),
    (P2, lambda: [np.ones(4), 1.0], lambda: [0.0] * 4, None),
    (P2, lambda: [np.ones(4), 1.0], lambda: 0.0, None),
    (P2, lambda: [np.ones(4), 1.0], lambda: np.frombuffer(bytes(32)), None),
    (P2, lambda: [1.0, 1.0], lambda: np.empty(4, np.float32), None),
    (P2_BOOL, lambda: [np.ones(4), 1.0], lambda: np.empty(4), None),
    (P2_BOOL, lambda: [np.ones(4), 1.0], lambda: read_only(4, bool), None),
    (P2, lambda: [np.ones(4), 1.0], None, "int64"),  # dtype
    (P2, lambda: [np.ones(4), 1.0], None, "float16"),
    (P2, lambda: [np.ones(4), 1.0], None, "complex128"),
    (P2, lambda: [np.ones(4), 1.0], None, object()),
    (P2, lambda: [np.ones(4), 1.0], None, 5),
]


@pytest.mark.parametrize(("nodes", "inputs", "out", "dtype"), BAD_EVALS)
def test_bad_evals_raise(nodes: Any, inputs: Any, out: Any, dtype: Any) -> None:
    p = FusedProgram(nodes, 2)
    args = inputs()
    with pytest.raises((ValueError, TypeError)):
        p.eval(args, out=None if out is None else out(), dtype=dtype)
    # The failed call left no array borrowed: a plain input can be written now.
    for a in args if isinstance(args, list) else []:
        if type(a) is np.ndarray and a.dtype == np.float64 and a.shape == (4,):
            if a.flags.c_contiguous and a.flags.aligned and a.flags.writeable:
                assert FusedProgram(P2, 2).eval([a, 1.0], out=a) is a


def test_errors_then_overlapping_out_still_works() -> None:
    x = np.arange(4.0)
    p = FusedProgram(P2, 2)
    with pytest.raises(ValueError, match="read-only"):
        p.eval([x, 1.0], out=read_only(4))
    with pytest.raises(ValueError, match="shape"):
        p.eval([x, np.ones(3)])
    assert_same(p.eval([x, x], out=x), np.arange(4.0) * 2)


# ---- pickling -------------------------------------------------------------------------

PICKLE_PROGRAMS = [
    (BIG_NODES, 3),
    ([("input", 0), ("const", np.nan), ("const", -0.0), ("where", 0, 1, 2)], 1),
    ([("input", 0), ("const", 1.0), ("const", 2.0), ("less", 1, 2)], 1),  # folded truth value
    ([("input", 0), ("powi", 0, -3), ("arctan2", 1, 0), ("isfinite", 2)], 1),
]


def program_inputs(n_inputs: int) -> list[Any]:
    x = values(np.float64)
    return [x, x[::-1].copy(), 2.5][:n_inputs]


@pytest.mark.parametrize(("nodes", "n_inputs"), PICKLE_PROGRAMS)
def test_pickle_round_trip(nodes: Any, n_inputs: int) -> None:
    p = FusedProgram(nodes, n_inputs)
    args = program_inputs(n_inputs)
    copies = [pickle.loads(pickle.dumps(p, protocol=k)) for k in range(pickle.HIGHEST_PROTOCOL + 1)]
    for q in [*copies, copy.copy(p), copy.deepcopy(p)]:
        assert type(q) is FusedProgram
        assert repr(q) == repr(p)
        assert (q.n_nodes, q.n_inputs, q.is_boolean) == (p.n_nodes, p.n_inputs, p.is_boolean)
        assert_same(q.eval(args), p.eval(args))


def test_pickle_into_a_spawned_process() -> None:
    programs = [FusedProgram(nodes, n) for nodes, n in PICKLE_PROGRAMS]
    calls = [(operator.methodcaller("eval", program_inputs(p.n_inputs)), p) for p in programs]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        results = [pool.apply_async(f, (p,)) for f, p in calls]
        back = pool.apply_async(operator.itemgetter(0), (programs,))  # there and back
        got = [r.get(timeout=60) for r in results]
        returned = back.get(timeout=60)
    for (f, p), g in zip(calls, got, strict=True):
        assert_same(g, f(p))
    assert_same(returned.eval(program_inputs(3)), programs[0].eval(program_inputs(3)))


# ---- processes and threads ------------------------------------------------------------


def test_fork_after_threads_started() -> None:
    p = FusedProgram(BIG_NODES, 3)
    rng = np.random.default_rng(11)
    x, y = rng.uniform(-300, 300, (2, 1_000_000))
    ref = p.eval([x, y, 2.5])  # large: rayon's threads run in this process
    assert_same(ref, big_ref(x, y, np.float64(2.5)))
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(operator.methodcaller("eval", [x, y, 2.5]), (p,)).get(timeout=60)
    assert_same(got, ref)
    assert_same(p.eval([x, y, 2.5]), ref)  # and the parent still uses its threads


def test_threads_evaluate_concurrently() -> None:
    p = FusedProgram(BIG_NODES, 3)
    q = FusedProgram(P2_BOOL, 2)
    sizes = [100, 16_385, 40_000, 250_000, 513, 100_003, 70_000, 1]
    assert len(sizes) >= N_THREADS
    rng = np.random.default_rng(12)
    data = [rng.uniform(-300, 300, (2, n)) for n in sizes[:N_THREADS]]
    shared = rng.uniform(-300, 300, 200_000)
    shared_ref = big_ref(shared, -shared, np.float64(1.5))
    refs = [big_ref(x, y, np.float64(i + 0.5)) for i, (x, y) in enumerate(data)]

    def work(i: int) -> list[bool]:
        x, y = data[i]
        ok = []
        out = np.empty_like(shared)
        for _ in range(5):
            ok.append(np.array_equal(p.eval([x, y, i + 0.5]), refs[i], equal_nan=True))
            ok.append(np.array_equal(q.eval([x, y]), x < y))
            # One input array read by every thread at once.
            p.eval([shared, -shared, 1.5], out=out)
            ok.append(np.array_equal(out, shared_ref, equal_nan=True))
        return ok

    results = run_in_threads(work)
    assert [all(r) for r in results] == [True] * N_THREADS


# ---- random programs ------------------------------------------------------------------

CONSTS = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 3.0, 0.1, np.inf, np.nan]),
    st.floats(-1e6, 1e6),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def programs(draw: Any, unary: list[str], binary: list[str]) -> tuple[list[tuple], int]:
    n_inputs = draw(st.integers(1, 3))
    nodes: list[tuple] = [("input", k) for k in range(n_inputs)]
    kinds = ["unary", "binary", "binary", "binary", "const"]
    kinds += ["affine", "powi", "where"] if len(binary) > 4 else []
    for _ in range(draw(st.integers(1, 14))):
        i = len(nodes)
        # The first operand one of the last two nodes, so that the result uses most of
        # the program; the others any earlier node.
        recent, pick = st.integers(max(0, i - 2), i - 1), st.integers(0, i - 1)
        kind = draw(st.sampled_from(kinds))
        if kind == "unary":
            nodes.append((draw(st.sampled_from(unary)), draw(recent)))
        elif kind == "binary":
            a, b = draw(recent), draw(pick)
            nodes.append(
                (draw(st.sampled_from(binary)), *((b, a) if draw(st.booleans()) else (a, b)))
            )
        elif kind == "const":  # a constant and an operation with it
            nodes.append(("const", draw(CONSTS)))
            pair = (i - 1, i) if draw(st.booleans()) else (i, i - 1)
            nodes.append((draw(st.sampled_from(binary)), *pair))
        elif kind == "affine":
            nodes.append(("affine", draw(recent), draw(CONSTS), draw(CONSTS)))
        elif kind == "powi":
            nodes.append(("powi", draw(recent), draw(st.integers(-4, 6))))
        else:
            nodes.append(("where", draw(pick), draw(recent), draw(pick)))
    return nodes, n_inputs


def reference(nodes: list[tuple], inputs: list[Any], dtype: Any, libm: bool) -> tuple[Any, bool]:
    """The program step by step in NumPy: nodes of constants only in float64 (the
    program folds them so), the others in `dtype`. With `libm`, the libm operations
    are each a one-node program (checked against NumPy above)."""
    f = dtype
    vals: list[tuple[Any, bool, bool]] = []  # value, constant only, truth value
    for node in nodes:
        op, *args = node
        if op == "input":
            v = inputs[args[0]]
            vals.append((v if isinstance(v, np.ndarray) else f(v), False, False))
            continue
        if op == "const":
            vals.append((np.float64(args[0]), True, False))
            continue
        operands = args[:1] if op in ("affine", "powi") else args
        const = all(vals[a][1] for a in operands)
        ft = np.float64 if const else f

        def arg(a: int, ft: Any = ft) -> Any:
            v = vals[a][0]
            return v if isinstance(v, np.ndarray) else ft(v)

        boolean = False
        with np.errstate(all="ignore"):
            if op == "affine":
                s, o = ft(args[1]), ft(args[2])
                v = arg(args[0]) * s + o if args[2] != 0 else arg(args[0]) * s
            elif op == "powi":
                v = powi_ref(arg(args[0]), args[1])
            elif op == "where":
                c, a, b = (arg(k) for k in args)
                v = np.where(c != 0, a, b) if not const else (a if c != 0 else b)
                boolean = vals[args[1]][2] and vals[args[2]][2]
            elif op in LIBM_UNARY + LIBM_BINARY and libm:
                one = FusedProgram(
                    [("input", k) for k in range(len(args))] + [(op, *range(len(args)))],
                    len(args),
                )
                v = one.eval([arg(a) for a in args], dtype=ft)
                v = v if v.ndim else ft(v[()])
            else:
                v = getattr(np, op)(*(arg(a) for a in args))
                boolean = op in BOOL_UNARY | BOOL_BINARY
                if boolean:
                    v = v.astype(ft) if isinstance(v, np.ndarray) else ft(v)
        if isinstance(v, np.ndarray) and v.ndim == 0:
            v = ft(v[()])
        vals.append((v, const, boolean))
    return vals[-1][0], vals[-1][2]


# About one value in twelve special (NaN, ±inf, ±0, ...).
INPUT_VALUES = np.concatenate([np.repeat(SPECIAL, 30), values(np.float64, n=3000, seed=9)])


@st.composite
def program_inputs_st(draw: Any, n_inputs: int, dtype: Any) -> list[Any]:
    n = draw(st.sampled_from([0, 1, 7, 511, 512, 513, 1500, 40_000]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inputs: list[Any] = []
    for _ in range(n_inputs):
        if draw(st.integers(0, 3)) == 0:
            inputs.append(float(rng.choice(INPUT_VALUES)))
        else:
            with np.errstate(all="ignore"):
                inputs.append(rng.choice(INPUT_VALUES, n).astype(dtype))
    return inputs


def check_random_program(data: Any, unary: list[str], binary: list[str], libm: bool) -> None:
    nodes, n_inputs = data.draw(programs(unary, binary))
    dtype = data.draw(st.sampled_from(DTYPES))
    inputs = data.draw(program_inputs_st(n_inputs, dtype))
    p = FusedProgram(nodes, n_inputs)
    assert p.n_nodes <= len(nodes)
    ref, boolean = reference(nodes, inputs, dtype, libm)
    assert p.is_boolean == boolean
    shape = next((a.shape for a in inputs if isinstance(a, np.ndarray)), ())
    with np.errstate(all="ignore"):
        ref = np.broadcast_to(ref != 0 if boolean else np.asarray(ref).astype(dtype), shape)
    assert_same(p.eval(inputs, dtype=dtype), ref)
    if shape:
        out = np.empty(shape, bool if boolean else dtype)
        p.eval(inputs, out=out, dtype=dtype)
        assert_same(out, ref)
    # Its simplified form, and a pickled copy, compute the same.
    # (Rebuilt from its nodes, a result simplified to a comparison is a truth value,
    # and a folded one is not.)
    rebuilt = FusedProgram(p.nodes, n_inputs).eval(inputs, dtype=dtype)
    assert_same(pickle.loads(pickle.dumps(p)).eval(inputs, dtype=dtype), ref)
    if rebuilt.dtype != ref.dtype:  # a truth value, or no longer one once folded
        ref = ref != 0 if rebuilt.dtype == bool else ref.astype(dtype)
    assert_same(rebuilt, ref)


ARITH = ["add", "subtract", "multiply", "divide"]


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_random_arithmetic_programs_match_numpy_exactly(data: Any) -> None:
    """+ - * / only: no fused multiply-add, so the same bits as NumPy."""
    check_random_program(data, ["negative"], ARITH, libm=False)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_exactly_rounded_programs_match_numpy_exactly(data: Any) -> None:
    """Every operation that is exactly rounded, with affine, powi and where."""
    check_random_program(data, sorted(EXACT_UNARY), sorted(EXACT_BINARY), libm=False)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_programs_with_libm_operations_match_one_by_one(data: Any) -> None:
    """With transcendental operations: each libm step as its own one-node program
    (compared with NumPy above); the fused result is bit for bit the same."""
    check_random_program(data, UNARY, BINARY, libm=True)
