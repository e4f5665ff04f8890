"""DaskDimArray, continued: the lazy NumPy functions (values against NumPy,
units, task counts against raw dask, nothing run while building, unit
errors while building), ufunc methods and out=, the methods, and dask's
tooling (ProgressBar, clone/rename, the HTML repr, visualize)."""

import re
from typing import Any, NamedTuple

import dask
import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
from dask.diagnostics import ProgressBar
from dask.graph_manipulation import clone
from dimtensor import DimArray
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError, OffsetUnitError, UnitStrippedError
from task_counter import CountTasks, n_tasks


class Data(NamedTuple):
    X: Any  # 40×30 in m
    Y: Any  # 40×30 in m
    W: Any  # 40×30 in m, with NaNs
    V: Any  # 40 in m
    S: Any  # 20×20 symmetric positive definite, in Pa
    T: Any  # 40×5 (one column chunk), in m
    B: Any  # 40 (one chunk), in s


RNG = np.random.default_rng(7)
_A = RNG.uniform(1.0, 2.0, (40, 30))
_W = RNG.uniform(1.0, 2.0, (40, 30))
_W[RNG.random((40, 30)) < 0.1] = np.nan
_M = RNG.uniform(-1.0, 1.0, (20, 20))
NUMPY = Data(
    X=_A,
    Y=RNG.uniform(1.0, 2.0, (40, 30)),
    W=_W,
    V=RNG.uniform(1.0, 2.0, 40),
    S=_M @ _M.T + 20 * np.eye(20),
    T=RNG.uniform(1.0, 2.0, (40, 5)),
    B=RNG.uniform(1.0, 2.0, 40),
)
CHUNKS = Data(X=10, Y=10, W=10, V=10, S=10, T=(10, 5), B=40)
UNITS = Data(X="m", Y="m", W="m", V="m", S="Pa", T="m", B="s")


def raw_data() -> Data:
    return Data(*(da.from_array(a, chunks=c) for a, c in zip(NUMPY, CHUNKS, strict=True)))


def quantities() -> Data:
    return Data(*(DaskDimArray(r, u) for r, u in zip(raw_data(), UNITS, strict=True)))


def Q(value: Any, unit: str) -> DimArray:
    return DimArray(value, unit)


