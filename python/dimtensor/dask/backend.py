"""The Dask backend of the backend adapter (:mod:`dimtensor._backend`): how a
DaskDimArray is taken apart and put back together, lazily.

Conversions are one blockwise step each (none for the identity), NumPy
functions run as dask's own lazy implementations (a function dask would
compute eagerly is refused instead), and ``out=`` follows dask: the out
array takes the result's graph, converted to its unit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import dask.array as da
import numpy as np
from dask.array.core import handle_out

from dimtensor._backend import IDENTITY, ONE, Backend
from dimtensor._core import DimArray, Unit
from dimtensor.errors import UnitStrippedError


def _affine(x: Any, a: float, b: float) -> Any:
    return np.multiply(x, a) + b if b else np.multiply(x, a)


def lazy_affine(raw: Any, a: float, b: float) -> Any:
    """``a·raw + b``: one blockwise step for a dask array, nothing when the
    conversion is the identity, computed at once for (small) NumPy values."""
    if (a, b) == IDENTITY:
        return raw
    if isinstance(raw, da.Array):
        return da.map_blocks(_affine, raw, a, b, dtype=np.result_type(raw.dtype, np.float64))
    return _affine(raw, a, b)


def _cholesky(a: Any, upper: bool = False) -> Any:
    # dask's cholesky returns the upper factor unless asked for the lower;
    # NumPy's returns the lower one unless asked for the upper.
    return da.linalg.cholesky(a, lower=not upper)


def _nan_to_num(x: Any, copy: bool = True, **fills: Any) -> Any:
    # dask's nan_to_num takes neither copy= (its arrays are immutable) nor
    # fill values: the same one step, with them.
    fills = {k: v for k, v in fills.items() if v is not None}
    if not fills or not isinstance(x, da.Array):
        return da.nan_to_num(x)
    return da.map_blocks(np.nan_to_num, x, dtype=x.dtype, **fills)


def _clip(
    a: Any, a_min: Any = None, a_max: Any = None, *, min: Any = None, max: Any = None, **kw: Any
) -> Any:
    # dask's clip knows NumPy's bounds only by position.
    low = a_min if a_min is not None else min
    high = a_max if a_max is not None else max
    return da.clip(a, low, high, **kw)


def _searchsorted(a: Any, v: Any, **kwargs: Any) -> Any:
    # dask's searchsorted takes dask needles only, and fails on 0-d ones.
    needle = v if isinstance(v, da.Array) else da.asarray(v)
    if needle.ndim == 0:
        return da.searchsorted(a, needle.reshape(1), **kwargs)[0]
    return da.searchsorted(a, needle, **kwargs)


def _copy(a: Any, *args: Any, **kwargs: Any) -> Any:
    # dask arrays are immutable: a copy is a new array object on the same graph.
    return a.copy() if isinstance(a, da.Array) else np.copy(a, *args, **kwargs)


def _gradient(f: Any, *varargs: Any, **kwargs: Any) -> Any:
    # dask gives a list even for one axis, where NumPy gives the array.
    res = da.gradient(f, *varargs, **kwargs)
    return res[0] if isinstance(res, (list, tuple)) and len(res) == 1 else res


def _size(a: Any, axis: Any = None) -> Any:
    return a.size if axis is None else a.shape[axis]


# NumPy functions whose dask version needs a word of translation, and the
# ones that only read shapes or dtypes (nothing to compute).
_ADAPTED: dict[Callable[..., Any], Callable[..., Any]] = {
    np.linalg.cholesky: _cholesky,
    np.nan_to_num: _nan_to_num,
    np.clip: _clip,
    np.searchsorted: _searchsorted,
    np.copy: _copy,
    np.gradient: _gradient,
    np.size: _size,
    np.iscomplexobj: lambda x: np.iscomplexobj(np.empty(0, dtype=x.dtype)),
    np.isrealobj: lambda x: np.isrealobj(np.empty(0, dtype=x.dtype)),
    np.ndim: lambda x: x.ndim,
    # NumPy's aliases, whose names dask does not have.
    np.amax: da.max,
    np.amin: da.min,
    np.round: da.round,
}


@functools.cache
def dask_function(func: Callable[..., Any]) -> Callable[..., Any] | None:
    """dask's lazy implementation of NumPy function ``func`` (found as dask's
    own ``__array_function__`` finds it), or None when dask has none and
    would compute."""
    if func in _ADAPTED:
        return _ADAPTED[func]
    module: Any = da
    for sub in (getattr(func, "__module__", "numpy") or "numpy").split(".")[1:]:
        module = getattr(module, sub, None)
    found = getattr(module, getattr(func, "__name__", ""), None) if module is not None else None
    return None if found is func else found


class DaskBackend(Backend):
    """DaskDimArray, and plain dask arrays next to it."""

    name = "dask"
    lazy = True

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def owns(self, x: Any) -> bool:
        return isinstance(x, (self.cls, da.Array))

    def raw(self, x: Any) -> Any:
        if isinstance(x, self.cls):
            return x._data
        if isinstance(x, DimArray):
            # A 0-d value (a constant, a reduction) enters as a plain scalar, as
            # it would in raw dask code: NumPy's scalar path is the fast one.
            return x._data.item() if x.ndim == 0 else x._data
        if isinstance(x, Unit):
            return 1.0
        return x

    def convert(self, values: Any, conv: tuple[float, float]) -> Any:
        return lazy_affine(values, *conv)

    def wrap(self, values: Any, unit: Unit | None) -> Any:
        return self.cls(values, unit if unit is not None else ONE)

    def pending(self, values: Any) -> Any:
        return self.cls._unit_pending(values)

    def literal(self, values: Any) -> Any:
        """A 0-d dask array that is one NumPy value in its graph and nothing
        else (``da.asarray(0)``): that value. Generic code such as xarray's
        ``where(cond, x, 0)`` makes one through the namespace; dask embeds a
        NumPy value in the tasks that use it, as it does for raw dask, so
        passing the value saves the literal's task and any cast of it."""
        if not isinstance(values, da.Array) or values.ndim != 0:
            return None
        layers = values.__dask_graph__().layers
        if len(layers) != 1:
            return None
        (layer,) = layers.values()
        if len(layer) != 1:
            return None
        (value,) = layer.values()
        return value if isinstance(value, np.ndarray) else None

    def function(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        found = dask_function(func)
        if found is None:
            module = getattr(func, "__module__", "numpy") or "numpy"
            raise TypeError(
                f"dask has no lazy {module}.{getattr(func, '__name__', name)} (it would compute "
                "the array); call it on .compute() for a DimArray, or on .magnitude() (the dask "
                "array) and attach the unit you expect"
            )
        return found

    @functools.cached_property
    def xp(self) -> Any:
        import array_api_compat.dask.array

        return array_api_compat.dask.array

    def deliver(self, values: Any, unit: Unit | None, out: Any, what: str) -> Any:
        """dask's ``out=``: the out array takes the result's graph (converted
        to out's unit for a DaskDimArray, as DimArray's out= converts). A
        NumPy array or a DimArray cannot receive a lazy result."""
        if isinstance(out, tuple):
            (out,) = out
        if not isinstance(out, (self.cls, da.Array)):
            raise TypeError(
                f"{what}: out= must be a DaskDimArray or a dask array, not "
                f"{type(out).__name__}: a lazy result cannot be written into it without "
                "computing; call .compute() first, or leave out= out"
            )
        values = da.asarray(values)
        if isinstance(out, self.cls):
            if unit is None:
                raise TypeError(f"{what}: this result has no unit; pass a plain dask array as out=")
            values = lazy_affine(values, *unit.conversion_affine(out.unit))
            if out.shape != values.shape:
                raise ValueError(
                    f"out= has shape {out.shape} but the result has shape {values.shape}"
                )
            out._data = values
            return out
        handle_out(out, values)
        return out if unit is None else self.cls(out, unit)

    def plain(self, x: Any, what: str) -> Any:
        if isinstance(x, self.cls):
            if not x.is_dimensionless:
                raise UnitStrippedError(
                    f"{what} takes plain numbers here, not a DaskDimArray in '{x.unit}': its "
                    "unit would be dropped"
                )
            return x.to(ONE)._data
        return super().plain(x, what)
