"""Compatibility layout of dimtensor 5.x: ``dimtensor.core.units``,
``dimtensor.core.dimensions`` and ``dimtensor.core.dimarray`` hold the same
objects as ``dimtensor.units``, ``dimtensor.Dimension`` and
``dimtensor.DimArray`` (``dimtensor.core.units`` *is* ``dimtensor.units``)."""

import sys

from dimtensor import units
from dimtensor._core import DIMENSIONLESS, DimArray, Dimension, Unit
from dimtensor.core import dimarray, dimensions

sys.modules[__name__ + ".units"] = units

__all__ = ["DIMENSIONLESS", "DimArray", "Dimension", "Unit", "dimarray", "dimensions", "units"]