# (id, function on NumPy and raw dask data, function on quantities (None: the
# same), unit(s) of the result(s) (None: a plain result)[, function on raw dask
# data where dask cannot run the NumPy one])
CASES = [
    ("where", lambda d: np.where(d.X > d.Y, d.X, d.Y), None, "m"),
    ("where-0", lambda d: np.where(d.X > d.Y, d.X, 0), None, "m"),
    ("where-inf", lambda d: np.where(d.X > d.Y, -np.inf, d.Y), None, "m"),
    (
        "clip",
        lambda d: np.clip(d.X, 1.2, 1.8),
        lambda d: np.clip(d.X, Q(1.2, "m"), Q(1.8, "m")),
        "m",
    ),
    ("clip-min", lambda d: np.clip(d.X, 1.2, None), lambda d: np.clip(d.X, min=Q(1.2, "m")), "m"),
    ("clip-method", lambda d: np.clip(d.X, None, 1.5), lambda d: d.X.clip(max=Q(1.5, "m")), "m"),
    ("diff", lambda d: np.diff(d.X, axis=0), None, "m"),
    ("diff-n2", lambda d: np.diff(d.X, n=2, axis=1), None, "m"),
    ("diff-prepend", lambda d: np.diff(d.X, axis=0, prepend=0.0), None, "m"),
    ("gradient", lambda d: np.gradient(d.X), None, ("m", "m")),
    (
        "gradient-spacing",
        lambda d: np.gradient(d.X, 0.5, axis=1),
        lambda d: np.gradient(d.X, Q(0.5, "s"), axis=1),
        "m/s",
    ),
    ("percentile", lambda d: np.percentile(d.X, [10, 90], axis=0), None, "m"),
    ("quantile", lambda d: np.quantile(d.X, 0.5, axis=1), None, "m"),
    (
        "quantile-q-percent",
        lambda d: np.quantile(d.X, 0.25, axis=1),
        lambda d: np.quantile(d.X, Q(25, "%"), axis=1),
        "m",
    ),
    ("median", lambda d: np.median(d.X, axis=0), None, "m"),
    ("cumprod", lambda d: np.cumprod(d.X / d.Y, axis=0), None, ""),
    ("nansum", lambda d: np.nansum(d.W, axis=0), None, "m"),
    ("nanmean", lambda d: np.nanmean(d.W), None, "m"),
    ("nanstd", lambda d: np.nanstd(d.W, axis=1), None, "m"),
    ("nanvar", lambda d: np.nanvar(d.W), None, "m^2"),
    ("nanmin", lambda d: np.nanmin(d.W, axis=0), None, "m"),
    ("nanmax", lambda d: np.nanmax(d.W), None, "m"),
    ("nanprod", lambda d: np.nanprod(d.W / d.Y, axis=0), None, ""),
    ("nancumsum", lambda d: np.nancumsum(d.W, axis=1), None, "m"),
    ("nancumprod", lambda d: np.nancumprod(d.W / d.Y, axis=1), None, ""),
    ("nanargmin", lambda d: np.nanargmin(d.W, axis=0), None, None),
    ("nanargmax", lambda d: np.nanargmax(d.W, axis=1), None, None),
    ("nanmedian", lambda d: np.nanmedian(d.W, axis=0), None, "m"),
    ("nanpercentile", lambda d: np.nanpercentile(d.W, 75, axis=0), None, "m"),
    ("nanquantile", lambda d: np.nanquantile(d.W, 0.75, axis=1), None, "m"),
    ("ptp", lambda d: np.ptp(d.X, axis=0), None, "m"),
    ("any", lambda d: np.any(d.X, axis=0), None, None),
    ("all", lambda d: np.all(d.X), None, None),
    ("average", lambda d: np.average(d.X, axis=0), None, "m"),
    ("average-weights", lambda d: np.average(d.X, axis=1, weights=d.Y), None, "m"),
    (
        "average-returned",
        lambda d: np.average(d.X, axis=0, weights=d.Y, returned=True),
        None,
        ("m", "m"),
    ),
    ("abs", lambda d: np.abs(-d.X), None, "m"),
    ("round", lambda d: np.round(d.X, 2), None, "m"),
    ("around", lambda d: np.around(d.X, 1), None, "m"),
    ("squeeze", lambda d: np.squeeze(d.X[:1]), None, "m"),
    ("expand_dims", lambda d: np.expand_dims(d.X, 1), None, "m"),
    ("moveaxis", lambda d: np.moveaxis(d.X, 0, 1), None, "m"),
    ("swapaxes", lambda d: np.swapaxes(d.X, 0, 1), None, "m"),
    ("ravel", lambda d: np.ravel(d.X), None, "m"),
    ("broadcast_to", lambda d: np.broadcast_to(d.V, (3, 40)), None, "m"),
    ("flip", lambda d: np.flip(d.X, 0), None, "m"),
    ("roll", lambda d: np.roll(d.X, 3, axis=1), None, "m"),
    ("repeat", lambda d: np.repeat(d.X, 2, axis=0), None, "m"),
    ("tile", lambda d: np.tile(d.V, 2), None, "m"),
    ("take", lambda d: np.take(d.X, [0, 5, 39], axis=0), None, "m"),
    ("transpose", lambda d: np.transpose(d.X), None, "m"),
    ("triu", lambda d: np.triu(d.S), None, "Pa"),
    ("diagonal", lambda d: np.diagonal(d.S), None, "Pa"),
    ("trace", lambda d: np.trace(d.S), None, "Pa"),
    (
        "isclose",
        lambda d: np.isclose(d.X, d.Y, rtol=0.1, atol=0.0),
        lambda d: np.isclose(d.X, d.Y, rtol=0.1),  # atol is 0 for quantities
        None,
    ),
    (
        "isclose-atol",
        lambda d: np.isclose(d.X, d.Y, atol=0.1),
        lambda d: np.isclose(d.X, d.Y, atol=Q(10, "cm")),
        None,
    ),
    ("allclose", lambda d: np.allclose(d.X, d.X, atol=0.0), None, None),
    ("einsum", lambda d: np.einsum("ij,ij->i", d.X, d.Y), None, "m^2"),
    ("einsum-sublist", lambda d: np.einsum(d.X, [0, 1], d.Y, [0, 1], [0]), None, "m^2"),
    ("tensordot", lambda d: np.tensordot(d.X, d.Y, axes=([0], [0])), None, "m^2"),
    ("outer", lambda d: np.outer(d.V, d.B), None, "m*s"),
    ("dot", lambda d: np.dot(d.V, d.X), None, "m^2"),
    ("vdot", lambda d: np.vdot(d.V, d.V), None, "m^2"),
    ("inv", lambda d: np.linalg.inv(d.S), None, "1/Pa"),
    ("solve", lambda d: np.linalg.solve(d.S, d.V[:20]), None, "m/Pa"),
    ("qr-R", lambda d: np.linalg.qr(d.T)[1], None, "m"),
    ("svd-S", lambda d: np.linalg.svd(d.T, full_matrices=False)[1], None, "m"),
    ("lstsq", lambda d: np.linalg.lstsq(d.T, d.B)[0], None, "s/m"),
    ("norm", lambda d: np.linalg.norm(d.X, axis=0), None, "m"),
    ("norm-ord0", lambda d: np.linalg.norm(d.V, ord=0), None, ""),
    ("zeros_like", lambda d: np.zeros_like(d.X), None, "m"),
    ("ones_like", lambda d: np.ones_like(d.X), None, "m"),
    ("full_like", lambda d: np.full_like(d.X, 0.5), lambda d: np.full_like(d.X, Q(50, "cm")), "m"),
    ("real", lambda d: np.real(d.X), None, "m"),
    ("imag", lambda d: np.imag(d.X), None, "m"),
    ("conj", lambda d: np.conj(d.X), None, "m"),
    ("hstack", lambda d: np.hstack([d.X, d.Y]), None, "m"),
    ("vstack", lambda d: np.vstack([d.X, d.Y]), None, "m"),
    ("append", lambda d: np.append(d.X, d.Y, axis=0), None, "m"),
    ("atleast_2d", lambda d: np.atleast_2d(d.V), None, "m"),
    ("meshgrid", lambda d: np.meshgrid(d.V, d.B), None, ("m", "s")),
    ("broadcast_arrays", lambda d: np.broadcast_arrays(d.V, d.X[:, :1]), None, ("m", "m")),
    (
        "nan_to_num",
        lambda d: np.nan_to_num(d.W, nan=1.5),
        lambda d: np.nan_to_num(d.W, nan=Q(150, "cm")),
        "m",
        lambda d: np.nan_to_num(d.W),  # dask's takes no fill value: the same one step
    ),
    ("nan_to_num-default", lambda d: np.nan_to_num(d.W), None, "m"),
    (
        "pad",
        lambda d: np.pad(d.X, 2, constant_values=1.0),
        lambda d: np.pad(d.X, 2, constant_values=Q(1000, "mm")),
        "m",
    ),
    ("ediff1d", lambda d: np.ediff1d(d.V), None, "m"),
    ("compress", lambda d: np.compress(np.arange(40) % 3 == 0, d.V), None, "m"),
    # dask has no ufunc.reduce / accumulate: the raw dask reference is the function.
    ("ufunc-add.reduce", lambda d: np.add.reduce(d.X), None, "m", lambda d: np.sum(d.X, axis=0)),
    (
        "ufunc-add.reduce-all",
        lambda d: np.add.reduce(d.X, axis=None),
        None,
        "m",
        lambda d: np.sum(d.X),
    ),
    (
        "ufunc-maximum.reduce",
        lambda d: np.maximum.reduce(d.X, axis=1),
        None,
        "m",
        lambda d: np.max(d.X, axis=1),
    ),
    (
        "ufunc-minimum.reduce",
        lambda d: np.minimum.reduce(d.X),
        None,
        "m",
        lambda d: np.min(d.X, axis=0),
    ),
    (
        "ufunc-fmax.reduce",
        lambda d: np.fmax.reduce(d.W, axis=0),
        None,
        "m",
        lambda d: np.nanmax(d.W, axis=0),
    ),
    (
        "ufunc-multiply.reduce",
        lambda d: np.multiply.reduce(d.T, axis=1),
        None,
        "m^5",
        lambda d: np.prod(d.T, axis=1),
    ),
    (
        "ufunc-add.accumulate",
        lambda d: np.add.accumulate(d.X),
        None,
        "m",
        lambda d: np.cumsum(d.X, axis=0),
    ),
    (
        "ufunc-add.accumulate-1",
        lambda d: np.add.accumulate(d.X, axis=1),
        None,
        "m",
        lambda d: np.cumsum(d.X, axis=1),
    ),
    (
        "ufunc-multiply.accumulate",
        lambda d: np.multiply.accumulate(d.X / d.Y),
        None,
        "",
        lambda d: np.cumprod(d.X / d.Y, axis=0),
    ),
    (
        "ufunc-logical_or.reduce",
        lambda d: np.logical_or.reduce(np.floor(d.X / d.Y), axis=0),
        None,
        None,
        lambda d: np.any(np.floor(d.X / d.Y), axis=0),
    ),
    ("ufunc-multiply.outer", lambda d: np.multiply.outer(d.V, d.B), None, "m*s"),
    ("ufunc-subtract.outer", lambda d: np.subtract.outer(d.V, d.V), None, "m"),
]


