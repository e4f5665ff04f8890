"""Real SciPy (SCIPY_ARRAY_API=1, set in conftest.py) on quantities: generic
Array API code in SciPy returns the right units on DimArray, refuses unit
mistakes, and on DaskDimArray builds its result without computing anything."""

import numpy as np
import pytest
import scipy.fft
import scipy.integrate
import scipy.signal
import scipy.special
import scipy.stats
from dimtensor import DimArray, units
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimensionError
from task_counter import CountTasks

RNG = np.random.default_rng(7)
X = RNG.normal(5.0, 2.0, 64)
T = np.linspace(0.0, 2.0, 64)
Z = RNG.normal(0.0, 1.0, 64)


def check(result, unit, expected) -> None:
    assert isinstance(result, DimArray)
    assert result.unit == units.parse(unit), (result.unit, unit)
    np.testing.assert_allclose(result.to_value(unit), expected, rtol=1e-10, atol=1e-12)


@pytest.fixture
def x() -> DimArray:
    return DimArray(X, "m")


# ---- DimArray: units of generic SciPy code -----------------------------------------


def test_moment_is_in_metres_squared(x) -> None:
    check(scipy.stats.moment(x, 2), "m^2", scipy.stats.moment(X, 2))


@pytest.mark.parametrize("name", ["skew", "kurtosis", "variation", "zscore"])
def test_shape_statistics_are_dimensionless(x, name) -> None:
    f = getattr(scipy.stats, name)
    check(f(x), "", f(X))


def test_shape_statistics_do_not_depend_on_the_unit(x) -> None:
    np.testing.assert_allclose(
        scipy.stats.zscore(x.to("km")).to_value(""), scipy.stats.zscore(X), rtol=1e-10
    )


def test_describe(x) -> None:
    d, ref = scipy.stats.describe(x), scipy.stats.describe(X)
    check(d.mean, "m", ref.mean)
    check(d.variance, "m^2", ref.variance)
    check(d.minmax[0], "m", ref.minmax[0])
    check(d.minmax[1], "m", ref.minmax[1])
    check(d.skewness, "", ref.skewness)
    check(d.kurtosis, "", ref.kurtosis)


def test_sem_and_tvar(x) -> None:
    check(scipy.stats.sem(x), "m", scipy.stats.sem(X))
    check(scipy.stats.tvar(x), "m^2", scipy.stats.tvar(X))


def test_trimmed_statistics_take_limits_in_any_length_unit(x) -> None:
    limits = (DimArray(300.0, "cm"), DimArray(0.007, "km"))
    check(scipy.stats.tmean(x, limits), "m", scipy.stats.tmean(X, (3.0, 7.0)))
    check(scipy.stats.tvar(x, limits), "m^2", scipy.stats.tvar(X, (3.0, 7.0)))


def test_ttest_1samp_against_a_mean_in_another_unit(x) -> None:
    res = scipy.stats.ttest_1samp(x, DimArray(500.0, "cm"))
    ref = scipy.stats.ttest_1samp(X, 5.0)
    check(res.statistic, "", ref.statistic)
    check(res.pvalue, "", ref.pvalue)


def test_pearsonr_of_two_quantities(x) -> None:
    y = DimArray(X**2 + Z, "s")
    res, ref = scipy.stats.pearsonr(x, y), scipy.stats.pearsonr(X, X**2 + Z)
    check(res.statistic, "", ref.statistic)
    check(res.pvalue, "", ref.pvalue)


@pytest.mark.parametrize("name", ["fft", "rfft"])
def test_fft_keeps_the_unit(x, name) -> None:
    f = getattr(scipy.fft, name)
    check(f(x), "m", f(X))


def test_trapezoid_integrates_units(x) -> None:
    t = DimArray(T, "s")
    check(scipy.integrate.trapezoid(x, t), "m*s", scipy.integrate.trapezoid(X, T))
    check(
        scipy.integrate.cumulative_trapezoid(x, t),
        "m*s",
        scipy.integrate.cumulative_trapezoid(X, T),
    )


def test_trapezoid_with_time_in_minutes_converts_nothing_wrongly(x) -> None:
    t = DimArray(T, "min")
    res = scipy.integrate.trapezoid(x, t)
    np.testing.assert_allclose(res.to_value("m*s"), scipy.integrate.trapezoid(X, T) * 60)


def test_logsumexp_of_dimensionless_values() -> None:
    z = DimArray(Z, "")
    check(scipy.special.logsumexp(z), "", scipy.special.logsumexp(Z))
    # percent is a ratio: 250 % is 2.5
    check(scipy.special.logsumexp(DimArray(Z * 100, "%")), "", scipy.special.logsumexp(Z))


@pytest.mark.parametrize(
    "call",
    [
        lambda q: scipy.special.erf(q),
        lambda q: scipy.special.expit(q),
        lambda q: scipy.special.gammaln(q),
        lambda q: scipy.special.logsumexp(q),
    ],
    ids=["erf", "expit", "gammaln", "logsumexp"],
)
def test_special_functions_refuse_dimensional_input(x, call) -> None:
    with pytest.raises(DimensionError, match="'m'"):
        call(x)


