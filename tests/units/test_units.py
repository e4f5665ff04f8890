"""Units: the registry, attribute access, algebra, conversion and text."""

from __future__ import annotations

import math
from fractions import Fraction

import dimtensor as dt
import numpy as np
import pytest
from dimtensor import Dimension, Unit, units
from dimtensor._core import lookup_unit, unit_names
from dimtensor.errors import DimensionError, UnitConversionError, UnitParseError

L = Dimension(length=1)
M = Dimension(mass=1)
T = Dimension(time=1)
THETA = Dimension(temperature=1)
ONE = Dimension()
ENERGY = Dimension(length=2, mass=1, time=-2)
PRESSURE = Dimension(length=-1, mass=1, time=-2)

ALL_NAMES = unit_names()
ROUND_TRIP_FORMATS = ("unicode", "ascii", "cf")


# --- attribute access ------------------------------------------------------------


def test_symbols_as_attributes() -> None:
    assert units.m.dimension == L
    assert units.m.scale == 1.0
    assert units.km.scale == 1000.0
    assert units.kg.scale == 1.0
    assert units.kg.dimension == M
    assert units.g.scale == 1e-3
    assert units.s.dimension == T
    assert units.N.dimension == Dimension(length=1, mass=1, time=-2)
    assert units.J.dimension == ENERGY
    assert units.Pa.dimension == PRESSURE


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("meter", "m"),
        ("metre", "m"),
        ("meters", "m"),
        ("metres", "m"),
        ("kilometre", "km"),
        ("kilometers", "km"),
        ("second", "s"),
        ("seconds", "s"),
        ("gram", "g"),
        ("kilogram", "kg"),
        ("kilograms", "kg"),
        ("newton", "N"),
        ("joules", "J"),
        ("hour", "h"),
        ("hours", "h"),
        ("hr", "h"),
        ("litre", "L"),
        ("liter", "L"),
        ("millilitres", "mL"),
        ("electronvolt", "eV"),
        ("feet", "ft"),
        ("inches", "in"),
        ("pounds", "lb"),
        ("knots", "kn"),
        ("gauss", "G"),
        ("percent", "%"),
        ("microsecond", "µs"),
        ("microseconds", "µs"),
        ("kibibytes", "KiB"),
    ],
)
def test_long_names_and_plurals(name: str, symbol: str) -> None:
    u = getattr(units, name)
    assert u.symbol == symbol
    assert u == units.parse(symbol)


def test_micro_spellings() -> None:
    # Exact code points (source code would normalise them): MICRO SIGN, GREEK MU.
    micro_name, mu_name = "\u00b5m", "\u03bcm"
    micro_sign = getattr(units, micro_name)
    greek_mu = getattr(units, mu_name)
    assert micro_sign == greek_mu == units.um
    # In source code Python normalises the micro sign to Greek mu (NFKC).
    assert units.µm == units.μm == units.um
    assert units.um.scale == 1e-6
    assert units.um.dimension == L
    assert units.um.symbol == "µm"
    assert units.us == units.µs
    assert units.us.scale == 1e-6
    assert units.ug == units.µg
    assert units.ug.scale == pytest.approx(1e-9, rel=1e-15)
    assert units.micrometre == units.um


def test_temperature_and_ohm_names() -> None:
    assert units.degC.offset == 273.15
    assert units.degC.scale == 1.0
    assert units.degC.dimension == THETA
    assert units.degC.symbol == "°C"
    assert units.degF.dimension == THETA
    assert units.delta_degC.offset == 0.0
    assert units.delta_degC.symbol == "Δ°C"
    assert units.delta_degF.scale == pytest.approx(5 / 9)
    assert units.ohm == units.Ω
    assert units.ohm.symbol == "Ω"
    assert units.ohm.dimension == Dimension(length=2, mass=1, time=-3, current=-2)
    assert units.kohm.scale == 1000.0
    assert units.kiloohm == units.kohm
    # U+2126 OHM SIGN is accepted too.
    ohm_sign = "\u2126"
    assert getattr(units, ohm_sign) == units.ohm


def test_attribute_lookup_matches_registry() -> None:
    for name in ("m", "km", "kg", "degC", "delta_degC", "ohm", "um", "hour", "yr", "KiB"):
        assert getattr(units, name) == lookup_unit(name)
        assert getattr(units, name) is getattr(units, name)  # cached after first use


@pytest.mark.parametrize("name", ["foo", "meterz", "kilofoo", "M_", "__foo__", "Km", "parse_"])
def test_unknown_attribute_is_attribute_error(name: str) -> None:
    with pytest.raises(AttributeError, match=name):
        getattr(units, name)
    assert not hasattr(units, name)


