"""NumPy functions on DimArrays (``__array_function__``) and the
module functions ``dimtensor.concatenate/stack/split/dot/matmul/norm``.

Every value is checked against NumPy run on the magnitudes, and every unit
against the rule it follows (the core's rule table or unit algebra).
"""

from __future__ import annotations

import dimtensor as dt
import numpy as np
import pytest
from dimtensor import DimArray
from dimtensor import units as u
from dimtensor.errors import DimensionError, OffsetUnitError, UnitStrippedError

ONE = dt.Unit("")
RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 4))
B = RNG.normal(size=(3, 4))
SQ = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])  # symmetric, pos. def.
V = np.array([3.0, 1.0, 2.0, 5.0, 4.0])


def check(result, values, unit, *, symbol=None):
    """``result`` is a DimArray in ``unit`` holding ``values``."""
    assert isinstance(result, DimArray), type(result)
    assert result.unit == unit, (result.unit, unit)
    if symbol is not None:
        assert str(result.unit) == symbol
    got = result.to_value()
    expected = np.asarray(values)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def q(values, unit):
    return DimArray(np.asarray(values, dtype=float), unit)


# ---- joining and splitting ----------------------------------------------------


def test_concatenate_converts_to_the_first_unit():
    r = np.concatenate([q([1.0, 2.0], u.m), q([0.5], u.km), q([30.0], u.cm)])
    check(r, [1.0, 2.0, 500.0, 0.3], u.m, symbol="m")
    r = np.concatenate([q([0.5], u.km), q([1.0, 2.0], u.m)])
    check(r, [0.5, 0.001, 0.002], u.km)


def test_concatenate_axis_and_2d():
    r = np.concatenate([q(A, u.s), q(B, u.ms)], axis=1)
    check(r, np.concatenate([A, B / 1000], axis=1), u.s)
    r = np.concatenate([q(A, u.s), q(B, u.s)], axis=None)
    check(r, np.concatenate([A, B], axis=None), u.s)


def test_concatenate_offset_units_convert_affinely():
    r = np.concatenate([q([20.0], u.degC), q([300.0, 273.15], u.K)])
    check(r, [20.0, 26.85, 0.0], u.degC)
    r = np.concatenate([q([300.0], u.K), q([20.0], u.degC)])
    check(r, [300.0, 293.15], u.K)
    r = np.concatenate([q([32.0], u.degF), q([100.0], u.degC)])
    check(r, [32.0, 212.0], u.degF)


def test_concatenate_dimension_error_names_both_units():
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.concatenate([q([1.0], u.m), q([1.0], u.s)])
    # A plain array is dimensionless: not a length.
    with pytest.raises(DimensionError, match=r"'m'.*plain"):
        np.concatenate([q([1.0], u.m), np.array([1.0])])


def test_concatenate_out_in_another_unit_is_converted():
    out = q(np.zeros(3), u.cm)
    r = np.concatenate([q([1.0], u.m), q([2.0, 3.0], u.m)], out=out)
    assert r is out
    check(out, [100.0, 200.0, 300.0], u.cm)
    same = q(np.zeros(3), u.m)
    assert np.concatenate([q([1.0], u.m), q([2.0, 3.0], u.mm)], out=same) is same
    check(same, [1.0, 0.002, 0.003], u.m)
    with pytest.raises(DimensionError):
        np.concatenate([q([1.0], u.m)], out=q([0.0], u.s))


@pytest.mark.parametrize("func", [np.concatenate, np.stack, dt.concatenate, dt.stack])
def test_empty_input_is_a_value_error(func):
    with pytest.raises(ValueError):
        func([])


def test_stack_family():
    a, b = q(A, u.m), q(B, u.km)
    check(np.stack([a, b]), np.stack([A, B * 1000]), u.m)
    check(np.stack([a, b], axis=-1), np.stack([A, B * 1000], axis=-1), u.m)
    check(np.hstack([a, b]), np.hstack([A, B * 1000]), u.m)
    check(np.vstack([a, b]), np.vstack([A, B * 1000]), u.m)
    check(np.dstack([a, b]), np.dstack([A, B * 1000]), u.m)
    check(np.column_stack([a[0], b[0]]), np.column_stack([A[0], B[0] * 1000]), u.m)
    with pytest.raises(DimensionError, match=r"'m'.*'kg'"):
        np.stack([a, q(B, u.kg)])


def test_split_family_keeps_the_unit():
    x = q(A, u.N)
    for func, arg in [
        (np.split, 3),
        (np.array_split, 2),
        (np.hsplit, 2),
        (np.vsplit, [1]),
    ]:
        parts = func(x, arg)
        expected = func(A, arg)
        assert len(parts) == len(expected)
        for p, e in zip(parts, expected, strict=True):
            check(p, e, u.N)
    parts = np.dsplit(q(A[None], u.N), 2)
    assert [p.shape for p in parts] == [(1, 3, 2), (1, 3, 2)]
    rows = np.unstack(x)
    assert isinstance(rows, tuple) and len(rows) == 3
    check(rows[1], A[1], u.N)


