"""Lazy, chunked arrays with units on dask (``DaskDimArray``) and zarr I/O
with the unit in the ``units`` attribute.

Importing ``dimtensor`` does not import dask; this subpackage does.
"""

from dimtensor.dask.array import DaskDimArray, blockwise, concatenate, dot, stack
from dimtensor.dask.zarr_io import from_zarr, to_zarr

__all__ = [
    "DaskDimArray",
    "blockwise",
    "concatenate",
    "dot",
    "from_zarr",
    "stack",
    "to_zarr",
]
