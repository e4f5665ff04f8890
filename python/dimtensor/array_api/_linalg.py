"""The ``linalg`` extension with units: A·x = b gives x in b/A, eigenvalues
and singular values keep A's unit (their vectors are plain), det(A) is in
A's unit to the n-th power, inv/pinv in its reciprocal. Every rule is the
core table's ``linalg.<name>`` line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from dimtensor._backend import Backend

from . import _functions as F
from ._functions import run


def _linalg(name: str, sig: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return run("linalg." + name, sig, args, kwargs)


def _cholesky(B: Backend) -> Callable[..., Any]:
    if not B.lazy:
        return B.xp.linalg.cholesky  # type: ignore[no-any-return]
    import dask.array as da

    # array-api-compat's dask cholesky swaps the factors (dask's default is upper).
    return lambda x, /, *, upper=False: da.linalg.cholesky(x, lower=not upper)


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    return run("linalg.cholesky", cholesky, (x,), {"upper": upper}, _cholesky)


def _cross(B: Backend) -> Callable[..., Any]:
    native = getattr(B.xp.linalg, "cross", None)
    return native or (lambda a, b, /, *, axis=-1: _cross3(B.xp, a, b, axis))


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return run("linalg.cross", cross, (x1, x2), {"axis": axis}, _cross)


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
    return _linalg("det", det, x)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    return _linalg("diagonal", diagonal, x, offset=offset)


def eigh(x: Any, /) -> Any:
    return _linalg("eigh", eigh, x)


def eigvalsh(x: Any, /) -> Any:
    return _linalg("eigvalsh", eigvalsh, x)


def inv(x: Any, /) -> Any:
    return _linalg("inv", inv, x)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    return _linalg("matrix_norm", matrix_norm, x, keepdims=keepdims, ord=ord)


def matrix_power(x: Any, n: int, /) -> Any:
    return _linalg("matrix_power", matrix_power, x, n)


def matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    return _linalg("matrix_rank", matrix_rank, x, rtol=rtol)


def outer(x1: Any, x2: Any, /) -> Any:
    return _linalg("outer", outer, x1, x2)


def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    return _linalg("pinv", pinv, x, rtol=rtol)


def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    return _linalg("qr", qr, x, mode=mode)


def slogdet(x: Any, /) -> Any:
    """log|det| needs a plain number: dimensionless matrices only (any scale,
    converted to 1 first); use ``det`` for a determinant with a unit."""
    return _linalg("slogdet", slogdet, x)


def solve(x1: Any, x2: Any, /) -> Any:
    return _linalg("solve", solve, x1, x2)


class SVDResult(NamedTuple):
    """``svd``'s result where the backend's namespace has no such type (torch's)."""

    U: Any
    S: Any
    Vh: Any


def _svd(B: Backend) -> Callable[..., Any]:
    def f(x: Any, /, **kw: Any) -> Any:
        u, s, vh = B.xp.linalg.svd(x, **kw)  # dask's svd gives a plain tuple
        return getattr(B.xp.linalg, "SVDResult", SVDResult)(u, s, vh)

    return f


def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    return run("linalg.svd", svd, (x,), {"full_matrices": full_matrices}, _svd)


def _svdvals(B: Backend) -> Callable[..., Any]:
    if not B.lazy:
        return B.xp.linalg.svdvals  # type: ignore[no-any-return]
    # array-api-compat's dask svdvals asks dask for full matrices, which it refuses.
    return lambda x, /: B.xp.linalg.svd(x, full_matrices=False)[1]


def svdvals(x: Any, /) -> Any:
    return run("linalg.svdvals", svdvals, (x,), {}, _svdvals)


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    return _linalg("trace", trace, x, offset=offset, dtype=dtype)


def vector_norm(
    x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ord: Any = 2
) -> Any:
    return _linalg("vector_norm", vector_norm, x, axis=axis, keepdims=keepdims, ord=ord)


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
