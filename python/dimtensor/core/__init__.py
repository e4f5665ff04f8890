"""Compatibility layout of dimtensor 5.x: ``dimtensor.core.units`` and
``dimtensor.core.dimensions`` are aliases of the same objects."""

import sys

from dimtensor import units
from dimtensor.core import dimensions

sys.modules[__name__ + ".units"] = units

__all__ = ["dimensions", "units"]