def test_append_and_insert_convert_values():
    check(np.append(q([1.0], u.m), q([2.0], u.km)), [1.0, 2000.0], u.m)
    check(np.insert(q([1.0, 3.0], u.m), 1, q(200.0, u.cm)), [1.0, 2.0, 3.0], u.m)
    with pytest.raises(DimensionError):
        np.append(q([1.0], u.m), [2.0])


# ---- module functions ---------------------------------------------------------


def test_module_functions_share_the_numpy_implementations():
    a, b = q([1.0, 2.0], u.m), q([3.0], u.km)
    check(dt.concatenate([a, b]), [1.0, 2.0, 3000.0], u.m)
    check(dt.concatenate([q(A, u.m), q(B, u.m)], axis=1), np.concatenate([A, B], 1), u.m)
    check(dt.stack([a, a], axis=1), np.stack([[1.0, 2.0]] * 2, axis=1), u.m)
    parts = dt.split(q(V[:4], u.s), [1, 3])
    assert [p.to_value().tolist() for p in parts] == [[3.0], [1.0, 2.0], [5.0]]
    assert all(p.unit == u.s for p in parts)
    check(dt.dot(q([1.0, 2.0], u.N), q([3.0, 4.0], u.m)), 11.0, u.J)
    check(dt.matmul(q(SQ, u.m), q(SQ, u.s)), SQ @ SQ, u.m * u.s)
    check(dt.norm(q([3.0, 4.0], u.V)), 5.0, u.V)
    check(dt.norm(q(A, u.V), axis=1), np.linalg.norm(A, axis=1), u.V)
    check(dt.norm(q(A, u.V), ord=1, keepdims=True), np.linalg.norm(A, 1, keepdims=True), u.V)
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        dt.concatenate([a, q([1.0], u.s)])
    for name in ("concatenate", "stack", "split", "dot", "matmul", "norm"):
        assert name in dt.__all__


# ---- where, clip, creation ----------------------------------------------------


def test_where_converts_the_second_branch():
    cond = np.array([True, False, True])
    x, y = q([1.0, 2.0, 3.0], u.m), q([10.0, 20.0, 30.0], u.cm)
    check(np.where(cond, x, y), [1.0, 0.2, 3.0], u.m)
    check(np.where(cond, y, x), [10.0, 200.0, 30.0], u.cm)


def test_where_wildcard_scalars_meet_any_unit():
    cond = np.array([True, False])
    x = q([1.0, 2.0], u.m)
    check(np.where(cond, x, 0), [1.0, 0.0], u.m)
    r = np.where(cond, np.nan, x)
    assert r.unit == u.m and np.isnan(r.to_value()[0]) and r.to_value()[1] == 2.0
    check(np.where(cond, x, -np.inf), [1.0, -np.inf], u.m)
    with pytest.raises(DimensionError, match="plain number"):
        np.where(cond, x, 1.0)
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.where(cond, x, q([1.0, 1.0], u.s))


def test_where_single_argument_and_conditions():
    assert np.where(q([0.0, 1.0], ONE))[0].tolist() == [1]
    # A dimensional condition would silently drop a unit.
    with pytest.raises(UnitStrippedError):
        np.where(q([0.0, 1.0], u.m), 1.0, 2.0)


def test_clip():
    x = q([0.5, 1.5, 2.5, 3.5], u.m)
    check(np.clip(x, q(100.0, u.cm), q(0.003, u.km)), [1.0, 1.5, 2.5, 3.0], u.m)
    check(np.clip(x, None, q(2.0, u.m)), [0.5, 1.5, 2.0, 2.0], u.m)
    check(np.clip(x, min=q(1.0, u.m)), [1.0, 1.5, 2.5, 3.5], u.m)
    check(x.clip(0, q(2000.0, u.mm)), [0.5, 1.5, 2.0, 2.0], u.m)
    t = q([10.0, 30.0], u.degC)
    check(np.clip(t, q(290.0, u.K), q(300.0, u.K)), [16.85, 26.85], u.degC)
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.clip(x, q(1.0, u.s), None)
    with pytest.raises(DimensionError):
        np.clip(x, 1.0, 2.0)
    out = q(np.zeros(4), u.cm)
    assert np.clip(x, q(1.0, u.m), q(3.0, u.m), out=out) is out
    check(out, [100.0, 150.0, 250.0, 300.0], u.cm)


def test_like_functions():
    x = q(A, u.degC)
    check(np.zeros_like(x), np.zeros_like(A), u.degC)
    check(np.ones_like(q(A, u.m)), np.ones_like(A), u.m)  # one metre, as in pint
    e = np.empty_like(x)
    assert isinstance(e, DimArray) and e.unit == u.degC and e.shape == A.shape
    check(np.full_like(q(A, u.m), q(2.0, u.km)), np.full_like(A, 2000.0), u.m)
    check(np.full_like(x, q(300.0, u.K)), np.full_like(A, 26.85), u.degC)
    check(np.full_like(q(A, u.m), np.inf), np.full_like(A, np.inf), u.m)
    check(np.full_like(q(A, u.m), 0), np.zeros_like(A), u.m)
    with pytest.raises(DimensionError):
        np.full_like(q(A, u.m), 3.0)
    f32 = np.zeros_like(DimArray(np.ones(3, np.float32), u.m))
    assert f32.dtype == np.float32


