"""JAX arrays with units: :class:`DimArray` (a pytree: the values are the
leaf, the unit is static), derivatives with units (:func:`grad`,
:func:`value_and_grad`), ``jax.numpy`` with units (:mod:`.numpy`) and the
Array API namespace (:mod:`.array_api`).

Importing ``dimtensor`` does not import JAX; importing ``dimtensor.jax`` does.
"""

from dimtensor.jax.array import JAX, DimArray, ufunc
from dimtensor.jax.autodiff import grad, hessian, jacfwd, jacrev, value_and_grad
from dimtensor.jax.blocks import map_blocks

__all__ = [
    "JAX",
    "DimArray",
    "grad",
    "hessian",
    "jacfwd",
    "jacrev",
    "map_blocks",
    "ufunc",
    "value_and_grad",
]
