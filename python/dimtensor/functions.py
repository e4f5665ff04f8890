"""Module-level array functions (dimtensor 5.x names) and ranges with units.

Each one calls the NumPy function of the same name, so it follows the rule
of the core's function table that ``DimArray.__array_function__`` uses:
``dt.concatenate(xs)`` and ``np.concatenate(xs)`` give the same result. The
ranges (``arange``, ``linspace``, ``geomspace``, ``logspace``) take their
units from the table's rules of those names and always return a DimArray
(dimensionless for plain numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dimtensor._backend import NUMPY, Backend, backend_of
from dimtensor._core import DimArray, Unit
from dimtensor._functions import call

__all__ = [
    "arange",
    "concatenate",
    "dot",
    "geomspace",
    "linspace",
    "logspace",
    "matmul",
    "norm",
    "split",
    "stack",
]


def _number(value: Any) -> Any:
    """A 0-d array of magnitudes as a Python number (NumPy's and dask's
    ranges take numbers)."""
    return value.reshape(()).item() if isinstance(value, np.ndarray) else value


def _eager(*xs: Any) -> Backend:
    backend = backend_of(*xs)
    if backend.lazy:
        raise TypeError(
            "the bounds of a range are numbers, not lazy arrays: pass DimArrays or numbers "
            "(the lazy Array API namespace's arange/linspace make lazy ranges)"
        )
    return NUMPY


def arange(start: Any, stop: Any = None, step: Any = None, *, dtype: Any = None) -> DimArray:
    """Evenly spaced values from ``start`` to ``stop`` (excluded) by ``step``.

    The bounds share a unit (converted to the first one's); ``step`` is a
    difference in it (Δ°C for °C bounds); left out, it is 1 of that unit.
    With one bound, it is ``stop`` (from 0).

    >>> import dimtensor as dt
    >>> dt.arange(dt.DimArray(0.0, "m"), dt.DimArray(1.0, "km"), dt.DimArray(250.0, "m"))
    DimArray([  0., 250., 500., 750.], unit='m')
    >>> dt.arange(dt.DimArray(3.0, "s"))
    DimArray([0., 1., 2.], unit='s')
    """
    B = _eager(start, stop, step)
    kw: dict[str, Any] = {"stop": stop, "dtype": dtype}
    if step is not None:
        kw["step"] = step

    def run(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Any:
        if stop is None:
            return np.arange(_number(start), step=_number(step), dtype=dtype)
        return np.arange(_number(start), _number(stop), _number(step), dtype=dtype)

    return call("arange", arange, (start,), kw, B, run=run, wrap_plain=True)  # type: ignore[no-any-return]


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop``, in the unit
    of ``start`` (``stop`` converted to it); with ``retstep=True`` also the
    step, a difference in that unit (``numpy.linspace``).

    >>> import dimtensor as dt
    >>> dt.linspace(dt.DimArray(0.0, "m"), dt.DimArray(0.001, "km"), 3)
    DimArray([0. , 0.5, 1. ], unit='m')
    >>> dt.linspace(dt.DimArray(20.0, "degC"), dt.DimArray(30.0, "degC"), 3, retstep=True)[1]
    DimArray(5., unit='Δ°C')
    """
    args = (start, stop, num)
    kw = {"endpoint": endpoint, "retstep": retstep, "dtype": dtype, "axis": axis}
    return call("linspace", np.linspace, args, kw, _eager(start, stop), wrap_plain=True)


def geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> DimArray:
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log
    scale, in the unit of ``start`` (no temperature points: ratios of them
    depend on where zero is).

    >>> import dimtensor as dt
    >>> dt.geomspace(dt.DimArray(10.0, "Hz"), dt.DimArray(1.0, "kHz"), 3)
    DimArray([  10.,  100., 1000.], unit='Hz')
    """
    args = (start, stop, num)
    kw = {"endpoint": endpoint, "dtype": dtype, "axis": axis}
    return call("geomspace", np.geomspace, args, kw, _eager(start, stop), wrap_plain=True)  # type: ignore[no-any-return]


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
    *,
    unit: Unit | str | None = None,
) -> DimArray:
    """``base ** x`` for ``num`` exponents x from ``start`` to ``stop``.

    Exponents and base are pure numbers (a power of a unit varies per
    element, so no unit could describe the result): dimensionless inputs of
    any scale are converted, dimensional ones refused. ``unit`` attaches a
    unit to the values; for quantity bounds, use :func:`geomspace`.

    >>> import dimtensor as dt
    >>> dt.logspace(1, 3, 3, unit="Hz")
    DimArray([  10.,  100., 1000.], unit='Hz')
    """
    args = (start, stop, num)
    kw = {"endpoint": endpoint, "base": base, "dtype": dtype, "axis": axis}
    values = call("logspace", np.logspace, args, kw, _eager(start, stop, base), wrap_plain=True)
    return values if unit is None else values * (unit if isinstance(unit, Unit) else Unit(unit))


def concatenate(arrays: Sequence[Any], axis: int | None = 0) -> DimArray:
    """Join arrays along an existing axis, in the unit of the first array.

    The others are converted to it (they must have its dimension); an empty
    sequence raises ``ValueError``.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> dt.concatenate([dt.DimArray([1.0, 2.0], u.m), dt.DimArray([0.5], u.km)])
    DimArray([  1.,   2., 500.], unit='m')
    >>> dt.concatenate([dt.DimArray([20.0], u.degC), dt.DimArray([300.0], u.K)])
    DimArray([20.  , 26.85], unit='°C')
    """
    if len(arrays) == 0:
        raise ValueError("concatenate needs at least one array")
    return np.concatenate(arrays, axis=axis)


def stack(arrays: Sequence[Any], axis: int = 0) -> DimArray:
    """Join arrays along a new axis, in the unit of the first array.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> dt.stack([dt.DimArray([1.0, 2.0], u.s), dt.DimArray([1.0, 2.0], u.min)])
    DimArray([[  1.,   2.],
              [ 60., 120.]], unit='s')
    """
    if len(arrays) == 0:
        raise ValueError("stack needs at least one array")
    return np.stack(arrays, axis=axis)


def split(x: DimArray, indices_or_sections: Any, axis: int = 0) -> list[DimArray]:
    """Split an array into parts that keep its unit.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> [str(p) for p in dt.split(dt.DimArray([1.0, 2.0, 3.0, 4.0], u.V), 2)]
    ['[1. 2.] V', '[3. 4.] V']
    """
    return np.split(x, indices_or_sections, axis=axis)


def dot(a: Any, b: Any) -> DimArray:
    """Dot product; the units multiply.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> print(dt.dot(dt.DimArray([1.0, 2.0], u.N), dt.DimArray([3.0, 4.0], u.m)))
    11.0 J
    """
    return np.dot(a, b)


def matmul(a: Any, b: Any) -> DimArray:
    """Matrix product (``a @ b``); the units multiply.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> a = dt.DimArray([[1.0, 0.0], [0.0, 2.0]], u.m)
    >>> print(dt.matmul(a, dt.DimArray([3.0, 4.0], u.m)))
    [3. 8.] m²
    """
    return np.matmul(a, b)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> DimArray:
    """Vector or matrix norm (``numpy.linalg.norm``), in the unit of ``x``.

    >>> import dimtensor as dt
    >>> from dimtensor import units as u
    >>> print(dt.norm(dt.DimArray([3.0, 4.0], u.m / u.s)))
    5.0 m/s
    """
    return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