def _flat(x: Any) -> list[Any]:
    return list(x) if isinstance(x, (tuple, list)) else [x]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_lazy_function_matches_numpy_and_raw_dask(case) -> None:
    _, numpy_fn, q_fn, units, *dask_fn = case
    q_data, r_data = quantities(), raw_data()
    with CountTasks() as counter:
        result = (q_fn or numpy_fn)(q_data)
        raw = (dask_fn[0] if dask_fn else numpy_fn)(r_data)
    assert counter.count == 0
    expected = numpy_fn(NUMPY)
    results, raws, expecteds = _flat(result), _flat(raw), _flat(expected)
    unit_list = list(units) if isinstance(units, tuple) else [units]
    assert len(results) == len(raws) == len(expecteds) == len(unit_list)
    for r, rr, e, u in zip(results, raws, expecteds, unit_list, strict=True):
        if u is None:
            assert isinstance(r, da.Array)
            value = r.compute()
        else:
            assert isinstance(r, DaskDimArray)
            assert r.unit == dt.units.parse(u), (r.unit, u)
            value = r.compute().to_value()
        # Never more tasks than raw dask builds (elementwise chains are fused
        # into one task per chunk, so often fewer).
        assert n_tasks(r) <= n_tasks(rr)
        np.testing.assert_allclose(value, e, rtol=1e-10, atol=1e-12, equal_nan=True)


