"""The exceptions raised by dimtensor (defined once, in the Rust extension,
but for the two of dimtensor 5.x's names defined below).

``DimtensorError`` is the base of all; ``DimensionError`` and
``UnitParseError`` are also ``ValueError``; ``UnitStrippedError`` is also a
``TypeError``. Messages name the units and dimensions involved.
``UnavailableError`` (also a ``NotImplementedError``) is raised on using a
name of dimtensor 5.x that this dimtensor does not provide.

>>> from dimtensor import units, errors
>>> try:
...     units.m.conversion_factor(units.s)
... except errors.UnitConversionError as e:
...     print(e)
cannot convert from 'm' [L] to 's' [T]: the dimensions differ
"""

from dimtensor._core import (
    DimensionError,
    DimtensorError,
    OffsetUnitError,
    UnitConversionError,
    UnitParseError,
    UnitStrippedError,
)

#: dimtensor 5.x's spelling of the base class.
DimTensorError = DimtensorError


class ConstraintError(DimtensorError, ValueError):
    """A value constraint is violated (dimtensor 5.x's validation; kept so
    that code catching it keeps working)."""


class UnavailableError(DimtensorError, NotImplementedError):
    """A name of dimtensor 5.x that this dimtensor does not provide was used
    (importing it works; the message says what to use instead)."""


__all__ = [
    "ConstraintError",
    "DimensionError",
    "DimtensorError",
    "OffsetUnitError",
    "UnavailableError",
    "UnitConversionError",
    "UnitParseError",
    "UnitStrippedError",
]
