"""Compatibility alias (dimtensor 5.x): ``Dimension``, ``DIMENSIONLESS`` and
the positions of the base quantities among a dimension's seven exponents."""

from dimtensor._core import DIMENSIONLESS, Dimension

LENGTH, MASS, TIME, CURRENT, TEMPERATURE, AMOUNT, LUMINOSITY = range(7)

__all__ = [
    "AMOUNT",
    "CURRENT",
    "DIMENSIONLESS",
    "LENGTH",
    "LUMINOSITY",
    "MASS",
    "TEMPERATURE",
    "TIME",
    "Dimension",
]