def test_linspace():
    r = np.linspace(q(0.0, u.m), q(1.0, u.km), 5)
    check(r, np.linspace(0.0, 1000.0, 5), u.m)
    r, step = np.linspace(q(20.0, u.degC), q(303.15, u.K), 3, retstep=True)
    check(r, [20.0, 25.0, 30.0], u.degC)
    check(step, 5.0, u.delta_degC)
    check(np.linspace(q([0.0, 1.0], u.s), q(2.0, u.s), 3, axis=1), [[0, 1, 2], [1, 1.5, 2]], u.s)
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.linspace(q(0.0, u.m), q(1.0, u.s))


def test_broadcast_meshgrid_atleast():
    check(np.broadcast_to(q([1.0, 2.0], u.m), (3, 2)), np.broadcast_to([1.0, 2.0], (3, 2)), u.m)
    X, Y = np.meshgrid(q([1.0, 2.0, 3.0], u.m), q([4.0, 5.0], u.s))
    ex, ey = np.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0])
    check(X, ex, u.m)
    check(Y, ey, u.s)
    # A plain operand gives a dimensionless array, of the same kind as the others.
    X, Y = np.meshgrid(q([1.0, 2.0], u.m), [4.0, 5.0], indexing="ij")
    assert isinstance(X, DimArray) and isinstance(Y, DimArray) and Y.is_dimensionless
    a, b = np.broadcast_arrays(q([1.0, 2.0], u.m), q([[1.0], [2.0]], u.kg))
    check(a, [[1.0, 2.0], [1.0, 2.0]], u.m)
    check(b, [[1.0, 1.0], [2.0, 2.0]], u.kg)
    check(np.atleast_2d(q([1.0], u.m)), [[1.0]], u.m)
    check(np.atleast_3d(q(1.0, u.m)), [[[1.0]]], u.m)
    x, y = np.atleast_1d(q(1.0, u.m), 2.0)
    check(x, [1.0], u.m)
    check(y, [2.0], ONE)


# ---- reductions ---------------------------------------------------------------

REDUCTIONS = [
    # (numpy function, extra kwargs, unit of the result for values in m)
    (np.sum, {}, u.m),
    (np.sum, {"axis": 0}, u.m),
    (np.mean, {"axis": 1}, u.m),
    (np.mean, {}, u.m),
    (np.std, {"ddof": 1}, u.m),
    (np.var, {}, u.m**2),
    (np.var, {"axis": (0, 1), "keepdims": True}, u.m**2),
    (np.median, {}, u.m),
    (np.median, {"axis": 0}, u.m),
    (np.max, {}, u.m),
    (np.min, {"axis": 1}, u.m),
    (np.amax, {}, u.m),
    (np.amin, {}, u.m),
    (np.ptp, {"axis": 0}, u.m),
    (np.cumsum, {"axis": 1}, u.m),
    (np.cumulative_sum, {"axis": 0}, u.m),
    (np.prod, {"axis": 0}, u.m**3),
    (np.prod, {}, u.m**12),
    (np.trace, {}, u.m),
    (np.nansum, {}, u.m),
    (np.nanmean, {"axis": 0}, u.m),
    (np.nanstd, {}, u.m),
    (np.nanvar, {"axis": 1}, u.m**2),
    (np.nanmin, {}, u.m),
    (np.nanmax, {"axis": 0}, u.m),
    (np.nanmedian, {}, u.m),
    (np.nancumsum, {}, u.m),
]


@pytest.mark.parametrize(("func", "kwargs", "unit"), REDUCTIONS)
def test_reductions_match_numpy(func, kwargs, unit):
    r = func(q(A, u.m), **kwargs)
    check(r, func(A, **kwargs), unit)


def test_full_reductions_are_0d():
    for func in (np.sum, np.mean, np.std, np.max, np.median, np.nanmean, np.nanmax):
        r = func(q(A, u.s))
        assert isinstance(r, DimArray) and r.shape == () and r.unit.dimension == u.s.dimension


@pytest.mark.parametrize("func", [np.percentile, np.quantile, np.nanpercentile, np.nanquantile])
def test_percentiles(func):
    qs = [10.0, 50.0, 90.0] if "percentile" in func.__name__ else [0.1, 0.5, 0.9]
    check(func(q(A, u.Pa), qs), func(A, qs), u.Pa)
    check(func(q(A, u.Pa), qs[1], axis=0), func(A, qs[1], axis=0), u.Pa)
    # q given as a dimensionless quantity: 50 % is the median either way.
    check(func(q(V, u.Pa), q(50.0, u.percent)), np.median(V), u.Pa)
    with pytest.raises(DimensionError):
        func(q(V, u.Pa), q(0.5, u.s))


def test_index_reductions_are_plain():
    x = q(V, u.m)
    for func in (np.argmin, np.argmax, np.nanargmin, np.nanargmax):
        r = func(x)
        assert not isinstance(r, DimArray)
        assert r == func(V)
    assert np.argmax(q(A, u.m), axis=1).tolist() == np.argmax(A, axis=1).tolist()
    assert np.all(q(V, u.m)) == np.all(V)
    assert np.any(q(V, u.m) > 4 * u.m)


