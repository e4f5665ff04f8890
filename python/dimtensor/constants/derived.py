"""CODATA 2022 constants: derived (dimtensor 5.x layout)."""

from dimtensor.constants._table import BY_MODULE as _BY_MODULE

globals().update(_BY_MODULE["derived"])
__all__ = sorted(_BY_MODULE["derived"])
