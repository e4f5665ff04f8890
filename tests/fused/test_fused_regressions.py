"""Regressions of fused expressions (issue 10), each in the user's words:
fused functions read what they depend on at call time, keep complex values,
tell -0.0 from 0.0, keep 0-d shapes, are safe from several threads, take
number arguments as program inputs; and 10 000 chained operations work, lazy
and eager (nothing walks an expression recursively)."""

from __future__ import annotations

import pickle
import sys
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import dask
import numpy as np
import pytest
from dimtensor import DimArray, Unit, fused
from dimtensor._core import FusedProgram
from dimtensor._fused import BINARY, BOOLEAN, CHAIN_LIMIT, UNARY
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError
from hypothesis import given, settings
from hypothesis import strategies as st
from thread_harness import fast_switching

RNG = np.random.default_rng(10)


def m(values, unit="m"):
    return DimArray(np.asarray(values, dtype=float), unit)


def same(got: DimArray, expected: DimArray) -> None:
    """Same unit, dtype, shape and bits (signed zeros and NaNs included)."""
    assert got.unit == expected.unit and str(got.unit) == str(expected.unit)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    if got.dtype.kind == "f":
        np.testing.assert_array_equal(np.signbit(got._data), np.signbit(expected._data))
    np.testing.assert_allclose(got._data, expected._data, rtol=1e-13, atol=0, equal_nan=True)


# ---- constants that are not arguments are read at call time ----------------------

SCALE = 2.0
OFFSET = DimArray(1.0, "m")
config = types.SimpleNamespace(factor=3.0)
TABLE = {"k": 4.0}


def scaled(a):
    return a * SCALE + OFFSET


def test_fused_reads_a_rebound_global_at_call_time() -> None:
    global SCALE, OFFSET
    f = fused(scaled)
    a = m([1.0, 2.0])
    same(f(a), scaled(a))
    SCALE = 5.0
    same(f(a), m([6.0, 11.0]))
    OFFSET = DimArray(1.0, "km")  # another constant, another conversion
    same(f(a), m([1005.0, 1010.0]))
    SCALE, OFFSET = 2.0, DimArray(1.0, "m")
    same(f(a), m([3.0, 5.0]))


def test_fused_reads_attributes_and_items_of_globals_at_call_time() -> None:
    f = fused(lambda a: a * config.factor + a * TABLE["k"])
    a = m([1.0, 2.0])
    same(f(a), m([7.0, 14.0]))
    config.factor = 10.0
    TABLE["k"] = -1.0
    try:
        same(f(a), m([9.0, 18.0]))
    finally:
        config.factor, TABLE["k"] = 3.0, 4.0


def test_fused_reads_a_rebound_closure_variable_and_default_at_call_time() -> None:
    k = 2.0
    ones = m([1.0, 1.0])

    def g(a, b=ones):
        return a * k + b

    f = fused(g)
    a = m([1.0, 2.0])
    same(f(a), m([3.0, 5.0]))
    k = 3.0
    same(f(a), m([4.0, 7.0]))
    g.__defaults__ = (m([0.5, 0.5]),)
    same(f(a), m([3.5, 6.5]))


HELPER_FACTOR = 2.0


def helper(a):
    return a * HELPER_FACTOR


def test_fused_reads_a_global_of_a_helper_function_at_call_time() -> None:
    global HELPER_FACTOR
    f = fused(lambda a: helper(a) + a)
    a = m([1.0, 2.0])
    same(f(a), m([3.0, 6.0]))
    HELPER_FACTOR = 4.0
    try:
        same(f(a), m([5.0, 10.0]))
    finally:
        HELPER_FACTOR = 2.0


def test_fused_function_calling_a_fused_function_is_one_trace() -> None:
    inner = fused(lambda a, b: a * b)
    outer = fused(lambda a, b: inner(a, b) + a * a)
    a, b = m([1.0, 2.0]), m([3.0, 4.0])
    same(outer(a, b), a * b + a * a)


# ---- complex numbers --------------------------------------------------------------