def test_nan_reductions_skip_nans():
    x = np.array([1.0, np.nan, 3.0])
    check(np.nansum(q(x, u.kg)), 4.0, u.kg)
    check(np.nanmean(q(x, u.kg)), 2.0, u.kg)
    check(np.nanstd(q(x, u.kg)), 1.0, u.kg)
    check(np.nanvar(q(x, u.kg)), 1.0, u.kg**2)
    check(np.nanmin(q(x, u.kg)), 1.0, u.kg)
    check(np.nanmax(q(x, u.kg)), 3.0, u.kg)
    check(np.nanmedian(q(x, u.kg)), 2.0, u.kg)
    check(np.nanpercentile(q(x, u.kg), 50), 2.0, u.kg)
    check(np.nanquantile(q(x, u.kg), 0.5), 2.0, u.kg)
    assert np.nanargmin(q(x, u.kg)) == 0 and np.nanargmax(q(x, u.kg)) == 2
    # nanprod skips NaNs, so how many factors it multiplies depends on the
    # values: only plain numbers have a unit that does not, with or without NaNs.
    check(np.nanprod(q(x, ONE)), 3.0, ONE)
    for values in (x, [2.0, 3.0]):
        with pytest.raises(DimensionError, match="nanprod"):
            np.nanprod(q(values, u.m))


def test_reduction_arguments_in_units():
    x = q(V, u.m)
    check(np.sum(x, initial=q(1.0, u.km)), V.sum() + 1000.0, u.m)
    check(np.max(x, initial=q(10.0, u.m)), 10.0, u.m)
    check(np.max(x, initial=0), V.max(), u.m)
    with pytest.raises(DimensionError):
        np.sum(x, initial=1.0)
    check(np.prod(q([2.0, 3.0], u.m), initial=2.0), 12.0, u.m**2)
    m = q(V.mean() / 1000, u.km)
    check(np.std(x, mean=m), V.std(), u.m)
    mask = V > 2
    check(np.sum(x, where=mask), V[mask].sum(), u.m)
    check(np.mean(x, where=mask), V[mask].mean(), u.m)
    # prod under a mask multiplies an unknown number of factors.
    with pytest.raises(DimensionError):
        np.prod(x, where=mask)


def test_reductions_out():
    out = q(np.zeros(4), u.cm)
    assert np.sum(q(A, u.m), axis=0, out=out) is out
    check(out, A.sum(axis=0) * 100, u.cm)
    out = q(np.zeros(3), u.m)
    assert np.mean(q(A, u.m), axis=1, out=out) is out
    check(out, A.mean(axis=1), u.m)
    raw = np.zeros(4)
    r = np.max(q(A, u.m), axis=0, out=raw)
    check(r, A.max(axis=0), u.m)
    np.testing.assert_allclose(raw, A.max(axis=0))
    with pytest.raises(DimensionError):
        np.sum(q(A, u.m), axis=0, out=q(np.zeros(4), u.s))
    idx = np.zeros(3, dtype=np.intp)
    np.argmax(q(A, u.m), axis=1, out=idx)
    assert idx.tolist() == A.argmax(axis=1).tolist()


def test_prod_and_cumprod_units():
    x = q(A, u.m)
    check(np.prod(x, axis=1), A.prod(axis=1), u.m**4)
    check(np.prod(x, axis=(0, 1)), A.prod(), u.m**12)
    check(np.cumprod(q([[2.0], [3.0]], u.m), axis=1), [[2.0], [3.0]], u.m)
    check(np.cumprod(q(A, ONE)), np.cumprod(A), ONE)
    with pytest.raises(DimensionError, match="different unit"):
        np.cumprod(x)
    with pytest.raises(DimensionError):
        np.cumulative_prod(q([2.0], u.m), include_initial=True)
    check(np.cumulative_prod(q([2.0, 3.0], ONE), include_initial=True), [1.0, 2.0, 6.0], ONE)


def test_average():
    x = q(V, u.m)
    w = q([1.0, 2.0, 1.0, 1.0, 3.0], u.kg)
    check(np.average(x), V.mean(), u.m)
    check(np.average(x, weights=w), np.average(V, weights=w.to_value()), u.m)
    avg, wsum = np.average(x, weights=w, returned=True)
    check(avg, np.average(V, weights=w.to_value()), u.m)
    check(wsum, 8.0, u.kg)
    avg, n = np.average(x, returned=True)
    assert not isinstance(n, DimArray) and n == 5


def test_offset_unit_reductions():
    t = q([20.0, 30.0, 40.0], u.degC)
    check(np.mean(t), 30.0, u.degC, symbol="°C")
    check(np.median(t), 30.0, u.degC)
    check(np.min(t), 20.0, u.degC)
    check(np.max(t), 40.0, u.degC)
    check(np.percentile(t, 50), 30.0, u.degC)
    std = np.std(t)
    check(std, np.std([20.0, 30.0, 40.0]), u.delta_degC)
    assert std.unit.offset == 0
    check(np.var(t), np.var([20.0, 30.0, 40.0]), u.delta_degC**2)
    check(np.ptp(t), 20.0, u.delta_degC)
    for func in (np.sum, np.nansum, np.cumsum, np.prod, np.trace):
        with pytest.raises(OffsetUnitError, match="K"):
            func(t)


# ---- differences, derivatives, integrals ------------------------------------------


