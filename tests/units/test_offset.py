"""Offset (affine) temperature units: degC, degF and their intervals (docs/temperatures.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dimtensor import Dimension, Unit, units
from dimtensor.errors import DimtensorError, OffsetUnitError

THETA = Dimension(temperature=1)


def convert(value: float, src: Unit | str, dst: Unit | str) -> float:
    s = units.parse(src) if isinstance(src, str) else src
    a, b = s.conversion_affine(dst)
    return a * value + b


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (100.0, "degC", "degF", 212.0),
        (0.0, "degC", "degF", 32.0),
        (-40.0, "degC", "degF", -40.0),
        (-40.0, "degF", "degC", -40.0),
        (212.0, "degF", "degC", 100.0),
        (32.0, "degF", "degC", 0.0),
        (0.0, "degC", "K", 273.15),
        (100.0, "degC", "K", 373.15),
        (273.15, "K", "degC", 0.0),
        (0.0, "K", "degC", -273.15),
        (0.0, "K", "degF", -459.67),
        (-459.67, "degF", "K", 0.0),
        (491.67, "degR", "degF", 32.0),
        (0.0, "degR", "K", 0.0),
        (9.0, "degR", "K", 5.0),
        (300.0, "K", "K", 300.0),
        (20.0, "degC", "degC", 20.0),
        (1000.0, "mK", "degC", -272.15),
        (0.0, "°C", "℉", 32.0),
        (37.0, "celsius", "fahrenheit", 98.6),
    ],
)
def test_conversion_affine_values(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == pytest.approx(expected, abs=1e-9)


def test_conversion_affine_accepts_units_and_text() -> None:
    assert units.degC.conversion_affine(units.degF) == pytest.approx((1.8, 32.0))
    assert units.degC.conversion_affine("degF") == pytest.approx((1.8, 32.0))
    assert units.degF.conversion_affine("K") == pytest.approx((5 / 9, 459.67 * 5 / 9))


def test_conversion_affine_for_plain_units_has_zero_offset() -> None:
    assert units.km.conversion_affine(units.m) == (1000.0, 0.0)
    assert units.delta_degC.conversion_affine(units.delta_degF) == pytest.approx((1.8, 0.0))


@pytest.mark.parametrize("a", ["degC", "degF", "K", "degR", "mK"])
@pytest.mark.parametrize("b", ["degC", "degF", "K", "degR", "mK"])
def test_affine_round_trip_is_identity(a: str, b: str) -> None:
    for x in (-300.0, -40.0, 0.0, 20.0, 1e4):
        assert convert(convert(x, a, b), b, a) == pytest.approx(x, abs=1e-9)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (units.degC, units.degF),
        (units.degF, units.degC),
        (units.degC, units.K),
        (units.K, units.degC),
        (units.degF, units.K),
        (units.K, units.degF),
        (units.degF, units.degR),
        (units.mK, units.degC),
    ],
)
def test_conversion_factor_with_an_offset_raises(src: Unit, dst: Unit) -> None:
    with pytest.raises(OffsetUnitError) as info:
        src.conversion_factor(dst)
    msg = str(info.value)
    assert src.symbol in msg
    assert dst.symbol in msg
    assert "delta_degC" in msg
    assert isinstance(info.value, DimtensorError)
    assert isinstance(info.value, ValueError)


def test_conversion_factor_between_same_offset_unit_is_one() -> None:
    assert units.degC.conversion_factor(units.degC) == 1.0
    assert units.degF.conversion_factor("°F") == 1.0


def test_interval_units() -> None:
    # delta units and K are equal in size but differ in kind.
    assert units.delta_degC != units.K
    assert (units.delta_degC.kind, units.K.kind, units.degC.kind) == (
        "interval",
        "absolute",
        "point",
    )
    assert units.delta_degC.conversion_factor(units.K) == 1.0
    assert units.delta_degC.offset == 0.0
    assert units.delta_degF != units.degR
    assert units.delta_degF.conversion_factor(units.degR) == pytest.approx(1.0)
    assert units.delta_degC.conversion_factor(units.delta_degF) == pytest.approx(1.8)
    assert units.delta_degF.conversion_factor(units.K) == pytest.approx(5 / 9)
    assert units.delta_degC != units.degC
    assert units.delta_degF != units.degF
    assert units.degC != units.K


def test_interval_units_combine_freely() -> None:
    rate = units.delta_degC / units.s
    assert rate == units.K / units.s
    assert rate.symbol == "Δ°C/s"
    assert units.parse("delta_degC/s") == rate
    assert (units.delta_degF**2).dimension == Dimension(temperature=2)
    assert (units.J / (units.kg * units.delta_degC)) == units.J / (units.kg * units.K)


def test_offset_units_are_temperatures() -> None:
    for u in (units.degC, units.degF, units.delta_degC, units.delta_degF, units.degR):
        assert u.dimension == THETA
        assert u.is_compatible(units.K)
    assert units.degC.offset == 273.15
    assert units.degF.offset == pytest.approx(255.37222222222222)


OFFSET_OPERATIONS: list[tuple[str, Callable[[], object]]] = [
    ("degC*m", lambda: units.degC * units.m),
    ("m*degC", lambda: units.m * units.degC),
    ("degC/s", lambda: units.degC / units.s),
    ("s/degC", lambda: units.s / units.degC),
    ("degC**2", lambda: units.degC**2),
    ("degC**-1", lambda: units.degC**-1),
    ("degC**0.5", lambda: units.degC**0.5),
    ("degC**0", lambda: units.degC**0),
    ("degC*degC", lambda: units.degC * units.degC),
    ("degC/degC", lambda: units.degC / units.degC),
    ("K*degC", lambda: units.K * units.degC),
    ("degC*2", lambda: units.degC * 2),
    ("2*degC", lambda: 2 * units.degC),
    ("degC/2", lambda: units.degC / 2),
    ("1/degC", lambda: 1 / units.degC),
    ("degF*m", lambda: units.degF * units.m),
    ("degF**2", lambda: units.degF**2),
]


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("J kg-1 degC-1", "J/(kg K)"),
        ("degC/day", "K/day"),
        ("W m-2 degC-1", "W/(m2 K)"),
        ("degC*m", "K*m"),
        ("degC^2", "K^2"),
        ("1/degF", "1/degR"),
    ],
)
def test_point_units_inside_products_parse_as_intervals(text: str, same: str) -> None:
    # "J kg-1 degC-1, degC/day, W m-2 degC-1 raise at parse time": UDUNITS
    # reads a point unit inside a product as its interval; so does dimtensor.
    assert units.parse(text) == units.parse(same)
    assert units.parse(text).kind == "absolute"
    assert "Δ°" in str(units.parse(text))


@pytest.mark.parametrize(("label", "op"), OFFSET_OPERATIONS, ids=[o[0] for o in OFFSET_OPERATIONS])
def test_arithmetic_on_offset_units_raises(label: str, op: Callable[[], object]) -> None:
    with pytest.raises(OffsetUnitError) as info:
        op()
    msg = str(info.value)
    # The message tells the user the two ways out.
    assert "K" in msg
    assert "delta_deg" in msg
    assert "offset" in msg


def test_offset_error_names_the_matching_interval_unit() -> None:
    with pytest.raises(OffsetUnitError, match="delta_degC"):
        units.degC * units.m
    with pytest.raises(OffsetUnitError, match="delta_degF"):
        units.degF * units.m
    with pytest.raises(OffsetUnitError, match="°C"):
        units.degC**2


def test_identity_operations_keep_the_offset_unit() -> None:
    one = units.parse("1")
    for u in (
        units.degC * 1,
        1 * units.degC,
        units.degC / 1,
        units.degC * 1.0,
        units.degC**1,
        units.degC * one,
        one * units.degC,
        units.parse("1 degC"),
        units.parse("degC/1"),
        units.parse("(degC)"),
    ):
        assert u == units.degC
        assert u.offset == 273.15
        assert u.symbol == "°C"


def test_offset_units_in_base_and_simplified_form() -> None:
    assert units.degC.simplified() == units.degC
    assert units.degC.simplified().symbol == "°C"
    base = units.degC.to_base()
    assert base == units.K
    assert base.offset == 0.0


def test_offset_unit_spellings() -> None:
    for text in ("degC", "°C", "℃", "deg_C", "degreeC", "celsius", "degree_Celsius"):
        assert units.parse(text) == units.degC, text
    for text in ("degF", "°F", "℉", "fahrenheit", "degree_Fahrenheit"):
        assert units.parse(text) == units.degF, text
    for text in ("delta_degC", "Δ°C", "delta_°C"):
        assert units.parse(text) == units.delta_degC, text
        assert units.parse(text).offset == 0.0