def test_unknown_attribute_is_not_a_unit_error() -> None:
    with pytest.raises(AttributeError) as info:
        units.not_a_unit  # noqa: B018
    assert not isinstance(info.value, UnitParseError)


def test_dir_lists_identifiers() -> None:
    listed = set(dir(units))
    identifiers = {n for n in ALL_NAMES if n.isidentifier()}
    assert identifiers <= listed
    assert {"m", "km", "degC", "delta_degC", "ohm", "um", "meters", "parse"} <= listed
    assert "°C" not in listed
    assert "%" not in listed
    for name in listed:
        assert name.isidentifier()


def test_every_identifier_name_is_an_attribute() -> None:
    mismatched = [n for n in ALL_NAMES if n.isidentifier() and getattr(units, n) != lookup_unit(n)]
    assert mismatched == []


def test_registry_is_large_and_has_no_empty_names() -> None:
    assert len(ALL_NAMES) > 1000
    assert ALL_NAMES == sorted(ALL_NAMES)
    assert len(set(ALL_NAMES)) == len(ALL_NAMES)
    assert "" not in ALL_NAMES


def test_lookup_unit_does_not_parse() -> None:
    assert lookup_unit("m/s") is None
    assert lookup_unit("nonsense") is None
    assert lookup_unit("m") == units.m


# --- registry contents -----------------------------------------------

SI_PREFIXES = {
    "Q": 30, "R": 27, "Y": 24, "Z": 21, "E": 18, "P": 15, "T": 12, "G": 9, "M": 6, "k": 3,
    "h": 2, "da": 1, "d": -1, "c": -2, "m": -3, "µ": -6, "n": -9, "p": -12, "f": -15,
    "a": -18, "z": -21, "y": -24, "r": -27, "q": -30,
}  # fmt: skip


def test_si_base_units() -> None:
    for name, dim in [
        ("m", L),
        ("kg", M),
        ("s", T),
        ("A", Dimension(current=1)),
        ("K", THETA),
        ("mol", Dimension(amount=1)),
        ("cd", Dimension(luminosity=1)),
    ]:
        u = lookup_unit(name)
        assert u is not None, name
        assert u.dimension == dim
        assert u.scale == 1.0
        assert u.offset == 0.0
        assert u.symbol == name


SPECIAL_NAMES = {
    "rad": (0, 0, 0, 0, 0, 0, 0),
    "sr": (0, 0, 0, 0, 0, 0, 0),
    "Hz": (0, 0, -1, 0, 0, 0, 0),
    "N": (1, 1, -2, 0, 0, 0, 0),
    "Pa": (-1, 1, -2, 0, 0, 0, 0),
    "J": (2, 1, -2, 0, 0, 0, 0),
    "W": (2, 1, -3, 0, 0, 0, 0),
    "C": (0, 0, 1, 1, 0, 0, 0),
    "V": (2, 1, -3, -1, 0, 0, 0),
    "F": (-2, -1, 4, 2, 0, 0, 0),
    "Ω": (2, 1, -3, -2, 0, 0, 0),
    "S": (-2, -1, 3, 2, 0, 0, 0),
    "Wb": (2, 1, -2, -1, 0, 0, 0),
    "T": (0, 1, -2, -1, 0, 0, 0),
    "H": (2, 1, -2, -2, 0, 0, 0),
    "°C": (0, 0, 0, 0, 1, 0, 0),
    "lm": (0, 0, 0, 0, 0, 0, 1),
    "lx": (-2, 0, 0, 0, 0, 0, 1),
    "Bq": (0, 0, -1, 0, 0, 0, 0),
    "Gy": (2, 0, -2, 0, 0, 0, 0),
    "Sv": (2, 0, -2, 0, 0, 0, 0),
    "kat": (0, 0, -1, 0, 0, 1, 0),
}


def test_22_si_derived_units_with_special_names() -> None:
    assert len(SPECIAL_NAMES) == 22
    for name, exps in SPECIAL_NAMES.items():
        u = lookup_unit(name)
        assert u is not None, name
        assert u.dimension == Dimension(*exps), name
        assert u.scale == 1.0, name
        assert u.symbol == name


@pytest.mark.parametrize(
    ("base", "mantissa", "exp0"),
    [
        ("m", "1", 0),
        ("g", "1", -3),
        ("s", "1", 0),
        ("A", "1", 0),
        ("K", "1", 0),
        ("mol", "1", 0),
        ("cd", "1", 0),
        ("J", "1", 0),
        ("W", "1", 0),
        ("Pa", "1", 0),
        ("Hz", "1", 0),
        ("eV", "1.602176634", -19),
        ("L", "1", -3),
    ],
)
def test_all_24_si_prefixes_with_correctly_rounded_scales(
    base: str, mantissa: str, exp0: int
) -> None:
    b = lookup_unit(base)
    assert b is not None
    for prefix, exp in SI_PREFIXES.items():
        name = prefix + base
        if name == "Gs":  # the gauss; the gigasecond goes by its long name
            name = "gigasecond"
        u = units.parse(name)
        assert u.dimension == b.dimension, name
        # Exactly the double nearest to the decimal value (no accumulated error).
        assert u.scale == float(f"{mantissa}e{exp0 + exp}"), name


