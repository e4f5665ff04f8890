"""CODATA 2022 constants: derived (dimtensor 5.x layout)."""

from dimtensor.constants._legacy import members as _members

globals().update(_members("derived"))
__all__ = sorted(_members("derived"))
