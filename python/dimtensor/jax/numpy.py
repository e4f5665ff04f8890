"""``jax.numpy`` with units: every NumPy function and ufunc that has a rule
in the core's table, computed by its ``jax.numpy`` twin.

JAX has no dispatch protocol for other array types (no
``__array_function__``; ``__jax_array__`` can only turn an object into a
plain array), so ``jnp.sin(x)`` cannot return a quantity: it refuses a
``dimtensor.jax.DimArray`` with a ``TypeError``, and code that wants units
calls this module (or the Array API namespace, ``x.__array_namespace__()``)
instead::

    >>> import jax.numpy as jnp
    >>> from dimtensor.jax import DimArray, numpy as dnp
    >>> x = DimArray(jnp.array([3.0, 4.0]), "m")
    >>> dnp.sqrt(dnp.sum(x**2))
    DimArray(5., dtype=float32, unit='m')
    >>> dnp.linalg.norm(x).to("cm")
    DimArray(500., dtype=float32, unit='cm')
    >>> dnp.concatenate([x, DimArray(jnp.array([1.0]), "km")])
    DimArray([   3.,    4., 1000.], dtype=float32, unit='m')

Arguments are bound by NumPy's signature of the function; results without
a unit (indices, truth values of a function) are plain JAX arrays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._backend import member
from dimtensor._functions import apply

from .array import JAX, ufunc
from .backend import jax_function


@functools.cache
def function(name: str) -> Callable[..., Any]:
    """The unit-aware ``jax.numpy`` function ``name`` (``"linalg.norm"``…)."""
    obj = member(np, name)
    if isinstance(obj, np.ufunc):
        jax_function(obj, name)  # refuse early when jax.numpy lacks it

        def elementwise(*operands: Any, **kwargs: Any) -> Any:
            return ufunc(name, *operands, **kwargs)

        f = elementwise
    elif callable(obj) and _core.function_rule(name) is not None:
        jax_function(obj, name)  # refuse early when jax.numpy lacks it
        numpy_function = obj

        def with_rule(*args: Any, **kwargs: Any) -> Any:
            # as NumPy's functions on DimArrays: the same defaults and known results
            return apply(numpy_function, args, kwargs, JAX)

        f = with_rule
    else:
        raise AttributeError(
            f"dimtensor.jax.numpy has no {name}: NumPy has no function of that name with a "
            "unit rule in dimtensor's table; call jax.numpy on .to_value(unit) and attach "
            "the unit you expect"
        )
    f.__name__ = f.__qualname__ = name.rsplit(".", 1)[-1]
    f.__doc__ = f"``jax.numpy.{name}`` with the unit rule of dimtensor's table."
    return f


class _Submodule:
    """``linalg`` and ``fft``: functions looked up by their prefixed name."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return function(self._prefix + name)


linalg = _Submodule("linalg.")
fft = _Submodule("fft.")


def __getattr__(name: str) -> Callable[..., Any]:
    if name.startswith("__"):
        raise AttributeError(name)
    return function(name)