def test_diff():
    x = q(A, u.m)
    check(np.diff(x), np.diff(A), u.m)
    check(np.diff(x, n=2, axis=0), np.diff(A, n=2, axis=0), u.m)
    check(np.diff(x, n=0), A, u.m)
    check(np.diff(q(V, u.m), prepend=q(0.0, u.km)), np.diff(V, prepend=0.0), u.m)
    check(np.diff(q(V, u.m), append=q(100.0, u.cm)), np.diff(V, append=1.0), u.m)
    t = q([20.0, 25.0, 35.0], u.degC)
    check(np.diff(t), [5.0, 10.0], u.delta_degC)
    check(np.diff(t, prepend=q(273.15, u.K)), [20.0, 5.0, 10.0], u.delta_degC)
    check(np.ediff1d(t, to_end=q(1.0, u.K)), [5.0, 10.0, 1.0], u.delta_degC)
    with pytest.raises(DimensionError):
        np.diff(q(V, u.m), prepend=q(0.0, u.s))


def test_gradient():
    f = q(V, u.m)
    check(np.gradient(f), np.gradient(V), u.m)
    check(np.gradient(f, q(2.0, u.s)), np.gradient(V, 2.0), u.m / u.s)
    xs = np.array([0.0, 1.0, 3.0, 4.0, 7.0])
    check(np.gradient(f, q(xs, u.s)), np.gradient(V, xs), u.m / u.s)
    check(np.gradient(f, xs), np.gradient(V, xs), u.m)
    gy, gx = np.gradient(q(A, u.K), q(1.0, u.m), q([0.0, 1.0, 2.0, 4.0], u.s))
    ey, ex = np.gradient(A, 1.0, [0.0, 1.0, 2.0, 4.0])
    check(gy, ey, u.K / u.m)
    check(gx, ex, u.K / u.s)
    g = np.gradient(q(A, u.K), axis=1)
    check(g, np.gradient(A, axis=1), u.K)
    # Temperatures on an offset scale: their slope is an interval per length.
    t = q([20.0, 22.0, 26.0], u.degC)
    check(np.gradient(t, q([0.0, 1.0, 2.0], u.m)), [2.0, 3.0, 4.0], u.delta_degC / u.m)


def test_trapezoid():
    y = q(V, u.W)
    check(np.trapezoid(y, dx=q(2.0, u.s)), np.trapezoid(V, dx=2.0), u.J)
    xs = np.array([0.0, 1.0, 3.0, 4.0, 7.0])
    check(np.trapezoid(y, x=q(xs, u.s)), np.trapezoid(V, x=xs), u.W * u.s)
    check(np.trapezoid(q(A, u.W), axis=0), np.trapezoid(A, axis=0), u.W)
    with pytest.raises(OffsetUnitError):
        np.trapezoid(q(V, u.degC), dx=q(1.0, u.s))


def test_interp():
    xp = q([0.0, 1.0, 2.0], u.m)
    fp = q([0.0, 10.0, 40.0], u.s)
    check(np.interp(q([50.0, 150.0], u.cm), xp, fp), [5.0, 25.0], u.s)
    check(np.interp(q(1.5, u.m), xp, fp), 25.0, u.s)
    check(np.interp(q([-1.0, 5.0], u.m), xp, fp, left=q(-1.0, u.min), right=0), [-60.0, 0.0], u.s)
    # period is an interval in x's unit: 5 m is 1 m modulo 4 m.
    check(np.interp(q([500.0], u.cm), xp, fp, period=q(0.004, u.km)), [10.0], u.s)
    check(np.interp(q([1.5], u.m), xp, [0.0, 1.0, 2.0]), [1.5], ONE)
    with pytest.raises(DimensionError, match=r"'s'.*'m'"):
        np.interp(q([1.0], u.s), xp, fp)
    # Points on offset scales convert affinely.
    check(np.interp(q([283.15], u.K), q([0.0, 20.0], u.degC), fp[:2]), [5.0], u.s)


def test_histogram():
    a = q(V, u.m)
    counts, edges = np.histogram(a, bins=2)
    ec, ee = np.histogram(V, bins=2)
    assert type(counts) is np.ndarray and counts.tolist() == ec.tolist()
    check(edges, ee, u.m)
    counts, edges = np.histogram(a, bins=q([0.0, 250.0, 600.0], u.cm))
    assert counts.tolist() == [2, 3]
    check(edges, [0.0, 2.5, 6.0], u.m)
    counts, edges = np.histogram(a, bins=4, range=(q(0.0, u.m), q(0.008, u.km)))
    assert counts.tolist() == np.histogram(V, bins=4, range=(0, 8))[0].tolist()
    check(edges, [0.0, 2.0, 4.0, 6.0, 8.0], u.m)
    dens, _ = np.histogram(a, bins=2, density=True)
    check(dens, np.histogram(V, bins=2, density=True)[0], 1 / u.m)
    w = q([1.0, 2.0, 3.0, 4.0, 5.0], u.kg)
    wsum, _ = np.histogram(a, bins=2, weights=w)
    check(wsum, np.histogram(V, bins=2, weights=w.to_value())[0], u.kg)
    check(np.histogram_bin_edges(a, bins=3), np.histogram_bin_edges(V, bins=3), u.m)
    with pytest.raises(DimensionError):
        np.histogram(a, bins=[0.0, 1.0, 2.0])
    with pytest.raises(DimensionError):
        np.histogram(a, range=(q(0.0, u.s), q(1.0, u.s)))


