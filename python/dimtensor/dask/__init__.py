"""Lazy, chunked arrays with units on dask (``DaskDimArray``).

Importing ``dimtensor`` does not import dask; this subpackage does.
"""

from dimtensor.dask.array import DaskDimArray
from dimtensor.dask.zarr_io import from_zarr, to_zarr

__all__ = ["DaskDimArray", "from_zarr", "to_zarr"]
