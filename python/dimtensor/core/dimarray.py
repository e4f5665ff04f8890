"""Compatibility alias (dimtensor 5.x): ``DimArray`` and the names this
module exported there, the same objects as at the top level."""

from dimtensor._core import DimArray, Dimension, Unit
from dimtensor.errors import DimensionError, UnitConversionError

#: The dimensionless unit (``dimtensor.units.dimensionless``).
dimensionless = Unit("")

__all__ = [
    "DimArray",
    "Dimension",
    "DimensionError",
    "Unit",
    "UnitConversionError",
    "dimensionless",
]
