"""Derivatives with units: the gradient of a function from unit U to unit V
is in V/U.

``jax.grad`` differentiates a pytree leaf by leaf and labels the gradient
with the input's own pytree, that is with the input's unit U, which is
wrong for quantities (d(Σx³)/dx is in m² for x in m, not in m). And JAX
only differentiates functions that return plain scalars, so it cannot know
V. :func:`grad` and :func:`value_and_grad` take functions that return a
quantity, differentiate its magnitude with ``jax.value_and_grad``, read V
from the result (static: known while tracing) and label each gradient with
the core's rule ``autodiff.grad``: ``d(V)/d(U)`` (differences, so a
temperature point U gives a gradient per kelvin-sized interval).
:func:`jacfwd`, :func:`jacrev` and :func:`hessian` do the same for
functions that return one array: the Jacobian of U → V is in V/U, the
Hessian in V/U². They compose with ``jax.jit``, ``jax.vmap`` and
``jax.lax.scan``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax

from dimtensor import _core
from dimtensor._backend import ONE, unit_of

from .array import DimArray


def gradient_unit(output: Any, wrt: Any) -> Any:
    """The unit of d(output)/d(wrt) for units ``output`` and ``wrt``."""
    _, units, _, _, _ = _core.function_plan("autodiff.grad", [[output], [wrt]], None)
    return units[0]


def _label(grads: Any, output_unit: Any) -> Any:
    """Each gradient leaf in d(V)/d(U) of its input's unit U (plain inputs: U = 1)."""

    def one(g: Any) -> Any:
        if isinstance(g, DimArray):
            return DimArray._new(g._data, gradient_unit(output_unit, g.unit))
        if g is None:
            return g
        unit = gradient_unit(output_unit, ONE)
        return g if unit.is_dimensionless and unit.scale == 1 else DimArray._new(g, unit)

    return jax.tree_util.tree_map(one, grads, is_leaf=lambda x: isinstance(x, DimArray))


def value_and_grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    **options: Any,
) -> Callable[..., tuple[Any, Any]]:
    """``jax.value_and_grad`` for a function that returns a 0-d quantity
    (or plain number): the value keeps its unit V, each gradient is in
    V/U for its input in U.

    >>> import jax.numpy as jnp
    >>> from dimtensor.jax import DimArray, value_and_grad
    >>> energy = lambda x: (DimArray(2.0, "N/m") * x**2).sum() / 2
    >>> e, f = value_and_grad(energy)(DimArray(jnp.array([1.0, 3.0]), "m"))
    >>> e, f
    (DimArray(10., dtype=float32, unit='N·m'), DimArray([2., 6.], dtype=float32, unit='N'))
    """

    def scalar(*args: Any, **kwargs: Any) -> tuple[Any, tuple[Any, Any]]:
        out = fun(*args, **kwargs)
        value, aux = out if has_aux else (out, None)
        raw = value._data if isinstance(value, DimArray) else value
        # The quantity itself travels as auxiliary data: its unit is static.
        return raw, (value, aux)

    inner = jax.value_and_grad(scalar, argnums=argnums, has_aux=True, **options)

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        (_, (value, aux)), grads = inner(*args, **kwargs)
        unit = unit_of(value)
        labelled = _label(grads, unit if unit is not None else ONE)
        return ((value, aux) if has_aux else value), labelled

    return wrapped


def grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    **options: Any,
) -> Callable[..., Any]:
    """``jax.grad`` with units: the gradient of ``fun`` (U → V) is in V/U.

    >>> import jax.numpy as jnp
    >>> from dimtensor.jax import DimArray, grad
    >>> grad(lambda x: (x**3).sum())(DimArray(jnp.array([1.0, 2.0]), "m"))
    DimArray([ 3., 12.], dtype=float32, unit='m²')
    """
    vg = value_and_grad(fun, argnums=argnums, has_aux=has_aux, **options)

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapped


def _jacobian(transform: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``transform`` (``jax.jacfwd`` or ``jax.jacrev``) with units."""

    def make(
        fun: Callable[..., Any],
        argnums: int | Sequence[int] = 0,
        has_aux: bool = False,
        **options: Any,
    ) -> Callable[..., Any]:
        def plain(*args: Any, **kwargs: Any) -> tuple[Any, tuple[Any, Any]]:
            out = fun(*args, **kwargs)
            value, aux = out if has_aux else (out, None)
            if isinstance(value, DimArray):
                return value._data, (value, aux)
            if isinstance(value, jax.Array) or hasattr(value, "shape"):
                return value, (DimArray._new(value, ONE), aux)
            raise TypeError(
                f"dimtensor.jax.{name} differentiates a function that returns one array (a "
                f"DimArray or a JAX array), not a {type(value).__name__}"
            )

        inner = transform(plain, argnums=argnums, has_aux=True, **options)

        @functools.wraps(fun)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            jac, (value, aux) = inner(*args, **kwargs)
            labelled = _label(jac, value.unit)
            return (labelled, aux) if has_aux else labelled

        wrapped.__doc__ = f"``jax.{name}`` with units: the Jacobian of ``fun`` (U → V) is in V/U."
        return wrapped

    make.__name__ = name
    make.__doc__ = (
        f"``jax.{name}`` with units: the Jacobian of a function from U to V (one "
        "array) is in V/U (each input its own U)."
    )
    return make


jacfwd = _jacobian(jax.jacfwd, "jacfwd")
jacrev = _jacobian(jax.jacrev, "jacrev")


def hessian(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, **options: Any) -> Any:
    """``jax.hessian`` with units: of a function from U to V, in V/U².

    >>> import jax.numpy as jnp
    >>> from dimtensor.jax import DimArray, hessian
    >>> hessian(lambda x: (x**3).sum())(DimArray(jnp.array([1.0, 2.0]), "m"))
    DimArray([[ 6.,  0.],
              [ 0., 12.]], dtype=float32, unit='m')
    """
    return jacfwd(jacrev(fun, argnums=argnums, **options), argnums=argnums, **options)
