"""Fused expressions: dimtensor.fused (eager) and DaskDimArray chains (one
task per chunk) give the unfused results, with the same units and errors."""

import dask
import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
from dimtensor import DimArray, constants, fused
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError
from hypothesis import given, settings
from hypothesis import strategies as st
from task_counter import CountTasks

RNG = np.random.default_rng(3)


def close(a: DimArray, b: DimArray) -> None:
    assert a.unit == b.unit
    assert a.dtype == b.dtype
    np.testing.assert_allclose(a._data, b._data, rtol=1e-12, atol=0, equal_nan=True)


# ---- eager ------------------------------------------------------------------------------


def density(p, t):
    return p.to("Pa") / (constants.R * t.to("K"))


def test_fused_density_equals_unfused() -> None:
    p = DimArray(RNG.uniform(900, 1050, 100_000), "hPa")
    t = DimArray(RNG.uniform(-10, 35, 100_000), "degC")
    close(fused(density)(p, t), density(p, t))


def test_traced_once_per_signature() -> None:
    calls = []

    @fused
    def f(a, b):
        calls.append(1)
        return a * 2.0 + b

    a, b = DimArray(np.ones(10), "m"), DimArray(np.ones(10), "km")
    for _ in range(3):
        f(a, b)
    assert len(calls) == 1
    f(DimArray(np.ones(10), "cm"), b)  # another unit: traced again
    assert len(calls) == 2
    f(DimArray(np.ones(5), "m"), DimArray(np.ones(5), "km"))  # another shape
    assert len(calls) == 3


def test_unit_errors_are_the_unfused_ones() -> None:
    f = fused(lambda a, b: a + b)
    with pytest.raises(DimensionError, match="'s'"):
        f(DimArray(np.ones(4), "m"), DimArray(np.ones(4), "s"))
    with pytest.raises(DimensionError):
        fused(np.exp)(DimArray(np.ones(4), "m"))


def test_out_and_float32_and_truth_values() -> None:
    a = DimArray(RNG.random(1000).astype(np.float32), "m")
    b = DimArray(RNG.random(1000).astype(np.float32), "km")
    f = fused(lambda a, b: a - b)
    r = f(a, b)
    assert r.dtype == np.float32
    np.testing.assert_allclose(r._data, (a - b)._data, rtol=1e-6)
    out = DimArray(np.empty(1000, dtype=np.float32), "m")
    assert f(a, b, out=out) is out
    np.testing.assert_allclose(out._data, r._data)
    g = fused(lambda a, b: (a > b) & (a < 2 * b))
    mask = g(a, b)
    assert mask.dtype == np.bool_ and mask.is_dimensionless
    np.testing.assert_array_equal(mask._data, ((a > b) & (a < 2 * b))._data)


def test_where_clip_and_numpy_functions() -> None:
    x = DimArray(RNG.normal(0, 10, 5000), "degC")
    lim = DimArray(0.0, "degC")

    def f(x):
        k = x.to("K")
        return np.where(x > lim, np.sqrt(k), np.clip(k, DimArray(270.0, "K"), None) ** 0.5)

    close(fused(f)(x), f(x))


def test_non_elementwise_operations_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match="not elementwise"):
        fused(lambda a: np.sum(a))(DimArray(np.ones(3), "m"))


def test_broadcasting_and_other_dtypes_run_unfused() -> None:
    f = fused(lambda a, b: a + b)
    a, b = DimArray(np.ones((3, 4)), "m"), DimArray(np.ones(4), "km")
    close(f(a, b), a + b)
    i = DimArray(np.arange(4), "m")
    np.testing.assert_array_equal(f(i, i)._data, (i + i)._data)


UNITS = ["m", "km", "cm", "ft"]
OPS = ["add", "subtract", "multiply", "divide", "maximum", "where", "sqrt", "neg", "scale"]


@st.composite
def expressions(draw):
    """A random expression over three arrays in random length units."""
    n = draw(st.integers(1, 9000))
    units_ = [draw(st.sampled_from(UNITS)) for _ in range(3)]
    steps = draw(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 2)), min_size=1))
    return n, units_, steps[:8]


