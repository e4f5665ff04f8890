"""The ``special`` sub-namespace: SciPy's special functions on dimensionless
values. SciPy looks up ``xp.special.<name>`` before falling back to NumPy
(which would drop units or compute a lazy array), so every function here
takes arrays of the namespace and, by its rule in the core's table
(``special.<name>``), converts dimensionless inputs of any scale (%, ppm) to
plain numbers and refuses dimensional ones naming their unit; it stays lazy
on Dask (elementwise, chunk by chunk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dimtensor import _core
from dimtensor._backend import Backend

from ._functions import run


def elementwise() -> dict[str, int]:
    """The elementwise special functions, with the number of array arguments
    each takes: every ``special.<name>`` rule of the core's table whose
    parameters are positional (``#0``, ``#1``, …). SciPy looks these up in
    the namespace (``xp.special.<name>``) before falling back to NumPy,
    which would drop a unit's scale or compute a lazy array."""
    found = {}
    for full in _core.function_names():
        if not full.startswith("special."):
            continue
        params = _core.function_rule(full)[0]  # type: ignore[index]
        if params and all(names[0].startswith("#") for names, _, _ in params):
            found[full.removeprefix("special.")] = len(params)
    return found


def _ufunc(name: str) -> Callable[[Backend], Callable[..., Any]]:
    """scipy.special's ufunc ``name`` on plain magnitudes, chunk by chunk on Dask."""

    def impl(B: Backend) -> Callable[..., Any]:
        own = getattr(B, "special", None)
        if own is not None:
            return own(name)  # type: ignore[no-any-return]  # JAX's or torch's own
        import scipy.special

        ufunc = getattr(scipy.special, name)
        if not B.lazy:
            return ufunc  # type: ignore[no-any-return]
        from dask.array.core import elemwise

        return lambda *raws: elemwise(ufunc, *raws)

    return impl


def _elementwise(name: str, nargs: int) -> Callable[..., Any]:
    doc = f"``scipy.special.{name}`` of dimensionless values (lazy on Dask)."
    rule = "special." + name
    if nargs == 1:

        def f1(x: Any, /) -> Any:
            return run(rule, f1, (x,), {}, _ufunc(name))

        f = f1
    elif nargs == 2:

        def f2(x1: Any, x2: Any, /) -> Any:
            return run(rule, f2, (x1, x2), {}, _ufunc(name))

        f = f2
    elif nargs == 3:

        def f3(x1: Any, x2: Any, x3: Any, /) -> Any:
            return run(rule, f3, (x1, x2, x3), {}, _ufunc(name))

        f = f3
    else:

        def f4(x1: Any, x2: Any, x3: Any, x4: Any, /) -> Any:
            return run(rule, f4, (x1, x2, x3, x4), {}, _ufunc(name))

        f = f4
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _logsumexp(B: Backend) -> Callable[..., Any]:
    def f(
        a: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False
    ) -> Any:
        xp = B.xp
        m = xp.max(a, axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        e = xp.exp(a - m)
        if b is not None:
            e = e * b
        s = xp.sum(e, axis=axis, keepdims=True)
        sign = xp.sign(s)
        out = xp.log(xp.abs(s)) + m
        if not keepdims:
            axes = tuple(range(xp.asarray(a).ndim)) if axis is None else axis
            out = xp.squeeze(out, axis=axes)
            sign = xp.squeeze(sign, axis=axes)
        return (out, sign) if return_sign else out

    return f


def logsumexp(
    a: Any,
    axis: int | tuple[int, ...] | None = None,
    b: Any = None,
    keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    """log Σ b·exp(a) of dimensionless ``a`` (``b`` may carry a unit only if
    it is dimensionless too), computed stably: max-shifted."""
    kw = {"axis": axis, "b": b, "keepdims": keepdims, "return_sign": return_sign}
    return run("special.logsumexp", logsumexp, (a,), kw, _logsumexp)


def _shifted(B: Backend, x: Any, axis: Any) -> Any:
    m = B.xp.max(x, axis=axis, keepdims=True)
    return x - B.xp.where(B.xp.isfinite(m), m, B.xp.zeros_like(m))


def _softmax(B: Backend) -> Callable[..., Any]:
    def f(x: Any, axis: Any = None) -> Any:
        e = B.xp.exp(_shifted(B, x, axis))
        return e / B.xp.sum(e, axis=axis, keepdims=True)

    return f


def _log_softmax(B: Backend) -> Callable[..., Any]:
    def f(x: Any, axis: Any = None) -> Any:
        z = _shifted(B, x, axis)
        return z - B.xp.log(B.xp.sum(B.xp.exp(z), axis=axis, keepdims=True))

    return f


def softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """exp(x)/Σexp(x) of dimensionless ``x``."""
    return run("special.softmax", softmax, (x,), {"axis": axis}, _softmax)


def log_softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """x − log Σexp(x) of dimensionless ``x``."""
    return run("special.log_softmax", log_softmax, (x,), {"axis": axis}, _log_softmax)


def zeta(x: Any, q: Any = None) -> Any:
    """Riemann (``q`` left out) or Hurwitz zeta of dimensionless values."""
    args = (x,) if q is None else (x, q)
    return run("special.zeta", zeta, args, {}, _ufunc("zeta"))


def _multigammaln(B: Backend) -> Callable[..., Any]:
    def f(a: Any, d: int) -> Any:
        import scipy.special

        if not B.lazy:
            return scipy.special.multigammaln(a, d)
        import dask.array as da

        return da.map_blocks(scipy.special.multigammaln, a, d, dtype=a.dtype)

    return f


def multigammaln(a: Any, d: int) -> Any:
    """log of the multivariate gamma function of dimension ``d`` (an integer)."""
    return run("special.multigammaln", multigammaln, (a, d), {}, _multigammaln)


def functions() -> dict[str, Callable[..., Any]]:
    return {
        **{n: _elementwise(n, k) for n, k in elementwise().items()},
        "logsumexp": logsumexp,
        "softmax": softmax,
        "log_softmax": log_softmax,
        "zeta": zeta,
        "multigammaln": multigammaln,
    }