def test_prefixed_symbols_do_not_shadow_units() -> None:
    assert units.Pa.dimension == PRESSURE  # pascal, not peta-annum
    assert units.ft.dimension == L  # foot, not femtotonne
    assert units.min.scale == 60.0  # minute, not milli-inch
    assert units.cd.dimension == Dimension(luminosity=1)  # candela, not centiday
    assert units.parse("Gs") == units.G  # gauss alias
    assert units.gigasecond.scale == 1e9
    assert units.gigasecond.dimension == T


@pytest.mark.parametrize(
    ("name", "scale", "dim"),
    [
        ("KiB", 8 * 1024, ONE),
        ("MiB", 8 * 1024**2, ONE),
        ("GiB", 8 * 1024**3, ONE),
        ("YiB", 8 * 1024**8, ONE),
        ("Kibit", 1024, ONE),
        ("Gibit", 1024**3, ONE),
        ("kB", 8000, ONE),
        ("B", 8, ONE),
        ("bit", 1, ONE),
        ("min", 60, T),
        ("h", 3600, T),
        ("d", 86400, T),
        ("yr", 365.25 * 86400, T),
        ("rad", 1, ONE),
        ("sr", 1, ONE),
        ("deg", math.pi / 180, ONE),
        ("arcmin", math.pi / 180 / 60, ONE),
        ("arcsec", math.pi / 180 / 3600, ONE),
        ("L", 1e-3, Dimension(length=3)),
        ("mL", 1e-6, Dimension(length=3)),
        ("t", 1000, M),
        ("Da", 1.66053906892e-27, M),
        ("eV", 1.602176634e-19, ENERGY),
        ("au", 149597870700, L),
        ("pc", 149597870700 * 648000 / math.pi, L),
        ("ly", 299792458 * 365.25 * 86400, L),
        ("Å", 1e-10, L),
        ("angstrom", 1e-10, L),
        ("bar", 1e5, PRESSURE),
        ("atm", 101325, PRESSURE),
        ("Torr", 101325 / 760, PRESSURE),
        ("mmHg", 133.322387415, PRESSURE),
        ("psi", 0.45359237 * 9.80665 / 0.0254**2, PRESSURE),
        ("cal", 4.184, ENERGY),
        ("kcal", 4184, ENERGY),
        ("kWh", 3.6e6, ENERGY),
        ("BTU", 1055.05585262, ENERGY),
        ("in", 0.0254, L),
        ("ft", 0.3048, L),
        ("yd", 0.9144, L),
        ("mi", 1609.344, L),
        ("nmi", 1852, L),
        ("kn", 1852 / 3600, Dimension(length=1, time=-1)),
        ("lb", 0.45359237, M),
        ("oz", 0.45359237 / 16, M),
        ("gal", 231 * 0.0254**3, Dimension(length=3)),
        ("G", 1e-4, Dimension(mass=1, time=-2, current=-1)),
        ("erg", 1e-7, ENERGY),
        ("dyn", 1e-5, Dimension(length=1, mass=1, time=-2)),
        ("P", 0.1, Dimension(length=-1, mass=1, time=-1)),
        ("St", 1e-4, Dimension(length=2, time=-1)),
        ("%", 0.01, ONE),
        ("ppm", 1e-6, ONE),
        ("degR", 5 / 9, THETA),
        ("rankine", 5 / 9, THETA),
        ("delta_degC", 1, THETA),
        ("delta_degF", 5 / 9, THETA),
    ],
)
def test_registry_contents(name: str, scale: float, dim: Dimension) -> None:
    u = units.parse(name)
    assert u.scale == pytest.approx(scale, rel=1e-14)
    assert u.dimension == dim
    assert u.offset == 0.0


def test_offset_units_registered() -> None:
    assert units.degC.offset == 273.15
    assert units.degF.scale == pytest.approx(5 / 9)
    assert units.degF.offset == pytest.approx(459.67 * 5 / 9)
    assert units.parse("°F") == units.degF
    assert units.parse("℃") == units.degC


# --- algebra and derived symbols -------------------------------------------------


