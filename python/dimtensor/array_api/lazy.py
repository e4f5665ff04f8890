"""The Array API namespace of DaskDimArray (``x.__array_namespace__()``).

The same functions and unit rules as the DimArray namespace, on dask arrays:
nothing computes while generic code builds its expression, and every unit
mistake is raised then. ``bool()``/``float()`` of a lazy array raise instead
of computing, and the namespace reports ``"boolean indexing": False`` and
``"data-dependent shapes": False`` so generic code takes its lazy paths.

>>> import numpy as np
>>> from dimtensor.dask import DaskDimArray
>>> v = DaskDimArray(np.arange(6.0).reshape(3, 2), "m/s", chunks=1)
>>> xp = v.__array_namespace__()
>>> speed = xp.linalg.vector_norm(v, axis=1)
>>> speed.unit
Unit("m/s")
>>> speed.compute().to("km/h")
DimArray([ 3.6       , 12.97998459, 23.05124725], unit='km/h')
"""

from dimtensor.array_api._namespace import populate
from dimtensor.dask.array import DASK as LAZY

populate(globals(), LAZY)
