"""Module-level array functions (dimtensor 5.x names).

Each one calls the NumPy function of the same name, so it follows the rule
of the core's function table that ``DimArray.__array_function__`` uses:
``dt.concatenate(xs)`` and ``np.concatenate(xs)`` give the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dimtensor._core import DimArray

__all__ = ["concatenate", "dot", "matmul", "norm", "split", "stack"]


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
