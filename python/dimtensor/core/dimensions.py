"""Compatibility alias (dimtensor 5.x): ``Dimension`` and ``DIMENSIONLESS``."""

from dimtensor._core import DIMENSIONLESS, Dimension

__all__ = ["DIMENSIONLESS", "Dimension"]