# ---- products and linear algebra ------------------------------------------------


def test_products():
    a, b = q(A, u.N), q(B, u.m)
    check(np.dot(a[0], b[0]), np.dot(A[0], B[0]), u.J)
    check(np.dot(a, b.T), A @ B.T, u.N * u.m)
    check(np.matmul(a, b.T), A @ B.T, u.N * u.m)
    check(a @ b.T, A @ B.T, u.N * u.m)
    check(np.vdot(a, b), np.vdot(A, B), u.N * u.m)
    check(np.inner(a, b), np.inner(A, B), u.N * u.m)
    check(np.outer(a[0], b[0]), np.outer(A[0], B[0]), u.N * u.m)
    check(np.tensordot(a, b, axes=([1], [1])), np.tensordot(A, B, axes=([1], [1])), u.N * u.m)
    check(np.kron(a[:1], b[:1]), np.kron(A[:1], B[:1]), u.N * u.m)
    check(np.cross(a[:, :3], b[:, :3]), np.cross(A[:, :3], B[:, :3]), u.N * u.m)
    check(np.convolve(a[0], b[0]), np.convolve(A[0], B[0]), u.N * u.m)
    check(np.einsum("ij,ij->i", a, b), np.einsum("ij,ij->i", A, B), u.N * u.m)
    check(np.einsum(a, [0, 1], b, [0, 1], [0]), np.einsum("ij,ij->i", A, B), u.N * u.m)
    check(np.dot(a, 2.0), A * 2, u.N)
    check(
        np.linalg.multi_dot([q(SQ, u.m), q(SQ, u.s), q(SQ, u.kg)]), SQ @ SQ @ SQ, u.m * u.s * u.kg
    )
    check(np.linalg.vecdot(a, b), np.linalg.vecdot(A, B), u.N * u.m)
    out = q(np.zeros(3), u.mJ)
    assert np.dot(a, b[0], out=out) is out
    check(out, A @ B[0] * 1000, u.mJ)
    with pytest.raises(OffsetUnitError):
        np.dot(q([1.0], u.degC), q([1.0], u.m))
    with pytest.raises(OffsetUnitError):
        np.dot(q([1.0], u.degC), [2.0])


def test_linalg():
    a = q(SQ, u.Pa)
    check(np.linalg.inv(a), np.linalg.inv(SQ), 1 / u.Pa)
    check(np.linalg.pinv(a), np.linalg.pinv(SQ), 1 / u.Pa)
    b = q([1.0, 2.0, 3.0], u.N)
    check(np.linalg.solve(a, b), np.linalg.solve(SQ, [1.0, 2.0, 3.0]), u.N / u.Pa)
    check(np.linalg.det(a), np.linalg.det(SQ), u.Pa**3)
    check(np.linalg.det(q(SQ[:2, :2], u.m)), np.linalg.det(SQ[:2, :2]), u.m**2)
    check(np.linalg.matrix_power(a, 2), SQ @ SQ, u.Pa**2)
    check(np.linalg.matrix_power(a, -1), np.linalg.inv(SQ), 1 / u.Pa)
    check(np.linalg.eigvalsh(a), np.linalg.eigvalsh(SQ), u.Pa)
    check(np.linalg.eigvals(a), np.linalg.eigvals(SQ), u.Pa)
    w, v = np.linalg.eigh(a)
    check(w, np.linalg.eigh(SQ)[0], u.Pa)
    assert isinstance(v, DimArray) and v.unit == ONE  # eigenvectors: plain numbers
    check(np.linalg.svd(a, compute_uv=False), np.linalg.svd(SQ, compute_uv=False), u.Pa)
    U, S, Vh = np.linalg.svd(a)
    check(S, np.linalg.svd(SQ)[1], u.Pa)
    assert U.unit == ONE and Vh.unit == ONE
    check(np.linalg.cholesky(q(SQ, u.m**2)), np.linalg.cholesky(SQ), u.m)
    Q, R = np.linalg.qr(a)
    check(R, np.linalg.qr(SQ)[1], u.Pa)
    assert Q.unit == ONE
    x, res, rank, s = np.linalg.lstsq(a, b)
    check(x, np.linalg.lstsq(SQ, [1.0, 2.0, 3.0])[0], u.N / u.Pa)
    assert res.unit == u.N**2 and res.shape == (0,)  # an exact solution
    assert rank == 3
    check(s, np.linalg.lstsq(SQ, [1.0, 2.0, 3.0])[3], u.Pa)
    c = np.linalg.cond(a)
    check(c, np.linalg.cond(SQ), ONE)
    assert np.linalg.matrix_rank(a, tol=q(1.0, u.kPa)) == 0
    assert np.linalg.matrix_rank(a) == 3


