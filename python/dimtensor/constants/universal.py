"""CODATA 2022 constants: universal (dimtensor 5.x layout)."""

from dimtensor.constants._legacy import members as _members

globals().update(_members("universal"))
__all__ = sorted(_members("universal"))
