"""DaskDimArray's method set (the design's names, DimArray's semantics) and
boolean-mask indexing with lazy masks: results and units equal the eager
DimArray's, nothing runs while building."""

import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
from dimtensor import DimArray
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError, OffsetUnitError, UnitStrippedError
from task_counter import CountTasks


@pytest.fixture
def velocity():
    rng = np.random.default_rng(4)
    v = rng.normal(0.0, 3.0, (30, 3))
    return v, DaskDimArray(da.from_array(v, chunks=(10, 3)), "m/s")


def test_the_design_example_runs_as_written(velocity) -> None:
    v, velocity_lazy = velocity
    with CountTasks() as counter:
        speed = (velocity_lazy**2).sum(axis=1).sqrt()
    assert counter.count == 0
    assert isinstance(speed, DaskDimArray) and speed.unit == dt.units.m / dt.units.s
    eager = (DimArray(v, "m/s") ** 2).sum(axis=1).sqrt()
    result = speed.compute()
    assert result.unit == eager.unit
    np.testing.assert_allclose(result._data, eager._data, rtol=1e-14)


def test_methods_match_dimarray(velocity) -> None:
    v, x = velocity
    eager = DimArray(v, "m/s")
    square = DaskDimArray(da.from_array(v[:3].copy(), chunks=3), "m/s")
    cases = {
        "sqrt": (lambda a: (a**2).sqrt(), lambda a: (a**2).sqrt()),
        "abs": (lambda a: a.abs(), np.abs),
        "dot": (lambda a: a.T.dot(a), lambda a: a.T.dot(a)),
        "matmul": (lambda a: a.T.matmul(a), lambda a: dt.matmul(a.T, a)),
        "norm": (lambda a: a.norm(), dt.norm),
        "norm(axis=1)": (lambda a: a.norm(axis=1), lambda a: dt.norm(a, axis=1)),
        "norm(ord=1, keepdims)": (
            lambda a: a.norm(ord=1, axis=0, keepdims=True),
            lambda a: dt.norm(a, ord=1, axis=0, keepdims=True),
        ),
        "sum": (lambda a: a.sum(axis=0), lambda a: a.sum(axis=0)),
        "mean": (lambda a: a.mean(), lambda a: a.mean()),
        "std": (lambda a: a.std(axis=1), lambda a: a.std(axis=1)),
        "var": (lambda a: a.var(), lambda a: a.var()),
        "min": (lambda a: a.min(axis=0), lambda a: a.min(axis=0)),
        "max": (lambda a: a.max(), lambda a: a.max()),
        "ptp": (lambda a: a.ptp(axis=0), lambda a: a.ptp(axis=0)),
        "cumsum": (lambda a: a.cumsum(axis=0), lambda a: a.cumsum(axis=0)),
    }
    for name, (lazy_fn, eager_fn) in cases.items():
        with CountTasks() as counter:
            lazy = lazy_fn(x)
        assert counter.count == 0, name
        assert isinstance(lazy, DaskDimArray), name
        expected = eager_fn(eager)
        got = lazy.compute()
        assert got.unit == expected.unit, name
        assert got.shape == expected.shape, name
        np.testing.assert_allclose(got._data, expected._data, rtol=1e-12, err_msg=name)
    assert (square @ square).unit == square.matmul(square).unit == dt.units.m**2 / dt.units.s**2


def test_method_unit_rules_fail_while_building(velocity) -> None:
    _, x = velocity
    t = DaskDimArray(np.full((4, 3), 20.0), "degC", chunks=2)
    with CountTasks() as counter:
        with pytest.raises(OffsetUnitError):
            t.norm()  # a norm adds up values: not on an offset scale
        with pytest.raises(OffsetUnitError):
            t.sqrt()
        with pytest.raises(OffsetUnitError):
            x.matmul(t.T)  # a product with a point on the Celsius scale
        with pytest.raises(DimensionError, match="add"):
            x.norm() + x.abs().sqrt()  # m/s + (m/s)^½
    assert counter.count == 0
    # sqrt of a unit whose exponent halves exactly; powers stay exact.
    assert DaskDimArray(np.ones(2), "m^3", chunks=1).sqrt().unit == dt.units.parse("m^(3/2)")


def test_to_dimarray_and_from_dimarray_round_trip() -> None:
    eager = DimArray(np.arange(12.0).reshape(3, 4), "kPa")
    lazy = DaskDimArray.from_dimarray(eager, chunks=2)
    assert lazy.unit == eager.unit and lazy.chunks == ((2, 1), (2, 2))
    back = lazy.to_dimarray()
    assert isinstance(back, DimArray) and back.unit == eager.unit
    np.testing.assert_array_equal(back._data, eager._data)


def test_boolean_mask_from_a_comparison_indexes_lazily() -> None:
    values = np.array([[1.0, 7.0, 3.0], [9.0, 5.5, 6.0]])
    x = DaskDimArray(values, "m", chunks=(1, 2))
    with CountTasks() as counter:
        mask = x > DimArray(5, "m")
        picked = x[mask]
        km = x.to("km")[x > DimArray(500, "cm")]  # the comparison converts
    assert counter.count == 0
    assert mask.dtype == np.bool_ and mask.is_dimensionless
    # Unknown chunk sizes, as dask's own boolean indexing gives.
    assert np.isnan(picked.shape[0])
    assert picked.unit == dt.units.m and km.unit == dt.units.km
    np.testing.assert_array_equal(picked.compute()._data, values[values > 5])
    np.testing.assert_allclose(km.compute()._data, values[values > 5] / 1000)
    # The selection goes on lazily, with units.
    total = (picked * DimArray(2.0, "s")).sum()
    assert total.unit == dt.units.m * dt.units.s
    np.testing.assert_allclose(total.compute()._data, 2 * values[values > 5].sum())
    # A mask along one axis, and an eager DimArray mask.
    rows = x[(x > DimArray(8, "m")).any(axis=1)]
    np.testing.assert_array_equal(rows.compute()._data, values[[1]])
    eager_mask = DimArray(values, "m") > DimArray(5, "m")
    np.testing.assert_array_equal(x[eager_mask].compute()._data, values[values > 5])


def test_masked_assignment_converts_and_a_dimensional_mask_is_refused() -> None:
    values = np.array([1.0, 7.0, 3.0, 9.0])
    x = DaskDimArray(values, "m", chunks=2)
    x[x > DimArray(5, "m")] = DimArray(0.001, "km")
    np.testing.assert_array_equal(x.compute()._data, [1.0, 1.0, 3.0, 1.0])
    with pytest.raises(UnitStrippedError, match="an index"):
        x[x]  # metres are not truth values
