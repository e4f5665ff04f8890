"""The CF dialect: file attributes read as UDUNITS-2 reads them, and CF text
that udunits2 itself (through cf-units) reads back as the same unit."""

from __future__ import annotations

import cf_units
import numpy as np
import pytest
from dimtensor import units
from dimtensor._core import lookup_unit, unit_names
from dimtensor.errors import UnitParseError

# UDUNITS-2's tables hold some constants to 7 digits (eV, u, parsec, hp,
# light_year, gallon, …): the same unit, an older value. Within this
# tolerance the name is kept; beyond it, CF text writes the exact value.
UDUNITS_PRECISION = 1e-6


def _distinct_units() -> dict[tuple[str, float], str]:
    seen: dict[tuple[str, float], str] = {}
    for name in unit_names():
        u = lookup_unit(name)
        assert u is not None
        seen.setdefault((u.symbol, u.scale), name)
    return seen


def _udunits_affine(text: str, u: units.Unit) -> tuple[float, float]:
    """What udunits2 reads ``text`` as, as (scale, offset) to SI base units."""
    base = u.to_base()
    ref = cf_units.Unit("K" if base.dimension == units.K.dimension else base.to_string("cf"))
    c = cf_units.Unit(text)
    assert c.is_convertible(ref), (text, str(c.definition))
    v0, v1 = c.convert(0.0, ref), c.convert(1.0, ref)
    return v1 - v0, v0


def test_udunits2_reads_every_unit_dimtensor_writes() -> None:
    bad = []
    for name in _distinct_units().values():
        u = units.parse(name)
        text, metadata = u.to_cf()
        try:
            scale, offset = _udunits_affine(text, u)
        except Exception as exc:  # collect every failure for one message
            bad.append((name, text, repr(exc)))
            continue
        if u.kind == "interval":
            # udunits2 reads degC as the scale; units_metadata says difference.
            assert metadata == "temperature: difference"
            offset = 0.0
        a, b = u.conversion_affine(u.to_base()) if u.kind != "interval" else (u.scale, 0.0)
        if abs(scale - a) > UDUNITS_PRECISION * a or abs(offset - b) > 1e-9 * max(1.0, abs(b)):
            bad.append((name, text, scale, a))
    assert bad == []


def test_cf_text_reads_back_in_the_cf_dialect() -> None:
    for name in _distinct_units().values():
        u = units.parse(name)
        text, metadata = u.to_cf()
        back = units.parse_cf(text, metadata)[0]
        assert back == u and back.kind == u.kind, (name, text)


@pytest.mark.parametrize(
    "text",
    [
        "W m-2",
        "kg m-2 s-1",
        "m s-1",
        "J kg-1 K-1",
        "degC day-1",
        "mm day-1",
        "Pa s-1",
        "m2 s-2",
        "mol mol-1",
        "1e-3",
        "ppmv",
        "DU",
        "mbar",
        "hPa",
        "degrees_north",
        "degrees_east",
        "percent",
        "%",
        "1",
        "K",
        "degC",
        "sverdrup",
        "kg m-3",
    ],
)
def test_cf_strings_mean_what_udunits2_says(text: str) -> None:
    u = units.parse(text, dialect="cf")
    scale, offset = _udunits_affine(text, u)
    a, b = u.conversion_affine(u.to_base())
    assert scale == pytest.approx(a, rel=2e-4)  # DU: udunits2 rounds to 4 digits
    assert offset == pytest.approx(b, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("yr", 31556925.9747),
        ("year", 31556925.9747),
        ("kyr", 31556925974.7),
        ("month", 31556925.9747 / 12),
        ("a", 100.0),
        ("cal", 4.1868),
        ("kcal", 4186.8),
        ("gal", 0.01),
        ("ppt", 1e-12),
        ("Torr", 133.322387415),
        ("acre", 4046.872609874252),
        ("psu", 1e-3),
        ("ton", 907.18474),
        ("cycle", 2 * np.pi),
    ],
)
def test_udunits_meanings_win_in_the_cf_dialect(text: str, scale: float) -> None:
    u = units.parse(text, dialect="cf")
    assert u.scale == pytest.approx(scale, rel=1e-12)
    if text != "psu":  # CF's own string, not a UDUNITS-2 name
        ref, _ = _udunits_affine(text, u)
        assert ref == pytest.approx(scale, rel=1e-9)


def test_the_default_dialect_keeps_its_own_meanings() -> None:
    assert units.parse("yr").scale == 31557600.0
    assert units.parse("cal").scale == 4.184
    assert units.parse("gal") == units.parse("gallon")
    with pytest.raises(UnitParseError, match="parts per thousand"):
        units.parse("ppt")


@pytest.mark.parametrize("text", ["nmi", "Eh", "Gs", "mph", "TR"])
def test_udunits_prefix_accidents_are_refused(text: str) -> None:
    with pytest.raises(UnitParseError, match="UDUNITS-2 reads it as"):
        units.parse(text, dialect="cf")


def test_time_references_keep_the_epoch() -> None:
    assert units.parse_cf("days since 1970-01-01") == (units.d, "1970-01-01")
    u, epoch = units.parse_cf("hours since 2000-01-01 00:00:00")
    assert u == units.h and epoch == "2000-01-01 00:00:00"
    assert units.parse("seconds since 1850-1-1", dialect="cf") == units.s
    with pytest.raises(UnitParseError, match="time unit"):
        units.parse_cf("m since 1970-01-01")
    with pytest.raises(UnitParseError, match="epoch"):
        units.parse("days since", dialect="cf")
    with pytest.raises(UnitParseError, match="CF dialect"):
        units.parse("days since 1970-01-01")


def test_temperature_kinds_travel_in_units_metadata() -> None:
    assert units.parse("delta_degC").to_cf() == ("degC", "temperature: difference")
    assert units.parse("delta_degF").to_cf() == ("degF", "temperature: difference")
    assert units.degC.to_cf() == ("degC", "temperature: on_scale")
    assert units.K.to_cf() == ("K", None)
    assert units.parse_cf("degC", "temperature: difference")[0] == units.parse("delta_degC")
    assert units.parse_cf("degC", "temperature: on_scale")[0] == units.degC
    assert units.parse_cf("K", "temperature: difference")[0] == units.K
    # Inside a product degC is already a difference (as in UDUNITS-2).
    assert units.parse("degC day-1", dialect="cf") == units.parse("delta_degC/d")
    with pytest.raises(UnitParseError, match="for temperatures"):
        units.parse_cf("m", "temperature: difference")
    with pytest.raises(UnitParseError, match="unknown units_metadata"):
        units.parse_cf("K", "temperature: sideways")


def test_delta_units_are_never_written_as_delta_text() -> None:
    for name in ("delta_degC", "delta_degF"):
        text, _ = units.parse(name).to_cf()
        assert "delta" not in text
        cf_units.Unit(text)  # udunits2 reads it


def test_fractional_powers_have_no_cf_text() -> None:
    with pytest.raises(ValueError, match="fractional power"):
        units.parse("m^(1/2)").to_cf()


def test_units_udunits2_lacks_are_written_in_si() -> None:
    assert units.parse("Jy").to_cf() == ("1e-26 kg s-2", None)
    assert units.parse("yr").to_cf() == ("julian_year", None)
    assert units.parse("kyr").to_cf() == ("kilojulian_year", None)
    assert units.parse("m/yr").to_cf() == ("m julian_year-1", None)
    assert units.parse("Rm").to_cf() == ("1e27 m", None)  # udunits2 has no ronna
