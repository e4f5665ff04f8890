"""The Array API namespace of DimArray (``x.__array_namespace__()``).

The Python Array API standard (2024.12) with units: every function applies
the core's unit rules, so generic array code (SciPy with
``SCIPY_ARRAY_API=1``, array-api-extra, your own) gets correct units and
refuses unit mistakes.

>>> import dimtensor as dt
>>> x = dt.DimArray([3.0, 4.0], "m")
>>> xp = x.__array_namespace__()
>>> xp.sqrt(xp.sum(x * x))
DimArray(5., unit='m')
>>> xp.linalg.vector_norm(x).to("cm")
DimArray(500., unit='cm')
>>> xp.exp(x)
Traceback (most recent call last):
dimtensor.errors.DimensionError: exp needs a dimensionless input (a ratio or an angle), got 'm' [L]
"""

from dimtensor._backend import NUMPY as EAGER
from dimtensor.array_api._namespace import populate

populate(globals(), EAGER)