COMPLEX = DimArray(np.complex128(1 + 2j), "m")


def test_fused_complex_constant_keeps_its_imaginary_part() -> None:
    a = m([1.0, 2.0])
    for fn in (
        lambda a: a * (1 + 2j),
        lambda a: a + COMPLEX,
        lambda a: a * np.complex64(2j) + a,
    ):
        expected = fn(a)
        got = fused(fn)(a)
        assert got.dtype.kind == "c"
        same(got, expected)
    # a complex argument runs as written too
    f = fused(lambda a, z: a * z)
    same(f(a, 1 - 1j), a * (1 - 1j))
    same(f(a, 2.0), a * 2.0)  # and a real one afterwards is fused again


def test_fused_complex_constant_swallowed_by_user_code_still_runs_as_written() -> None:
    def g(a):
        try:
            return a * (3 + 1j)
        except Exception:
            return a * 3.0  # would drop the imaginary part

    same(fused(g)(m([1.0])), DimArray(np.array([3 + 1j]), "m"))


# ---- signed zeros, NaN ---------------------------------------------------------------


def test_fused_minus_zero_does_not_reuse_the_program_traced_for_zero() -> None:
    f = fused(lambda a, z: a / z)
    a = m([1.0, -2.0])
    same(f(a, 0.0), m([np.inf, -np.inf]))
    same(f(a, -0.0), m([-np.inf, np.inf]))
    g = fused(lambda a, z: a * z)
    same(g(a, 0.0), a * 0.0)
    same(g(a, -0.0), a * -0.0)
    same(g(a, 0), a * 0)


def test_fused_nan_argument_is_traced_once() -> None:
    calls = []

    @fused
    def f(a, z):
        calls.append(1)
        return a + z  # nan meets any unit

    a = m([1.0, 2.0])
    for _ in range(5):
        same(f(a, float("nan")), m([np.nan, np.nan]))
    assert len(calls) == 1


def test_lazy_minus_zero_does_not_reuse_the_program_for_zero() -> None:
    x = DaskDimArray(m([1.0, -2.0, 3.0, -4.0]), chunks=2)
    for scheduler in ("sync", "threads"):
        same((x * 0.0).compute(scheduler=scheduler), m([1.0, -2.0, 3.0, -4.0]) * 0.0)
        same((x * -0.0).compute(scheduler=scheduler), m([1.0, -2.0, 3.0, -4.0]) * -0.0)
    (got,) = dask.compute(x * -0.0)
    same(got, m([-0.0, 0.0, -0.0, 0.0]))


# ---- shapes ------------------------------------------------------------------------


def test_fused_zero_d_inputs_come_back_zero_d() -> None:
    a, b = DimArray(np.float64(3.0), "m"), DimArray(np.float64(2.0), "km")
    f = fused(lambda a, b, s: (a + b) * s)
    r = f(a, b, 2.0)
    assert r.shape == ()
    same(r, (a + b) * 2.0)
    out = DimArray(np.empty(()), "m")
    assert f(a, b, 2.0, out=out) is out and out.shape == ()
    same(out, (a + b) * 2.0)
    x = DaskDimArray(a)
    assert ((x + x) * 2.0).compute().shape == ()


# ---- threads -----------------------------------------------------------------------


def test_fused_trace_cache_is_safe_from_four_threads() -> None:
    f = fused(lambda a, b: a * 2.0 + b)
    units = ["m", "km", "cm", "mm", "ft", "inch", "mi", "nmi"]

    def work(i: int) -> int:
        done = 0
        for j in range(40):  # more signatures than the cache keeps
            n = 1 + (i * 40 + j) % 90
            a = DimArray(np.full(n, float(j)), units[(i + j) % len(units)])
            b = DimArray(np.ones(n), "m")
            same(f(a, b), a * 2.0 + b)
            done += 1
        return done

    barrier = threading.Barrier(4)

    def start(i: int) -> int:
        barrier.wait()
        return work(i)

    for _ in range(10):  # (the unlocked cache failed about one round in three)
        with fast_switching(), ThreadPoolExecutor(4) as pool:
            assert list(pool.map(start, range(4))) == [40] * 4