def build(steps):
    def f(a, b, c):
        x, others = a, (a, b, c)
        for op, k in steps:
            y = others[k]
            if op == "add":
                x = x + y.to(x.unit) if x.unit.dimension == y.unit.dimension else x * y
            elif op == "subtract":
                x = x - y if x.unit.dimension == y.unit.dimension else x / y
            elif op == "multiply":
                x = x * y
            elif op == "divide":
                x = x / (abs(y) + DimArray(1.0, y.unit))
            elif op == "maximum":
                x = np.maximum(x, y) if x.unit.dimension == y.unit.dimension else x * 2.0
            elif op == "where":
                x = np.where(x > x * 0.5, x, -x)
            elif op == "sqrt":
                x = np.sqrt(abs(x))
            elif op == "neg":
                x = -x
            elif op == "scale":
                x = x * 3.5 + x
        return x

    return f


@settings(max_examples=60, deadline=None)
@given(expressions())
def test_random_expressions_equal_the_unfused_path(case) -> None:
    n, units_, steps = case
    rng = np.random.default_rng(n)
    args = [DimArray(rng.uniform(0.5, 2.0, n), u) for u in units_]
    f = build(steps)
    expected = f(*args)
    got = fused(f)(*args)
    assert got.unit == expected.unit
    np.testing.assert_allclose(got._data, expected._data, rtol=1e-12)


# ---- Dask: one task per chunk -------------------------------------------------------


def n_tasks(x) -> int:
    return len(dict(x.__dask_graph__()))


@pytest.fixture
def fields():
    p = da.from_array(RNG.uniform(900, 1050, (40, 30)), chunks=10).persist()
    t = da.from_array(RNG.uniform(-10, 35, (40, 30)), chunks=10).persist()
    return p, t


def test_dask_chain_is_one_task_per_chunk(fields) -> None:
    p_raw, t_raw = fields
    p, t = DaskDimArray(p_raw, "hPa"), DaskDimArray(t_raw, "degC")
    counter = CountTasks()
    with counter:
        n = p.to("Pa") / (constants.R * t.to("K"))
        n = np.sqrt(n * n) + n * 0.0
    assert counter.count == 0
    chunks = p_raw.npartitions
    assert n_tasks(n) == n_tasks(p_raw) + n_tasks(t_raw) + chunks
    layers = n.__dask_graph__().layers
    assert len(layers) == 3  # two persisted inputs and the fused layer
    expected = density(DimArray(p_raw.compute(), "hPa"), DimArray(t_raw.compute(), "degC"))
    for scheduler in ("threads", "sync"):
        close(n.compute(scheduler=scheduler), expected)
    (via_dask,) = dask.compute(n)  # dask's own path (materialised layer)
    close(via_dask, expected)


def test_dask_chain_stops_at_non_elementwise_and_other_chunks(fields) -> None:
    p_raw, _ = fields
    p = DaskDimArray(p_raw, "hPa")
    s = (p * 2.0).sum(axis=0)  # the chain becomes a layer, then dask's reduction
    np.testing.assert_allclose(s.compute()._data, (p_raw * 2.0).sum(axis=0).compute())
    q = DaskDimArray(p_raw.rechunk(20), "hPa")
    mixed = p + q  # other chunks: dask's own elementwise step
    np.testing.assert_allclose(mixed.compute()._data, (p_raw * 2).compute())


def test_dask_truth_values_and_float32(fields) -> None:
    p_raw, t_raw = fields
    p = DaskDimArray(p_raw.astype(np.float32), "hPa")
    t = DaskDimArray(t_raw.astype(np.float32), "degC")
    r = p.to("kPa") * 2.0
    assert r.dtype == np.float32
    assert r.compute().dtype == np.float32
    m = (t > DimArray(280.0, "K")) & (p < DimArray(1.0, "bar"))
    assert m.dtype == np.bool_
    expected = (t_raw.compute() + 273.15 > 280.0) & (p_raw.compute() < 1000.0)
    np.testing.assert_array_equal(m.compute()._data, expected)


def test_fused_dask_array_pickles_and_persists(fields) -> None:
    import pickle

    p_raw, t_raw = fields
    n = DaskDimArray(p_raw, "hPa").to("Pa") / DaskDimArray(t_raw, "K")
    again = pickle.loads(pickle.dumps(n))
    close(again.compute(), n.compute())
    close(n.persist().compute(), n.compute())
    assert dt.units.parse("Pa/K") == n.unit
