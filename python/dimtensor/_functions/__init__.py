"""The NumPy-function front end: ``np.concatenate(x, y)``, ``np.linalg.inv(a)``
and every other NumPy function with a rule in the core's table, for every
array type with a unit (DimArray, DaskDimArray, …) through one executor
(:mod:`.call`) and the array type's backend (:mod:`dimtensor._backend`).

A NumPy function without a rule raises ``TypeError`` naming it; the table
of rules is ``docs/functions.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._backend import Backend, is_quantity, member, unit_of

from .call import Bound, call, rule

__all__ = ["Bound", "apply", "call", "known_result", "known_value", "numpy_rules", "rule"]


@functools.cache
def numpy_rules() -> dict[Callable[..., Any], str]:
    """NumPy's functions that have a rule, and the rule's name. Ufuncs are
    not among them: ``__array_ufunc__`` applies the ufunc table."""
    found: dict[Callable[..., Any], str] = {}
    for name in _core.function_names():
        obj = member(np, name)
        if not callable(obj) or isinstance(obj, np.ufunc):
            continue
        # An alias (np.concat is np.concatenate) is known by its own name, so
        # messages name the function as the user wrote it most often.
        own = name.rpartition(".")[0] + "." + obj.__name__ if "." in name else obj.__name__
        if obj not in found or name == own:
            found[obj] = name
    return found


# How the table names the functions of NumPy's modules (``np.emath.sqrt`` is
# "emath.sqrt"); modules not imported by ``import numpy`` are found here.
MODULES = {
    "numpy": "",
    "numpy.linalg": "linalg.",
    "numpy.fft": "fft.",
    "numpy.lib.scimath": "emath.",
    "numpy.strings": "strings.",
    "numpy.char": "char.",
    "numpy.lib.recfunctions": "lib.recfunctions.",
    "numpy.lib.stride_tricks": "lib.stride_tricks.",
    "numpy.polynomial.polynomial": "polynomial.polynomial.",
}


def rule_name(func: Callable[..., Any]) -> str | None:
    """The name of NumPy function ``func``'s rule in the core's table."""
    name = numpy_rules().get(func)
    if name is None:
        prefix = MODULES.get(getattr(func, "__module__", None) or "")
        candidate = f"{prefix}{getattr(func, '__name__', '')}"
        if prefix is not None and rule(candidate) is not None:
            name = candidate
    return name


def _with_atol(
    func: Callable[..., Any],
    plain: bool,
    a: Any,
    b: Any,
    rtol: Any = 1e-05,
    atol: Any = None,
    equal_nan: bool = False,
) -> Any:
    """isclose/allclose with NumPy's default ``atol=1e-8`` only for pure
    numbers: an absolute tolerance in no unit means nothing for quantities
    (1e-8 km is not 1e-8 nm), so it is 0 there unless given."""
    if atol is None:
        atol = 1e-8 if plain else 0.0
    return func(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def known_value(name: str, value: bool, invert: Any, full: Callable[[bool], Any]) -> Any:
    """The known result of ``isin``/``array_equal`` across dimensions,
    ``value`` from the table (nothing can be equal): ``isin`` gives an array
    of it (``full(fill)``, the elements' shape), flipped by ``invert=``."""
    if name == "isin":
        flip = bool(invert) if isinstance(invert, (bool, np.bool_)) else False
        return full(value != flip)
    return value


def known_result(name: str, backend: Backend) -> Callable[[Bound, bool], Any]:
    """:func:`known_value` for a call bound by NumPy's signature."""

    def known(b: Bound, value: bool) -> Any:
        def full(fill: bool) -> Any:
            shape = np.shape(backend.raw(b.get("element")))
            return backend.xp.full(shape, fill, dtype=backend.xp.bool)

        return known_value(name, value, b.get("invert"), full)

    return known


def _histogramdd(backend: Backend, func: Callable[..., Any]) -> Callable[..., Any]:
    """histogramdd's edges (a list) as results of their own, so each gets
    the unit of its coordinate."""

    def run(*args: Any, **kwargs: Any) -> Any:
        hist, edges = backend.function(func, "histogramdd")(*args, **kwargs)
        return (hist, *edges)

    return run


def _columns(b: Bound, backend: Backend) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """histogramdd's sample given as one (N, D) array: its D columns, the
    same coordinates as a sequence of D arrays (each coordinate then has
    its own operand, as the rule's ``*S`` reads them)."""
    sample = b.get("sample")
    if is_quantity(sample) and len(sample.shape) == 2:
        b.set("sample", [sample[:, i] for i in range(sample.shape[1])])
    return tuple(b.args), b.kwargs


def apply(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], backend: Backend
) -> Any:
    """``func(*args, **kwargs)`` for a NumPy function ``func`` on quantities."""
    name = rule_name(func)
    if name is None:
        module = getattr(func, "__module__", "numpy") or "numpy"
        raise TypeError(
            f"dimtensor has no unit rule for {module}.{getattr(func, '__name__', '?')}; call it "
            "on .magnitude() or .to_value(unit) and attach the unit you expect"
        )
    run = None
    if name in ("isclose", "allclose"):
        b = Bound(func, args, kwargs)
        units = [unit_of(b.get(p)) for p in ("a", "b")]
        plain = all(u is None or u.is_dimensionless for u in units)
        run = functools.partial(_with_atol, backend.function(func, name), plain)
    if name == "histogramdd":
        args, kwargs = _columns(Bound(func, args, kwargs), backend)
        hist, *edges = call(name, func, args, kwargs, backend, run=_histogramdd(backend, func))
        return hist, edges
    return call(name, func, args, kwargs, backend, run=run, constant=known_result(name, backend))
