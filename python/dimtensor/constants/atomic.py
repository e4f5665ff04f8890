"""CODATA 2022 constants: atomic (dimtensor 5.x layout)."""

from dimtensor.constants._legacy import members as _members

globals().update(_members("atomic"))
__all__ = sorted(_members("atomic"))