# ---- number arguments are program inputs ------------------------------------------------


def test_fused_scalar_argument_changing_each_call_is_traced_once() -> None:
    calls = []

    @fused
    def f(a, s, t):
        calls.append(1)
        return np.where(a > t, a * s, -a) + t

    a = DimArray(RNG.uniform(0, 2, 1000))
    for k in range(1, 30):
        s, t = k / 7, float(k % 3 + 1) / 2
        same(f(a, s, t), np.where(a > t, a * s, -a) + t)
    assert len(calls) == 1
    same(f(a, 2, 1), np.where(a > 1, a * 2, -a) + 1)  # ints: another signature
    assert len(calls) == 2
    f32 = DimArray(RNG.uniform(0, 2, 100).astype(np.float32))
    r = f(f32, 0.1, 0.3)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r._data, (np.where(f32 > 0.3, f32 * 0.1, -f32) + 0.3)._data)


def test_fused_scalar_used_as_a_value_is_traced_per_value() -> None:
    calls = []

    def g(a, n, x):
        y = a**n  # the exponent decides the unit
        for _ in range(int(x)):  # a loop over the value
            y = y * 2.0
        if x > 2:  # a branch on the value
            y = -y
        return y * (x * 10)  # arithmetic with numbers

    @fused
    def f(a, n, x):
        calls.append(1)
        return g(a, n, x)

    a = m([1.0, 2.0])
    for n, x in [(2, 1.0), (3, 1.0), (2, 3.0), (2, 1.0), (3, 3.0)]:
        same(f(a, n, x), g(a, n, x))
    assert f(a, 3, 3.0).unit == Unit("m^3")
    assert len(calls) == 4  # (2, 1.0) once


SCALAR_STEPS = ["mul", "rdiv", "where", "pow", "branch", "python", "add", "max", "loop"]


def scalar_steps(steps):
    def f(a, s):
        x = a
        for op in steps:
            if op == "mul":
                x = x * s
            elif op == "rdiv":
                x = s / x
            elif op == "where":
                x = np.where(x > x * 0.5, x, s * x)
            elif op == "pow":
                x = (x / DimArray(1.0, x.unit)) ** s
            elif op == "branch":
                x = -x if s > 1 else x
            elif op == "python":
                x = x * (s * 2 + 1)
            elif op == "add":
                x = x / DimArray(1.0, x.unit) + s
            elif op == "max":
                x = np.maximum(x, x * s)
            elif op == "loop":
                for _ in range(int(abs(s)) % 3):
                    x = x + x
        return x

    return f


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(SCALAR_STEPS), min_size=1, max_size=6),
    st.lists(st.sampled_from([0.5, 1.5, 2.0, 2.5, -1.0, 0.0, -0.0, 3]), min_size=1, max_size=6),
    st.sampled_from(["m", "km", "%"]),
)
def test_fused_number_arguments_give_the_unfused_results(steps, values, unit) -> None:
    f = scalar_steps(steps)
    g = fused(f)
    a = DimArray(np.random.default_rng(len(steps)).uniform(0.5, 2.0, 300), unit)
    for v in values:  # one fused function, called with a sequence of values
        try:
            with np.errstate(all="ignore"):
                expected = f(a, v)
        except DimensionError:
            with pytest.raises(DimensionError):
                g(a, v)
            continue
        with np.errstate(all="ignore"):
            got = g(a, v)
        assert got.unit == expected.unit
        np.testing.assert_allclose(got._data, expected._data, rtol=1e-12, equal_nan=True)


def test_fused_scalar_isinstance_and_conversion_see_the_value() -> None:
    def g(a, x):
        if isinstance(x, int):
            return a * 100
        return a * x

    f = fused(g)
    a = m([1.0, 2.0])
    same(f(a, 3), a * 100)
    same(f(a, 3.0), a * 3.0)
    # A number converted into a unit of scale 1/100 (a percentage).
    p = DimArray(np.array([10.0, 20.0]), "%")
    h = fused(lambda p, x: p + x)
    for x in (0.5, 0.25):
        same(h(p, x), p + x)