def test_cholesky_is_numpys_lower_factor() -> None:
    s = quantities().S
    with CountTasks() as counter:
        lower = np.linalg.cholesky(s)
        upper = np.linalg.cholesky(s, upper=True)
    assert counter.count == 0
    assert lower.unit == dt.units.parse("Pa^0.5")
    np.testing.assert_allclose(lower.compute().to_value(), np.linalg.cholesky(NUMPY.S))
    np.testing.assert_allclose(upper.compute().to_value(), np.linalg.cholesky(NUMPY.S).T)
    assert n_tasks(lower) == n_tasks(da.linalg.cholesky(raw_data().S, lower=True))


def test_qr_svd_lstsq_give_dimensionless_factors() -> None:
    d = quantities()
    q, r = np.linalg.qr(d.T)
    assert isinstance(q, DaskDimArray) and q.unit == dt.Unit("")
    np.testing.assert_allclose((q.data @ r.data).compute(), NUMPY.T)
    u, s, vh = np.linalg.svd(d.T, full_matrices=False)
    assert u.unit == vh.unit == dt.Unit("") and s.unit == dt.units.m
    _, residuals, rank, sv = np.linalg.lstsq(d.T, d.B)
    assert residuals.unit == dt.units.s**2 and sv.unit == dt.units.m
    assert int(rank.compute()) == 5
    np.testing.assert_allclose(residuals.compute().to_value(), np.linalg.lstsq(NUMPY.T, NUMPY.B)[1])