def test_derived_symbols_from_the_api() -> None:
    assert (units.m / units.s).symbol == "m/s"
    assert (units.kg * units.m**2 / units.s**2).symbol == "kg·m²/s²"
    assert (units.m**2).symbol == "m²"
    assert (1 / units.s).symbol == "1/s"
    assert (units.m * 1000).symbol == "1000·m"
    assert (1000 * units.m).symbol == "1000·m"


@pytest.mark.parametrize(
    ("unit", "symbol"),
    [
        (units.kg / (units.m * units.s**2), "kg/(m·s²)"),
        (units.W / (units.m**2 * units.K), "W/(m²·K)"),
        (units.m ** Fraction(1, 2), "m¹ᐟ²"),
        (units.m**0.5, "m¹ᐟ²"),
        (units.s**-1, "1/s"),
        (2 / units.s, "2/s"),
        (units.m / 2, "0.5·m"),
        (units.km / units.h, "km/h"),
        (units.m * units.m, "m²"),
        (units.m / units.m, ""),
        (units.m**0, ""),
        (units.N * units.m, "N·m"),
        (units.m * units.kg, "m·kg"),
    ],
)
def test_symbols(unit: Unit, symbol: str) -> None:
    assert unit.symbol == symbol
    assert str(unit) == symbol


def test_algebra_values() -> None:
    v = units.km / units.h
    assert v.dimension == Dimension(length=1, time=-1)
    assert v.scale == pytest.approx(1000 / 3600, rel=1e-15)
    assert (units.m * 1000).scale == 1000.0
    assert (units.m * 1000) == units.km
    assert (1000 * units.m) == units.km
    assert (units.km / 1000) == units.m
    assert (1 / units.s) == units.Hz
    assert (units.m**3).scale == 1.0
    assert (units.cm**3) == units.mL
    assert (units.km**2).scale == 1e6
    assert (units.m**2) ** Fraction(1, 2) == units.m
    assert (units.kg * units.m / units.s**2).dimension == Dimension(length=1, mass=1, time=-2)


def test_equality_is_by_value() -> None:
    assert units.kg * units.m / units.s**2 == units.N
    assert hash(units.kg * units.m / units.s**2) == hash(units.N)
    assert units.J == units.N * units.m
    assert units.W == units.J / units.s
    assert units.Pa == units.N / units.m**2
    assert units.km / units.h * units.h == units.km
    assert units.m != units.km
    assert units.m != units.s
    assert units.Hz == units.Bq  # same value, different names
    assert units.Gy == units.Sv
    assert units.K != units.degC  # offsets differ
    assert units.delta_degC != units.K  # the same size, another kind
    assert units.rad == units.parse("1")
    assert len({units.N, units.kg * units.m / units.s**2, units.J}) == 2


@pytest.mark.parametrize("other", [1, 1.0, "m", None, Dimension(length=1)])
def test_not_equal_to_non_units(other: object) -> None:
    assert units.m != other
    assert not (units.m == other)


def test_ordering_and_addition_are_not_defined() -> None:
    with pytest.raises(TypeError):
        units.m < units.km  # type: ignore[operator]  # noqa: B015
    with pytest.raises(TypeError):
        units.m + units.m  # type: ignore[operator]


@pytest.mark.parametrize("bad", [0, -1, -1000.0, float("inf"), float("nan")])
def test_invalid_numeric_factors_raise_value_error(bad: float) -> None:
    with pytest.raises(ValueError):
        units.m * bad
    with pytest.raises(ValueError):
        bad * units.m
    with pytest.raises(ValueError):
        bad / units.m


@pytest.mark.parametrize("bad", [True, "2", [2], None, 1j])
def test_non_numeric_factors_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        units.m * bad  # type: ignore[operator]
    with pytest.raises(TypeError):
        units.m / bad  # type: ignore[operator]
    with pytest.raises(TypeError):
        units.m**bad  # type: ignore[operator]


def test_power_overflow_is_dimension_error() -> None:
    with pytest.raises(DimensionError):
        units.m ** (2**31)
    with pytest.raises(DimensionError):
        (units.m**2_000_000_000) * (units.m**2_000_000_000)


def test_scale_overflow_is_value_error() -> None:
    with pytest.raises(ValueError):
        units.Qm**20


def test_attributes_and_immutability() -> None:
    u = units.km
    assert isinstance(u, Unit)
    assert isinstance(u.dimension, Dimension)
    assert isinstance(u.scale, float)
    assert isinstance(u.offset, float)
    assert isinstance(u.symbol, str)
    assert not u.is_dimensionless
    assert units.percent.is_dimensionless
    assert units.rad.is_dimensionless
    with pytest.raises(AttributeError):
        u.scale = 2.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        u.foo = 1  # type: ignore[attr-defined]
    assert u.scale == 1000.0


