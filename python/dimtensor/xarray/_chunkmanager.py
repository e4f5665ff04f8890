"""xarray's dask chunk manager, taught to keep DaskDimArray's unit.

Some of xarray's code paths for dask-backed data do not go through the
array's own methods or ``__array_function__``: they call a dask function
found in the chunk manager's ``array_api`` (``dask.array``) on the array
itself. Handed a DaskDimArray, such a function either fails or would drop
the unit. :class:`UnitDaskManager` is xarray's ``DaskManager`` with an
``array_api`` in which those functions keep units; every other name, and
every call on plain dask arrays, is dask's own, unchanged.

What it covers (no unit rule here: each unit comes from the core's table):

- ``sliding_window_view`` (the function table's rule, through the lazy Array
  API namespace): lazy ``rolling(...).construct()`` and every
  rolling reduction built on it (``mean``, ``sum``, ``std``, ``max``, …,
  which then run through DaskDimArray's own rules).

``scan`` and ``apply_gufunc`` of a DaskDimArray (xarray's lazy ffill/bfill
and interp run Python functions on the chunks' numbers) refuse with a
message naming the accessor methods that keep units.

``import dimtensor.xarray`` puts it in xarray's registry of chunk managers
under the name ``"dask"``, where xarray's ``DaskManager`` was; it is a
subclass of it, so everything else xarray asks of dask is answered as
before.
"""

from __future__ import annotations

import types
from typing import Any

from xarray.namedarray import parallelcompat
from xarray.namedarray.daskmanager import DaskManager

from dimtensor.dask import DaskDimArray


def sliding_window_view(
    x: Any, window_shape: Any, axis: Any = None, *, automatic_rechunk: bool = True, **kwargs: Any
) -> Any:
    """dask's ``sliding_window_view``; a DaskDimArray goes through the lazy
    Array API namespace's, which takes its unit from the function table."""
    if isinstance(x, DaskDimArray):
        from dimtensor.array_api import lazy

        windows = lazy.lib.stride_tricks.sliding_window_view
    else:
        from dask.array.lib.stride_tricks import sliding_window_view as windows
    return windows(x, window_shape, axis=axis, automatic_rechunk=automatic_rechunk)


class _Namespace(types.ModuleType):
    """``dask.array`` with the unit-keeping functions above in front."""

    def __getattr__(self, name: str) -> Any:
        import dask.array

        return getattr(dask.array, name)


NAMESPACE = _Namespace("dimtensor.xarray.dask_array")
NAMESPACE.sliding_window_view = sliding_window_view  # type: ignore[attr-defined]


def _refuse(what: str, arrays: Any) -> None:
    """A DaskDimArray handed to a chunk manager function whose result unit
    nobody can know (a scan, a generalized ufunc of any Python function):
    an error that says what keeps units instead of a dask error."""
    if any(isinstance(a, DaskDimArray) for a in arrays):
        raise TypeError(
            f"xarray runs {what} of a Python function on the DaskDimArray's chunks, whose result "
            "unit dimtensor cannot know (ffill/bfill/interp/polyfit do this): use "
            ".dimtensor.ffill/bfill/interpolate_na/interp/polyfit, which keep units"
        )


class UnitDaskManager(DaskManager):
    """xarray's DaskManager whose ``array_api`` keeps DaskDimArray's unit,
    and which refuses, with a message, what cannot keep it."""

    @property
    def array_api(self) -> Any:
        return NAMESPACE

    def scan(self, func: Any, binop: Any, ident: float, arr: Any, *args: Any, **kw: Any) -> Any:
        _refuse("a scan", (arr,))
        return super().scan(func, binop, ident, arr, *args, **kw)

    def apply_gufunc(self, func: Any, signature: str, *args: Any, **kw: Any) -> Any:
        _refuse("a generalized ufunc", args)
        return super().apply_gufunc(func, signature, *args, **kw)


def install() -> None:
    """Put :class:`UnitDaskManager` in xarray's registry in place of its
    DaskManager (a cached dict that xarray reads on every lookup)."""
    managers = parallelcompat.list_chunkmanagers()
    current = managers.get("dask")
    if type(current) is DaskManager:
        managers["dask"] = UnitDaskManager()
