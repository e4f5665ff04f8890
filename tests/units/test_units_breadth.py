"""The everyday units beyond the SI: names, values, refusals, simplification, docs page."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from dimtensor import DimArray, Dimension, Unit, units
from dimtensor._core import lookup_unit, unit_names
from dimtensor.constants import G
from dimtensor.errors import UnitParseError

ROOT = Path(__file__).resolve().parents[2]
LBF = 0.45359237 * 9.80665
R_GAS = 1.380649e-23 * 6.02214076e23

L = Dimension(length=1)
M = Dimension(mass=1)
T = Dimension(time=1)
ONE = Dimension()

# (every name of the unit, its value in the given SI unit text, that text)
NEW_UNITS: list[tuple[tuple[str, ...], float, str]] = [
    (("lbf", "pound_force", "pounds_force", "force_pound"), LBF, "N"),
    (("kgf", "kilogram_force", "kilograms_force"), 9.80665, "N"),
    (("gf", "gram_force", "grams_force"), 9.80665e-3, "N"),
    (("kip", "kips"), 1000 * LBF, "N"),
    (("ksi", "kip_per_square_inch"), 1000 * LBF / 0.0254**2, "Pa"),
    (("psi", "psia"), LBF / 0.0254**2, "Pa"),
    (("hp", "horsepower"), 550 * 0.3048 * LBF, "W"),
    (("TR", "ton_of_refrigeration", "tons_of_refrigeration"), 12000 * 1055.05585262 / 3600, "W"),
    (("mph", "mile_per_hour", "miles_per_hour"), 0.44704, "m/s"),
    (("kn", "kt", "knot", "knots"), 1852 / 3600, "m/s"),
    (("rpm", "revolutions_per_minute"), 2 * math.pi / 60, "rad/s"),
    (("turn", "turns", "revolution", "rev"), 2 * math.pi, "rad"),
    (("gon", "gradian"), math.pi / 200, "rad"),
    (("hourangle", "hour_angle"), math.pi / 12, "rad"),
    (("acre", "acres"), 43560 * 0.3048**2, "m^2"),
    (("acre_foot", "acre_feet"), 43560 * 0.3048**3, "m^3"),
    (("M", "molar"), 1000.0, "mol/m^3"),
    (("mM", "millimolar"), 1.0, "mol/m^3"),
    (("µM", "uM", "micromolar"), 1e-3, "mol/m^3"),
    (("nM", "nanomolar"), 1e-6, "mol/m^3"),
    (("b", "barn", "barns"), 1e-28, "m^2"),
    (("fb", "femtobarn", "femtobarns"), 1e-43, "m^2"),
    (("Jy", "jansky", "Jansky", "janskys"), 1e-26, "W m-2 Hz-1"),
    (("mJy", "millijansky"), 1e-29, "W m-2 Hz-1"),
    (("M_sun", "Msun", "solMass", "solar_mass", "solar_masses"), 1.3271244e20 / G.value, "kg"),
    (("M_earth", "Mearth", "earthMass", "earth_mass"), 3.986004e14 / G.value, "kg"),
    (("M_jup", "Mjup", "M_jupiter", "jupiterMass", "jupiter_mass"), 1.2668653e17 / G.value, "kg"),
    (("R_sun", "Rsun", "solRad", "solar_radius"), 6.957e8, "m"),
    (("R_earth", "Rearth", "earthRad", "earth_radius"), 6.3781e6, "m"),
    (("R_jup", "Rjup", "R_jupiter", "jupiterRad"), 7.1492e7, "m"),
    (("L_sun", "Lsun", "solLum", "solar_luminosity"), 3.828e26, "W"),
    (("wk", "week", "weeks"), 7 * 86400, "s"),
    (("fortnight", "fortnights"), 14 * 86400, "s"),
    (("month", "months"), 365.25 * 86400 / 12, "s"),
    (("century", "centuries"), 36525 * 86400, "s"),
    (("Ah", "ampere_hour", "amp_hours"), 3600.0, "C"),
    (("mAh",), 3.6, "C"),
    (("Ci", "curie", "curies"), 3.7e10, "Bq"),
    (("mCi", "millicurie"), 3.7e7, "Bq"),
    (("rem", "rems"), 0.01, "Sv"),
    (("mrem", "millirem"), 1e-5, "Sv"),
    (("slug", "slugs"), LBF / 0.3048, "kg"),
    (("gr", "grain", "grains"), 64.79891e-6, "kg"),
    (("short_ton", "short_tons"), 2000 * 0.45359237, "kg"),
    (("long_ton", "long_tons"), 2240 * 0.45359237, "kg"),
    (("cc", "cubic_centimetre", "cubic_centimeters"), 1e-6, "m^3"),
    (("imperial_gallon", "UK_gallon"), 4.54609e-3, "m^3"),
    (("bbl", "oil_barrel", "barrels_of_oil"), 42 * 231 * 0.0254**3, "m^3"),
    (("inHg", "in_Hg", "inch_Hg", "inches_of_mercury"), 25.4 * 133.322387415, "Pa"),
    (("mbar", "millibar", "millibars"), 100.0, "Pa"),
    (("dbar", "decibar", "decibars"), 1e4, "Pa"),
    (("ppb", "ppbv", "parts_per_billion"), 1e-9, ""),
    (("pptv", "parts_per_trillion"), 1e-12, ""),
    (("ppm", "ppmv"), 1e-6, ""),
    (("‰", "permille", "per_mille"), 1e-3, ""),
    (("DU", "dobson_unit", "dobson_units"), 1e-5 * 101325 / (R_GAS * 273.15), "mol/m^2"),
    (("thou", "thous"), 2.54e-5, "m"),
    (("ftUS", "US_survey_foot", "survey_feet"), 1200 / 3937, "m"),
    (("µm", "micron", "microns"), 1e-6, "m"),
    (("fm", "fermi"), 1e-15, "m"),
    (("Gal", "galileo"), 1e-2, "m/s^2"),
    (("mGal", "milligal", "milligals"), 1e-5, "m/s^2"),
    (("sverdrup", "sverdrups"), 1e6, "m^3/s"),
    (("nit", "nits"), 1.0, "cd/m^2"),
    (("fc", "footcandle", "footcandles"), 1 / 0.3048**2, "lm/m^2"),
    (("D", "debye", "debyes"), 1e-21 / 299792458, "C m"),
    (("Mx", "maxwell"), 1e-8, "Wb"),
    (("Oe", "oersted", "oersteds"), 1000 / (4 * math.pi), "A/m"),
    (("VA", "volt_ampere"), 1.0, "W"),
    (("kVA",), 1e3, "W"),
    (("var", "volt_ampere_reactive"), 1.0, "W"),
    (("Mvar", "megavar"), 1e6, "W"),
    (("tTNT", "ton_TNT", "ton_of_TNT"), 4.184e9, "J"),
    (("MtTNT", "megaton_TNT", "megatons_of_TNT"), 4.184e15, "J"),
    (("foe", "bethe"), 1e44, "J"),
    (("Eh", "E_h", "hartree", "hartrees"), 4.3597447222060e-18, "J"),
    (("Ry", "rydberg"), 4.3597447222060e-18 / 2, "J"),
    (("bohr", "bohr_radius"), 5.29177210544e-11, "m"),
    (("S", "mho", "mhos"), 1.0, "S"),
    (("ly", "lyr"), 299792458 * 365.25 * 86400, "m"),
    (("Å", "Angstrom"), 1e-10, "m"),
]


@pytest.mark.parametrize(("names", "value", "si"), NEW_UNITS, ids=lambda x: str(x))
def test_each_name_parses_and_converts(names: tuple[str, ...], value: float, si: str) -> None:
    first = units.parse(names[0])
    for name in names:
        u = units.parse(name)
        assert u == first, name
        assert u.symbol == first.symbol, name
        if name.isidentifier():
            assert getattr(units, name) == u
        assert u.conversion_factor(si) == pytest.approx(value, rel=1e-14), name
        assert name in unit_names()
    # Every new unit reads back from its own text in each format.
    for fmt in ("unicode", "ascii", "cf"):
        assert units.parse(first.to_string(fmt)) == first


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("lbf", 4.4482216152605),
        ("hp", 745.69987158227022),
        ("mph", 0.44704),
        ("acre", 4046.8564224),
        ("inHg", 3386.388640341),
        ("bbl", 0.158987294928),
        ("kip", 4448.2216152605),
        ("short_ton", 907.18474),
        ("Jy", 1e-26),
        ("R_sun", 6.957e8),
        ("L_sun", 3.828e26),
        ("Ci", 3.7e10),
        ("M", 1000.0),
        ("b", 1e-28),
        ("wk", 604800.0),
        ("month", 2629800.0),
    ],
)
def test_exact_definitions_are_exact(name: str, value: float) -> None:
    assert units.parse(name).scale == value


def test_arrays_convert_in_the_new_units() -> None:
    force = DimArray([1.0, 2.0], "lbf")
    assert np.array_equal(force.to("N").data, [4.4482216152605, 2 * 4.4482216152605])
    speed = DimArray([60.0], "rpm").to("rad/s")
    assert speed.data[0] == pytest.approx(2 * math.pi, rel=1e-15)
    torque = DimArray(10.0, "N*m")
    power = (torque * DimArray(3000.0, "rpm")).to("kW")  # P = τ ω
    assert power.data == pytest.approx(10 * 3000 * 2 * math.pi / 60 / 1000, rel=1e-14)
    conc = DimArray([5.0], "mM").to("mol/L")
    assert conc.data[0] == pytest.approx(5e-3, rel=1e-15)
    mass = DimArray(1.0, "M_sun") * G
    assert mass.to("m^3/s^2").data == pytest.approx(1.3271244e20, rel=1e-15)
    flux = DimArray([250.0], "mJy").to("W m-2 Hz-1")
    assert flux.data[0] == pytest.approx(2.5e-27, rel=1e-15)
    ozone = DimArray(300.0, "DU").to("mmol/m^2")
    assert ozone.data == pytest.approx(133.845, rel=1e-4)


def test_molar_leaves_the_mega_prefix_alone() -> None:
    assert units.M.dimension == Dimension(length=-3, amount=1)
    assert units.Mm == units.km * 1000
    assert units.MPa.scale == 1e6
    assert units.parse("M/s") == units.mol / units.L / units.s
    assert units.mM.symbol == "mM"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("ppt", "pptv"),
        ("ton", "short_ton"),
        ("mil", "thou"),
        ("cycle/s", "Hz"),
        ("barrel", "bbl"),
        ("therm", "MJ"),
        ("Cal", "kcal"),
        ("psig", "psi"),
        ("barg", "bar"),
        ("kg/ppt", "permille"),
    ],
)
def test_ambiguous_names_are_refused_with_what_to_write(text: str, hint: str) -> None:
    with pytest.raises(UnitParseError, match=hint) as info:
        units.parse(text)
    assert "not a unit" in str(info.value)
    name = text.rsplit("/", 1)[-1] if text.startswith("kg/") else text.split("/")[0]
    assert lookup_unit(name) is None
    with pytest.raises(AttributeError):
        getattr(units, name)


@pytest.mark.parametrize(
    ("unit", "symbol"),
    [
        (units.Pa * units.mol / units.J, "mol/m³"),
        (units.N * units.s / units.kg, "m/s"),
        (units.mol / units.L / 1000, "mol/m³"),
        (units.kg * units.m**2 / units.s**2, "J"),
        (1000 * units.J / units.s, "kW"),
        (units.J / units.kg, "J/kg"),  # a tie: the written form stays (never Gy/Sv)
        (units.W / (units.m**2 * units.K), "W/(m²·K)"),
        (units.kPa * units.mol / units.J, "kPa·mol/J"),  # not scale 1
        (units.rad / units.s, "rad/s"),  # never Hz, never a bare 1/s
        (units.bit / units.s, "bit/s"),
        (units.lbf * units.ft, "lbf·ft"),
    ],
)
def test_simplified_finds_the_named_or_base_form(unit: Unit, symbol: str) -> None:
    s = unit.simplified()
    assert s.symbol == symbol
    assert s == unit
    assert units.parse(s.symbol) == unit


def test_str_of_an_array_uses_the_simplified_form() -> None:
    amount = DimArray([2.0], "Pa") * DimArray([1.0], "mol") / DimArray([4.0], "J")
    assert str(amount) == "[0.5] mol/m³"


def test_registered_names_stay_unique_and_round_trip() -> None:
    names = unit_names()
    assert len(names) == len(set(names))
    for name in ("M", "b", "D", "‰", "M☉", "R⊕", "Jy", "µJy", "kgf", "dbar"):
        u = lookup_unit(name)
        assert u is not None, name
        for fmt in ("unicode", "ascii", "cf"):
            assert units.parse(u.to_string(fmt)) == u, (name, fmt)


def _units_doc():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("units_doc", ROOT / "tools" / "units_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_units_page_is_up_to_date() -> None:
    doc = _units_doc()
    page = (ROOT / "docs" / "units.md").read_text(encoding="utf-8")
    assert doc.render() == page, "docs/units.md is out of date: run python tools/units_doc.py"


def test_the_units_page_covers_every_registered_unit() -> None:
    doc = _units_doc()
    rows, _ = doc.collect()  # raises if a registered unit is not described
    symbols = {r.unit.symbol for r in rows}
    assert {"lbf", "M", "Jy", "M_sun", "DU", "b", "‰"} <= symbols
    for what in doc.DECIDED_AGAINST:
        assert what
    page = (ROOT / "docs" / "units.md").read_text(encoding="utf-8")
    for name in doc.REFUSED:
        assert f"- `{name}`:" in page
        assert lookup_unit(name) is None