# --- compatibility and conversion ------------------------------------------------


def test_is_compatible() -> None:
    assert units.m.is_compatible(units.km)
    assert units.m.is_compatible(units.ft)
    assert units.J.is_compatible(units.eV)
    assert units.K.is_compatible(units.degC)
    assert not units.m.is_compatible(units.s)
    assert not units.J.is_compatible(units.W)
    assert units.m.is_compatible("mi")
    assert not units.m.is_compatible("s")
    with pytest.raises(TypeError):
        units.m.is_compatible(1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("src", "dst", "factor"),
    [
        (units.km, units.m, 1000.0),
        (units.m, units.km, 1e-3),
        (units.km / units.h, units.m / units.s, 1 / 3.6),
        (units.mi, units.km, 1.609344),
        (units.ft, units.inch, 12.0),
        (units.h, units.s, 3600.0),
        (units.kWh, units.J, 3.6e6),
        (units.eV, units.J, 1.602176634e-19),
        (units.atm, units.Pa, 101325.0),
        (units.deg, units.rad, math.pi / 180),
        (units.percent, units.parse("1"), 0.01),
        (units.N * units.m, units.J, 1.0),
        (units.delta_degF, units.K, 5 / 9),
        (units.L, units.m**3, 1e-3),
        (units.GiB, units.B, 1024.0**3),
    ],
)
def test_conversion_factor(src: Unit, dst: Unit, factor: float) -> None:
    assert src.conversion_factor(dst) == pytest.approx(factor, rel=1e-14)
    assert dst.conversion_factor(src) == pytest.approx(1 / factor, rel=1e-14)


def test_conversion_factor_accepts_text() -> None:
    assert units.km.conversion_factor("m") == 1000.0
    assert units.parse("km/h").conversion_factor("m/s") == pytest.approx(1 / 3.6)
    with pytest.raises(UnitParseError):
        units.m.conversion_factor("nonsense")
    with pytest.raises(TypeError):
        units.m.conversion_factor(3)  # type: ignore[arg-type]


def test_conversion_between_dimensions_raises_with_both_units_named() -> None:
    with pytest.raises(UnitConversionError) as info:
        units.m.conversion_factor(units.s)
    msg = str(info.value)
    assert "'m'" in msg
    assert "'s'" in msg
    assert "[L]" in msg
    assert "[T]" in msg
    with pytest.raises(UnitConversionError) as info:
        (units.kg * units.m / units.s**2).conversion_factor(units.J)
    msg = str(info.value)
    assert "kg·m/s²" in msg
    assert "'J'" in msg
    assert "LMT⁻²" in msg
    assert "L²MT⁻²" in msg
    # It is also a DimensionError and a ValueError.
    with pytest.raises(DimensionError):
        units.m.conversion_factor("kg")
    with pytest.raises(ValueError):
        units.m.conversion_affine("kg")


def test_to_base() -> None:
    assert units.J.to_base().symbol == "kg·m²/s²"
    assert units.N.to_base().symbol == "kg·m/s²"
    assert units.km.to_base().symbol == "m"
    assert units.kWh.to_base().symbol == "kg·m²/s²"
    assert units.V.to_base().symbol == "kg·m²/(s³·A)"
    assert units.lx.to_base().symbol == "cd/m²"
    for u in (units.J, units.km, units.kWh, units.ft / units.min, units.mol / units.L):
        base = u.to_base()
        assert base.scale == 1.0
        assert base.offset == 0.0
        assert base.dimension == u.dimension
        assert units.parse(base.symbol) == base
    assert units.kWh.to_base() == units.J
    assert units.degC.to_base() == units.K
    assert units.percent.to_base() == units.parse("1")


@pytest.mark.parametrize(
    ("unit", "symbol"),
    [
        (units.kg * units.m**2 / units.s**2, "J"),
        (units.kg * units.m / units.s**2, "N"),
        (units.J / units.s, "W"),
        (units.N / units.m**2, "Pa"),
        (units.A * units.s, "C"),
        (units.V / units.A, "Ω"),
        (1000 * units.J / units.s, "kW"),
        (units.kg * units.m**2 / units.s**2 / 1000, "mJ"),
        (units.m / units.m, ""),
        (units.km / units.m, "km/m"),  # no registered name for a bare 1000: unchanged
        (units.km / units.h, "km/h"),  # no exact registered match: unchanged
        (units.m, "m"),
        (units.degC, "°C"),
    ],
)
def test_simplified(unit: Unit, symbol: str) -> None:
    s = unit.simplified()
    assert s.symbol == symbol
    assert s == unit


# --- text ------------------------------------------------------------------------

ENERGY_UNIT = units.kg * units.m**2 / units.s**2


