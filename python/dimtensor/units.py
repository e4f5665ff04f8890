"""Every registered unit as an attribute, and ``parse`` for unit text.

>>> from dimtensor import units
>>> units.km.scale
1000.0
>>> units.parse("kg m2 s-2") == units.J
True
>>> units.degC.offset
273.15

Any registered name works: symbols (``units.km``, ``units.µm``), long names
(``units.kilometre``, ``units.meters``) and ASCII spellings (``units.um``,
``units.ohm``, ``units.degC``). ``dir(units)`` lists them.
"""

from __future__ import annotations

from dimtensor._core import (
    DIMENSIONLESS,
    Dimension,
    Unit,
    lookup_unit,
    parse_cf_unit,
    parse_unit,
    unit_names,
)

__all__ = ["Unit", "parse", "parse_cf"]

# Names dimtensor 5.x's units module had that are not unit names of the
# registry (the same objects as elsewhere, or the unit they named).
_COMPAT = {
    "dimensionless": lambda: Unit(""),
    "m_per_s": lambda: parse_unit("m/s"),
    "meters_per_second": lambda: parse_unit("m/s"),
    "speed_of_light": lambda: Unit("c", Dimension(length=1, time=-1), 299792458.0),
    "c": lambda: Unit("c", Dimension(length=1, time=-1), 299792458.0),
    "Dimension": lambda: Dimension,
    "DIMENSIONLESS": lambda: DIMENSIONLESS,
}


def parse(text: str, dialect: str = "default") -> Unit:
    """Parse unit text into a :class:`Unit`.

    Accepts ``*``, ``·``, ``.`` or a space for products, ``/``, ``^``/``**``,
    superscripts, UDUNITS exponents (``"m2 s-1"``), parentheses and numeric
    factors (``"1e-3 m"``, ``"10^3 m"``). Raises
    :class:`dimtensor.errors.UnitParseError` naming the position of the
    problem.

    ``dialect="cf"`` reads the ``units`` attributes of netCDF and zarr files
    as UDUNITS-2 (the unit library of the CF conventions) reads them, where
    it differs from dimtensor's registry: ``yr`` is the tropical year, ``a``
    the are, ``cal`` the International Table calorie, ``ppt`` 1e-12; CF's
    ``psu`` is 1e-3, and ``"days since 1970-01-01"`` is the day (use
    :func:`parse_cf` to keep the epoch and to read ``units_metadata``).

    >>> parse("(m/s)^2").symbol
    'm²/s²'
    >>> parse("yr").scale, parse("yr", dialect="cf").scale
    (31557600.0, 31556925.9747)
    """
    if dialect == "cf":
        return parse_cf_unit(text)[0]
    return parse_unit(text, dialect)


def parse_cf(text: str, metadata: str | None = None) -> tuple[Unit, str | None]:
    """A CF ``units`` attribute (and its CF 1.11 ``units_metadata``): the
    unit, and the epoch of a time reference (None for other units).

    ``Unit.to_cf()`` is the inverse: ``parse_cf(*u.to_cf())[0] == u``.

    >>> parse_cf("days since 1970-01-01")
    (Unit("d"), '1970-01-01')
    >>> parse_cf("degC", "temperature: difference")[0]
    Unit("Δ°C")
    >>> parse("delta_degC").to_cf()
    ('degC', 'temperature: difference')
    """
    return parse_cf_unit(text, metadata)


def __getattr__(name: str) -> Unit:
    unit = lookup_unit(name)
    if unit is None and name in _COMPAT:
        unit = _COMPAT[name]()
    if unit is None:
        raise AttributeError(f"dimtensor.units has no unit named {name!r}")
    globals()[name] = unit  # later lookups are plain attribute reads
    return unit


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_COMPAT) | {n for n in unit_names() if n.isidentifier()})
