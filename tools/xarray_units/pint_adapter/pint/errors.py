"""pint's error and warning names, as dimtensor's classes (see the package)."""

from dimtensor.errors import DimensionError as DimensionalityError


class UnitStrippedWarning(UserWarning):
    """pint warns with this when a unit is dropped; dimtensor raises instead."""


__all__ = ["DimensionalityError", "UnitStrippedWarning"]