def test_operands_are_converted_to_the_first_unit() -> None:
    d = quantities()
    r = raw_data()
    y_cm = d.Y.to("cm")
    with CountTasks() as counter:
        picked = np.where(d.X > d.Y, d.X, y_cm)
        clipped = np.clip(d.X, Q(120, "cm"), Q(0.0018, "km"))
        joined = np.hstack([d.X, y_cm])
        prepended = np.diff(d.X, axis=0, prepend=Q(100, "cm"))
        close = np.isclose(d.X, y_cm, atol=Q(1, "mm"))
    assert counter.count == 0
    assert picked.unit == clipped.unit == joined.unit == prepended.unit == dt.units.m
    x, y = NUMPY.X, NUMPY.Y
    np.testing.assert_allclose(picked.compute().to_value(), np.where(x > y, x, y))
    np.testing.assert_allclose(clipped.compute().to_value(), np.clip(x, 1.2, 1.8))
    np.testing.assert_allclose(joined.compute().to_value(), np.hstack([x, y]))
    np.testing.assert_allclose(
        prepended.compute().to_value(), np.diff(x, axis=0, prepend=1.0), atol=1e-12
    )
    np.testing.assert_array_equal(close.compute(), np.isclose(x, y, atol=1e-3, rtol=1e-5))
    # The conversion is the one step raw dask code would write for it.
    assert n_tasks(picked) == n_tasks(np.where(r.X > r.Y, r.X, (r.Y * 100.0) / 100.0))


def test_offset_units_follow_the_dimarray_rules() -> None:
    t = DaskDimArray(NUMPY.X * 10, "degC", chunks=10)
    eager = DimArray(NUMPY.X * 10, "degC")
    with CountTasks() as counter:
        lazy = {
            "diff": np.diff(t, axis=0),
            "nanstd": np.nanstd(t, axis=0),
            "ptp": np.ptp(t),
            "median": np.median(t, axis=0),
            "gradient": np.gradient(t, Q(2.0, "s"), axis=0),
            "clip": np.clip(t, Q(283.15, "K"), None),
        }
    assert counter.count == 0
    expected = {
        "diff": np.diff(eager, axis=0),
        "nanstd": np.nanstd(eager, axis=0),
        "ptp": np.ptp(eager),
        "median": np.median(eager, axis=0),
        "gradient": np.gradient(eager, Q(2.0, "s"), axis=0),
        "clip": np.clip(eager, Q(283.15, "K"), None),
    }
    for name, value in lazy.items():
        assert value.unit == expected[name].unit, name
        np.testing.assert_allclose(value.compute().to_value(), expected[name].to_value())


@pytest.mark.parametrize(
    ("expr", "error"),
    [
        (lambda d, t: np.where(d.X > d.Y, d.X, d.B[0]), DimensionError),
        (lambda d, t: np.where(d.X > d.Y, d.X, 1.0), DimensionError),
        (lambda d, t: np.clip(d.X, Q(1, "s"), None), DimensionError),
        (lambda d, t: np.clip(d.X, 1.2, 1.8), DimensionError),
        (lambda d, t: np.diff(d.X, prepend=5.0), DimensionError),
        (lambda d, t: np.cumprod(d.X, axis=0), DimensionError),
        (lambda d, t: np.nanprod(d.W), DimensionError),  # NaNs skipped: count unknown
        (lambda d, t: np.multiply.accumulate(d.X), DimensionError),
        (lambda d, t: np.isclose(d.X, d.B[0]), DimensionError),
        (lambda d, t: np.isclose(d.X, d.Y, atol=1e-8), DimensionError),
        (lambda d, t: np.full_like(d.X, 3.0), DimensionError),
        (lambda d, t: np.hstack([d.X, d.B[:, None]]), DimensionError),
        (lambda d, t: np.nan_to_num(d.W, nan=Q(1, "s")), DimensionError),
        (lambda d, t: np.pad(d.X, 1, constant_values=2.0), DimensionError),
        (lambda d, t: np.subtract.outer(d.V, d.B), DimensionError),
        (lambda d, t: np.percentile(d.X, Q(50, "m"), axis=0), DimensionError),
        (lambda d, t: np.prod(t), OffsetUnitError),
        (lambda d, t: np.nansum(t), OffsetUnitError),
        (lambda d, t: np.einsum("i,i->", t, t), OffsetUnitError),
        (lambda d, t: np.linalg.norm(t), OffsetUnitError),
        (lambda d, t: np.linalg.inv(t), OffsetUnitError),
        (lambda d, t: np.add.reduce(t), OffsetUnitError),
        (lambda d, t: np.where(d.X, d.X, d.Y), UnitStrippedError),
    ],
)
def test_unit_errors_are_raised_while_building(expr, error) -> None:
    d = quantities()
    t = DaskDimArray(da.from_array(NUMPY.S, chunks=10), "degC")
    with CountTasks() as counter:
        with pytest.raises(error):
            expr(d, t)
    assert counter.count == 0


