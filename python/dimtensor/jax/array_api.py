"""The Array API namespace of ``dimtensor.jax.DimArray``
(``x.__array_namespace__()``): the same functions and unit rules as the
NumPy and Dask namespaces (one implementation, ``dimtensor.array_api``),
computed by ``jax.numpy`` and traceable by ``jax.jit``.

>>> import jax, jax.numpy as jnp
>>> from dimtensor.jax import DimArray
>>> x = DimArray(jnp.array([3.0, 4.0]), "m")
>>> xp = x.__array_namespace__()
>>> jax.jit(lambda v: xp.linalg.vector_norm(v))(x).to("cm")
DimArray(500., dtype=float32, unit='cm')
>>> xp.exp(x)
Traceback (most recent call last):
dimtensor.errors.DimensionError: exp needs a dimensionless input (a ratio or an angle), got 'm' [L]
"""

from dimtensor.array_api._namespace import populate
from dimtensor.jax.array import JAX

populate(globals(), JAX)