def test_norms():
    x = q(A, u.V)
    check(np.linalg.norm(x), np.linalg.norm(A), u.V)
    check(np.linalg.norm(x, axis=0), np.linalg.norm(A, axis=0), u.V)
    check(np.linalg.norm(x, ord="nuc"), np.linalg.norm(A, ord="nuc"), u.V)
    check(np.linalg.norm(x, ord=np.inf, axis=1), np.linalg.norm(A, ord=np.inf, axis=1), u.V)
    check(np.linalg.norm(x[0], ord=0), np.linalg.norm(A[0], ord=0), ONE)
    check(np.linalg.vector_norm(x, ord=1), np.linalg.vector_norm(A, ord=1), u.V)
    check(np.linalg.matrix_norm(x), np.linalg.matrix_norm(A), u.V)
    with pytest.raises(OffsetUnitError, match="norm"):
        np.linalg.norm(q(A, u.degC))


def test_linalg_refuses_offset_units_and_names_the_function():
    t = q(SQ, u.degC)
    for call, name in [
        (lambda: np.linalg.inv(t), "inv"),
        (lambda: np.linalg.det(t), "det"),
        (lambda: np.linalg.solve(q(SQ, u.m), t), "solve"),
        (lambda: np.linalg.eigvals(t), "eigvals"),
        (lambda: np.linalg.cholesky(t), "cholesky"),
    ]:
        with pytest.raises(OffsetUnitError, match=name):
            call()


# ---- order, uniqueness, comparisons ---------------------------------------------


def test_sort_argsort_unique():
    x = q([3.0, 1.0, 2.0, 1.0], u.s)
    check(np.sort(x), [1.0, 1.0, 2.0, 3.0], u.s)
    check(np.sort(q(A, u.s), axis=0), np.sort(A, axis=0), u.s)
    assert np.argsort(x, kind="stable").tolist() == [1, 3, 2, 0]
    check(np.partition(x, 1), np.partition(x.to_value(), 1), u.s)
    assert np.argpartition(x, 1)[1] in (1, 3)
    check(np.unique(x), [1.0, 2.0, 3.0], u.s)
    vals, idx, inv, counts = np.unique(
        x, return_index=True, return_inverse=True, return_counts=True
    )
    check(vals, [1.0, 2.0, 3.0], u.s)
    assert idx.tolist() == [1, 2, 0] and inv.tolist() == [2, 0, 1, 0]
    assert counts.tolist() == [2, 1, 1]
    check(np.unique_values(x), [1.0, 2.0, 3.0], u.s)
    res = np.unique_counts(x)
    check(res.values, [1.0, 2.0, 3.0], u.s)
    assert res.counts.tolist() == [2, 1, 1]
    res = np.unique_all(x)
    check(res.values, [1.0, 2.0, 3.0], u.s)
    assert res.inverse_indices.tolist() == [2, 0, 1, 0]
    assert np.searchsorted(q([1.0, 2.0, 3.0], u.m), q(250.0, u.cm)) == 2
    assert np.isin(q([1.0, 2.0], u.m), q([100.0], u.cm)).tolist() == [True, False]
    assert np.isin(q([1.0, 2.0], u.m), q([1.0], u.s)).tolist() == [False, False]


def test_isclose_allclose_compare_in_one_unit():
    a = q([1.0, 2.0], u.m)
    b = q([100.0, 200.0000001], u.cm)
    assert np.allclose(a, b)
    assert np.isclose(a, b).tolist() == [True, True]
    assert not np.allclose(a, q([1.0, 2.1], u.m))
    # atol is in the arrays' unit (a quantity), or the wildcard 0.
    assert np.allclose(a, q([1.0, 2.001], u.m), atol=q(2.0, u.mm))
    assert not np.allclose(a, q([1.0, 2.001], u.m), atol=q(0.5, u.mm))
    assert not np.allclose(a, q([1.0, 2.001], u.m), atol=0)
    assert np.allclose(a, q([1.0, 2.1], u.m), rtol=q(10.0, u.percent))
    with pytest.raises(DimensionError):
        np.allclose(a, b, atol=1e-3)
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.allclose(a, q([1.0, 2.0], u.s))
    with pytest.raises(DimensionError, match=r"'m'.*'s'"):
        np.isclose(a, q([1.0, 2.0], u.s))
    # No default absolute tolerance in an arbitrary unit: 1e-9 m is not "close to" 0 m ...
    assert not np.isclose(q(1e-9, u.m), q(0.0, u.m))
    # ... but plain numbers keep NumPy's default.
    assert np.isclose(q(1e-9, ONE), q(0.0, ONE))
    t = q([20.0, 30.0], u.degC)
    assert np.allclose(t, q([293.15, 303.15], u.K))
    assert np.isclose(t, q([293.15, 303.2], u.K), atol=q(0.1, u.K)).tolist() == [True, True]
    assert np.allclose(a, a, equal_nan=True) is True


def test_array_equal():
    a = q([1.0, 2.0], u.m)
    assert np.array_equal(a, q([100.0, 200.0], u.cm)) is True
    assert np.array_equal(a, q([1.0, 3.0], u.m)) is False
    assert np.array_equal(a, q([1.0, 2.0], u.s)) is False
    assert np.array_equal(a, [1.0, 2.0]) is False
    assert np.array_equal(q([np.nan], u.m), q([np.nan], u.m), equal_nan=True) is True
    assert np.array_equiv(q([1.0, 1.0], u.m), q(100.0, u.cm)) is True
    assert np.array_equiv(q([1.0, 1.0], u.m), q(1.0, u.kg)) is False
    assert np.array_equal(q([0.0], u.degC), q([273.15], u.K)) is True


