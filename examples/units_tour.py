"""A short tour of dimtensor: parsing unit text (CF/UDUNITS included),
conversions, offset temperatures, arrays with units, CODATA constants, and
the errors you get when units do not fit.

Run with ``make demo`` or ``python examples/units_tour.py``.
"""

from __future__ import annotations

import dimtensor as dt
import numpy as np
from dimtensor import DimArray
from dimtensor import constants as k
from dimtensor import units as u
from dimtensor.errors import DimensionError, UnitParseError


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 60 - len(title)))


def conversions() -> None:
    section("Conversions")
    rows = [
        (100, u.km / u.h, u.m / u.s),
        (1, u.atm, u.hPa),
        (1, u.eV, u.J),
        (1, u.kWh, u.MJ),
        (1, u.mi, u.km),
        (1, u.au, u.parse("light_year")),
        (1, u.psi, u.kPa),
    ]
    for value, src, dst in rows:
        print(f"  {value} {src} = {value * src.conversion_factor(dst):.6g} {dst}")
    a, b = u.degC.conversion_affine(u.degF)
    print(f"  37 {u.degC} = {a * 37 + b:.1f} {u.degF}   (offset units convert affinely)")
    a, b = u.degF.conversion_affine(u.K)
    print(f"  -40 {u.degF} = {a * -40 + b:.2f} {u.K}")


def cf_strings() -> None:
    section("CF / UDUNITS strings, as found in netCDF and zarr attributes")
    attrs = {
        "pr": "kg m-2 s-1",
        "rlut": "W m-2",
        "ua": "m s-1",
        "tas": "K",
        "lat": "degrees_north",
        "ps": "hPa",
    }
    for var, text in attrs.items():
        unit = u.parse(text)
        print(
            f"  {var:5s} units={text!r:16s} -> {unit!s:10s} "
            f"dimension {unit.dimension!s:8s} ascii {unit.to_string('ascii')!r}"
        )
    energy = u.kg * u.m**2 / u.s**2
    print(f"\n  kg·m²/s² simplifies to {energy.simplified()}; in every format:")
    for fmt in ("unicode", "ascii", "cf", "latex"):
        print(f"    {fmt:8s} {energy.to_string(fmt)}")
    flux = u.parse("kg m-2 s-1")
    per_day = flux.conversion_factor("kg m-2 d-1")
    print(f"  1 {flux} of rain = {per_day:g} kg m-2 d-1, i.e. {per_day:g} mm of water per day")


def constants() -> None:
    section("CODATA 2022 constants")
    for c in (k.c, k.h, k.G, k.alpha, k.m_e):
        print(f"  {c}")
    # Constants are 0-d DimArrays: they take part in arithmetic directly.
    wavelengths = DimArray([400.0, 500.0, 700.0], "nm")
    photon = (k.h * k.c / wavelengths).to("eV")
    print(f"\n  E = h·c/λ for λ = {wavelengths}: {photon:.4f}")
    a0 = (k.hbar / (k.m_e * k.c * k.alpha)).to("angstrom")
    print(f"  a₀ = ħ/(mₑ·c·α) = {a0:.6f}   (CODATA: {k.a_0.to_value('angstrom'):.6f} Å)")


def arrays() -> None:
    section("Arrays with units (NumPy underneath)")
    speed = DimArray([36.0, 72.0, 108.0], "km/h")
    time = DimArray([10.0, 20.0, 30.0], "s")
    print(f"  speed {speed}, time {time}")
    print(f"  distance = speed·time = {(speed * time).to('m')}")
    mixed = DimArray([1.0, 2.0], "m") + DimArray([1.0, 2.0], "km")
    print(f"  1 m + 1 km, 2 m + 2 km = {mixed}   (right operand converted to the left unit)")
    area = DimArray([4.0, 9.0], "m^2")
    print(f"  np.sqrt({area}) = {np.sqrt(area)};  mean {np.mean(area)}, std {np.std(area)}")
    temps = DimArray([15.0, 25.0], "degC")
    print(f"  {temps} in K: {temps.to('K')}; difference {temps[1] - temps[0]}")


def mistakes() -> None:
    section("Mistakes are caught, with the units named")
    try:
        u.m.conversion_factor(u.s)
    except DimensionError as e:
        print(f"  {type(e).__name__}: {e}")
    try:
        u.parse("kg*m^2/sec^2/furlong")
    except UnitParseError as e:
        print(f"  {type(e).__name__}: {e}")
        print(f"    {e.text}\n    {' ' * e.position}^")
    try:
        u.degC * u.m
    except dt.errors.OffsetUnitError as e:
        print(f"  {type(e).__name__}: {e}")
    try:
        DimArray([1.0, 2.0], "m") + DimArray([3.0, 4.0], "s")
    except DimensionError as e:
        print(f"  {type(e).__name__}: {e}")
    try:
        np.asarray(DimArray([1.0, 2.0], "Pa"))
    except dt.errors.UnitStrippedError as e:
        print(f"  {type(e).__name__}: {e}")


def main() -> None:
    print(f"dimtensor {dt.__version__}: a tour")
    conversions()
    cf_strings()
    arrays()
    constants()
    mistakes()


if __name__ == "__main__":
    main()