def test_special_function_of_a_ratio_in_percent() -> None:
    check(scipy.special.erf(DimArray([50.0], "%")), "", scipy.special.erf([0.5]))


def test_unit_mistake_in_generic_code_is_refused(x) -> None:
    # A mean of lengths tested against a time: SciPy's own x - popmean fails.
    with pytest.raises(DimensionError, match="'s'"):
        scipy.stats.ttest_1samp(x, DimArray(5.0, "s"))


# ---- DaskDimArray: right units, nothing computed --------------------------------------

LAZY_CASES = {
    "skew": (lambda x, t, z: scipy.stats.skew(x), "", lambda: scipy.stats.skew(X)),
    "kurtosis": (lambda x, t, z: scipy.stats.kurtosis(x), "", lambda: scipy.stats.kurtosis(X)),
    "variation": (
        lambda x, t, z: scipy.stats.variation(x),
        "",
        lambda: scipy.stats.variation(X),
    ),
    "zscore": (lambda x, t, z: scipy.stats.zscore(x), "", lambda: scipy.stats.zscore(X)),
    "zmap": (lambda x, t, z: scipy.stats.zmap(x, x), "", lambda: scipy.stats.zmap(X, X)),
    "describe.mean": (
        lambda x, t, z: scipy.stats.describe(x).mean,
        "m",
        lambda: scipy.stats.describe(X).mean,
    ),
    "describe.variance": (
        lambda x, t, z: scipy.stats.describe(x).variance,
        "m^2",
        lambda: scipy.stats.describe(X).variance,
    ),
    "sem": (lambda x, t, z: scipy.stats.sem(x), "m", lambda: scipy.stats.sem(X)),
    "tmean": (lambda x, t, z: scipy.stats.tmean(x), "m", lambda: scipy.stats.tmean(X)),
    "tvar": (lambda x, t, z: scipy.stats.tvar(x), "m^2", lambda: scipy.stats.tvar(X)),
    "circmean": (
        lambda x, t, z: scipy.stats.circmean(z),
        "rad",
        lambda: scipy.stats.circmean(Z),
    ),
    "trapezoid": (
        lambda x, t, z: scipy.integrate.trapezoid(x, t),
        "m*s",
        lambda: scipy.integrate.trapezoid(X, T),
    ),
    "cumulative_trapezoid": (
        lambda x, t, z: scipy.integrate.cumulative_trapezoid(x, t),
        "m*s",
        lambda: scipy.integrate.cumulative_trapezoid(X, T),
    ),
    "logsumexp": (
        lambda x, t, z: scipy.special.logsumexp(z),
        "",
        lambda: scipy.special.logsumexp(Z),
    ),
    "softmax": (lambda x, t, z: scipy.special.softmax(z), "", lambda: scipy.special.softmax(Z)),
    "xlogy": (
        lambda x, t, z: scipy.special.xlogy(z, z * z),
        "",
        lambda: scipy.special.xlogy(Z, Z * Z),
    ),
    "fftshift": (lambda x, t, z: scipy.fft.fftshift(x), "m", lambda: scipy.fft.fftshift(X)),
    "fft": (lambda x, t, z: scipy.fft.fft(x), "m", lambda: scipy.fft.fft(X)),
    "rfft": (lambda x, t, z: scipy.fft.rfft(x), "m", lambda: scipy.fft.rfft(X)),
    "fftconvolve": (
        lambda x, t, z: scipy.signal.fftconvolve(x, t),
        "m*s",
        lambda: scipy.signal.fftconvolve(X, T),
    ),
    "hilbert": (lambda x, t, z: scipy.signal.hilbert(x), "m", lambda: scipy.signal.hilbert(X)),
}


@pytest.mark.parametrize("name", sorted(LAZY_CASES))
def test_scipy_on_dask_gives_the_unit_without_computing(name) -> None:
    call, unit, reference = LAZY_CASES[name]
    # One chunk along the transformed axis, as fft/hilbert need.
    x = DaskDimArray(X, "m", chunks=64)
    t = DaskDimArray(T, "s", chunks=64)
    z = DaskDimArray(Z, "", chunks=64)
    counter = CountTasks()
    with counter:
        result = call(x, t, z)
    assert counter.count == 0, f"{name} computed {counter.count} tasks while building"
    assert isinstance(result, DaskDimArray)
    assert result.unit == units.parse(unit)
    check(result.compute(), unit, reference())


def test_dask_mean_over_several_chunks_matches_numpy() -> None:
    x = DaskDimArray(X, "m", chunks=16)
    counter = CountTasks()
    with counter:
        res = scipy.stats.skew(x)
    assert counter.count == 0
    check(res.compute(), "", scipy.stats.skew(X))


def test_dask_unit_mistake_fails_before_anything_runs() -> None:
    x = DaskDimArray(X, "m", chunks=16)
    counter = CountTasks()
    with counter, pytest.raises(DimensionError):
        scipy.special.erf(x)
    assert counter.count == 0