# ---- shape functions keep the unit -----------------------------------------------

SHAPE_CALLS = [
    (np.reshape, ((4, 3),), {}),
    (np.reshape, (), {"shape": (2, 6)}),
    (np.transpose, (), {}),
    (np.permute_dims, ((1, 0),), {}),
    (np.matrix_transpose, (), {}),
    (np.squeeze, (), {}),
    (np.expand_dims, (0,), {}),
    (np.moveaxis, (0, 1), {}),
    (np.swapaxes, (0, 1), {}),
    (np.rollaxis, (1,), {}),
    (np.ravel, (), {}),
    (np.flip, (), {}),
    (np.fliplr, (), {}),
    (np.flipud, (), {}),
    (np.rot90, (), {}),
    (np.roll, (2,), {"axis": 1}),
    (np.copy, (), {}),
    (np.tile, ((2, 1),), {}),
    (np.repeat, (2,), {"axis": 0}),
    (np.take, ([0, 2],), {"axis": 1}),
    (np.take_along_axis, (np.argsort(A, axis=1),), {"axis": 1}),
    (np.round, (1,), {}),
    (np.around, (), {"decimals": 2}),
    (np.resize, ((2, 2),), {}),
    (np.delete, (1,), {"axis": 0}),
    (np.diagonal, (), {}),
    (np.diag, (), {}),
    (np.triu, (), {}),
    (np.tril, (-1,), {}),
    (np.real, (), {}),
    (np.imag, (), {}),
    (np.linalg.diagonal, (), {}),
    (np.linalg.matrix_transpose, (), {}),
    (np.sort, (), {"axis": 0}),
]


@pytest.mark.parametrize(("func", "args", "kwargs"), SHAPE_CALLS)
def test_shape_functions_keep_the_unit(func, args, kwargs):
    check(func(q(A, u.degC), *args, **kwargs), func(A, *args, **kwargs), u.degC)


def test_shape_helpers_and_out():
    x = q(A, u.m)
    assert np.shape(x) == (3, 4) and np.ndim(x) == 2 and np.size(x) == 12
    assert np.size(x, 1) == 4
    assert np.result_type(x, np.float32) == np.float64
    assert np.result_type(DimArray(np.ones(2, np.float32), u.m)) == np.float32
    assert not np.iscomplexobj(x) and np.isrealobj(x)
    check(np.diagflat(q([1.0, 2.0], u.m)), np.diagflat([1.0, 2.0]), u.m)
    check(np.compress([True, False, True], x, axis=0), A[[0, 2]], u.m)
    out = q(np.zeros(2), u.cm)
    assert np.take(q([1.0, 2.0, 3.0], u.m), [0, 2], out=out) is out
    check(out, [100.0, 300.0], u.cm)
    out = q(np.zeros(2), u.m)
    assert np.round(q([1.234, 5.678], u.m), 1, out=out) is out
    check(out, [1.2, 5.7], u.m)


def test_nan_to_num_pad_copyto():
    x = q([np.nan, np.inf, -np.inf, 1.0], u.m)
    check(np.nan_to_num(x, posinf=q(1.0, u.km), neginf=0), [0.0, 1000.0, 0.0, 1.0], u.m)
    check(np.pad(q([1.0, 2.0], u.m), 1), [0.0, 1.0, 2.0, 0.0], u.m)
    check(np.pad(q([1.0, 2.0], u.m), 1, constant_values=q(3.0, u.km)), [3000.0, 1, 2, 3000.0], u.m)
    check(np.pad(q([1.0, 2.0], u.m), 1, mode="edge"), [1.0, 1.0, 2.0, 2.0], u.m)
    with pytest.raises(DimensionError):
        np.pad(q([1.0, 2.0], u.m), 1, constant_values=3.0)
    dst = q(np.zeros(2), u.m)
    np.copyto(dst, q([1.0, 2.0], u.km))
    check(dst, [1000.0, 2000.0], u.m)
    with pytest.raises(DimensionError):
        np.copyto(dst, q([1.0, 2.0], u.s))


# ---- what dimtensor does not handle -----------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: np.apply_along_axis(np.sum, 0, x),
        lambda x: np.linalg.qr(x.reshape(1, 1), mode="raw"),
    ],
)
def test_unsupported_functions_raise_type_error_pointing_to_magnitude(call):
    with pytest.raises(TypeError, match=r"\.magnitude\(\)"):
        call(q([1.0], u.m))


def test_dtype_and_wildcard_behaviour():
    f32 = DimArray(np.array([1.0, 2.0], np.float32), u.m)
    assert np.concatenate([f32, f32]).dtype == np.float32
    assert np.concatenate([f32, DimArray(np.array([1.0], np.float32), u.km)]).dtype == np.float32
    assert np.mean(f32).dtype == np.float32
    # Integers converted between units become float.
    r = np.concatenate([DimArray([1, 2], u.m), DimArray([1], u.km)])
    assert r.dtype.kind == "f" and r.to_value().tolist() == [1.0, 2.0, 1000.0]
    r = np.concatenate([DimArray([1, 2], u.m), DimArray([3], u.m)])
    assert r.dtype.kind == "i"