@pytest.mark.parametrize(
    ("unit", "fmt", "text"),
    [
        (ENERGY_UNIT, "unicode", "kg·m²/s²"),
        (ENERGY_UNIT, "ascii", "kg*m^2/s^2"),
        (ENERGY_UNIT, "cf", "kg m2 s-2"),
        (ENERGY_UNIT, "udunits", "kg m2 s-2"),
        (ENERGY_UNIT, "latex", r"\mathrm{kg}\,\mathrm{m}^{2}\,\mathrm{s}^{-2}"),
        (units.kg / (units.m * units.s**2), "ascii", "kg/(m*s^2)"),
        (units.kg / (units.m * units.s**2), "cf", "kg m-1 s-2"),
        (units.W / units.m**2, "cf", "W m-2"),
        (units.m / units.s, "latex", r"\mathrm{m}\,\mathrm{s}^{-1}"),
        (units.km, "latex", r"\mathrm{km}"),
        (units.m ** Fraction(1, 3), "ascii", "m^(1/3)"),
        (units.m ** Fraction(-3, 2), "unicode", "1/m³ᐟ²"),
        (units.m * 1000, "ascii", "1000*m"),
        (units.m * 1000, "cf", "1000 m"),
        (units.parse(""), "unicode", ""),
        (units.parse(""), "cf", "1"),
        (1 / units.s, "ascii", "1/s"),
        (1 / units.s, "cf", "s-1"),
        (units.degC, "ascii", "degC"),
        (units.degC, "cf", "degC"),
        (units.delta_degC, "ascii", "delta_degC"),
        (units.ohm, "ascii", "ohm"),
        (units.ohm, "unicode", "Ω"),
        (units.um, "ascii", "um"),
        (units.um, "cf", "um"),
        (units.um, "unicode", "µm"),
        (units.percent, "cf", "percent"),
        (units.deg, "cf", "degree"),
        (units.deg, "ascii", "deg"),
        (units.m**2, "unicode", "m²"),
    ],
)
def test_to_string(unit: Unit, fmt: str, text: str) -> None:
    assert unit.to_string(fmt) == text


def test_to_string_default_is_unicode() -> None:
    u = units.kg * units.m**2 / units.s**2
    assert u.to_string() == u.to_string("unicode") == u.symbol == str(u)


@pytest.mark.parametrize("fmt", ["bogus", "ASCII", "", "html"])
def test_unknown_format_is_value_error(fmt: str) -> None:
    with pytest.raises(ValueError, match="format"):
        units.m.to_string(fmt)


def test_format_protocol() -> None:
    u = units.N / units.m**2
    assert format(u, "ascii") == "N/m^2"
    assert format(u, "cf") == "N m-2"
    assert format(u, "") == str(u) == "N/m²"
    assert f"{u}" == "N/m²"
    assert f"{u:latex}" == u.to_string("latex")
    with pytest.raises(ValueError):
        format(u, ".2f")


def test_repr_latex() -> None:
    assert units.m._repr_latex_() == r"$\mathrm{m}$"
    assert (units.kg / units.m**3)._repr_latex_() == r"$\mathrm{kg}\,\mathrm{m}^{-3}$"
    for u in (units.ohm, units.degC, units.um, units.m / units.s):
        text = u._repr_latex_()
        assert text.startswith("$")
        assert text.endswith("$")
        assert text[1:-1] == u.to_string("latex")


@pytest.mark.parametrize(
    "unit",
    [
        units.m,
        units.m / units.s,
        units.kg * units.m**2 / units.s**2,
        units.m * 1000,
        units.degC,
        units.parse(""),
        Unit("furlong", Dimension(length=1), 201.168),
        Unit("dC", Dimension(temperature=1), 1.0, 273.15),
        Unit("half", Dimension(length=Fraction(1, 2)), 0.5),
        # Symbols that need escaping in a Python string literal.
        Unit('in "quotes"', Dimension(length=1), 0.0254),
        Unit("it's", Dimension(length=1), 2.0),
        Unit("back\\slash", Dimension(length=1), 3.0),
        Unit("tab\tnew\nline", Dimension(length=1), 4.0),
        Unit("del\x7f", Dimension(length=1), 5.0),
        Unit("e\u0301", Dimension(length=1), 6.0),  # combining accent
        Unit("zero\u200bwidth", Dimension(length=1), 7.0),
        Unit("\U0001f600", Dimension(length=1), 8.0),
    ],
)
def test_repr_evaluates_back(unit: Unit) -> None:
    text = repr(unit)
    assert text.startswith("Unit(")
    back = eval(text, {"Unit": Unit, "Dimension": Dimension, "Fraction": Fraction})
    assert back == unit
    assert back.symbol == unit.symbol