@pytest.mark.parametrize(
    ("expr", "what"),
    [
        (lambda x: np.sort(x), "numpy.sort"),
        (lambda x: np.cross(x[:, :3], x[:, :3]), "numpy.cross"),
        (lambda x: np.linalg.det(x[:10, :10]), "numpy.linalg.det"),
        (lambda x: np.trapezoid(x), "numpy.trapezoid"),
        (lambda x: np.maximum.accumulate(x), "numpy.maximum.accumulate"),
        (lambda x: np.add.at(x, [0], x[0]), "numpy.add.at"),
        (lambda x: np.add.reduceat(x, [0, 2]), "numpy.add.reduceat"),
    ],
)
def test_functions_dask_would_compute_raise(expr, what) -> None:
    x = quantities().X
    with CountTasks() as counter:
        with pytest.raises(TypeError, match=re.escape(what) + ".*magnitude"):
            expr(x)
    assert counter.count == 0


def test_out_is_dasks_out_with_the_unit_converted() -> None:
    d = quantities()
    target = DaskDimArray(da.zeros((40, 30), chunks=10), "cm")
    with CountTasks() as counter:
        returned = np.add(d.X, d.Y, out=target)
        total = DaskDimArray(da.zeros(30, chunks=10), "km")
        summed = np.sum(d.X, axis=0, out=total)
        plain = da.zeros((40, 30), chunks=10)
        wrapped = np.multiply(d.X, d.Y, out=plain)
        flags = da.zeros((40, 30), dtype=bool, chunks=10)
        np.less(d.X, d.Y, out=flags)
    assert counter.count == 0
    assert returned is target and target.unit == dt.units.cm
    np.testing.assert_allclose(target.compute().to_value(), (NUMPY.X + NUMPY.Y) * 100)
    assert summed is total
    np.testing.assert_allclose(total.compute().to_value(), NUMPY.X.sum(axis=0) / 1000)
    # A plain dask array receives the magnitudes, as dask's own out= does.
    assert wrapped.unit == dt.units.m**2
    np.testing.assert_allclose(plain.compute(), NUMPY.X * NUMPY.Y)
    np.testing.assert_array_equal(flags.compute(), NUMPY.X < NUMPY.Y)


@pytest.mark.parametrize(
    ("out", "error", "match"),
    [
        (np.zeros((40, 30)), TypeError, "add: out= must be a DaskDimArray or a dask array"),
        (DimArray(np.zeros((40, 30)), "m"), TypeError, "add: out= must be"),
        (DaskDimArray(da.zeros((40, 30), chunks=10), "s"), DimensionError, "'s'"),
        (DaskDimArray(da.zeros(3, chunks=3), "m"), ValueError, "shape"),
    ],
)
def test_out_that_cannot_take_the_result_raises_clearly(out, error, match) -> None:
    d = quantities()
    with CountTasks() as counter:
        with pytest.raises(error, match=match):
            np.add(d.X, d.Y, out=out)
    assert counter.count == 0


