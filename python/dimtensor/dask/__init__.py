"""Lazy, chunked arrays with units on dask (``DaskDimArray``).

Importing ``dimtensor`` does not import dask; this subpackage does.
"""

from dimtensor.dask.array import DaskDimArray

__all__ = ["DaskDimArray"]