# --- parsing ---------------------------------------------------------------------

API_EXAMPLES = [
    ("m/s^2", units.m / units.s**2),
    ("m/s**2", units.m / units.s**2),
    ("kg*m^2/s^2", units.J),
    ("kg m2 s-2", units.J),
    ("kg·m²·s⁻²", units.J),
    ("1/s", units.Hz),
    ("(m/s)^2", units.m**2 / units.s**2),
    ("1e-3 m", units.mm),
    ("10^3 m", units.km),
    ("%", units.percent),
    ("µm", units.um),
    ("um", units.um),
    ("μm", units.um),
    ("degC", units.degC),
    ("°C", units.degC),
    ("meter", units.m),
    ("metre", units.m),
    ("meters", units.m),
]


@pytest.mark.parametrize(("text", "expected"), API_EXAMPLES)
def test_parse_api_examples(text: str, expected: Unit) -> None:
    u = units.parse(text)
    assert u == expected
    assert u.dimension == expected.dimension
    assert u.scale == pytest.approx(expected.scale, rel=1e-15)
    assert u.offset == expected.offset
    assert Unit.parse(text) == expected
    assert dt.units.parse(text) == expected


def test_parse_api_example_values() -> None:
    assert units.parse("1e-3 m").scale == pytest.approx(1e-3)
    assert units.parse("10^3 m").scale == 1000.0
    assert units.parse("%").scale == 0.01
    assert units.parse("°C").offset == 273.15
    assert units.parse("kg m2 s-2").dimension == ENERGY
    assert units.parse("(m/s)^2").symbol == "m²/s²"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("degrees_north", units.deg),
        ("degrees_east", units.deg),
        ("W m-2", units.W / units.m**2),
        ("kg m-2 s-1", units.kg / units.m**2 / units.s),
        ("hPa", units.Pa * 100),
        ("1", units.m / units.m),
        ("m s-1", units.m / units.s),
        ("m2 s-2", units.m**2 / units.s**2),
        ("K", units.K),
        ("degree", units.deg),
        ("percent", units.percent),
        ("mol m-3", units.mol / units.m**3),
        ("kg m-3", units.kg / units.m**3),
        ("m.s-1", units.m / units.s),
        ("J/kg/K", units.J / (units.kg * units.K)),  # UDUNITS: left-associative
        ("10 m", units.m * 10),
        ("0.001 kg", units.g),
    ],
)
def test_parse_cf_strings(text: str, expected: Unit) -> None:
    assert units.parse(text) == expected


def test_parse_of_hpa_and_1_values() -> None:
    assert units.parse("hPa").scale == 100.0
    assert units.parse("hPa").dimension == PRESSURE
    one = units.parse("1")
    assert one.is_dimensionless
    assert one.scale == 1.0
    assert one.symbol == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("m^0.5", units.m ** Fraction(1, 2)),
        ("m^(1/2)", units.m ** Fraction(1, 2)),
        ("m¹ᐟ²", units.m ** Fraction(1, 2)),
        ("m^(-3/2)", units.m ** Fraction(-3, 2)),
        ("m ^ 2", units.m**2),
        ("  m / s  ", units.m / units.s),
        ("m⋅s", units.m * units.s),
        ("m×s", units.m * units.s),
        ("(kg)", units.kg),
        ("((m))/((s))", units.m / units.s),
        ("kg/(m*s^2)", units.Pa),
        ("m**-1", 1 / units.m),
        ("m^-1", 1 / units.m),
        ("s⁻¹", units.Hz),
        (".5 m", units.m / 2),
        ("2.5E+3 m", units.m * 2500),
        ("m^0", units.parse("1")),
    ],
)
def test_parse_more_syntax(text: str, expected: Unit) -> None:
    assert units.parse(text) == expected


@pytest.mark.parametrize("fmt", ROUND_TRIP_FORMATS)
def test_every_registered_name_round_trips(fmt: str) -> None:
    failures = []
    for name in ALL_NAMES:
        u = lookup_unit(name)
        assert u is not None
        text = u.to_string(fmt)
        try:
            if fmt == "cf":
                # CF: the CF dialect, with units_metadata for temperature kinds.
                text, metadata = u.to_cf()
                back = units.parse_cf(text, metadata)[0]
            else:
                back = units.parse(text)
        except Exception as exc:  # collect them all for a useful message
            failures.append((name, text, repr(exc)))
            continue
        if back != u or back.offset != u.offset:
            failures.append((name, text, back.symbol, back.scale, u.scale))
    assert failures == []


def test_every_registered_name_parses_to_itself() -> None:
    mismatched = [n for n in ALL_NAMES if units.parse(n) != lookup_unit(n)]
    assert mismatched == []


