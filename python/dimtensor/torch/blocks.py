"""Chunk-wise torch functions of quantities on a Dask array with units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .tensor import PLAIN, DimTensor


def map_blocks(func: Callable[..., Any], x: Any, **kwargs: Any) -> Any:
    """``func`` (a torch function of one :class:`DimTensor`, returning one of
    the same shape) on each chunk of the DaskDimArray ``x``. The result's
    unit comes from running ``func`` once on a tensor on the ``meta`` device
    (shapes only, nothing computed), so it is the unit the core's rules give.

    >>> import numpy as np
    >>> from dimtensor.dask import DaskDimArray
    >>> from dimtensor.torch import map_blocks
    >>> v = DaskDimArray(np.arange(4.0), "m/s", chunks=2)
    >>> e = map_blocks(lambda v: DimTensor(0.5, "kg", dtype=v.dtype) * v**2, v)
    >>> e.unit.simplified(), e.compute().to("J")
    (Unit("J"), DimArray([0. , 0.5, 2. , 4.5], unit='J'))
    """
    unit = x.unit
    probe = torch.empty(
        tuple(x.chunksize), dtype=torch.from_numpy(np.zeros(0, x.dtype)).dtype, device="meta"
    )
    out = func(DimTensor._new(probe, unit))
    if not isinstance(out, DimTensor):
        raise TypeError("map_blocks: func must return a dimtensor.torch.DimTensor")

    def block(values: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            result = func(DimTensor._new(torch.from_numpy(np.ascontiguousarray(values)), unit))
        with PLAIN():
            return result.cpu().numpy()  # type: ignore[no-any-return]

    kwargs.setdefault("dtype", np.dtype(str(out.dtype).removeprefix("torch.")))
    return x.map_blocks(block, unit=out.unit, **kwargs)