def test_fused_zero_inf_nan_arguments_meet_any_unit_per_value() -> None:
    f = fused(lambda a, x: a + x)
    a = m([1.0, 2.0])
    same(f(a, 0.0), m([1.0, 2.0]))
    same(f(a, float("inf")), m([np.inf, np.inf]))
    with pytest.raises(DimensionError):
        f(a, 2.0)
    same(f(a, -0.0), a + -0.0)


# ---- the op list comes from the kernel --------------------------------------------------


def test_fused_operation_list_is_the_kernels() -> None:
    ops = FusedProgram.OPERATIONS
    assert {n for n, k, _ in ops if k == 1} == UNARY
    assert {n for n, k, _ in ops if k == 2} == BINARY
    assert {n for n, _, b in ops if b} == BOOLEAN
    for name, arity, truth in ops:
        nodes = [("input", i) for i in range(arity)] + [(name, *range(arity))]
        assert FusedProgram(nodes, arity).is_boolean == truth
        assert hasattr(np, name)


# ---- long chains ---------------------------------------------------------------------

N_CHAIN = 10_000


def chain(y, x):
    """10 000 elementwise operations, with a conversion every hundredth."""
    for i in range(N_CHAIN // 2):
        y = (y + x) * 0.5
        if i % 100 == 99:
            y = y.to("km").to("m")
    return y


def test_ten_thousand_chained_lazy_operations_build_compute_and_repr() -> None:
    values = RNG.uniform(1, 2, 40)
    x = DaskDimArray(DimArray(values, "m"), chunks=10)
    y = chain(x, x)  # builds
    assert "unit='m'" in repr(y)  # repr (materialises one layer)
    expected = chain(DimArray(values, "m"), DimArray(values, "m"))
    for scheduler in ("threads", "sync"):
        same(chain(x, x).compute(scheduler=scheduler), expected)
    (got,) = dask.compute(y)
    same(got, expected)
    # fused tasks of CHAIN_LIMIT operations each (a conversion pair is two)
    layers = (N_CHAIN + N_CHAIN // 100) // CHAIN_LIMIT + 2
    assert len(dict(y.__dask_graph__())) <= 4 * layers
    same(pickle.loads(pickle.dumps(y)).compute(), expected)
    # chains of comparisons, clipping and truth values
    z, t = x, x > 0.0
    for i in range(N_CHAIN // 4):
        z = np.minimum(np.maximum(z * 1.01, x * 0.5), x * 2.0)
        t = t & (z >= x) if i % 2 else t | (z < x)
    ez, et = DimArray(values, "m"), DimArray(values, "m") > 0.0
    for i in range(N_CHAIN // 4):
        ez = np.minimum(np.maximum(ez * 1.01, DimArray(values * 0.5, "m")), values * 2.0 * ez.unit)
        et = et & (ez >= DimArray(values, "m")) if i % 2 else et | (ez < DimArray(values, "m"))
    same(z.compute(), ez)
    np.testing.assert_array_equal(t.compute()._data, et._data)


def test_ten_thousand_operations_in_a_fused_function() -> None:
    a = DimArray(RNG.uniform(1, 2, 1000), "m")
    f = fused(lambda a: chain(a, a))
    same(f(a), chain(a, a))
    same(f(a), chain(a, a))  # cached


def test_long_chains_leave_the_recursion_limit_alone() -> None:
    # Building, compiling and computing never nest: a low limit is enough.
    limit = sys.getrecursionlimit()
    x = DaskDimArray(m(np.arange(8.0)), chunks=4)
    y = chain(x, x)
    sys.setrecursionlimit(200)
    try:
        got = y.compute(scheduler="sync")
        repr(y)
    finally:
        sys.setrecursionlimit(limit)
    same(got, chain(m(np.arange(8.0)), m(np.arange(8.0))))
