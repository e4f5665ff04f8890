"""Offset (affine) temperature units on arrays (docs/temperatures.md): a value in degC is
a point, so only operations that make sense on points accept it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from dimtensor import DimArray, Dimension, Unit, units
from dimtensor.errors import DimensionError, OffsetUnitError

C = np.array([20.0, 30.0, -5.0])
C2 = np.array([10.0, 35.5, -5.0])
THETA = Dimension(temperature=1)


def check(x: Any, values: Any, unit: Unit | str) -> None:
    assert type(x) is DimArray
    expected = units.parse(unit) if isinstance(unit, str) else unit
    assert x.unit == expected, (x.unit, expected)
    assert x.unit.offset == pytest.approx(expected.offset, abs=1e-12)
    np.testing.assert_allclose(x._data, values, rtol=1e-12, atol=1e-12)


def assert_offset_message(err: BaseException) -> None:
    """The message tells the user the two ways out."""
    text = str(err)
    assert "K" in text
    assert "delta_degC" in text or "delta_degF" in text


# --- differences and sums of points and intervals ---------------------------------


def test_point_minus_point_is_an_interval() -> None:
    d = DimArray(C, "degC") - DimArray(C2, "degC")
    check(d, C - C2, "delta_degC")
    assert d.unit.offset == 0.0
    assert d.unit == units.delta_degC
    assert d.dimension == THETA


def test_point_minus_point_on_another_scale_converts_first() -> None:
    # 68 degF is 20 degC: the interval is in the left operand's delta unit
    d = DimArray([20.0, 100.0], "degC") - DimArray([68.0, 32.0], "degF")
    check(d, [0.0, 100.0], "delta_degC")
    e = DimArray([68.0, 212.0], "degF") - DimArray([20.0, 0.0], "degC")
    check(e, [0.0, 180.0], "delta_degF")
    k = DimArray([20.0], "degC") - DimArray([0.0], "degC").to("K").to("degC")
    check(k, [20.0], "delta_degC")


@pytest.mark.parametrize(("interval", "scale"), [("delta_degC", 1.0), ("delta_degF", 5 / 9)])
def test_point_plus_or_minus_interval_is_a_point(interval: str, scale: float) -> None:
    dv = np.array([1.0, 9.0, -2.0])
    t = DimArray(C, "degC")
    check(t + DimArray(dv, interval), C + dv * scale, "degC")
    check(t - DimArray(dv, interval), C - dv * scale, "degC")
    check(DimArray(dv, interval) + t, C + dv * scale, "degC")


@pytest.mark.parametrize("absolute", ["K", "mK"])
def test_degc_plus_kelvin_is_ambiguous(absolute: str) -> None:
    # "degC + K was accepted": a kelvin value may be a temperature or a
    # difference, so adding it to a point is an error that says what to write.
    for op in (lambda t, k: t + k, lambda t, k: k + t):
        with pytest.raises(OffsetUnitError, match=r"ambiguous.*delta_degC"):
            op(DimArray([20.0], "degC"), DimArray([1.0], absolute))


def test_20_degc_minus_293_15_k_is_0_delta_degc() -> None:
    # "20 degC − 293.15 K gave −273.15 °C (must be 0 delta_degC)"
    check(DimArray([20.0], "degC") - DimArray([293.15], "K"), [0.0], "delta_degC")
    # and the other way round the point is an absolute temperature
    check(DimArray([293.15], "K") - DimArray([20.0], "degC"), [0.0], "K")


@pytest.mark.parametrize(("interval", "scale"), [("delta_degC", 1.0), ("delta_degF", 5 / 9)])
def test_kelvin_plus_or_minus_interval_is_kelvin(interval: str, scale: float) -> None:
    kv = np.array([300.0, 273.15])
    dv = np.array([1.0, 9.0])
    check(DimArray(kv, "K") + DimArray(dv, interval), kv + dv * scale, "K")
    check(DimArray(kv, "K") - DimArray(dv, interval), kv - dv * scale, "K")


def test_interval_plus_interval_is_an_interval() -> None:
    check(DimArray([1.0], "delta_degC") + DimArray([9.0], "delta_degF"), [6.0], units.delta_degC)


@pytest.mark.parametrize(
    ("a", "b"),
    [("degC", "degC"), ("degC", "degF"), ("degF", "degF"), ("degF", "degC")],
)
def test_point_plus_point_raises(a: str, b: str) -> None:
    with pytest.raises(OffsetUnitError) as info:
        DimArray([20.0], a) + DimArray([10.0], b)
    assert_offset_message(info.value)


@pytest.mark.parametrize("left", ["delta_degC", "delta_degF"])
def test_interval_minus_a_point_raises(left: str) -> None:
    with pytest.raises(OffsetUnitError) as info:
        DimArray([1.0], left) - DimArray([20.0], "degC")
    assert_offset_message(info.value)


def test_points_and_intervals_never_convert_into_each_other() -> None:
    # "degC.to('delta_degC') and anomaly.to('degF') converted (must raise)"
    with pytest.raises(OffsetUnitError, match="point"):
        DimArray([20.0], "degC").to("delta_degC")
    anomaly = DimArray([20.0], "degC") - DimArray([10.0], "degC")
    with pytest.raises(OffsetUnitError, match="difference"):
        anomaly.to("degF")
    check(anomaly.to("delta_degF"), [18.0], "delta_degF")
    check(anomaly.to("K"), [10.0], "K")


def test_points_of_other_dimensions_raise_dimension_errors() -> None:
    with pytest.raises(DimensionError):
        DimArray([20.0], "degC") - DimArray([1.0], "m")
    with pytest.raises(DimensionError):
        _ = DimArray([20.0], "degC") < DimArray([1.0], "s")


# --- conversion ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "src", "dst", "expected"),
    [
        ([20.0], "degC", "K", [293.15]),
        ([293.15], "K", "degF", [68.0]),
        ([20.0], "degC", "degF", [68.0]),
        ([-40.0, 100.0], "degC", "degF", [-40.0, 212.0]),
        ([32.0, 212.0], "degF", "degC", [0.0, 100.0]),
        ([0.0], "K", "degC", [-273.15]),
        ([491.67], "degR", "degC", [0.0]),
    ],
)
def test_to_applies_the_offset(
    values: list[float], src: str, dst: str, expected: list[float]
) -> None:
    x = DimArray(values, src)
    check(x.to(dst), expected, dst)
    check(DimArray(x, dst), expected, dst)
    np.testing.assert_allclose(x.to_value(dst), expected, rtol=1e-12, atol=1e-12)


def test_chain_degc_kelvin_degf() -> None:
    k = DimArray([20.0], "degC").to("K")
    check(k, [293.15], "K")
    check(k.to("degF"), [68.0], "degF")
    check(k.to("degF").to("degC"), [20.0], "degC")
    check(DimArray([20.0], "degC").to_base_units(), [293.15], "K")


def test_intervals_convert_by_scale_only() -> None:
    check(DimArray([10.0], "delta_degC").to("delta_degF"), [18.0], "delta_degF")
    check(DimArray([10.0], "delta_degC").to("K"), [10.0], "K")


def test_setitem_converts_points_affinely() -> None:
    t = DimArray([0.0, 0.0], "degC")
    t[0] = DimArray(300.0, "K")
    t[1] = DimArray(212.0, "degF")
    np.testing.assert_allclose(t._data, [26.85, 100.0])


def test_comparisons_convert_affinely() -> None:
    t = DimArray([19.0, 20.4, 20.6], "degC")
    f = DimArray([68.9, 68.9, 68.9], "degF")  # 20.5 degC (scaled only: 38.3)
    np.testing.assert_array_equal(t < f, [True, True, False])
    np.testing.assert_array_equal(t > f, [False, False, True])
    np.testing.assert_array_equal(t >= DimArray([293.5] * 3, "K"), [False, True, True])
    np.testing.assert_allclose((t - f)._data, [-1.5, -0.1, 0.1], atol=1e-12)


def test_wildcards_are_neutral_next_to_points() -> None:
    check(DimArray(C, "degC") + 0, C, "degC")
    check(DimArray(C, "degC") - 0.0, C, "degC")
    np.testing.assert_array_equal(DimArray(C, "degC") < np.inf, [True, True, True])


# --- multiplying, dividing, raising -----------------------------------------------


OPERATIONS = {
    "2*t": lambda t: 2 * t,
    "t*2": lambda t: t * 2,
    "t*1": lambda t: t * 1,
    "t/2": lambda t: t / 2,
    "2/t": lambda t: 2 / t,
    "t*m": lambda t: t * DimArray([1.0], "m"),
    "m*t": lambda t: DimArray([1.0], "m") * t,
    "t/s": lambda t: t / DimArray([1.0], "s"),
    "t*t": lambda t: t * t,
    "t/t": lambda t: t / t,
    "t**2": lambda t: t**2,
    "t**1": lambda t: t**1,
    "t**0.5": lambda t: t**0.5,
    "multiply": lambda t: np.multiply(t, 3.0),
    "divide": lambda t: np.divide(t, 3.0),
    "power": lambda t: np.power(t, 2),
    "square": np.square,
    "sqrt": np.sqrt,
    "cbrt": np.cbrt,
    "reciprocal": np.reciprocal,
    "matmul": lambda t: t @ t,
}


@pytest.mark.parametrize("unit", ["degC", "degF"])
@pytest.mark.parametrize("op", OPERATIONS)
def test_multiplying_dividing_or_raising_a_point_raises(op: str, unit: str) -> None:
    t = DimArray([20.0], unit)
    with pytest.raises(OffsetUnitError) as info:
        OPERATIONS[op](t)
    message = str(info.value)
    assert_offset_message(info.value)
    assert "°C" in message or "°F" in message
    assert "convert" in message


@pytest.mark.parametrize("op", ["2*t", "t/2", "t**2", "sqrt", "t*t"])
def test_the_ways_out_work(op: str) -> None:
    """After converting to K, or with an interval unit, the same operation runs."""
    for unit in ("K", "delta_degC"):
        t = DimArray([20.0], "degC").to(unit) if unit == "K" else DimArray([20.0], unit)
        r = OPERATIONS[op](t)
        assert isinstance(r, DimArray)
        assert r.unit.offset == 0.0


# --- reductions --------------------------------------------------------------------


T2 = np.array([[20.0, 30.0, -5.0], [10.0, 35.5, 12.0]])


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("method", ["mean", "min", "max"])
def test_mean_min_max_keep_the_point_unit(method: str, axis: int | None) -> None:
    for unit in ("degC", "degF"):
        check(getattr(DimArray(T2, unit), method)(axis=axis), getattr(T2, method)(axis=axis), unit)


def test_mean_keeps_the_point_unit_with_keepdims_and_out() -> None:
    check(DimArray(T2, "degC").mean(axis=1, keepdims=True), T2.mean(axis=1, keepdims=True), "degC")
    out = DimArray(np.zeros(3), "K")
    assert DimArray(T2, "degC").mean(axis=0, out=out) is out
    check(out, T2.mean(axis=0) + 273.15, "K")


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_maximum_minimum_reduce_keep_the_point_unit(axis: int | None) -> None:
    t = DimArray(T2, "degC")
    check(np.maximum.reduce(t, axis=axis), np.maximum.reduce(T2, axis=axis), "degC")
    check(np.minimum.reduce(t, axis=axis), np.minimum.reduce(T2, axis=axis), "degC")


@pytest.mark.parametrize(
    "reduce",
    [
        lambda t: t.sum(),
        lambda t: t.sum(axis=0),
        lambda t: t.cumsum(),
        lambda t: t.prod(),
        lambda t: t.prod(axis=1),
        lambda t: np.add.reduce(t),
        lambda t: np.add.accumulate(t),
        lambda t: np.multiply.reduce(t),
    ],
    ids=["sum", "sum0", "cumsum", "prod", "prod1", "add.reduce", "add.accumulate", "mul.reduce"],
)
def test_sum_and_prod_raise(reduce: Any) -> None:
    with pytest.raises(OffsetUnitError) as info:
        reduce(DimArray(T2, "degC"))
    assert_offset_message(info.value)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize(
    ("unit", "delta"), [("degC", units.delta_degC), ("degF", units.delta_degF)]
)
def test_std_var_ptp_give_interval_units(unit: str, delta: Unit, axis: int | None) -> None:
    t = DimArray(T2, unit)
    check(t.std(axis=axis), T2.std(axis=axis), delta)
    check(t.std(axis=axis, ddof=1), T2.std(axis=axis, ddof=1), delta)
    check(t.var(axis=axis), T2.var(axis=axis), delta**2)
    check(t.ptp(axis=axis), np.ptp(T2, axis=axis), delta)
    for r in (t.std(axis=axis), t.var(axis=axis)):
        assert r.unit.offset == 0.0


def test_sum_of_intervals_and_kelvin_is_fine() -> None:
    check(DimArray(T2, "delta_degC").sum(), T2.sum(), "delta_degC")
    check(DimArray(T2, "K").sum(axis=0), T2.sum(axis=0), "K")
    check(
        (DimArray(T2, "degC") - DimArray(T2.mean(), "degC")).sum(),
        T2.sum() - 6 * T2.mean(),
        "delta_degC",
    )


# --- unit-preserving and origin-dependent ufuncs ------------------------------------


@pytest.mark.parametrize("ufunc", [np.negative, np.positive, np.floor, np.ceil, np.rint, np.trunc])
def test_unit_preserving_ufuncs_keep_points(ufunc: Any) -> None:
    check(ufunc(DimArray(C, "degC")), ufunc(C), "degC")


@pytest.mark.parametrize("ufunc", [np.absolute, np.fabs, np.sign, np.hypot, np.fmod])
def test_origin_dependent_ufuncs_raise(ufunc: Any) -> None:
    t = DimArray(C, "degC")
    with pytest.raises(OffsetUnitError):
        ufunc(t) if ufunc.nin == 1 else ufunc(t, t)


@pytest.mark.parametrize("ufunc", [np.maximum, np.minimum, np.fmax, np.fmin])
def test_picking_ufuncs_convert_points(ufunc: Any) -> None:
    f = np.array([68.0, 50.0, 212.0])  # 20, 10, 100 degC
    check(ufunc(DimArray(C, "degC"), DimArray(f, "degF")), ufunc(C, [20.0, 10.0, 100.0]), "degC")


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_median_keeps_the_point_unit(axis: int | None) -> None:
    for unit in ("degC", "degF"):
        check(np.median(DimArray(T2, unit), axis=axis), np.median(T2, axis=axis), unit)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "op", [lambda t, n: t * n, lambda t, n: n * t, lambda t, n: t / n], ids=["t*n", "n*t", "t/n"]
)
def test_a_point_times_a_dimensionless_array_raises(op: Any, dtype: Any) -> None:
    # Same shape, contiguous floats: the operands the fast path takes.
    t = DimArray(np.array([20.0, 30.0], dtype=dtype), "degC")
    with pytest.raises(OffsetUnitError):
        op(t, DimArray(np.array([2.0, 2.0], dtype=dtype)))
