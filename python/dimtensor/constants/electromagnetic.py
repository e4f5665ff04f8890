"""CODATA 2022 constants: electromagnetic (dimtensor 5.x layout)."""

from dimtensor.constants._legacy import members as _members

globals().update(_members("electromagnetic"))
__all__ = sorted(_members("electromagnetic"))
