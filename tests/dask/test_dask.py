"""DaskDimArray: laziness, build-time unit errors, graph size equal to raw
dask's, results and units after compute/persist, pickling."""

import pickle

import dask
import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
from dimtensor import DimArray
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError, OffsetUnitError
from task_counter import CountTasks, n_tasks


@pytest.fixture
def fields():
    rng = np.random.default_rng(1)
    p = rng.uniform(900, 1050, (40, 30))
    t = rng.uniform(-10, 35, (40, 30))
    return p, t


def test_wrapping_adds_no_task_and_no_layer(fields) -> None:
    raw = da.from_array(fields[0], chunks=10)
    q = DaskDimArray(raw, "hPa")
    assert q.__dask_graph__() is raw.__dask_graph__()
    assert q.__dask_layers__() == raw.__dask_layers__()


def test_density_graph_is_one_fused_task_per_chunk_and_correct(fields) -> None:
    p_np, t_np = fields
    p = DaskDimArray(da.from_array(p_np, chunks=10), "hPa")
    t = DaskDimArray(da.from_array(t_np, chunks=10), "degC")
    n = p.to("Pa") / (dt.constants.R * t.to("K"))
    raw = (da.from_array(p_np, chunks=10) * 100.0) / (
        8.314462618 * (da.from_array(t_np, chunks=10) + 273.15)
    )
    # The conversions, the product and the quotient are one fused task per
    # chunk (raw dask: one task per operation per chunk).
    chunks = n.data.npartitions
    assert n_tasks(n) == 3 * chunks  # two source arrays and the fused step
    assert n_tasks(raw) == 6 * chunks
    result = n.compute().to("mol/m^3")
    expected = p_np * 100 / (dt.constants.R.value * (t_np + 273.15))
    np.testing.assert_allclose(result.to_value(), expected, rtol=1e-12)


def test_unit_mistakes_fail_while_building_and_nothing_runs(fields) -> None:
    p = DaskDimArray(da.from_array(fields[0], chunks=10), "hPa")
    t = DaskDimArray(da.from_array(fields[1], chunks=10), "degC")
    with CountTasks() as counter:
        with pytest.raises(DimensionError, match="hPa"):
            p + t
        with pytest.raises(OffsetUnitError):
            t * 2
        with pytest.raises(DimensionError):
            np.exp(p)
        lazy = np.sqrt(p * p) + p.to("kPa")  # builds, does not run
    assert counter.count == 0
    assert isinstance(lazy, DaskDimArray) and lazy.unit == dt.units.hPa


