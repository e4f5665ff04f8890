"""The two array backends of the namespaces: NumPy (DimArray) and Dask
(DaskDimArray).

A backend knows how to take magnitudes out of an array, which standard
namespace (array-api-compat's) computes on them, and how to put a unit back
on a result. The unit rules never live here: they come from the core's rule
table (see ``_units``). A function with one lazy operand is lazy, so mixing
a DimArray into a Dask expression never computes anything.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._core import DimArray, Unit

ONE = Unit("")


def is_lazy(x: Any) -> bool:
    """A DaskDimArray or a dask array (checked without importing dask)."""
    t = type(x)
    return bool(getattr(t, "__dimtensor_lazy__", False)) or (
        t.__name__ == "Array" and t.__module__.startswith("dask.")
    )


def has_unit(x: Any) -> bool:
    return isinstance(x, DimArray) or (is_lazy(x) and hasattr(x, "unit"))


class Backend:
    """How one kind of array is taken apart and put back together."""

    lazy = False

    @functools.cached_property
    def xp(self) -> Any:
        """The standard namespace of the magnitudes."""
        import array_api_compat.numpy

        return array_api_compat.numpy

    def raw(self, x: Any) -> Any:
        """The magnitudes of ``x`` in its own unit (plain values as they are)."""
        return x._data if has_unit(x) else x

    def wrap(self, values: Any, unit: Unit | None) -> Any:
        return _core._wrap(np.asarray(values), unit if unit is not None else ONE)


class LazyBackend(Backend):
    lazy = True

    @functools.cached_property
    def xp(self) -> Any:
        import array_api_compat.dask.array

        return array_api_compat.dask.array

    def wrap(self, values: Any, unit: Unit | None) -> Any:
        from dimtensor.dask import DaskDimArray

        if not is_lazy(values):
            values = self.xp.asarray(values)
        return DaskDimArray(values, unit if unit is not None else ONE)


EAGER = Backend()
LAZY = LazyBackend()


def backend_of(*xs: Any) -> Backend:
    """Lazy when any operand is lazy, else eager."""
    return LAZY if any(is_lazy(x) for x in xs) else EAGER
