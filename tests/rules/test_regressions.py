"""Silent unit mistakes seen in use, each named in the user's words, on the
eager and the lazy array alike. (Fused functions and long chains have
theirs in tests/fused/test_fused_regressions.py; pow(m, 50 %) in
tests/rules/test_parity.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from dimtensor import DimArray, Unit, units
from dimtensor.dask import DaskDimArray
from dimtensor.errors import (
    DimensionError,
    OffsetUnitError,
    UnitConversionError,
    UnitParseError,
)

FRONTS = [
    pytest.param(lambda v, u: DimArray(v, u), id="DimArray"),
    pytest.param(lambda v, u: DaskDimArray(np.asarray(v, dtype=float), u, chunks=1), id="Dask"),
]


def values(x):
    return x.compute() if isinstance(x, DaskDimArray) else x


# ---- temperatures ---------------------------------------------------------------------


@pytest.mark.parametrize("make", FRONTS)
def test_20_degc_minus_293_15_k_gave_minus_273_15_degc_and_must_be_0_delta_degc(make) -> None:
    r = values(make([20.0], "degC") - make([293.15], "K"))
    assert r.unit == units.delta_degC
    np.testing.assert_allclose(r._data, [0.0], atol=1e-12)


@pytest.mark.parametrize("make", FRONTS)
def test_degc_plus_k_was_accepted_and_is_ambiguous(make) -> None:
    with pytest.raises(OffsetUnitError, match="ambiguous"):
        make([20.0], "degC") + make([1.0], "K")


@pytest.mark.parametrize("make", FRONTS)
def test_degc_to_delta_degc_and_anomaly_to_degf_converted_and_must_raise(make) -> None:
    with pytest.raises(OffsetUnitError):
        make([20.0], "degC").to("delta_degC")
    anomaly = make([21.0], "degC") - make([20.0], "degC")
    with pytest.raises(OffsetUnitError):
        anomaly.to("degF")
    np.testing.assert_allclose(values(anomaly.to("delta_degF"))._data, [1.8])


@pytest.mark.parametrize(
    "text", ["J kg-1 degC-1", "degC/day", "W m-2 degC-1"], ids=["heat capacity", "rate", "flux"]
)
def test_j_kg_degc_and_degc_per_day_raised_at_parse_time_and_must_parse(text: str) -> None:
    u = units.parse(text)
    assert u.kind == "absolute" and u.offset == 0.0
    assert u == units.parse(text.replace("degC", "K"))


def test_delta_units_and_k_are_equal_in_size_but_differ_in_kind() -> None:
    assert units.delta_degC != units.K
    assert units.delta_degC.conversion_factor(units.K) == 1.0


# ---- unit checks never depend on values -----------------------------------------------


@pytest.mark.parametrize("make", FRONTS)
def test_x_minus_x_over_x_plus_kilograms_passed_because_the_array_held_zeros(make) -> None:
    x = make([1.0, 2.0, 3.0], "m")
    with pytest.raises(DimensionError, match="'kg'"):
        (x - x) / x + make([1.0, 1.0, 1.0], "kg")


def test_assigning_1_m_into_dimarray_of_zeros_turned_it_into_metres() -> None:
    z = DimArray(np.zeros(3))
    with pytest.raises(DimensionError):
        z[0] = DimArray(1.0, "m")
    assert z.unit == Unit("")
    lazy = DaskDimArray(np.zeros(3), chunks=1)
    with pytest.raises(DimensionError):
        lazy[0] = DimArray(1.0, "m")


# ---- in-place operators ------------------------------------------------------------------


def test_acc_plus_equals_x_inside_a_function_left_the_target_unchanged() -> None:
    def accumulate(acc, x):
        acc += x

    acc = DimArray(np.zeros(3), "s")
    accumulate(acc, DimArray([1.0, 2.0, 3.0], "min"))
    np.testing.assert_allclose(acc._data, [60.0, 120.0, 180.0])
    assert acc.unit == units.s


def test_view_plus_equals_x_left_the_target_unchanged() -> None:
    x = DimArray([1.0, 2.0, 3.0, 4.0], "m")
    view = x[1:3]
    view += DimArray(1.0, "km")
    np.testing.assert_allclose(x._data, [1.0, 1002.0, 1003.0, 4.0])
    view *= 2  # a pure number keeps the unit: in place too
    np.testing.assert_allclose(x._data, [1.0, 2004.0, 2006.0, 4.0])


def test_a_unit_changing_in_place_operation_raises_before_writing_when_memory_is_shared() -> None:
    x = DimArray([1.0, 2.0, 3.0], "m")
    view = x[:2]
    for target in (x, view):
        with pytest.raises(UnitConversionError, match="in place"):
            target *= DimArray(2.0, "m")
    np.testing.assert_allclose(x._data, [1.0, 2.0, 3.0])  # nothing written
    # With the memory its own, the result is a new array, as x = x * y.
    y = DimArray([1.0, 2.0], "m")
    y *= DimArray(2.0, "m")
    assert y.unit == units.m**2


def test_x_times_equals_percent_multiplied_by_the_percents_number() -> None:
    # `x *= y` with y in % gave [10, 40] for [10, 20] × [1, 2] %: the target,
    # also an input, was converted into the result's unit before being read.
    x = DimArray([10.0, 20.0], "")
    x *= DimArray([1.0, 2.0], "%")
    np.testing.assert_allclose(x._data, [0.1, 0.4])
    x = DimArray([10.0, 20.0], "")
    np.multiply(x, DimArray([1.0, 2.0], "%"), out=x)
    np.testing.assert_allclose(x._data, [0.1, 0.4])
    x = DimArray([10.0, 20.0], "m")
    view = x[:]
    x *= DimArray([1.0, 2.0], "km/m")  # the result is in km, written in m
    np.testing.assert_allclose(view._data, [10_000.0, 40_000.0])
    assert x.unit == units.m
    # where=: skipped elements keep their value
    x = DimArray([10.0, 20.0], "")
    np.multiply(x, DimArray([1.0, 2.0], "%"), out=x, where=np.array([True, False]))
    np.testing.assert_allclose(x._data, [0.1, 20.0])
    x = DimArray([10.0, 20.0], "m")
    np.add.reduce(DimArray([[1.0, 2.0], [3.0, 4.0]], "km"), axis=0, out=x)
    np.testing.assert_allclose(x._data, [4000.0, 6000.0])


def test_truth_values_written_into_metres_were_1_m() -> None:
    # np.less(a, b, out=<DimArray in m>) kept the truth values as 1 m / 0 m.
    a, b = DimArray([1.0, 3.0], "m"), DimArray([2.0, 2.0], "m")
    with pytest.raises(UnitConversionError, match="in place"):
        np.less(a, b, out=DimArray(np.zeros(2), "m"))
    percent = DimArray(np.zeros(2), "%")
    np.less(a, b, out=percent)  # a dimensionless number: True is 100 %
    np.testing.assert_allclose(percent._data, [100.0, 0.0])
    flags = np.zeros(2, dtype=bool)
    assert np.less(a, b, out=flags) is flags and flags.tolist() == [True, False]


def test_equal_across_dimensions_left_out_unwritten() -> None:
    # ==/!= across dimensions is known without computing; out= got nothing.
    a, b = DimArray([1.0, 3.0], "m"), DimArray([2.0, 2.0], "s")
    flags = np.ones(2, dtype=bool)
    assert np.equal(a, b, out=flags) is flags and flags.tolist() == [False, False]
    truth = DimArray(np.zeros(2, dtype=bool), "")
    np.not_equal(a, b, out=truth, where=np.array([True, False]))
    assert truth._data.tolist() == [True, False]


def test_in_place_on_an_integer_array_follows_numpy_casting() -> None:
    x = DimArray(np.array([1, 2]), "m")
    with pytest.raises(TypeError):  # NumPy's UFuncTypeError: same_kind casting
        x += DimArray(0.5, "m")


# ---- parsing and exponents ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["m1.5", "s-0.5", "kg0"])
def test_m1_5_parsed_as_5_m_and_kg0_as_dimensionless(text: str) -> None:
    with pytest.raises(UnitParseError):
        units.parse(text)


@pytest.mark.parametrize("make", FRONTS)
def test_x_to_the_1e_minus_4_on_metres_rounded_the_unit_to_dimensionless(make) -> None:
    with pytest.raises(DimensionError, match="exponent"):
        make([1.0, 2.0], "m") ** 1e-4
    with pytest.raises(DimensionError, match="exponent"):
        units.m**1e-4
    assert (make([4.0], "m") ** 0.5).unit == units.parse("m^(1/2)")
    assert values(make([2.0], "") ** 1e-4).unit == Unit("")


# ---- dtypes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.array([1500], dtype="timedelta64[ms]"),
        np.array(["a"]),
        np.array([b"a"]),
        np.array([object()], dtype=object),
    ],
    ids=["datetime64", "timedelta64", "str", "bytes", "object"],
)
def test_datetime_str_and_object_arrays_were_accepted_and_gave_nonsense(data) -> None:
    with pytest.raises(TypeError, match="bool, integer, float or complex"):
        DimArray(data, "ms")


def test_timedelta64_labelled_ms_still_counted_seconds() -> None:
    x = DimArray.from_timedelta(np.array([2, 3], dtype="timedelta64[s]"))
    assert x.unit == units.s
    np.testing.assert_allclose(x.to_value("ms"), [2000.0, 3000.0])
    w = DimArray.from_timedelta(np.array([1, "NaT"], dtype="timedelta64[W]"))
    assert w.unit == units.day
    np.testing.assert_allclose(w._data, [7.0, np.nan])
    with pytest.raises(TypeError, match="no fixed length"):
        DimArray.from_timedelta(np.array([1], dtype="timedelta64[M]"))


# ---- floor division ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", FRONTS)
def test_1_m_floor_divided_by_1_cm_gave_99(make) -> None:
    r = values(make([1.0], "m") // make([1.0], "cm"))
    np.testing.assert_array_equal(r._data, [100.0])


def test_divmod_of_two_dimarrays_was_a_type_error() -> None:
    q, r = divmod(DimArray([1.0], "m"), DimArray([30.0], "cm"))
    np.testing.assert_array_equal(q._data, [3.0])
    assert r.unit == units.cm
    np.testing.assert_allclose(r._data, [10.0])


# ---- Python scalars ---------------------------------------------------------------------------


def test_float_of_50_percent_was_50_while_np_asarray_gave_0_5() -> None:
    half = DimArray(50.0, "%")
    assert float(half) == 0.5 == float(np.asarray(half))
    assert int(DimArray(300.0, "%")) == 3
    assert complex(half) == 0.5


def test_math_sin_of_90_deg_was_sin_of_90_rad() -> None:
    import math

    assert math.sin(DimArray(90.0, "deg")) == pytest.approx(1.0)


def test_float_of_1_5_km_silently_returned_1_5() -> None:
    from dimtensor.errors import UnitStrippedError

    for convert in (float, int, complex):
        with pytest.raises(UnitStrippedError, match="km"):
            convert(DimArray(1.5, "km"))