def test_conversion_is_folded_into_the_operation(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    y = DaskDimArray(da.from_array(fields[1], chunks=10), "km")
    assert n_tasks(x + y) == n_tasks(x.data + y.data)
    np.testing.assert_allclose((x + y).compute().to_value(), fields[0] + fields[1] * 1000)


@pytest.mark.parametrize(
    "expr",
    [
        lambda v: np.sqrt((v**2).sum(axis=1)),
        lambda v: v.mean(axis=0),
        lambda v: (v * v).max(),
    ],
)
def test_task_counts_equal_raw_dask(expr, fields) -> None:
    v = DaskDimArray(da.from_array(fields[0], chunks=10), "m/s")
    raw = da.from_array(fields[0], chunks=10)
    assert n_tasks(expr(v)) == n_tasks(expr(raw))


def test_reductions_units_and_values(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    for name, unit in [("sum", "m"), ("mean", "m"), ("std", "m"), ("var", "m^2"), ("max", "m")]:
        r = getattr(x, name)()
        assert r.unit == dt.units.parse(unit)
        np.testing.assert_allclose(r.compute().to_value(), getattr(fields[0], name)())
    assert x.sum().compute().ndim == 0
    t = DaskDimArray(da.from_array(fields[1], chunks=10), "degC")
    assert t.mean().unit == dt.units.degC
    assert t.std().unit == dt.units.delta_degC
    with pytest.raises(OffsetUnitError):
        t.sum()


def test_compute_persist_and_dask_compute_of_several(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    y = x.to("km")
    a, b = dask.compute(x, y)
    assert isinstance(a, DimArray) and a.unit == dt.units.m and b.unit == dt.units.km
    np.testing.assert_allclose(b.to_value(), fields[0] / 1000)
    kept = y.persist()
    assert isinstance(kept, DaskDimArray) and kept.unit == dt.units.km
    np.testing.assert_allclose(kept.compute().to_value(), fields[0] / 1000)
    (optimized,) = dask.optimize(y)
    assert optimized.unit == dt.units.km


def test_mixing_with_dimarrays_numbers_and_comparisons(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    eager = DimArray(fields[1], "cm")
    for expr in (x + eager, eager + x):
        assert isinstance(expr, DaskDimArray)
    np.testing.assert_allclose((x + eager).compute().to_value(), fields[0] + fields[1] / 100)
    assert (x + 0).unit == dt.units.m
    assert (x == DaskDimArray(fields[0], "s", chunks=10)).compute().sum() == 0
    assert ((x < eager).compute() == (fields[0] < fields[1] / 100)).all()


def test_pickling_and_map_blocks(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    back = pickle.loads(pickle.dumps(x * 2))
    np.testing.assert_allclose(back.compute().to_value(), fields[0] * 2)
    doubled = x.map_blocks(lambda b: b * 2, unit="m")
    np.testing.assert_allclose(doubled.compute().to_value(), fields[0] * 2)
    assert doubled.unit == dt.units.m


def test_lazy_attribute_on_the_package() -> None:
    assert dt.DaskDimArray is DaskDimArray


def test_numpy_functions_stay_lazy_and_unknown_ones_refuse(fields) -> None:
    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    with CountTasks() as counter:
        lazy = [np.mean(x), np.sum(x), np.std(x), np.linalg.norm(x), np.transpose(x)]
    assert counter.count == 0
    assert all(isinstance(r, DaskDimArray) for r in lazy)
    assert [r.unit for r in lazy] == [dt.units.m] * 5
    np.testing.assert_allclose(np.mean(x).compute().to_value(), fields[0].mean())
    with pytest.raises(TypeError, match="magnitude"):
        np.sort(x)
    with pytest.raises(dt.errors.UnitStrippedError):
        np.asarray(x)
    np.testing.assert_allclose(np.asarray(DaskDimArray(fields[0], "%", chunks=10)), fields[0] / 100)


def test_joins_convert_to_the_first_unit(fields) -> None:
    from dimtensor.dask import concatenate, stack

    x = DaskDimArray(da.from_array(fields[0], chunks=10), "m")
    y = DaskDimArray(da.from_array(fields[1], chunks=10), "km")
    joined = concatenate([x, y])
    assert joined.unit == dt.units.m
    np.testing.assert_allclose(
        joined.compute().to_value(), np.concatenate([fields[0], fields[1] * 1000])
    )
    assert np.stack([y, x]).unit == dt.units.km
    assert stack([x, y], axis=1).shape == (40, 2, 30)
    with pytest.raises(DimensionError):
        concatenate([x, DaskDimArray(fields[0], "s", chunks=10)])
    with pytest.raises(ValueError):
        concatenate([])


def test_constructors_and_linear_algebra() -> None:
    from dimtensor.dask import dot

    assert DaskDimArray.zeros((3, 2), "K", chunks=1).compute().unit == dt.units.K
    assert DaskDimArray.ones(4, "Pa", chunks=2).sum().compute().to_value() == 4.0
    r = DaskDimArray.arange(0, 5, unit="s", chunks=2).compute()
    np.testing.assert_array_equal(r.to_value(), np.arange(5))
    lin = DaskDimArray.linspace(0, 1, 5, unit="m", chunks=2)
    np.testing.assert_allclose(lin.compute().to_value(), np.linspace(0, 1, 5))
    d = DaskDimArray.from_dimarray(DimArray([[1.0, 2.0], [3.0, 4.0]], "m"), chunks=1)
    assert (d @ d).unit == dt.units.m**2
    np.testing.assert_allclose((d @ d).compute().to_value(), [[7.0, 10.0], [15.0, 22.0]])
    assert (
        dot(d, DaskDimArray.from_array([1.0, 1.0], "s", chunks=1)).unit == dt.units.m * dt.units.s
    )
    v = dask.delayed(np.ones)(3)
    assert DaskDimArray.from_delayed(v, (3,), float, "N").compute().unit == dt.units.N


def test_dimarray_first_in_a_numpy_function_defers_to_the_lazy_operand() -> None:
    lazy = DaskDimArray(np.array([5.0, 7.0]), "m", chunks=1)
    joined = np.concatenate([DimArray([1.0], "km"), lazy])
    assert isinstance(joined, DaskDimArray) and joined.unit == dt.units.km
    np.testing.assert_allclose(joined.compute().to_value("km"), [1.0, 0.005, 0.007])
    clipped = np.clip(DimArray([1.0, 2000.0], "m"), DaskDimArray(np.array([0.5]), "cm"), None)
    assert isinstance(clipped, DaskDimArray)
    np.testing.assert_allclose(clipped.compute().to_value("m"), [1.0, 2000.0])


def test_isin_converts_and_is_all_false_across_dimensions() -> None:
    lazy = DaskDimArray(np.array([1.0, 2000.0]), "m", chunks=1)
    assert np.isin(lazy, DimArray([2.0], "km")).compute().tolist() == [False, True]
    assert np.isin(lazy, DimArray([1.0], "s")).compute().tolist() == [False, False]
    assert np.isin(lazy, DimArray([1.0], "s"), invert=True).compute().tolist() == [True, True]
