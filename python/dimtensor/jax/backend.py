"""The JAX backend of the backend adapter (:mod:`dimtensor._backend`): how a
:class:`dimtensor.jax.DimArray` is taken apart and put back together.

Conversions are one multiply (and add, for offsets) on the JAX values,
traced like any other operation; NumPy functions run as their ``jax.numpy``
twins; ``out=`` does not exist (JAX arrays are immutable).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dimtensor._backend import IDENTITY, WrapperBackend, member
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit


def jax_function(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``jax.numpy``'s twin of NumPy function ``func`` (rule ``name``)."""
    obj = member(jnp, name)
    if obj is None:
        raise TypeError(
            f"jax.numpy has no {name}; call it on .to_value(unit) and attach the unit you expect"
        )
    return obj  # type: ignore[no-any-return]


class JaxBackend(WrapperBackend):
    """dimtensor.jax.DimArray, and plain JAX arrays (tracers included) next to it."""

    name = "jax"

    def owns(self, x: Any) -> bool:
        return isinstance(x, (self.cls, jax.Array))

    def raw(self, x: Any) -> Any:
        if isinstance(x, self.cls):
            return x._data
        if isinstance(x, NumpyDimArray):
            return x._data
        if isinstance(x, Unit):
            return 1.0
        return x

    def host(self, values: Any) -> Any:
        if isinstance(values, jax.core.Tracer):
            return None
        return np.asarray(values)

    def convert(self, values: Any, conv: tuple[float, float]) -> Any:
        a, b = conv
        if (a, b) == IDENTITY:
            return values
        # Python floats are weakly typed in JAX: float32 values stay float32.
        scaled = values * a
        return scaled + b if b else scaled

    def function(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        return jax_function(func, name)

    @functools.cached_property
    def xp(self) -> Any:
        return jnp

    def special(self, name: str) -> Callable[..., Any]:
        """``jax.scipy.special.<name>`` (traceable, unlike SciPy's ufuncs)."""
        import jax.scipy.special

        found = getattr(jax.scipy.special, name, None)
        if found is None:
            raise TypeError(f"jax.scipy.special has no {name}")
        return found  # type: ignore[no-any-return]

    def deliver(self, values: Any, unit: Unit | None, out: Any, what: str) -> Any:
        raise TypeError(f"{what}: JAX arrays are immutable, there is no out=; use the result")
