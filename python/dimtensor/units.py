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

from dimtensor._core import Unit, lookup_unit, parse_unit, unit_names

__all__ = ["Unit", "parse"]


def parse(text: str) -> Unit:
    """Parse unit text into a :class:`Unit`.

    Accepts ``*``, ``·``, ``.`` or a space for products, ``/``, ``^``/``**``,
    superscripts, UDUNITS exponents (``"m2 s-1"``), parentheses and numeric
    factors (``"1e-3 m"``, ``"10^3 m"``). Raises
    :class:`dimtensor.errors.UnitParseError` naming the position of the
    problem.

    >>> parse("(m/s)^2").symbol
    'm²/s²'
    """
    return parse_unit(text)


def __getattr__(name: str) -> Unit:
    unit = lookup_unit(name)
    if unit is None:
        raise AttributeError(f"dimtensor.units has no unit named {name!r}")
    globals()[name] = unit  # later lookups are plain attribute reads
    return unit


def __dir__() -> list[str]:
    return sorted(set(globals()) | {n for n in unit_names() if n.isidentifier()})