def test_out_for_a_result_without_unit_and_for_reductions() -> None:
    d = quantities()
    with pytest.raises(TypeError, match="less: this result has no unit"):
        np.less(d.X, d.Y, out=DaskDimArray(da.zeros((40, 30), chunks=10), ""))
    with pytest.raises(TypeError, match="sum: out= must be"):
        np.sum(d.X, axis=0, out=np.zeros(30))
    with pytest.raises(TypeError, match=r"sum: out= must be"):
        np.add.reduce(d.X, out=np.zeros(30))


def test_ufunc_outer_across_dimensions_and_with_conversion() -> None:
    d = quantities()
    v_cm = d.V.to("cm")
    diff = np.subtract.outer(d.V, v_cm)
    assert diff.unit == dt.units.m
    np.testing.assert_allclose(
        diff.compute().to_value(), np.subtract.outer(NUMPY.V, NUMPY.V), atol=1e-12
    )
    never = np.equal.outer(d.V, d.B)
    assert never.shape == (40, 40) and not never.compute().any()


def test_methods_are_the_functions_rules() -> None:
    x = quantities().X
    ratio = x / quantities().Y
    for method, func, args in [
        ("sum", np.sum, {"axis": 0}),
        ("ptp", np.ptp, {"axis": 1}),
        ("cumprod", np.cumprod, {"axis": 0}),
        ("round", np.round, {"decimals": 2}),
        ("any", np.any, {}),
        ("all", np.all, {"axis": 0}),
        ("squeeze", np.squeeze, {}),
        ("ravel", np.ravel, {}),
        ("repeat", np.repeat, {"repeats": 2, "axis": 0}),
    ]:
        a = ratio if method == "cumprod" else x
        by_method, by_function = getattr(a, method)(**args), func(a, **args)
        assert type(by_method) is type(by_function)
        assert by_method.__dask_keys__() == by_function.__dask_keys__(), method
    assert x.swapaxes(0, 1).shape == (30, 40) and x.mT.shape == (30, 40)
    with pytest.raises(DimensionError):
        x.cumprod(axis=0)
    clipped = x.clip(Q(1.2, "m"), Q(1800, "mm"))
    np.testing.assert_allclose(clipped.compute().to_value(), np.clip(NUMPY.X, 1.2, 1.8))
    single = x.astype(np.float32)
    assert single.dtype == np.float32 and single.unit == dt.units.m
    assert n_tasks(single) == n_tasks(raw_data().X.astype(np.float32))
    copied = x.copy()
    assert copied is not x and copied.unit == x.unit and n_tasks(copied) == n_tasks(x)
    assert np.copy(x).unit == dt.units.m
    z = DaskDimArray(da.from_array(NUMPY.X + 2j * NUMPY.Y, chunks=10), "V")
    assert z.real.unit == z.imag.unit == z.conj().unit == dt.units.V
    np.testing.assert_allclose(z.imag.compute().to_value(), 2 * NUMPY.Y)
    np.testing.assert_allclose(z.conjugate().compute().to_value(), NUMPY.X - 2j * NUMPY.Y)


