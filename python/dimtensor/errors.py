"""The exceptions raised by dimtensor (defined once, in the Rust extension).

``DimtensorError`` is the base of all; ``DimensionError`` and
``UnitParseError`` are also ``ValueError``; ``UnitStrippedError`` is also a
``TypeError``. Messages name the units and dimensions involved.

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

__all__ = [
    "DimensionError",
    "DimtensorError",
    "OffsetUnitError",
    "UnitConversionError",
    "UnitParseError",
    "UnitStrippedError",
]
