"""Breadth (issue 14): the NumPy functions, methods, constructors and SciPy
functions users reach for, on DimArray and DaskDimArray (and the Array API
namespaces), and the docs page that lists every NumPy function's rule.

Values are checked against NumPy/SciPy run on the magnitudes; units against
the rule they follow. Lazy calls are checked to build without computing.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import array_api_extra as xpx
import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
import scipy.cluster.vq
import scipy.integrate
import scipy.special
from dimtensor import DimArray, _core, _functions
from dimtensor import units as u
from dimtensor.array_api import eager, lazy
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError, OffsetUnitError, UnitStrippedError
from task_counter import CountTasks

ROOT = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(14)
X = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0])
Y = 2.0 * X + RNG.normal(0.0, 0.1, X.size)

KINDS = ("eager", "lazy")


def make(values, unit, kind, chunks=None):
    """A DimArray, or a DaskDimArray of the same values (several chunks
    unless ``chunks`` says otherwise)."""
    x = DimArray(np.asarray(values, dtype=float), unit)
    if kind == "eager":
        return x
    n = x.shape[0] if x.ndim else 1
    return DaskDimArray(x, chunks=chunks or max(1, n // 2))


def built(f):
    """``f()`` with a check that nothing computed while it was built."""
    counter = CountTasks()
    with counter:
        result = f()
    assert counter.count == 0, f"{counter.count} tasks ran while building"
    return result


def value(x):
    """The DimArray of a result (computed when lazy)."""
    return x.compute() if isinstance(x, DaskDimArray) else x


def check(result, unit, expected, rtol=1e-10):
    r = value(result)
    assert isinstance(r, DimArray), type(r)
    assert r.unit == u.parse(unit), (r.unit, unit)
    np.testing.assert_allclose(r.to_value(unit), expected, rtol=rtol, atol=1e-12)


def refused_on_dask(f):
    """dask has no lazy version: a TypeError saying so, nothing computed."""
    counter = CountTasks()
    with counter, pytest.raises(TypeError, match=r"dask has no lazy .*compute"):
        f()
    assert counter.count == 0


# ---- NumPy functions through __array_function__ ---------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_fft_through_numpy_dispatch(kind):
    x = make(X, "V", kind, chunks=X.size)  # one chunk along the transformed axis
    check(built(lambda: np.fft.fft(x)), "V", np.fft.fft(X))
    check(built(lambda: np.fft.rfft(x)), "V", np.fft.rfft(X))
    check(built(lambda: np.fft.ifft(np.fft.fft(x))), "V", X)
    check(built(lambda: np.fft.fftshift(x)), "V", np.fft.fftshift(X))
    with pytest.raises(OffsetUnitError):
        np.fft.fft(make(X, "degC", kind, chunks=X.size))
    # fftfreq takes the sample spacing with a unit (plain arithmetic inside).
    check(np.fft.fftfreq(8, DimArray(0.5, "ms")), "1/ms", np.fft.fftfreq(8, 0.5))


@pytest.mark.parametrize("kind", KINDS)
def test_cov_and_corrcoef(kind):
    x, y = make(X, "m", kind), make(Y / 1000, "km", kind)
    check(built(lambda: np.cov(x)), "m^2", np.cov(X))
    check(built(lambda: np.cov(x, y)), "m^2", np.cov(X, Y))
    check(built(lambda: np.corrcoef(x, make(Y, "s", kind))), "", np.corrcoef(X, Y))
    check(np.cov(make(X, "degC", kind)), "delta_degC^2", np.cov(X))
    with pytest.raises(DimensionError):
        np.cov(x, make(Y, "s", kind))


@pytest.mark.parametrize("kind", KINDS)
def test_polyfit_gives_each_coefficient_its_unit(kind):
    t, h = make(X, "s", kind), make(0.5 * X**2 + 3 * X + 2, "m", kind)
    if kind == "lazy":
        refused_on_dask(lambda: np.polyfit(t, h, 2))
        refused_on_dask(lambda: np.polyval([DimArray(1.0, "m/s"), 0], t))
        return
    p = np.polyfit(t, h, 2)
    assert isinstance(p, tuple) and len(p) == 3
    expected = np.polyfit(X, 0.5 * X**2 + 3 * X + 2, 2)
    for c, unit, e in zip(p, ("m/s^2", "m/s", "m"), expected, strict=True):
        check(c, unit, e, rtol=1e-8)
    # polyval takes the tuple back (coefficients in other units are converted).
    check(np.polyval(p, t), "m", 0.5 * X**2 + 3 * X + 2, rtol=1e-8)
    q = (p[0].to("km/min^2"), p[1], p[2].to("cm"))
    check(np.polyval(q, t), "cm", 100 * (0.5 * X**2 + 3 * X + 2), rtol=1e-8)
    # A temperature trend: Δ°C per second, the constant term in °C.
    slope, intercept = np.polyfit(t, make(20 + 0.1 * X, "degC", kind), 1)
    assert slope.unit == u.parse("delta_degC/s") and intercept.unit == u.degC
    check(np.polyval((slope, intercept), t), "degC", 20 + 0.1 * X, rtol=1e-8)
    # x² + 3 with x in metres has no unit; x in °C has no origin to fit around.
    with pytest.raises(DimensionError):
        np.polyval([1, 0, 3], t)
    with pytest.raises(OffsetUnitError):
        np.polyfit(make(X, "degC", kind), h, 1)
    with pytest.raises(TypeError, match="covariance"):
        np.polyfit(t, h, 1, cov=True)
    # One array in one unit: a polynomial in a pure number.
    check(np.polyval(DimArray([1.0, 0.0, 2.0], "m"), np.array([2.0])), "m", [6.0])
    roots = np.poly(DimArray([1.0, 2.0], "s"))
    assert [r.unit for r in roots] == [u.parse(""), u.s, u.parse("s^2")]
    check(np.roots(DimArray([1.0, -3.0, 2.0], "m")), "", [2.0, 1.0])


@pytest.mark.parametrize("kind", KINDS)
def test_nonzero_and_count_nonzero_are_plain(kind):
    x = make([0.0, 1.0, 0.0, 2.0], "m", kind)
    (idx,) = built(lambda: np.nonzero(x))
    np.testing.assert_array_equal(np.asarray(idx.compute() if kind == "lazy" else idx), [1, 3])
    n = built(lambda: np.count_nonzero(x))
    assert int(n.compute() if kind == "lazy" else n) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_select_digitize_searchsorted_convert_to_the_arrays_unit(kind):
    x = make(X, "m", kind)
    r = built(lambda: np.select([x > DimArray(2.5, "m")], [x], default=DimArray(0.001, "km")))
    check(r, "m", np.where(X > 2.5, X, 1.0))
    bins = DimArray([0.002, 0.004], "km")
    d = built(lambda: np.digitize(x, bins))
    np.testing.assert_array_equal(np.asarray(value(d)), np.digitize(X, [2.0, 4.0]))
    s = make(np.sort(X), "m", kind)
    i = built(lambda: np.searchsorted(s, DimArray([250.0], "cm")))
    np.testing.assert_array_equal(np.asarray(value(i)), np.searchsorted(np.sort(X), [2.5]))
    with pytest.raises(DimensionError):
        np.digitize(x, DimArray([1.0], "s"))


@pytest.mark.parametrize("kind", KINDS)
def test_bincount_weights_carry_the_unit(kind):
    idx = np.array([0, 1, 1, 3, 0, 2, 2, 1])
    w = make(X, "kg", kind)
    i = idx if kind == "eager" else da.from_array(idx, chunks=4)
    check(built(lambda: np.bincount(i, weights=w)), "kg", np.bincount(idx, weights=X))
    with pytest.raises(OffsetUnitError):
        np.bincount(i, weights=make(X, "degC", kind))


@pytest.mark.parametrize("kind", KINDS)
def test_angle_is_in_radians_or_degrees(kind):
    z = DimArray(np.array([1j, -1.0, 1 + 1j]), "V")
    z = z if kind == "eager" else DaskDimArray(z, chunks=2)
    check(built(lambda: np.angle(z)), "rad", np.angle([1j, -1.0, 1 + 1j]))
    check(built(lambda: np.angle(z, deg=True)), "deg", np.angle([1j, -1.0, 1 + 1j], deg=True))


@pytest.mark.parametrize("kind", KINDS)
def test_slogdet_takes_pure_numbers_only(kind):
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    if kind == "lazy":
        refused_on_dask(lambda: np.linalg.slogdet(DaskDimArray(a, "")))
        return
    sign, logdet = np.linalg.slogdet(DimArray(a * 100, "%"))
    assert float(sign) == 1.0 and np.isclose(float(logdet), np.linalg.slogdet(a)[1])
    # log|det| of a matrix in metres would depend on the unit: use det.
    with pytest.raises(DimensionError, match="dimensionless"):
        np.linalg.slogdet(DimArray(a, "m"))
    check(np.linalg.det(DimArray(a, "m")), "m^2", np.linalg.det(a))


@pytest.mark.parametrize("kind", KINDS)
def test_writes_into_an_array_convert_the_values(kind):
    a = make(np.zeros((2, 2)), "m", kind, chunks=2)
    if kind == "lazy":
        refused_on_dask(lambda: np.fill_diagonal(a, DimArray(1.0, "km")))
        refused_on_dask(lambda: np.put_along_axis(a, np.array([[0], [1]]), 0, axis=1))
        return
    np.fill_diagonal(a, DimArray(1.0, "km"))
    check(a, "m", [[1000.0, 0.0], [0.0, 1000.0]])
    np.put_along_axis(a, np.array([[1], [0]]), DimArray([2.0, 3.0], "cm")[:, None], axis=1)
    check(a, "m", [[1000.0, 0.02], [0.03, 1000.0]])
    b = DimArray([1.0, 2.0, 3.0], "s")
    np.put(b, [0], DimArray(1.0, "min"))
    np.putmask(b, b._data < 2.5, DimArray(0.5, "s"))
    np.place(b, b._data > 2.5, [DimArray(4.0, "s")])
    check(b, "s", [4.0, 0.5, 4.0])
    with pytest.raises(DimensionError):
        np.fill_diagonal(a, DimArray(1.0, "s"))


@pytest.mark.parametrize("kind", KINDS)
def test_histogram2d_and_histogramdd_per_coordinate(kind):
    x, y = make(X, "s", kind), make(Y, "m", kind)
    rng = [(0, DimArray(10.0, "s")), (DimArray(0.0, "cm"), DimArray(0.02, "km"))]
    h, ex, ey = built(lambda: np.histogram2d(x, y, bins=[4, 5], range=rng))
    H, EX, EY = np.histogram2d(X, Y, bins=[4, 5], range=[(0, 10), (0, 20)])
    np.testing.assert_array_equal(np.asarray(value(h)), H)
    check(ex, "s", EX)
    check(ey, "m", EY)
    h, _, _ = built(lambda: np.histogram2d(x, y, bins=[4, 5], range=rng, density=True))
    check(
        h, "1/(s*m)", np.histogram2d(X, Y, bins=[4, 5], range=[(0, 10), (0, 20)], density=True)[0]
    )
    hd, edges = built(lambda: np.histogramdd([x, y], bins=3, range=rng, density=True))
    HD, EDGES = np.histogramdd([X, Y], bins=3, range=[(0, 10), (0, 20)], density=True)
    check(hd, "1/(s*m)", HD)
    check(edges[0], "s", EDGES[0])
    check(edges[1], "m", EDGES[1])
    with pytest.raises(DimensionError):
        np.histogram2d(x, y, bins=2, range=[(0, DimArray(1.0, "m")), (0, DimArray(1.0, "m"))])
    if kind == "eager":
        # Explicit edges per coordinate, each converted to its coordinate's unit.
        _, ex, ey = np.histogram2d(
            x, y, bins=[DimArray([0, 5000.0, 10000], "ms"), [0, 10, 20] * u.m]
        )
        check(ex, "s", [0.0, 5.0, 10.0])
        with pytest.raises(TypeError, match="per coordinate"):
            np.histogram2d(x, y, bins=DimArray([0.0, 1.0], "s"))
        # One (N, D) array: every coordinate in its unit.
        hd, edges = np.histogramdd(np.stack([y, y], axis=1), bins=2, density=True)
        assert hd.unit == u.parse("1/m^2") and edges[1].unit == u.m


@pytest.mark.parametrize("kind", KINDS)
def test_interp_with_units_on_both_axes(kind):
    xp_, fp = DimArray([0.0, 1.0, 2.0], "min"), DimArray([0.0, 10.0, 20.0], "m")
    x = make([30.0, 90.0], "s", kind)
    if kind == "lazy":
        refused_on_dask(lambda: np.interp(x, xp_, fp))
        return
    check(np.interp(x, xp_, fp), "m", [5.0, 15.0])
    with pytest.raises(DimensionError):
        np.interp(x, DimArray([0.0, 1.0, 2.0], "m"), fp)


@pytest.mark.parametrize("kind", KINDS)
def test_convolve_and_correlate_multiply_units(kind):
    a, v = make(X, "m", kind), DimArray([1.0, 0.5], "s")
    if kind == "lazy":
        refused_on_dask(lambda: np.convolve(a, v))
        return
    check(np.convolve(a, v), "m*s", np.convolve(X, [1.0, 0.5]))
    check(np.correlate(a, v), "m*s", np.correlate(X, [1.0, 0.5]))


@pytest.mark.parametrize("kind", KINDS)
def test_trapezoid_variants(kind):
    t = make(np.linspace(0.0, 7.0, 8), "s", kind, chunks=8)
    v = make(X, "m/s", kind, chunks=8)
    T = np.linspace(0.0, 7.0, 8)
    if kind == "eager":
        check(np.trapezoid(v, t), "m", np.trapezoid(X, T))
        check(np.trapezoid(v, dx=DimArray(1.0, "min")), "m*min/s", np.trapezoid(X, dx=1.0))
        # SciPy 1.17's simpson reads its input with np.asarray: refused, not stripped.
        with pytest.raises(UnitStrippedError):
            scipy.integrate.simpson(v, x=t)
        check(
            scipy.integrate.cumulative_trapezoid(v, x=t, initial=0),
            "m",
            scipy.integrate.cumulative_trapezoid(X, x=T, initial=0),
        )
    else:
        refused_on_dask(lambda: np.trapezoid(v, t))
    # SciPy's generic code on either kind (lazy: nothing runs while building).
    dx = DimArray(1.0, "s")
    check(
        built(lambda: scipy.integrate.trapezoid(v, dx=dx)),
        "m",
        scipy.integrate.trapezoid(X, dx=1.0),
    )
    check(
        built(lambda: scipy.integrate.cumulative_trapezoid(v, dx=dx, initial=0)),
        "m",
        scipy.integrate.cumulative_trapezoid(X, dx=1.0, initial=0),
    )


@pytest.mark.parametrize("kind", KINDS)
def test_nan_variants(kind):
    values = np.array([1.0, np.nan, 3.0, 4.0, np.nan, 6.0, 7.0, 8.0])
    x = make(values, "degC", kind)
    check(built(lambda: np.nanmean(x)), "degC", np.nanmean(values))
    check(built(lambda: np.nanmax(x)), "degC", np.nanmax(values))
    check(built(lambda: np.nanstd(x)), "delta_degC", np.nanstd(values))
    check(built(lambda: np.nanvar(x)), "delta_degC^2", np.nanvar(values))
    m = make(values, "m", kind)
    check(built(lambda: np.nansum(m)), "m", np.nansum(values))
    check(built(lambda: np.nancumsum(m, axis=0)), "m", np.nancumsum(values))
    check(built(lambda: np.nanpercentile(m, 50, axis=0)), "m", np.nanpercentile(values, 50))
    check(built(lambda: np.nanmedian(m, axis=0)), "m", np.nanmedian(values))
    assert int(value(built(lambda: np.nanargmin(m)))) == 0
    with pytest.raises(OffsetUnitError):
        np.nansum(x)


@pytest.mark.parametrize("kind", KINDS)
def test_refused_functions_name_their_reason(kind):
    x = make(X, "m", kind)
    for call, words in [
        (lambda: np.apply_along_axis(np.sum, 0, x), "Python function"),
        (lambda: np.piecewise(x, [x > DimArray(1.0, "m")], [0, 1]), "Python function"),
        (lambda: np.array2string(x), "str"),
        (lambda: np.savetxt("/dev/null", x), "file"),
        (lambda: np.strings.upper(x), "text"),
    ]:
        with pytest.raises(TypeError, match=words):
            call()


@pytest.mark.parametrize("kind", KINDS)
def test_more_rules(kind):
    x = make(X, "m", kind)
    # like=: the array type only; numbers made are pure numbers.
    z = np.zeros(3, like=DimArray([1.0], "m"))
    assert isinstance(z, DimArray) and z.unit == u.parse("")
    check(built(lambda: np.extract(x > DimArray(2.0, "m"), x)), "m", X[X > 2.0])
    assert np.asarray(value(built(lambda: np.isneginf(x)))).dtype == bool
    if kind == "eager":
        check(
            np.unwrap(DimArray([0.0, 350.0, 10.0], "deg")),
            "rad",
            np.unwrap(np.radians([0, 350, 10])),
        )
        check(np.geomspace(DimArray(1.0, "Hz"), DimArray(1.0, "kHz"), 4), "Hz", [1, 10, 100, 1000])
        check(np.emath.sqrt(DimArray([-4.0], "m^2")), "m", [2j])
        check(np.block([[x, DimArray([0.001], "km")]]), "m", [[*X, 1.0]])
        check(np.union1d(x, DimArray([0.1], "cm")), "m", np.union1d(X, [0.001]))
        check(
            np.linalg.tensorinv(DimArray(np.eye(4).reshape(4, 2, 2), "s"), ind=1),
            "1/s",
            np.linalg.tensorinv(np.eye(4).reshape(4, 2, 2), ind=1),
        )


# ---- the sweep: every NumPy function has a rule or a refusal ----------------------


def _functions_doc():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "functions_doc", ROOT / "tools" / "functions_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_functions_page_is_up_to_date():
    doc = _functions_doc()
    page = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    assert doc.render() == page, (
        "docs/functions.md is out of date: run python tools/functions_doc.py"
    )


def test_every_numpy_function_has_a_rule_or_a_refusal():
    doc = _functions_doc()
    functions, unreached = doc.numpy_functions()
    assert not unreached, f"NumPy dispatches functions no public name reaches: {unreached}"
    assert len(functions) > 300
    for name, func in functions.items():
        assert _core.function_rule(name) is not None, name
        # ... and __array_function__ finds that rule for the function.
        assert _functions.rule_name(func) is not None, name


def test_every_function_on_the_page_has_a_rule_or_a_refusal():
    page = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    section = page.split("## Every NumPy function", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `numpy\.([\w.]+)` \|", section, flags=re.M)
    assert len(names) > 300
    doc = _functions_doc()
    functions, _ = doc.numpy_functions()
    assert sorted(names) == sorted(functions)
    for name in names:
        rule = _core.function_rule(name)
        assert rule is not None, name
        words = _core.function_words(name)
        assert words, name
        if doc.refused(name):
            reason = words.split("refused: ", 1)[1]
            assert len(reason) > 10 and f"`numpy.{name}`: {reason}." in page, name
        else:
            assert words in page, name


# ---- methods and constructors ------------------------------------------------------


def test_dimarray_methods():
    x = DimArray([3.0, 1.0, 2.0], "m")
    items = x.tolist()
    assert [i.unit for i in items] == [u.m] * 3 and [float(i.to_value()) for i in items] == [
        3,
        1,
        2,
    ]
    check(DimArray(DimArray([[1.0, 2.0]], "s").tolist()), "s", [[1.0, 2.0]])
    check(x.item(0), "m", 3.0)
    assert x.item(0).ndim == 0
    x.sort()
    check(x, "m", [1.0, 2.0, 3.0])
    check(DimArray([1.26, 2.5], "m").round(1), "m", [1.3, 2.5])
    check(x.ptp(), "m", 2.0)
    check(DimArray([20.0, 30.0], "degC").ptp(), "delta_degC", 10.0)
    assert x.searchsorted(DimArray(0.0025, "km")) == 2
    assert np.array_equal(DimArray([0.0, 1.0], "m").nonzero()[0], [1])
    x.fill(DimArray(0.5, "km"))
    check(x, "m", [500.0, 500.0, 500.0])
    x.fill(0)
    check(x, "m", [0.0, 0.0, 0.0])
    with pytest.raises(DimensionError):
        x.fill(1.0)


def test_dask_counterparts_of_the_methods():
    d = DaskDimArray(np.array([3.0, 0.0, 2.0, 5.0]), "m", chunks=2)
    check(built(lambda: d.ptp()), "m", 5.0)
    check(built(lambda: d.round()), "m", [3.0, 0.0, 2.0, 5.0])
    (idx,) = built(lambda: np.nonzero(d))
    np.testing.assert_array_equal(idx.compute(), [0, 2, 3])
    s = DaskDimArray(np.array([1.0, 2.0, 3.0]), "m", chunks=2)
    found = built(lambda: np.searchsorted(s, DimArray([250.0], "cm")))
    np.testing.assert_array_equal(found.compute(), [2])
    # The eager-only methods are on the computed DimArray.
    assert [i.unit for i in d.compute().tolist()] == [u.m] * 4


@pytest.mark.parametrize("cls", [DimArray, DaskDimArray])
def test_a_sequence_of_quantities_takes_the_first_unit(cls):
    r = cls([DimArray(1.0, "m"), DimArray(2.0, "km")])
    check(r, "m", [1.0, 2000.0])
    r = cls([[DimArray(20.0, "degC"), DimArray(300.0, "K")], [0, DimArray(1.0, "degC")]])
    check(r, "degC", [[20.0, 26.85], [0.0, 1.0]])
    with pytest.raises(DimensionError):
        cls([DimArray(1.0, "m"), DimArray(1.0, "s")])
    with pytest.raises(DimensionError):
        cls([DimArray(1.0, "m"), 2.0])  # a plain 2 is no length
    check(DimArray([DimArray(1.0, "m"), DimArray(2.0, "km")], "cm"), "cm", [100.0, 200000.0])
    with pytest.raises(TypeError, match="compute"):
        DimArray([DaskDimArray(np.ones(2), "m")])


def test_unit_times_array_in_both_orders():
    check(u.m * np.array([1.0, 2.0]), "m", [1.0, 2.0])
    check(np.array([1.0, 2.0]) * u.m, "m", [1.0, 2.0])
    check([1.0, 2.0] * u.m, "m", [1.0, 2.0])
    check(u.m / np.array([2.0, 4.0]), "m", [0.5, 0.25])
    lazy_m = built(lambda: u.m * da.ones(3, chunks=2))
    assert isinstance(lazy_m, DaskDimArray)
    check(lazy_m, "m", [1.0, 1.0, 1.0])
    check(built(lambda: da.full(2, 4.0, chunks=1) / u.s), "1/s", [4.0, 4.0])
    check(built(lambda: u.m / da.full(2, 4.0, chunks=1)), "m", [0.25, 0.25])
    with pytest.raises(TypeError):
        u.m * "text"


def test_ranges_with_quantity_bounds():
    check(
        dt.arange(DimArray(0.0, "m"), DimArray(0.001, "km"), DimArray(25.0, "cm")),
        "m",
        [0.0, 0.25, 0.5, 0.75],
    )
    check(
        dt.arange(DimArray(20.0, "degC"), DimArray(26.0, "degC"), DimArray(2.0, "delta_degC")),
        "degC",
        [20.0, 22.0, 24.0],
    )
    check(dt.linspace(DimArray(0.0, "s"), DimArray(1.0, "min"), 3), "s", [0.0, 30.0, 60.0])
    _, step = dt.linspace(DimArray(20.0, "degC"), DimArray(30.0, "degC"), 3, retstep=True)
    check(step, "delta_degC", 5.0)
    check(dt.geomspace(DimArray(10.0, "Hz"), DimArray(1.0, "kHz"), 3), "Hz", [10.0, 100.0, 1000.0])
    check(dt.logspace(0, 2, 3, unit="Pa"), "Pa", [1.0, 10.0, 100.0])
    check(dt.logspace(0, 2, 3), "", [1.0, 10.0, 100.0])
    with pytest.raises(DimensionError):
        dt.arange(DimArray(0.0, "m"), DimArray(3.0, "m"), 1)  # a step of 1 what?
    with pytest.raises(DimensionError):
        dt.logspace(DimArray(0.0, "m"), 2, 3)  # 10 to the power of a length
    with pytest.raises(TypeError, match="lazy"):
        dt.linspace(DaskDimArray(np.zeros(1), "m")[0], DimArray(1.0, "m"), 3)
    # Lazy ranges: the lazy namespace's, by the same rules.
    r = built(lambda: lazy.linspace(DimArray(0.0, "s"), DimArray(1.0, "min"), 3))
    assert isinstance(r, DaskDimArray)
    check(r, "s", [0.0, 30.0, 60.0])
    check(
        built(lambda: lazy.arange(DimArray(0.0, "m"), DimArray(1.0, "m"), DimArray(50.0, "cm"))),
        "m",
        [0.0, 0.5],
    )


# ---- SciPy ----------------------------------------------------------------------------


SPECIAL = {
    "jv": (2, lambda a, b: scipy.special.jv(a, b)),
    "yv": (2, lambda a, b: scipy.special.yv(a, b)),
    "iv": (2, lambda a, b: scipy.special.iv(a, b)),
    "kv": (2, lambda a, b: scipy.special.kv(a, b)),
    "beta": (2, lambda a, b: scipy.special.beta(a, b)),
    "gamma": (1, lambda a: scipy.special.gamma(a)),
    "loggamma": (1, lambda a: scipy.special.loggamma(a)),
    "zeta": (1, lambda a: scipy.special.zeta(a + 2.0)),
    "j0": (1, lambda a: scipy.special.j0(a)),
    "hyp2f1": (1, lambda a: scipy.special.hyp2f1(a, a, a + 1.0, a / 4.0)),
}
ARG = np.array([0.5, 1.25, 2.0, 3.5])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_functions_of_pure_numbers(kind, name):
    nargs, f = SPECIAL[name]
    x = make(ARG * 100, "%", kind)  # a ratio in percent: converted to 0.5, 1.25, ...
    args = (x,) * nargs
    result = built(lambda: f(*args))
    assert isinstance(result, DaskDimArray if kind == "lazy" else DimArray)
    check(result, "", f(*(ARG,) * nargs))
    with pytest.raises(DimensionError, match="'m'"):
        f(*(make(ARG, "m", kind),) * nargs)


def test_special_functions_with_several_results():
    x = DimArray(ARG * 100, "%")
    for got, expected in zip(scipy.special.airy(x), scipy.special.airy(ARG), strict=True):
        check(got, "", expected)
    check(scipy.special.sici(x)[1], "", scipy.special.sici(ARG)[1])
    with pytest.raises(DimensionError, match=r"special\.airy .*'m'"):
        scipy.special.airy(DimArray(ARG, "m"))


@pytest.mark.parametrize("ns", [eager, lazy])
def test_the_special_namespace(ns):
    x = ns.asarray(DimArray(ARG, ""))
    check(built(lambda: ns.special.jv(ns.asarray(1.0), x)), "", scipy.special.jv(1.0, ARG))
    check(built(lambda: ns.special.zeta(x + 2.0)), "", scipy.special.zeta(ARG + 2.0))
    check(
        built(lambda: ns.special.multigammaln(x + 3.0, 2)),
        "",
        scipy.special.multigammaln(ARG + 3.0, 2),
    )
    # Degrees in, a plain number taken as degrees (SciPy's cosdg takes degrees).
    check(ns.special.cosdg(ns.asarray(DimArray([np.pi / 2], "rad"))), "", [0.0])
    check(ns.special.sindg(ns.asarray(DimArray([90.0], "deg"))), "", [1.0])
    check(
        ns.special.huber(ns.asarray(DimArray(1.0, "m")), ns.asarray(DimArray([50.0], "cm"))),
        "m^2",
        scipy.special.huber(1.0, [0.5]),
    )
    assert len(ns.special.__all__) > 100


@pytest.mark.parametrize("kind", KINDS)
def test_cumulative_simpson_with_initial_zero(kind):
    v = make(X, "m/s", kind, chunks=8)
    dx = DimArray(0.5, "s")
    r = built(lambda: scipy.integrate.cumulative_simpson(v, dx=dx, initial=0))
    check(r, "m", scipy.integrate.cumulative_simpson(X, dx=0.5, initial=0))
    r = built(lambda: scipy.integrate.cumulative_simpson(v, dx=dx, initial=DimArray(1.0, "km")))
    check(r, "km", 1.0 + scipy.integrate.cumulative_simpson(X, dx=0.5, initial=0) / 1000)
    if kind == "eager":
        t = DimArray(np.linspace(0.0, 3.5, 8), "s")
        check(
            scipy.integrate.cumulative_simpson(v, x=t, initial=0),
            "m",
            scipy.integrate.cumulative_simpson(X, x=np.linspace(0.0, 3.5, 8), initial=0),
        )
    with pytest.raises(DimensionError):
        scipy.integrate.cumulative_simpson(v, dx=dx, initial=DimArray(1.0, "s"))


@pytest.mark.parametrize("ns", [eager, lazy])
def test_asarray_of_zero_fits_any_unit_until_chosen(ns):
    zero = ns.asarray(0.0)
    assert zero.__dimtensor_unit__ is None
    spread = ns.broadcast_to(zero, (3,))
    assert spread.__dimtensor_unit__ is None  # rearranged, still not chosen
    check(ns.asarray(DimArray([1.0, 2.0, 3.0], "m")) + spread, "m", [1.0, 2.0, 3.0])
    assert ns.asarray(1.0).unit == u.parse("")  # a plain 1 is a pure number


@pytest.mark.parametrize("kind", KINDS)
def test_array_api_extra_isclose(kind):
    a, b = make([1.0, 2.0], "m", kind, chunks=1), make([100.0, 200.01], "cm", kind, chunks=1)
    r = built(lambda: xpx.isclose(a, b, atol=DimArray(1e-6, "m")))
    np.testing.assert_array_equal(np.asarray(value(r)), [True, False])
    r = built(lambda: xpx.isclose(a, b, atol=DimArray(1.0, "mm")))
    np.testing.assert_array_equal(np.asarray(value(r)), [True, True])
    r = built(lambda: xpx.isclose(a, b, atol=0))
    np.testing.assert_array_equal(np.asarray(value(r)), [True, False])
    # The default atol (1e-8) is a plain number: no tolerance for a length.
    with pytest.raises(DimensionError, match="plain number"):
        xpx.isclose(a, b)
    p = make([0.5, 0.25], "", kind, chunks=1)
    np.testing.assert_array_equal(np.asarray(value(xpx.isclose(p, p))), [True, True])
    # NumPy's isclose on quantities: the default atol counts as 0.
    np.testing.assert_array_equal(np.asarray(value(np.isclose(a, b))), [True, False])


@pytest.mark.parametrize("kind", KINDS)
def test_whiten(kind):
    obs = RNG.normal(size=(6, 3)) * [1.0, 2.0, 3.0]
    x = make(obs * 100, "%", kind, chunks=3)
    check(built(lambda: scipy.cluster.vq.whiten(x)), "", scipy.cluster.vq.whiten(obs))
    # Observations in metres: the zero-spread fallback assigns a bare 1.0.
    with pytest.raises(DimensionError, match="plain number"):
        scipy.cluster.vq.whiten(make(obs, "m", kind, chunks=3))