@pytest.mark.parametrize(
    "unit",
    [
        units.kg * units.m**2 / units.s**2,
        units.W / (units.m**2 * units.K),
        units.m ** Fraction(1, 2),
        units.m ** Fraction(-2, 3) * units.s,
        units.m * 1000,
        units.m * 1e-30,
        units.m * 2.5e20,
        2 / units.s,
        units.km / units.h,
        units.parse(""),
        units.deg**2,
        units.um / units.us,
        units.ohm * units.m,
        units.delta_degC / units.s,
        units.KiB / units.s,
        units.gigasecond**2,
        units.kilotonne / units.yr,
    ],
)
@pytest.mark.parametrize("fmt", ROUND_TRIP_FORMATS)
def test_derived_units_round_trip(unit: Unit, fmt: str) -> None:
    text = unit.to_string(fmt)
    back = units.parse(text)
    assert back == unit, text
    assert back.to_string(fmt) == text


# --- the Unit constructor --------------------------------------------------------


def test_constructor_without_dimension_parses() -> None:
    assert Unit("km/h") == units.km / units.h
    assert Unit("km/h").symbol == "km/h"
    assert Unit("kg m2 s-2") == units.J
    with pytest.raises(UnitParseError):
        Unit("nonsense")


def test_constructor_with_dimension() -> None:
    furlong = Unit("furlong", Dimension(length=1), 201.168)
    assert furlong.symbol == "furlong"
    assert furlong.dimension == L
    assert furlong.scale == 201.168
    assert furlong.offset == 0.0
    assert furlong == units.ft * 660
    assert furlong.conversion_factor(units.m) == pytest.approx(201.168)
    assert (furlong / units.s).symbol == "furlong/s"
    assert (furlong**2).to_string("ascii") == "furlong^2"
    # Compat positional order: symbol, dimension, scale, offset.
    dc = Unit("dC", Dimension(temperature=1), 1.0, 273.15)
    assert dc == units.degC
    assert dc.symbol == "dC"
    kw = Unit(symbol="x", dimension=Dimension(mass=1), scale=2.0, offset=0.0)
    assert kw.scale == 2.0
    assert kw.dimension == M


def test_constructor_with_dimension_of_a_registered_symbol() -> None:
    m = Unit("m", Dimension(length=1))
    assert m == units.m
    for fmt in ROUND_TRIP_FORMATS:
        assert units.parse(m.to_string(fmt)) == m
    km = Unit("km", Dimension(length=1), 1000.0)
    assert km == units.km
    assert km.symbol == "km"


def test_constructor_validation() -> None:
    with pytest.raises(ValueError, match="dimension"):
        Unit("m", scale=2.0)
    with pytest.raises(ValueError):
        Unit("x", Dimension(), 0.0)
    with pytest.raises(ValueError):
        Unit("x", Dimension(), -1.0)
    with pytest.raises(ValueError):
        Unit("x", Dimension(), float("nan"))
    with pytest.raises(ValueError):
        Unit("x", Dimension(), 1.0, float("inf"))
    with pytest.raises(TypeError):
        Unit("x", "L")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Unit(1)  # type: ignore[arg-type]


# --- NumPy scalars ---------------------------------------------------------------


@pytest.mark.parametrize(
    "factor", [np.int64(1000), np.int32(1000), np.uint16(1000), np.float32(1000), np.float64(1000)]
)
def test_numpy_scalars_as_factors(factor: object) -> None:
    assert units.m * factor == units.km  # type: ignore[operator]
    assert factor * units.m == units.km  # type: ignore[operator]
    assert units.km / factor == units.m  # type: ignore[operator]
    assert (factor / units.s).scale == 1000.0  # type: ignore[operator]
    assert (units.m * factor).symbol == "1000·m"  # type: ignore[operator]


def test_fractions_as_factors() -> None:
    assert (units.m * Fraction(1, 2)).scale == 0.5
    assert Fraction(1, 2) * units.m == units.m / 2


@pytest.mark.parametrize("exp", [np.int64(2), np.int8(2), np.float32(2.0), np.float64(2.0)])
def test_numpy_scalars_as_exponents(exp: object) -> None:
    assert units.m**exp == units.m**2  # type: ignore[operator]
    assert Dimension(length=1) ** exp == Dimension(length=2)  # type: ignore[operator]
    assert Dimension(length=exp).length == 2  # type: ignore[arg-type]


def test_numpy_bools_are_not_numbers() -> None:
    with pytest.raises(TypeError):
        units.m * np.bool_(True)  # type: ignore[operator]
    with pytest.raises(TypeError):
        units.m ** np.bool_(True)  # type: ignore[operator]