def test_more_operators() -> None:
    d = quantities()
    eager = DimArray(NUMPY.S, "s")
    rm = eager @ d.S  # DimArray defers to the lazy array: __rmatmul__
    assert isinstance(rm, DaskDimArray) and rm.unit == dt.units.s * dt.units.Pa
    np.testing.assert_allclose(rm.compute().to_value(), NUMPY.S @ NUMPY.S)
    assert (+d.X).unit == dt.units.m
    np.testing.assert_allclose((d.X // Q(0.3, "m")).compute().to_value(), NUMPY.X // 0.3)
    # computed in the smaller unit (exact cases stay exact), as DimArray does
    np.testing.assert_allclose((d.X % Q(30, "cm")).compute().to_value("m"), NUMPY.X % 0.3)
    r = 2.0 ** (d.X / d.Y)
    np.testing.assert_allclose(r.compute().to_value(), 2.0 ** (NUMPY.X / NUMPY.Y))


def test_plain_dask_conditions_and_masks() -> None:
    d, r = quantities(), raw_data()
    picked = np.where(r.X > 1.5, d.X, 0)  # a plain dask array first: dask defers
    assert picked.unit == dt.units.m
    np.testing.assert_allclose(picked.compute().to_value(), np.where(NUMPY.X > 1.5, NUMPY.X, 0))
    mask = DaskDimArray(r.X > 1.5, "")
    np.testing.assert_allclose(
        np.where(mask, d.X, d.Y).compute().to_value(), np.where(NUMPY.X > 1.5, NUMPY.X, NUMPY.Y)
    )
    rows = d.X[DaskDimArray(da.from_array(np.arange(40) % 2 == 0, chunks=10), "")]
    assert rows.unit == dt.units.m and rows.compute().shape == (20, 30)


# ---- dask's tooling ------------------------------------------------------------


@pytest.mark.parametrize("scheduler", ["threads", "synchronous"])
def test_progress_bar_on_the_local_schedulers(scheduler, capsys) -> None:
    x = quantities().X
    with ProgressBar():
        result = np.sqrt((x**2).sum(axis=1)).compute(scheduler=scheduler)
    printed = capsys.readouterr().out
    assert "100% Completed" in printed and "[" + "#" * 40 + "]" in printed
    assert result.unit == dt.units.m
    np.testing.assert_allclose(result.to_value(), np.sqrt((NUMPY.X**2).sum(axis=1)))


def test_postpersist_rename_and_clone_keep_the_unit() -> None:
    y = quantities().X.to("cm") + Q(1.0, "m")
    cloned = clone(y)
    assert isinstance(cloned, DaskDimArray) and cloned.unit == dt.units.cm
    old = {k[0] for k in dask.core.flatten(y.__dask_keys__())}
    new = {k[0] for k in dask.core.flatten(cloned.__dask_keys__())}
    assert old.isdisjoint(new)
    np.testing.assert_allclose(cloned.compute().to_value(), NUMPY.X * 100 + 100)

    rebuild, args = y.__dask_postpersist__()
    name = y.data.name
    renamed = rebuild(y.__dask_graph__(), *args, rename={name: "renamed-" + name})
    assert isinstance(renamed, DaskDimArray) and renamed.unit == dt.units.cm
    assert {k[0] for k in dask.core.flatten(renamed.__dask_keys__())} == {"renamed-" + name}
    (persisted,) = dask.persist(y)
    assert persisted.unit == dt.units.cm and len(dict(persisted.__dask_graph__())) == 12


def test_html_repr_has_dasks_chunk_table_and_the_unit() -> None:
    x = quantities().X / DaskDimArray(da.ones((40, 30), chunks=10), "s")
    text = x._repr_html_()
    raw_table = (raw_data().X / da.ones((40, 30), chunks=10))._repr_html_()
    assert "<table" in text and "Chunk" in text and "(10, 10)" in text
    assert "<b>unit:</b> m/s" in text
    assert raw_table.split("<svg")[0] in text  # dask's own table


def _dot_nodes(path) -> tuple[int, int]:
    """(task nodes, data nodes) of a graphviz dot file written by dask."""
    text = path.read_text()
    return text.count("shape=circle"), text.count("shape=box")


def test_visualize_draws_the_tasks_raw_dask_draws(tmp_path) -> None:
    x, r = quantities(), raw_data()
    # One elementwise step then a reduction: the same tasks as raw dask (a
    # longer elementwise chain would be fused into fewer).
    q = (x.X**2).sum(axis=1)
    raw = (r.X**2).sum(axis=1)
    q.visualize(filename=str(tmp_path / "q"), format="dot")
    raw.visualize(filename=str(tmp_path / "raw"), format="dot")
    tasks, data = _dot_nodes(tmp_path / "q.dot")
    assert (tasks, data) == _dot_nodes(tmp_path / "raw.dot")
    assert tasks > 0 and data > 0
    q.visualize(filename=str(tmp_path / "q.svg"))
    assert (tmp_path / "q.svg").read_text().lstrip().startswith("<?xml")
