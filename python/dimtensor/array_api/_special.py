"""The ``special`` sub-namespace: SciPy's special functions on dimensionless
values. SciPy looks up ``xp.special.<name>`` before falling back to NumPy
(which would drop units or compute a lazy array), so every function here
takes arrays of the namespace, converts dimensionless inputs of any scale
(%, ppm) to plain numbers, refuses dimensional ones naming their unit, and
stays lazy on Dask (elementwise, chunk by chunk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dimtensor.errors import DimensionError

from ._backend import ONE, Backend, backend_of, has_unit
from ._units import convert, unit_of

# The elementwise special functions SciPy dispatches to xp.special, with the
# number of array arguments each takes.
ELEMENTWISE = {
    "betainc": 3,
    "betaincc": 3,
    "chdtr": 2,
    "chdtrc": 2,
    "entr": 1,
    "erf": 1,
    "erfc": 1,
    "erfinv": 1,
    "expit": 1,
    "gammainc": 2,
    "gammaincc": 2,
    "gammaln": 1,
    "i0": 1,
    "i0e": 1,
    "i1": 1,
    "i1e": 1,
    "log_ndtr": 1,
    "logit": 1,
    "ndtr": 1,
    "ndtri": 1,
    "psi": 1,
    "digamma": 1,
    "rel_entr": 2,
    "stdtr": 2,
    "stdtrit": 2,
    "xlog1py": 2,
    "xlogy": 2,
}


def plain(what: str, B: Backend, x: Any) -> Any:
    """The magnitudes of a dimensionless ``x`` as plain numbers."""
    unit = unit_of(x)
    if not unit.is_dimensionless:
        raise DimensionError(
            f"special.{what} needs a dimensionless input (a pure number), got '{unit}' "
            f"[{unit.dimension}]; divide by a reference value first"
        )
    return convert(B, x, unit.conversion_affine(ONE)) if has_unit(x) else x


def _elementwise(name: str, nargs: int) -> Callable[..., Any]:
    import scipy.special

    ufunc = getattr(scipy.special, name)

    def f(*args: Any) -> Any:
        if len(args) != nargs:
            raise TypeError(f"special.{name} takes {nargs} arguments, got {len(args)}")
        B = backend_of(*args)
        raws = [plain(name, B, a) for a in args]
        if B.lazy:
            from dask.array.core import elemwise

            return B.wrap(elemwise(ufunc, *raws), ONE)
        return B.wrap(ufunc(*raws), ONE)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``scipy.special.{name}`` of dimensionless values (lazy on Dask)."
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
    B = backend_of(a, b)
    xp = B.xp
    x = plain("logsumexp", B, a)
    m = xp.max(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    e = xp.exp(x - m)
    if b is not None:
        e = e * plain("logsumexp", B, b)
    s = xp.sum(e, axis=axis, keepdims=True)
    sign = xp.sign(s)
    out = xp.log(xp.abs(s)) + m
    if not keepdims:
        axes = tuple(range(xp.asarray(x).ndim)) if axis is None else axis
        out = xp.squeeze(out, axis=axes)
        sign = xp.squeeze(sign, axis=axes)
    if return_sign:
        return B.wrap(out, ONE), B.wrap(sign, ONE)
    return B.wrap(out, ONE)


def _shifted(B: Backend, x: Any, axis: Any) -> Any:
    m = B.xp.max(x, axis=axis, keepdims=True)
    return x - B.xp.where(B.xp.isfinite(m), m, B.xp.zeros_like(m))


def softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """exp(x)/Σexp(x) of dimensionless ``x``."""
    B = backend_of(x)
    e = B.xp.exp(_shifted(B, plain("softmax", B, x), axis))
    return B.wrap(e / B.xp.sum(e, axis=axis, keepdims=True), ONE)


def log_softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """x − log Σexp(x) of dimensionless ``x``."""
    B = backend_of(x)
    z = _shifted(B, plain("log_softmax", B, x), axis)
    return B.wrap(z - B.xp.log(B.xp.sum(B.xp.exp(z), axis=axis, keepdims=True)), ONE)


def functions() -> dict[str, Callable[..., Any]]:
    return {
        **{n: _elementwise(n, k) for n, k in ELEMENTWISE.items()},
        "logsumexp": logsumexp,
        "softmax": softmax,
        "log_softmax": log_softmax,
    }
