"""The ``linalg`` extension with units: A·x = b gives x in b/A, eigenvalues
and singular values keep A's unit (their vectors are plain), det(A) is in
A's unit to the n-th power, inv/pinv in its reciprocal."""

from __future__ import annotations

from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._array_functions import _LINALG, _product, _rule_unit
from dimtensor.errors import DimensionError

from . import _functions as F
from ._backend import ONE, backend_of, has_unit
from ._units import convert, unit_of


def _unit(what: str, ufunc: Any, *operands: Any) -> Any:
    return _rule_unit(_LINALG + what, ufunc, *operands)


def _linear(what: str, x: Any) -> Any:
    """The unit of eigen/singular values of a matrix in x's unit."""
    return _product(_LINALG + what, unit_of(x))


def _call(name: str, *arrays: Any, **kwargs: Any) -> tuple[Any, Any]:
    B = backend_of(*arrays)
    return B, getattr(B.xp.linalg, name)(*(B.raw(a) for a in arrays), **kwargs)


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    B = backend_of(x)
    if B.lazy:
        # array-api-compat's dask cholesky swaps the factors (dask's default is upper).
        import dask.array as da

        raw = da.linalg.cholesky(B.raw(x), lower=not upper)
    else:
        B, raw = _call("cholesky", x, upper=upper)
    return B.wrap(raw, _unit("cholesky", np.sqrt, unit_of(x)))


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    B = backend_of(x1, x2)
    unit = _product(_LINALG + "cross", unit_of(x1), unit_of(x2))
    a, b = B.raw(x1), B.raw(x2)
    native = getattr(B.xp.linalg, "cross", None)
    return B.wrap(native(a, b, axis=axis) if native else _cross3(B.xp, a, b, axis), unit)


def _cross3(xp: Any, a: Any, b: Any, axis: int) -> Any:
    """The cross product of 3-vectors along ``axis`` from elementwise steps
    (dask has no cross product)."""
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross needs vectors of 3 components along axis {axis}")
    a, b = xp.broadcast_arrays(xp.moveaxis(a, axis, -1), xp.moveaxis(b, axis, -1))
    c = [
        a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
        a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
        a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
    ]
    return xp.moveaxis(xp.stack(c, axis=-1), -1, axis)


def det(x: Any, /) -> Any:
    # A sum of products of n entries, one from each row.
    B, raw = _call("det", x)
    return B.wrap(raw, _unit("det", np.power, unit_of(x), x.shape[-1]))


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    B, raw = _call("diagonal", x, offset=offset)
    return B.wrap(raw, unit_of(x))


def eigh(x: Any, /) -> Any:
    B, res = _call("eigh", x)
    return type(res)(B.wrap(res.eigenvalues, _linear("eigh", x)), B.wrap(res.eigenvectors, ONE))


def eigvalsh(x: Any, /) -> Any:
    B, raw = _call("eigvalsh", x)
    return B.wrap(raw, _linear("eigvalsh", x))


def inv(x: Any, /) -> Any:
    B, raw = _call("inv", x)
    return B.wrap(raw, _unit("inv", np.reciprocal, unit_of(x)))


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    B, raw = _call("matrix_norm", x, keepdims=keepdims, ord=ord)
    return B.wrap(raw, _unit("matrix_norm", np.absolute, unit_of(x)))


def matrix_power(x: Any, n: int, /) -> Any:
    B, raw = _call("matrix_power", x, n)
    return B.wrap(raw, _unit("matrix_power", np.power, unit_of(x), n))


def matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    B, raw = _call("matrix_rank", x, rtol=_relative(rtol))
    return B.wrap(raw, None)


def _relative(x: Any) -> Any:
    """A relative tolerance: a plain number (dimensionless values converted)."""
    if x is None or not has_unit(x):
        return x
    return convert(backend_of(x), x, unit_of(x).conversion_affine(ONE))


def outer(x1: Any, x2: Any, /) -> Any:
    B, raw = _call("outer", x1, x2)
    return B.wrap(raw, _product(_LINALG + "outer", unit_of(x1), unit_of(x2)))


def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    B, raw = _call("pinv", x, rtol=_relative(rtol))
    return B.wrap(raw, _unit("pinv", np.reciprocal, unit_of(x)))


def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    B, res = _call("qr", x, mode=mode)
    return type(res)(B.wrap(res.Q, ONE), B.wrap(res.R, _linear("qr", x)))


def slogdet(x: Any, /) -> Any:
    """log|det| needs a plain number: dimensionless matrices only (any scale,
    converted to 1 first)."""
    B = backend_of(x)
    unit = unit_of(x)
    if not unit.is_dimensionless:
        raise DimensionError(
            f"linalg.slogdet needs a dimensionless matrix (the log of a determinant in "
            f"'{unit}'^n has no unit), got '{unit}' [{unit.dimension}]; use linalg.det"
        )
    res = B.xp.linalg.slogdet(convert(B, x, unit.conversion_affine(ONE)))
    return type(res)(B.wrap(res.sign, None), B.wrap(res.logabsdet, None))


def solve(x1: Any, x2: Any, /) -> Any:
    B, raw = _call("solve", x1, x2)
    return B.wrap(raw, _unit("solve", np.divide, unit_of(x2), unit_of(x1)))


def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    B, res = _call("svd", x, full_matrices=full_matrices)
    u, s, vh = res  # dask's svd gives a plain tuple
    return B.xp.linalg.SVDResult(B.wrap(u, ONE), B.wrap(s, _linear("svd", x)), B.wrap(vh, ONE))


def svdvals(x: Any, /) -> Any:
    B, raw = _call("svdvals", x)
    return B.wrap(raw, _linear("svdvals", x))


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    B, raw = _call("trace", x, offset=offset, dtype=dtype)
    return B.wrap(raw, _core.reduction_unit("sum", unit_of(x), None))


def vector_norm(
    x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ord: Any = 2
) -> Any:
    B, raw = _call("vector_norm", x, axis=axis, keepdims=keepdims, ord=ord)
    unit = _unit("vector_norm", np.absolute, unit_of(x))
    return B.wrap(raw, ONE if ord == 0 else unit)  # ord=0 counts non-zeros


FUNCTIONS = {
    "cholesky": cholesky,
    "cross": cross,
    "det": det,
    "diagonal": diagonal,
    "eigh": eigh,
    "eigvalsh": eigvalsh,
    "inv": inv,
    "matmul": F.matmul,
    "matrix_norm": matrix_norm,
    "matrix_power": matrix_power,
    "matrix_rank": matrix_rank,
    "matrix_transpose": F.matrix_transpose,
    "outer": outer,
    "pinv": pinv,
    "qr": qr,
    "slogdet": slogdet,
    "solve": solve,
    "svd": svd,
    "svdvals": svdvals,
    "tensordot": F.tensordot,
    "trace": trace,
    "vecdot": F.vecdot,
    "vector_norm": vector_norm,
}
