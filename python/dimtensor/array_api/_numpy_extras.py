"""NumPy functions beyond the Array API standard that generic libraries look
up on an array's namespace: xarray calls ``xp.pad`` (shift, rolling,
fillna), ``xp.einsum`` (``xr.dot``, weighted), ``xp.gradient``
(differentiate), ``xp.transpose`` and ``xp.quantile`` (quantile),
``xp.isin`` (isin), ``xp.median`` and ``xp.cumprod`` (reductions),
``xp.concatenate``, ``xp.cross`` and
``xp.lib.stride_tricks.sliding_window_view`` (rolling windows).

Each is the NumPy function with its rule from the core's function table,
computed by the backend's own implementation (NumPy's, or dask's lazy
one): exactly what ``np.pad(x, ...)`` on the array does, so a namespace
user and a NumPy user get the same units.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from dimtensor._backend import ONE, member
from dimtensor._functions import call, known_result

from ._functions import operands_backend

# Names of NumPy functions (with a rule of the same name) that the
# namespaces carry besides the standard's.
NAMES = (
    "pad einsum gradient transpose quantile nanquantile concatenate cross cumsum cumprod "
    "isin median nanmedian"
).split()


def _numpy(name: str) -> Callable[..., Any]:
    return member(np, name)  # type: ignore[no-any-return]


def _extra(name: str) -> Callable[..., Any]:
    func = _numpy(name)

    @functools.wraps(func)
    def f(*args: Any, **kwargs: Any) -> Any:
        B = operands_backend(*args, *kwargs.values())
        known = known_result(name, B)
        return call(
            name,
            func,
            args,
            kwargs,
            B,
            wrap_plain=True,
            constant=lambda b, value: B.wrap(known(b, value), ONE),
        )

    return f


def functions() -> dict[str, Any]:
    """The extra functions by name, and ``lib`` (``lib.stride_tricks``)."""
    stride_tricks = types.ModuleType("stride_tricks")
    stride_tricks.sliding_window_view = _extra(  # type: ignore[attr-defined]
        "lib.stride_tricks.sliding_window_view"
    )
    lib = types.ModuleType("lib")
    lib.stride_tricks = stride_tricks  # type: ignore[attr-defined]
    return {**{n: _extra(n) for n in NAMES}, "lib": lib}
