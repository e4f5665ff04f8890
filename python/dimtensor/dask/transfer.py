"""How a computed DimArray travels back from a ``dask.distributed`` worker.

dask.distributed sends an ndarray as raw memory (its "dask" serializer), but
an object it does not know, such as a DimArray, goes through pickle, and the
scheduler's connections pickle with protocol 4: the whole array is copied
into the pickle on the worker and out of it on the client. A DaskDimArray's
result is therefore handed to distributed as a ``ComputedDimArray``, a
DimArray subclass registered here with a serializer that sends the ndarray
exactly as distributed sends an ndarray, and the unit beside it; the
receiving side rebuilds a plain DimArray on the received memory.

Only this subclass is registered: whichever process deserializes it imports
this module while unpickling its type, which registers the deserializer
first, so a sender and a receiver always agree whatever was imported where.
This module imports ``distributed``; it is loaded only on a worker (by the
finalizing task of a DaskDimArray) or when such a result arrives.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from dask.sizeof import sizeof
from distributed.protocol.serialize import dask_deserialize, dask_serialize

from dimtensor import _core
from dimtensor._core import DimArray

__all__ = ["ComputedDimArray", "computed"]


class ComputedDimArray(DimArray):
    """A DimArray computed on a worker, on its way to the client (which
    receives a plain DimArray)."""


def computed(values: np.ndarray, unit: Any) -> DimArray:
    """``values`` in ``unit`` as the result of a task (no copy)."""
    return ComputedDimArray(values, unit)


_numpy_dumps = dask_serialize.dispatch(np.ndarray)
_numpy_loads = dask_deserialize.dispatch(np.ndarray)


@dask_serialize.register(ComputedDimArray)
def _dumps(x: ComputedDimArray, context: Any = None) -> tuple[dict[str, Any], list[Any]]:
    header, frames = _numpy_dumps(x._data, context=context)
    return {"array": header, "unit": pickle.dumps(x.unit)}, frames


@dask_deserialize.register(ComputedDimArray)
def _loads(header: dict[str, Any], frames: list[Any]) -> DimArray:
    values = _numpy_loads(header["array"], frames)
    return _core._wrap(values, pickle.loads(header["unit"]))


@sizeof.register(DimArray)
def _sizeof(x: DimArray) -> int:
    # The worker's memory accounting (spilling, pausing) sees the values.
    return int(sizeof(x._data)) + 64
