"""Chunk-wise JAX functions of quantities on a Dask array with units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from .array import DimArray


def map_blocks(func: Callable[..., Any], x: Any, **kwargs: Any) -> Any:
    """``func`` (a JAX function of one :class:`DimArray`, returning one, of
    the same shape) on each chunk of the DaskDimArray ``x``, jitted. The
    result's unit comes from tracing ``func`` once (``jax.eval_shape``:
    nothing is computed), so it is the unit the core's rules give.

    >>> import numpy as np
    >>> from dimtensor.dask import DaskDimArray
    >>> from dimtensor.jax import map_blocks
    >>> v = DaskDimArray(np.arange(4.0), "m/s", chunks=2)
    >>> e = map_blocks(lambda v: v**2 * DimArray(0.5, "kg"), v)
    >>> e.unit.simplified(), e.compute().to("J")        # float32: JAX's default
    (Unit("J"), DimArray([0. , 0.5, 2. , 4.5], dtype=float32, unit='J'))
    """
    unit = x.unit
    jitted = jax.jit(func)
    probe = jax.ShapeDtypeStruct(tuple(x.chunksize), x.dtype)
    out = jax.eval_shape(jitted, DimArray._new(probe, unit))
    if not isinstance(out, DimArray):
        raise TypeError("map_blocks: func must return a dimtensor.jax.DimArray")

    def block(values: np.ndarray) -> np.ndarray:
        result = jitted(DimArray._new(jax.numpy.asarray(values), unit))
        return np.asarray(result._data)

    kwargs.setdefault("dtype", np.dtype(out.dtype))
    return x.map_blocks(block, unit=out.unit, **kwargs)
