"""CODATA 2022 constants: physico-chemical (dimtensor 5.x layout)."""

from dimtensor.constants._legacy import members as _members

globals().update(_members("physico_chemical"))
__all__ = sorted(_members("physico_chemical"))
