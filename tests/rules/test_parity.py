"""One rule table, every front end: each ufunc, ufunc method and function of
the core's table gives the same unit and values (or the same error) on
DimArray, DaskDimArray and the Array API namespaces (NumPy, Dask, JAX and
torch).

A case names its rule and a call; the call runs on DimArrays and on
DaskDimArrays built from the same values (for the namespaces: through
``x.__array_namespace__()`` of each), and the results are compared after
computing. Every function of the table must appear in a case (or in
``NOT_HERE`` with the reason), so a new rule cannot skip the comparison.
"""

from __future__ import annotations

import io
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any

import dask.array as da
import numpy as np
import pytest
from dimtensor import DimArray, Unit, _core
from dimtensor.dask import DaskDimArray
from dimtensor.errors import DimtensorError


@dataclass(frozen=True)
class Q:
    """A quantity in a case: the same values and unit on every front end."""

    values: Any
    unit: str = ""


def q(values: Any, unit: str = "") -> Q:
    return Q(
        np.asarray(values, dtype=float) if not isinstance(values, np.ndarray) else values, unit
    )


V = q([1.0, 2.5, 4.0, 3.0], "m")
W = q([0.2, 0.1, 0.3, 0.4], "km")
T = q([15.0, 20.0, 25.0, 10.0], "degC")
M = q([[4.0, 1.0], [1.0, 3.0]], "Pa")
N = q([[2.0, 0.5], [0.5, 1.0]], "m")
R = q([0.1, 0.5, 0.25, 0.9], "")
PCT = q([10.0, 50.0, 25.0, 90.0], "%")
I = q(np.array([3, 1, 2, 5]), "")  # noqa: E741


@dataclass
class Case:
    rule: str
    call: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    # dask has no lazy version of the function (or of this use of it): the
    # Dask front end refuses it (TypeError, or dask's NotImplementedError)
    # instead of computing.
    lazy: bool = True
    # dask needs the whole axis in one chunk (FFTs, some linear algebra).
    whole: bool = False
    # The call is a unit error (on every front end alike).
    fails: bool = False

    @property
    def id(self) -> str:
        return f"{self.rule}:{'/'.join(_describe_arg(a) for a in self.args)}"


def _describe_arg(a: Any) -> str:
    if isinstance(a, Q):
        return a.unit or "1"
    if isinstance(a, (list, tuple)):
        return "[" + ",".join(_describe_arg(x) for x in a) + "]"
    return type(a).__name__


def C(
    rule: str,
    call: Any,
    *args: Any,
    lazy: bool = True,
    whole: bool = False,
    fails: bool = False,
    **kwargs: Any,
) -> Case:
    return Case(rule, call, args, kwargs, lazy, whole, fails)


# ---- NumPy functions (DimArray vs DaskDimArray) -----------------------------------

CASES = [
    # joining and splitting
    C("concatenate", np.concatenate, [V, W]),
    C("concatenate", np.concatenate, [V, q([1.0], "s")], fails=True),
    C("concatenate", np.concatenate, [T, q([300.0], "K")]),
    C("stack", np.stack, [V, W]),
    C("hstack", np.hstack, [V, W]),
    C("vstack", np.vstack, [V, W]),
    C("dstack", np.dstack, [V, W]),
    C("column_stack", np.column_stack, [V, W], lazy=False),
    C("append", np.append, V, W),
    C("insert", np.insert, V, 1, W, lazy=False),
    C("split", np.split, V, 2, lazy=False),
    C("array_split", np.array_split, V, 3, lazy=False),
    C("hsplit", np.hsplit, V, 2, lazy=False),
    C("vsplit", np.vsplit, N, 2, lazy=False),
    C("dsplit", np.dsplit, q(np.ones((1, 1, 4)), "m"), 2, lazy=False),
    C("unstack", np.unstack, N, lazy=False),
    # rearranging
    C("reshape", np.reshape, V, (2, 2)),
    C("transpose", np.transpose, N),
    C("permute_dims", np.permute_dims, N, (1, 0)),
    C("matrix_transpose", np.matrix_transpose, N, lazy=False),
    C("linalg.matrix_transpose", np.linalg.matrix_transpose, N, lazy=False),
    C("squeeze", np.squeeze, q([[1.0, 2.0]], "m")),
    C("expand_dims", np.expand_dims, V, 0),
    C("moveaxis", np.moveaxis, N, 0, 1),
    C("swapaxes", np.swapaxes, N, 0, 1),
    C("rollaxis", np.rollaxis, N, 1),
    C("ravel", np.ravel, N),
    C("flip", np.flip, V),
    C("fliplr", np.fliplr, N),
    C("flipud", np.flipud, N),
    C("rot90", np.rot90, N),
    C("roll", np.roll, V, 1),
    C("copy", np.copy, V),
    C("tile", np.tile, V, 2),
    C("repeat", np.repeat, V, 2),
    C("take", np.take, V, [0, 2]),
    C("take_along_axis", np.take_along_axis, V, np.array([2, 0]), axis=0, lazy=False),
    C("round", np.round, q([1.26, 2.71], "m"), 1),
    C("around", np.around, q([1.26, 2.71], "m"), 1),
    C("sort", np.sort, V, lazy=False),
    C("partition", np.partition, V, 1, lazy=False),
    C("broadcast_to", np.broadcast_to, V, (2, 4)),
    C("resize", np.resize, V, 6, lazy=False),
    C("delete", np.delete, V, 1, lazy=False),
    C("diagonal", np.diagonal, N),
    C("linalg.diagonal", np.linalg.diagonal, N, lazy=False),
    C("diag", np.diag, V),
    C("diagflat", np.diagflat, V, lazy=False),
    C("triu", np.triu, N),
    C("tril", np.tril, N),
    C("real", np.real, V),
    C("imag", np.imag, V),
    C("astype", np.astype, V, np.float32, lazy=False),
    C("unique_values", np.unique_values, V, lazy=False),
    C("zeros_like", np.zeros_like, V),
    C("ones_like", np.ones_like, T),
    C("empty_like", lambda x: np.empty_like(x).shape, V),
    C("compress", np.compress, [True, False, True, True], V),
    C("atleast_1d", np.atleast_1d, q(1.0, "m")),
    C("atleast_2d", np.atleast_2d, V),
    C("atleast_3d", np.atleast_3d, V),
    C("meshgrid", np.meshgrid, V, q([1.0, 2.0], "s")),
    C("broadcast_arrays", np.broadcast_arrays, V, q([[1.0], [2.0]], "kg")),
    C("unique", np.unique, q([2.0, 1.0, 2.0], "m"), lazy=True),
    C("lib.stride_tricks.sliding_window_view", np.lib.stride_tricks.sliding_window_view, V, 2),
    C("unique_all", lambda x: np.unique_all(x).values, q([2.0, 1.0], "m"), lazy=False),
    C("unique_counts", lambda x: np.unique_counts(x).counts, q([2.0, 1.0], "m"), lazy=False),
    C("unique_inverse", lambda x: np.unique_inverse(x).values, q([2.0, 1.0], "m"), lazy=False),
    # indices, truth values, shapes
    C("argsort", np.argsort, V, lazy=False),
    C("argpartition", np.argpartition, V, 1, lazy=False),
    C("argmax", np.argmax, V),
    C("argmin", np.argmin, V),
    C("nanargmax", np.nanargmax, V),
    C("nanargmin", np.nanargmin, V),
    C("nonzero", np.nonzero, V),
    C("flatnonzero", np.flatnonzero, V),
    C("argwhere", np.argwhere, V),
    C("count_nonzero", np.count_nonzero, V),
    C("shape", np.shape, N),
    C("ndim", np.ndim, N),
    C("size", np.size, N),
    C("iscomplexobj", np.iscomplexobj, V),
    C("isrealobj", np.isrealobj, V),
    C("can_cast", lambda x: np.can_cast(x.dtype, np.float32), V),
    C("all", np.all, V),
    C("any", np.any, V),
    C("result_type", np.result_type, V, W),
    C("searchsorted", np.searchsorted, V, q(0.003, "km"), lazy=True),
    C("isin", np.isin, V, W),
    C("isin", np.isin, V, q([1.0], "s")),
    C("array_equal", np.array_equal, V, V, lazy=False),
    C("array_equal", np.array_equal, V, q([1.0, 2.5, 4.0, 3.0], "s"), lazy=False),
    C("array_equiv", np.array_equiv, V, V, lazy=False),
    # operands in one unit
    C("where", np.where, [True, False, True, False], V, W),
    C("where", np.where, [True, False, True, False], V, 0.0),
    C("where", np.where, [True, False, True, False], V, 1.0, fails=True),
    C("clip", np.clip, V, q(150.0, "cm"), q(0.0035, "km")),
    C("clip", np.clip, T, q(290.0, "K"), None),
    C("clip", np.clip, T, q(1.0, "delta_degC"), None, fails=True),
    C("nan_to_num", np.nan_to_num, q([1.0, np.nan], "m"), nan=q(1.0, "km")),
    C("copyto", lambda d, s: (np.copyto(d, s), d)[1], V, W, lazy=False),
    C("pad", np.pad, V, 1, constant_values=q(1.0, "km")),
    C("full_like", np.full_like, V, q(3.0, "km")),
    C("linspace", np.linspace, q(0.0, "m"), q(1.0, "km"), 5),
    C("isclose", np.isclose, V, W),
    C("isclose", np.isclose, V, W, atol=q(1.0, "mm")),
    C("allclose", np.allclose, V, V),
    # reductions
    C("sum", np.sum, V),
    C("sum", np.sum, T, fails=True),
    C("sum", np.sum, V, initial=q(1.0, "km"), lazy=False),
    C("nansum", np.nansum, V),
    C("cumsum", np.cumsum, V),
    C("nancumsum", np.nancumsum, V, axis=0),
    C("cumulative_sum", np.cumulative_sum, V, lazy=False),
    C("trace", np.trace, N),
    C("linalg.trace", np.linalg.trace, N, lazy=False),
    C("mean", np.mean, T),
    C("nanmean", np.nanmean, V),
    C("median", np.median, V, lazy=False),
    C("median", lambda x: np.median(x, axis=0), V),
    C("nanmedian", lambda x: np.nanmedian(x, axis=0), V),
    C("max", np.max, T),
    C("min", np.min, V),
    C("amax", np.amax, V),
    C("amin", np.amin, V),
    C("nanmax", np.nanmax, V),
    C("nanmin", np.nanmin, V),
    C("std", np.std, T),
    C("nanstd", np.nanstd, V),
    C("var", np.var, T),
    C("nanvar", np.nanvar, V),
    C("ptp", np.ptp, T),
    C("percentile", np.percentile, V, 50, whole=True),
    C("percentile", np.percentile, V, q(0.5, ""), whole=True),
    C("nanpercentile", np.nanpercentile, V, 50, lazy=False),
    C("quantile", np.quantile, V, q(50.0, "%"), lazy=False),
    C("nanquantile", np.nanquantile, V, 0.5, lazy=False),
    C("prod", np.prod, V),
    C("prod", np.prod, R),
    C("nanprod", np.nanprod, V, fails=True),
    C("nanprod", np.nanprod, R),
    C("cumprod", np.cumprod, V, fails=True),
    C("cumprod", np.cumprod, R),
    C("cumulative_prod", np.cumulative_prod, R, lazy=False),
    C("nancumprod", np.nancumprod, R, axis=0),
    C("average", np.average, V),
    C("average", np.average, V, weights=q([1.0, 2.0, 3.0, 4.0], "kg")),
    # differences, derivatives, integrals
    C("diff", np.diff, T),
    C("diff", np.diff, V, prepend=q(0.0, "km")),
    C("ediff1d", np.ediff1d, V, to_end=q(1.0, "cm")),
    C("gradient", np.gradient, T),
    C("gradient", np.gradient, T, q(2.0, "s")),
    C("gradient", np.gradient, T, q([0.0, 1.0, 3.0, 4.0], "km"), lazy=False),
    C("trapezoid", np.trapezoid, V, q([0.0, 1.0, 2.0, 3.0], "min"), lazy=False),
    C("trapezoid", np.trapezoid, V, dx=q(2.0, "s"), lazy=False),
    C(
        "interp",
        np.interp,
        q([1500.0], "mm"),
        q([0.0, 1.0, 2.0], "m"),
        q([15.0, 20.0, 25.0], "degC"),
        lazy=False,
    ),
    C("histogram_bin_edges", np.histogram_bin_edges, V, bins=3, lazy=False),
    C("histogram", np.histogram, V, bins=3, range=(q(0.0, "m"), q(500.0, "cm"))),
    C("histogram", np.histogram, V, bins=3, range=(q(0.0, "s"), q(5.0, "s")), fails=True),
    # products
    C("dot", np.dot, V, W),
    C("vdot", np.vdot, V, W),
    C("inner", np.inner, V, W, lazy=False),
    C("outer", np.outer, V, W),
    C("tensordot", np.tensordot, N, M),
    C("kron", np.kron, V, W, lazy=False),
    C(
        "cross",
        np.cross,
        q([1.0, 2.0, 3.0], "m"),
        q([0.0, 1.0, 0.0], "N"),
        lazy=False,
    ),
    C("convolve", np.convolve, V, W, lazy=False),
    C("correlate", np.correlate, V, W, lazy=False),
    C("linalg.matmul", np.linalg.matmul, N, M, lazy=False),
    C("linalg.vecdot", np.linalg.vecdot, V, W, lazy=False),
    C("linalg.outer", np.linalg.outer, V, W, lazy=False),
    C(
        "linalg.cross",
        np.linalg.cross,
        q([1.0, 2.0, 3.0], "m"),
        q([0.0, 1.0, 0.0], "N"),
        lazy=False,
    ),
    C("linalg.tensordot", np.linalg.tensordot, N, M, lazy=False),
    C("einsum", np.einsum, "ij,j->i", N, q([1.0, 2.0], "s")),
    C("linalg.multi_dot", np.linalg.multi_dot, [N, M, N], lazy=False),
    # linear algebra
    C("linalg.inv", np.linalg.inv, M),
    C("linalg.pinv", np.linalg.pinv, M, lazy=False),
    C("linalg.solve", np.linalg.solve, M, q([1.0, 2.0], "N")),
    C("linalg.det", np.linalg.det, M, lazy=False),
    C("linalg.slogdet", np.linalg.slogdet, q([[2.0, 0.0], [0.0, 3.0]], ""), lazy=False),
    C("linalg.slogdet", np.linalg.slogdet, M, lazy=False, fails=True),
    C("linalg.matrix_power", np.linalg.matrix_power, M, 2, lazy=False),
    C("linalg.eigvals", np.linalg.eigvals, M, lazy=False),
    C("linalg.eigvalsh", np.linalg.eigvalsh, M, lazy=False),
    C("linalg.svdvals", np.linalg.svdvals, M, lazy=False),
    C("linalg.eig", lambda a: np.linalg.eig(a).eigenvalues, M, lazy=False),
    C("linalg.eigh", lambda a: np.linalg.eigh(a).eigenvalues, M, lazy=False),
    C("linalg.svd", lambda a: np.linalg.svd(a)[1], q(np.eye(3) * 2.0, "m"), whole=True),
    C("linalg.qr", lambda a: np.linalg.qr(a)[1].shape, M, whole=True),
    C("linalg.cholesky", np.linalg.cholesky, M),
    C(
        "linalg.lstsq",
        lambda a, b: np.linalg.lstsq(a, b)[0],
        q(np.eye(3), "m"),
        q([1.0, 2.0, 3.0], "s"),
        whole=True,
    ),
    C("linalg.cond", np.linalg.cond, M, lazy=False),
    C("linalg.matrix_rank", np.linalg.matrix_rank, M, lazy=False),
    C("linalg.norm", np.linalg.norm, V),
    C("linalg.norm", np.linalg.norm, V, ord=0),
    C("linalg.vector_norm", np.linalg.vector_norm, T, lazy=False, fails=True),
    C("linalg.vector_norm", np.linalg.vector_norm, V, lazy=False),
    C("linalg.matrix_norm", np.linalg.matrix_norm, M, lazy=False),
    # Fourier transforms
    C("fft.fft", np.fft.fft, V, whole=True),
    C("fft.ifft", np.fft.ifft, V, whole=True),
    C("fft.fft2", np.fft.fft2, N, whole=True),
    C("fft.ifft2", np.fft.ifft2, N, whole=True),
    C("fft.fftn", np.fft.fftn, N, whole=True),
    C("fft.ifftn", np.fft.ifftn, N, whole=True),
    C("fft.rfft", np.fft.rfft, V, whole=True),
    C("fft.irfft", np.fft.irfft, V, whole=True),
    C("fft.rfft2", np.fft.rfft2, N, whole=True),
    C("fft.irfft2", np.fft.irfft2, N, whole=True),
    C("fft.rfftn", np.fft.rfftn, N, whole=True),
    C("fft.irfftn", np.fft.irfftn, N, whole=True),
    C("fft.hfft", np.fft.hfft, V, whole=True),
    C("fft.ihfft", np.fft.ihfft, V, whole=True),
    C("fft.fftshift", np.fft.fftshift, V),
    C("fft.ifftshift", np.fft.ifftshift, V),
    C("fft.fft", np.fft.fft, T, whole=True, fails=True),
]

# ---- issue 14: the breadth of NumPy's functions ------------------------------------


def _written(f: Any) -> Any:
    """An in-place function as a call that returns the array it wrote into."""

    def call(a: Any, *args: Any, **kwargs: Any) -> Any:
        f(a, *args, **kwargs)
        return a

    return call


def _refused(name: str) -> Any:
    obj: Any = np
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


S4 = q([0.0, 1.0, 2.0, 3.0], "s")
_ONES_FILE = tempfile.NamedTemporaryFile(suffix=".bin", delete=False).name
np.ones(2).tofile(_ONES_FILE)
MASK = np.array([True, False, True, False])
IDX = q(np.array([0, 1, 1, 3]), "")
RANGE2 = [(0, q(5.0, "m")), (0, q(0.5, "km"))]

CASES += [
    C("angle", np.angle, q([1.0, -2.0], "V")),
    C("angle", lambda z: np.angle(z, deg=True), V),
    C("bincount", lambda i, w: np.bincount(i, weights=w), IDX, V),
    C("bincount", lambda i, w: np.bincount(i, weights=w), IDX, T, fails=True),
    C("block", lambda a, b: np.block([[a, b]]), V, W),
    C("choose", lambda a, b: np.choose(np.array([0, 1, 0, 1]), [a, b]), V, W, lazy=False),
    C("common_type", lambda x: np.dtype(np.common_type(x)), V, lazy=False),
    C("corrcoef", np.corrcoef, V, S4),
    C("cov", np.cov, V, W),
    C("cov", np.cov, V, S4, fails=True),
    C("digitize", np.digitize, V, q([0.002, 0.003], "km")),
    C("extract", lambda a: np.extract(MASK, a), V),
    C("fix", np.fix, V),
    C("geomspace", lambda a, b: np.geomspace(a, b, 3), q(1.0, "Hz"), q(1.0, "kHz")),
    C("geomspace", lambda a, b: np.geomspace(a, b, 3), q(1.0, "degC"), q(9.0, "degC"), fails=True),
    C("logspace", lambda a: np.logspace(a, 2, 3), q(0.0, "")),
    C("logspace", lambda a: np.logspace(a, 2, 3), q(0.0, "m"), fails=True),
    C("histogram2d", np.histogram2d, V, W, bins=2, range=RANGE2),
    C("histogram2d", np.histogram2d, V, W, bins=2, range=RANGE2, density=True),
    C("histogramdd", lambda x, y, **kw: np.histogramdd([x, y], **kw), V, W, bins=2, range=RANGE2),
    C("i0", np.i0, R, lazy=False),
    C("sinc", np.sinc, R, lazy=False),
    C("sinc", np.sinc, V, fails=True, lazy=False),
    C("intersect1d", np.intersect1d, V, W, lazy=False),
    C("union1d", np.union1d, V, W, lazy=False),
    C("setdiff1d", np.setdiff1d, V, W, lazy=False),
    C("setxor1d", np.setxor1d, V, W, lazy=False),
    C("iscomplex", np.iscomplex, V),
    C("isreal", np.isreal, V),
    C("isneginf", np.isneginf, V),
    C("isposinf", np.isposinf, V),
    C("ix_", np.ix_, V, W, lazy=False),
    C("lexsort", lambda a, b: np.lexsort((a, b)), V, S4, lazy=False),
    C("diag_indices_from", np.diag_indices_from, N, lazy=False),
    C("tril_indices_from", np.tril_indices_from, N, lazy=False),
    C("triu_indices_from", np.triu_indices_from, N, lazy=False),
    C("einsum_path", lambda a, b: np.einsum_path("i,i->", a, b)[0], V, W, lazy=False),
    C("may_share_memory", np.may_share_memory, V, W, lazy=False),
    C("shares_memory", np.shares_memory, V, W, lazy=False),
    C("min_scalar_type", np.min_scalar_type, V, lazy=False),
    C("packbits", np.packbits, I, lazy=False),
    C("unpackbits", np.unpackbits, q(np.array([5], dtype=np.uint8), ""), lazy=False),
    C("ravel_multi_index", lambda i: np.ravel_multi_index((i, i), (6, 6)), I, lazy=False),
    C("unravel_index", lambda i: np.unravel_index(i, (2, 3)), I, lazy=False),
    C("real_if_close", np.real_if_close, V, lazy=False),
    C("sort_complex", np.sort_complex, V, lazy=False),
    C("trim_zeros", np.trim_zeros, q([0.0, 1.0, 2.0, 0.0], "m"), lazy=False),
    C("select", lambda a, b: np.select([MASK], [a], default=b), V, q(0.5, "km")),
    C("unwrap", np.unwrap, q([0.0, 350.0, 10.0, 20.0], "deg"), lazy=False),
    C("vander", np.vander, R, lazy=False),
    C("vander", np.vander, V, fails=True, lazy=False),
    C(
        "linalg.tensorinv",
        lambda a: np.linalg.tensorinv(a, ind=1),
        q(np.eye(4).reshape(4, 2, 2), "s"),
        lazy=False,
    ),
    C("linalg.tensorsolve", np.linalg.tensorsolve, N, q([1.0, 2.0], "s"), lazy=False),
    # polynomials: a fit gives one coefficient per power, each in its unit
    C("polyfit", lambda x, y: np.polyfit(x, y, 1), S4, V, lazy=False),
    C("polyval", np.polyval, (q(1.0, "m/s"), q(2.0, "m")), S4, lazy=False),
    C("polyval", np.polyval, (q(1.0, "m"), q(2.0, "m")), S4, fails=True, lazy=False),
    C("poly", np.poly, q([1.0, 2.0], "s"), lazy=False),
    C("roots", np.roots, q([1.0, -3.0, 2.0], "m"), lazy=False),
    C("polyadd", np.polyadd, V, W, lazy=False),
    C("polysub", np.polysub, V, W, lazy=False),
    C("polymul", np.polymul, V, S4, lazy=False),
    C("polydiv", np.polydiv, V, q([1.0, 2.0], "s"), lazy=False),
    C("polyder", np.polyder, V, lazy=False),
    C("polyint", np.polyint, V, lazy=False),
    C("polynomial.polynomial.polyval2d", np.polynomial.polynomial.polyval2d, R, R, N, lazy=False),
    C("polynomial.polynomial.polygrid2d", np.polynomial.polynomial.polygrid2d, R, R, N, lazy=False),
    # numpy.emath: complex results for real input
    C("emath.sqrt", np.emath.sqrt, q([-4.0, 9.0], "m^2"), lazy=False),
    C("emath.power", lambda x: np.emath.power(x, 2), V, lazy=False),
    C("emath.log", np.emath.log, R, lazy=False),
    C("emath.log2", np.emath.log2, R, lazy=False),
    C("emath.log10", np.emath.log10, V, fails=True, lazy=False),
    C("emath.logn", lambda x: np.emath.logn(2, x), R, lazy=False),
    C("emath.arccos", np.emath.arccos, R, lazy=False),
    C("emath.arcsin", np.emath.arcsin, R, lazy=False),
    C("emath.arctanh", np.emath.arctanh, R, lazy=False),
    # writes into an array, converted to its unit
    C("put", _written(np.put), V, [0], q(1.0, "km"), lazy=False),
    C("place", _written(np.place), V, MASK, [q(1.0, "km")], lazy=False),
    C("putmask", _written(np.putmask), V, MASK, q(1.0, "km"), lazy=False),
    C(
        "put_along_axis",
        _written(np.put_along_axis),
        V,
        np.array([1]),
        q(1.0, "km"),
        axis=0,
        lazy=False,
    ),
    C("fill_diagonal", _written(np.fill_diagonal), N, q(1.0, "km"), lazy=False),
    C("fill_diagonal", _written(np.fill_diagonal), N, q(1.0, "s"), fails=True, lazy=False),
    # like=: the array type only; numbers made or read are pure numbers
    C("zeros", lambda x: np.zeros(3, like=x), V),
    C("ones", lambda x: np.ones(3, like=x), V),
    C("empty", lambda x: np.empty(3, like=x).unit, V),
    C("eye", lambda x: np.eye(2, like=x), V, lazy=False),
    C("identity", lambda x: np.identity(2, like=x), V, lazy=False),
    C("tri", lambda x: np.tri(2, like=x), V, lazy=False),
    C("array", lambda x: np.array([1.0, 2.0], like=x), V),
    C("asarray", lambda x: np.asarray([1.0, 2.0], like=x), V),
    C("asanyarray", lambda x: np.asanyarray([1.0, 2.0], like=x), V, lazy=False),
    C("ascontiguousarray", lambda x: np.ascontiguousarray([1.0], like=x), V, lazy=False),
    C("asfortranarray", lambda x: np.asfortranarray([1.0], like=x), V, lazy=False),
    C("require", lambda x: np.require([1.0], like=x), V, lazy=False),
    C("frombuffer", lambda x: np.frombuffer(np.ones(2).tobytes(), like=x), V, lazy=False),
    C("fromiter", lambda x: np.fromiter([1.0, 2.0], float, like=x), V, lazy=False),
    C("fromstring", lambda x: np.fromstring("1 2", sep=" ", like=x), V, lazy=False),
    C("genfromtxt", lambda x: np.genfromtxt(io.StringIO("1 2"), like=x), V, lazy=False),
    C("loadtxt", lambda x: np.loadtxt(io.StringIO("1 2"), like=x), V, lazy=False),
    C("fromfile", lambda x: np.fromfile(_ONES_FILE, like=x), V, lazy=False),
    # refused, each with its reason (the same TypeError on every front end)
    C("apply_along_axis", lambda x: np.apply_along_axis(np.sum, 0, x), V, fails=True),
    C("apply_over_axes", lambda x: np.apply_over_axes(np.sum, x, [0]), V, fails=True),
    C("piecewise", lambda x: np.piecewise(x, [MASK], [1.0]), V, fails=True),
    C("fromfunction", lambda x: np.fromfunction(lambda i: i, (3,), like=x), V, fails=True),
    C("array2string", np.array2string, V, fails=True),
    C("array_repr", np.array_repr, V, fails=True),
    C("array_str", np.array_str, V, fails=True),
    C("save", lambda x: np.save(io.BytesIO(), x), V, fails=True),
    C("savez", lambda x: np.savez(io.BytesIO(), x), V, fails=True),
    C("savez_compressed", lambda x: np.savez_compressed(io.BytesIO(), x), V, fails=True),
    C("savetxt", lambda x: np.savetxt(io.StringIO(), x), V, fails=True),
    C("busday_count", lambda x: np.busday_count(x, x), V, fails=True),
    C("busday_offset", lambda x: np.busday_offset(x, 1), V, fails=True),
    C("is_busday", np.is_busday, V, fails=True),
    C("datetime_as_string", np.datetime_as_string, V, fails=True),
    *[
        C(name, _refused(name), V, fails=True)
        for name in _core.function_names()
        if name.startswith(("strings.", "char."))
    ],
]

# Functions of the table reached only through other cases, or without a NumPy
# function of that name: why they have no case above.
NOT_HERE = {
    "concat": "NumPy's alias of concatenate (same function object)",
    "matmul": "a NumPy ufunc: compared with the ufuncs below",
    "vecdot": "a NumPy ufunc: compared with the ufuncs below",
    "full": "NumPy's full takes no array: the namespaces' full is in NS_CASES",
    "arange": "NumPy's arange takes no array: the namespaces' arange is in NS_CASES",
    "fft.fftfreq": "takes no array: the namespaces' fftfreq is in NS_CASES",
    "fft.rfftfreq": "takes no array: the namespaces' rfftfreq is in NS_CASES",
}


# ---- running a case on a front end ---------------------------------------------------


def realize(arg: Any, make: Any) -> Any:
    if isinstance(arg, Q):
        return make(arg)
    if isinstance(arg, list):
        return [realize(a, make) for a in arg]
    if isinstance(arg, tuple):
        return tuple(realize(a, make) for a in arg)
    return arg


def eager(x: Q) -> DimArray:
    return DimArray(x.values, x.unit)


def lazy(x: Q) -> Any:
    """A DaskDimArray in chunks of 2; 0-d values stay eager DimArrays, as the
    constants and scalars of dask code are."""
    if np.ndim(x.values) == 0:
        return eager(x)
    return DaskDimArray(x.values, x.unit, chunks=2)


def lazy_whole(x: Q) -> Any:
    """One chunk per array (dask's FFTs and some of its linear algebra need it)."""
    if np.ndim(x.values) == 0:
        return eager(x)
    return DaskDimArray(x.values, x.unit, chunks=-1)


def outcome(case: Case, make: Any) -> Any:
    """What the call gives: the computed result, or the error's class."""
    args = realize(case.args, make)
    kwargs = {k: realize(v, make) for k, v in case.kwargs.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return computed(case.call(*args, **kwargs))
    except (DimtensorError, TypeError, ValueError, NotImplementedError) as e:
        return type(e)


def computed(r: Any) -> Any:
    if isinstance(r, (DaskDimArray, da.Array)):
        return r.compute()
    if hasattr(r, "_fields"):
        return type(r)(*(computed(x) for x in r))
    if isinstance(r, (list, tuple)):
        return type(r)(computed(x) for x in r)
    return r


def summary(r: Any) -> Any:
    """Units and values, comparable across front ends."""
    if isinstance(r, type):
        return r
    if isinstance(r, DimArray):
        # the unit's text too: equal units under another name (rad for 1) differ to a reader
        return ("q", (r.unit, str(r.unit)), np.asarray(r._data))
    if isinstance(r, (list, tuple)):
        return tuple(summary(x) for x in r)
    if isinstance(r, np.ndarray) or np.isscalar(r):
        return ("plain", None, np.asarray(r))
    return r


def assert_close_at(a: Any, b: Any, where: str, rtol: float, atol: float | None = None) -> None:
    """:func:`assert_same` at a float precision (units compared exactly)."""
    atol = rtol if atol is None else atol
    if isinstance(a, tuple) and a and a[0] in ("q", "plain"):
        assert isinstance(b, tuple) and b[:2] == a[:2], (where, a[:2], b)
        av, bv = np.asarray(a[2]), np.asarray(b[2])
        assert av.shape == bv.shape, (where, av.shape, bv.shape)
        if av.dtype.kind in "fc" or bv.dtype.kind in "fc":
            np.testing.assert_allclose(bv, av, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(bv, av, err_msg=where)
        return
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close_at(x, y, f"{where}[{i}]", rtol, atol)
        return
    assert a == b, (where, a, b)


def assert_same(a: Any, b: Any, where: str) -> None:
    """Same units (value and text) and values, at float64 precision."""
    assert_close_at(a, b, where, 1e-10, 1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_numpy_function_on_dimarray_and_daskdimarray(case: Case) -> None:
    expected = summary(outcome(case, eager))
    assert isinstance(expected, type) == case.fails, (case.id, expected)
    got = outcome(case, lazy_whole if case.whole else lazy)
    if not case.lazy and isinstance(got, type) and got in (TypeError, NotImplementedError):
        return  # dask would compute: refused, as documented
    assert_same(expected, summary(got), case.id)


def test_every_numpy_function_with_a_rule_has_a_case() -> None:
    from dimtensor._functions import numpy_rules

    covered = {c.rule for c in CASES} | set(NOT_HERE)
    missing = sorted(set(numpy_rules().values()) - covered)
    assert not missing, f"functions of the table without a parity case: {missing}"


def test_lazy_refusals_name_dask() -> None:
    with pytest.raises(TypeError, match=r"dask has no lazy numpy\.sort"):
        np.sort(lazy(V))


# ---- ufuncs and their methods ----------------------------------------------------------

UFUNCS = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc))

# Operand sets every ufunc is tried with: each either works on both front
# ends with the same result, or fails on both with the same error.
OPERANDS = [
    (V, W, V),
    (R, PCT, R),
    (q([0.5, 1.0], "deg"), q([0.25, 0.5], "rad"), q([0.5, 1.0], "")),
    (T, q([1.0, 2.0, 3.0, 4.0], "delta_degC"), T),
    (T, q([280.0, 290.0, 300.0, 310.0], "K"), T),
    (I, I, I),
]


def ufunc_case(name: str, operands: tuple[Q, ...]) -> Case:
    f = getattr(np, name)
    return Case(name, f, operands[: f.nin])


@pytest.mark.parametrize("name", UFUNCS)
def test_every_ufunc_on_dimarray_and_daskdimarray(name: str) -> None:
    for operands in OPERANDS:
        case = ufunc_case(name, operands)
        expected = summary(outcome(case, eager))
        assert_same(expected, summary(outcome(case, lazy)), case.id)


METHODS = [
    ("add", "reduce"),
    ("add", "accumulate"),
    ("multiply", "reduce"),
    ("multiply", "accumulate"),
    ("maximum", "reduce"),
    ("minimum", "reduce"),
    ("logical_and", "reduce"),
    ("logical_or", "reduce"),
]


@pytest.mark.parametrize(("ufunc", "method"), METHODS)
@pytest.mark.parametrize("x", [V, R, T], ids=["m", "1", "degC"])
def test_ufunc_methods_on_dimarray_and_daskdimarray(ufunc: str, method: str, x: Q) -> None:
    case = Case(f"{ufunc}.{method}", getattr(getattr(np, ufunc), method), (x,))
    expected = summary(outcome(case, eager))
    assert_same(expected, summary(outcome(case, lazy)), case.id)
    # The rule is the table's rule of the function the method stands for.
    fname = _core.ufunc_method(ufunc, method)
    assert fname is not None
    assert isinstance(expected, type) or _core.function_rule(fname) is not None


# ---- the Array API namespaces ------------------------------------------------------------


def ns_eager(x: Q) -> Any:
    return eager(x)


NS_CASES = [
    ("concat", lambda xp, a, b: xp.concat([a, b]), (V, W)),
    ("stack", lambda xp, a, b: xp.stack([a, b]), (V, W)),
    ("where", lambda xp, a, b: xp.where(a > b, a, b), (V, W)),
    ("clip", lambda xp, a, lo: xp.clip(a, lo, None), (T, q(290.0, "K"))),
    # integer metres clipped at 150 cm: floats in the backend's promotion, never truncated
    (
        "clip",
        lambda xp, a, lo: xp.clip(a, lo, None),
        (q(np.array([3, 1, 2, 5]), "m"), q(150.0, "cm")),
    ),
    ("sum", lambda xp, a: xp.sum(a), (V,)),
    ("sum", lambda xp, a: xp.sum(a), (T,)),
    ("mean", lambda xp, a: xp.mean(a), (T,)),
    ("std", lambda xp, a: xp.std(a), (T,)),
    ("var", lambda xp, a: xp.var(a), (V,)),
    ("max", lambda xp, a: xp.max(a), (T,)),
    ("min", lambda xp, a: xp.min(a), (V,)),
    ("prod", lambda xp, a: xp.prod(a), (V,)),
    ("cumulative_sum", lambda xp, a: xp.cumulative_sum(a), (V,)),
    ("cumulative_prod", lambda xp, a: xp.cumulative_prod(a), (R,)),
    ("argmax", lambda xp, a: xp.argmax(a), (V,)),
    ("all", lambda xp, a: xp.all(a), (V,)),
    ("diff", lambda xp, a: xp.diff(a), (T,)),
    ("matmul", lambda xp, a, b: xp.matmul(a, b), (N, M)),
    ("tensordot", lambda xp, a, b: xp.tensordot(a, b), (N, M)),
    ("vecdot", lambda xp, a, b: xp.vecdot(a, b), (V, W)),
    ("searchsorted", lambda xp, a, b: xp.searchsorted(xp.sort(a), b), (V, q([0.002], "km"))),
    ("sort", lambda xp, a: xp.sort(a), (V,)),
    ("unique_values", lambda xp, a: xp.unique_values(a), (V,)),
    ("take", lambda xp, a: xp.take(a, xp.asarray([0, 2])), (V,)),
    ("reshape", lambda xp, a: xp.reshape(a, (2, 2)), (V,)),
    ("flip", lambda xp, a: xp.flip(a), (V,)),
    ("roll", lambda xp, a: xp.roll(a, 1), (V,)),
    ("squeeze", lambda xp, a: xp.squeeze(xp.expand_dims(a, axis=0), axis=0), (V,)),
    ("tile", lambda xp, a: xp.tile(a, (2,)), (V,)),
    ("repeat", lambda xp, a: xp.repeat(a, 2), (V,)),
    ("broadcast_to", lambda xp, a: xp.broadcast_to(a, (2, 4)), (V,)),
    ("moveaxis", lambda xp, a: xp.moveaxis(a, 0, 1), (N,)),
    ("permute_dims", lambda xp, a: xp.permute_dims(a, (1, 0)), (N,)),
    ("tril", lambda xp, a: xp.tril(a), (N,)),
    ("meshgrid", lambda xp, a, b: xp.meshgrid(a, b), (V, q([1.0, 2.0], "s"))),
    ("full_like", lambda xp, a, b: xp.full_like(a, b), (V, q(3.0, "km"))),
    ("zeros_like", lambda xp, a: xp.zeros_like(a), (V,)),
    ("full", lambda xp, a: xp.full((2,), a), (q(3.0, "km"),)),
    ("arange", lambda xp, a, b: xp.arange(a, b, xp.asarray(0.5) * b), (q(0.0, "m"), q(2.0, "m"))),
    ("linspace", lambda xp, a, b: xp.linspace(a, b, 5), (q(0.0, "m"), q(1.0, "km"))),
    ("linalg.det", lambda xp, a: xp.linalg.det(a), (M,)),
    ("linalg.inv", lambda xp, a: xp.linalg.inv(a), (M,)),
    ("linalg.solve", lambda xp, a, b: xp.linalg.solve(a, b), (M, q([[1.0], [2.0]], "N"))),
    ("linalg.cholesky", lambda xp, a: xp.linalg.cholesky(a), (M,)),
    ("linalg.vector_norm", lambda xp, a: xp.linalg.vector_norm(a), (V,)),
    ("linalg.matrix_norm", lambda xp, a: xp.linalg.matrix_norm(a), (M,)),
    ("linalg.svdvals", lambda xp, a: xp.linalg.svdvals(a), (M,)),
    ("linalg.eigvalsh", lambda xp, a: xp.linalg.eigvalsh(a), (M,)),
    ("linalg.qr", lambda xp, a: xp.linalg.qr(a).R.shape, (M,)),
    ("linalg.trace", lambda xp, a: xp.linalg.trace(a), (N,)),
    ("linalg.outer", lambda xp, a, b: xp.linalg.outer(a, b), (V, W)),
    (
        "linalg.cross",
        lambda xp, a, b: xp.linalg.cross(a, b),
        (q([1.0, 2.0, 3.0], "m"), q([0.0, 1.0, 0.0], "N")),
    ),
    ("fft.fft", lambda xp, a: xp.fft.fft(a), (V,)),
    ("fft.rfft", lambda xp, a: xp.fft.rfft(a), (V,)),
    ("fft.fftshift", lambda xp, a: xp.fft.fftshift(a), (V,)),
    ("fft.fftfreq", lambda xp, d: xp.fft.fftfreq(4, d=d), (q(0.5, "s"),)),
    ("special.erf", lambda xp, a: xp.special.erf(a), (PCT,)),
    ("special.erf", lambda xp, a: xp.special.erf(a), (V,)),
    ("special.logsumexp", lambda xp, a: xp.special.logsumexp(a), (R,)),
    ("pow", lambda xp, a: xp.pow(a, DimArray(50.0, "%")), (V,)),
    ("add", lambda xp, a, b: xp.add(a, b), (T, q([1.0, 1.0, 1.0, 1.0], "K"))),
    ("subtract", lambda xp, a, b: xp.subtract(a, b), (T, q([280.0, 290.0, 300.0, 310.0], "K"))),
]


# What the lazy namespace cannot do without computing (array-api-compat's
# dask namespace has no such function): it says so with a TypeError.
NS_LAZY_REFUSES = {
    "linalg.det": "dask has no determinant",
    "linalg.eigvalsh": "dask has no eigenvalue solver",
}


def namespace_outcome(call: Any, operands: tuple[Q, ...], make: Any) -> Any:
    qs = [make(x) for x in operands]
    xp = qs[0].__array_namespace__()
    try:
        return computed(call(xp, *qs))
    except (DimtensorError, TypeError, ValueError) as e:
        return type(e)


@pytest.mark.parametrize(
    ("name", "call", "operands"), NS_CASES, ids=[f"{n}:{i}" for i, (n, _, _) in enumerate(NS_CASES)]
)
def test_namespace_function_on_eager_and_lazy(
    name: str, call: Any, operands: tuple[Q, ...]
) -> None:
    expected = summary(namespace_outcome(call, operands, eager))
    whole = name.startswith(("linalg.", "fft."))  # dask's need the axis in one chunk
    got = summary(namespace_outcome(call, operands, lazy_whole if whole else lazy))
    if name in NS_LAZY_REFUSES:
        assert got is TypeError, (name, got)
        return
    assert_same(expected, got, name)


def test_the_namespace_and_numpy_agree_where_both_have_the_function() -> None:
    """The namespace's function and NumPy's give one unit (one rule)."""
    for name, np_call, ns_call, operands in [
        (
            "concatenate",
            lambda a, b: np.concatenate([a, b]),
            lambda xp, a, b: xp.concat([a, b]),
            (V, W),
        ),
        ("std", np.std, lambda xp, a: xp.std(a), (T,)),
        ("linalg.det", np.linalg.det, lambda xp, a: xp.linalg.det(a), (M,)),
        ("diff", np.diff, lambda xp, a: xp.diff(a), (T,)),
        (
            "clip",
            lambda a, lo: np.clip(a, lo, None),
            lambda xp, a, lo: xp.clip(a, lo, None),
            (T, q(290.0, "K")),
        ),
    ]:
        numpy_result = summary(outcome(Case(name, np_call, operands), eager))
        ns_result = summary(namespace_outcome(ns_call, operands, eager))
        assert_same(numpy_result, ns_result, name)


def test_pow_of_metres_by_fifty_percent_is_a_square_root() -> None:
    # "The Array API pow(m, 50 %) gives m^(1/200)": the exponent's scale was
    # applied twice.
    for make in (eager, lazy):
        x = make(V)
        xp = x.__array_namespace__()
        r = computed(xp.pow(x, DimArray(50.0, "%")))
        assert r.unit == Unit("m^(1/2)")
        np.testing.assert_allclose(r._data, np.sqrt(V.values))
    # An exponent known only when computed cannot decide the unit.
    with pytest.raises(DimtensorError):
        lazy(V).__array_namespace__().pow(lazy(V), lazy(q([0.5, 0.5, 0.5, 0.5], "")))


# ---- the JAX and torch namespaces -----------------------------------------------------------
# The same namespace cases on dimtensor.jax.DimArray and DimTensor: the unit
# comes from the same table; values are compared at float32 precision for
# JAX (its default) and float64 for torch.


def on_jax(x: Q) -> Any:
    import jax.numpy as jnp
    from dimtensor.jax import DimArray as JaxDimArray

    return JaxDimArray(jnp.asarray(x.values), x.unit)


def on_torch(x: Q) -> Any:
    import torch
    from dimtensor.torch import DimTensor

    return DimTensor(torch.as_tensor(np.array(x.values)), x.unit)


def to_host(r: Any) -> Any:
    """A JAX or torch result as NumPy: quantities as DimArrays."""
    if isinstance(r, type) or r is None:
        return r
    if hasattr(r, "to_numpy") and hasattr(r, "unit"):
        return r.to_numpy()
    if hasattr(r, "_fields"):
        return tuple(to_host(x) for x in r)
    if isinstance(r, (list, tuple)):
        return type(r)(to_host(x) for x in r)
    if hasattr(r, "detach"):
        return r.detach().cpu().numpy()
    if hasattr(r, "__array__") and not isinstance(r, np.ndarray):
        return np.asarray(r)
    return r


@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize(
    ("name", "call", "operands"), NS_CASES, ids=[f"{n}:{i}" for i, (n, _, _) in enumerate(NS_CASES)]
)
def test_namespace_function_on_jax_and_torch(
    name: str, call: Any, operands: tuple[Q, ...], backend: str
) -> None:
    expected = summary(namespace_outcome(call, operands, eager))
    make = on_jax if backend == "jax" else on_torch
    got = summary(to_host(namespace_outcome(call, operands, make)))
    assert_close_at(expected, got, f"{backend} {name}", 1e-5 if backend == "jax" else 1e-10)


def _torch_and_jax_ufuncs() -> list[tuple[str, str]]:
    from dimtensor.torch import table

    return [(t, rule) for t, rule in table.UFUNCS.items() if hasattr(np, rule)]


# Backend arithmetic, not units: NumPy's reciprocal of integers is integer
# division; torch has no integer hypot/logaddexp/nextafter.
INTEGER_DIFFERS = {"reciprocal", "hypot", "logaddexp", "logaddexp2", "nextafter"}
COMPARISONS = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"}


@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize(("torch_name", "rule"), _torch_and_jax_ufuncs())
def test_every_ufunc_on_jax_and_torch(torch_name: str, rule: str, backend: str) -> None:
    """torch's function of that name and dimtensor.jax.numpy's ufunc give
    NumPy's unit and values (or an error where NumPy's DimArray raises)."""
    import torch
    from dimtensor.jax import numpy as dnp

    f = getattr(torch, torch_name) if backend == "torch" else getattr(dnp, rule)
    make = on_torch if backend == "torch" else on_jax
    for operands in OPERANDS:
        operands = operands[: getattr(np, rule).nin]
        integers = operands[0] is I
        if integers and rule in INTEGER_DIFFERS:
            continue
        # JAX computes in float32: 10 % converted to a ratio is not float32(0.1)
        if backend == "jax" and rule in COMPARISONS and operands[1] is PCT:
            continue
        expected = summary(outcome(Case(rule, getattr(np, rule), operands), eager))
        try:
            got = summary(to_host(f(*(make(x) for x in operands))))
        except (DimtensorError, TypeError, ValueError, NotImplementedError) as e:
            got = type(e)  # torch: NotImplementedError for dtypes it has no kernel for
        where = f"{backend} {torch_name}({','.join(x.unit or '1' for x in operands)})"
        if isinstance(expected, type):
            assert isinstance(got, type), (where, got)
            continue
        if backend == "jax":  # float32, values up to ~300 (kelvins)
            assert_close_at(expected, got, where, 1e-5, 1e-4)
        else:
            assert_close_at(expected, got, where, 1e-6 if integers else 1e-10)


@pytest.mark.parametrize("make", [eager, on_jax, on_torch], ids=["numpy", "jax", "torch"])
def test_powers_with_percent_exponents_on_every_front_end(make: Any) -> None:
    """A dimensionless exponent counts at scale 1 (50 % is 0.5) in the unit
    and in the values alike. It was applied twice in the unit (m^(1/200)) on
    JAX and not at all in the values on torch (metres ** 50 % gave x**50
    labelled m^(1/2))."""
    x, half = make(V), make(q(50.0, "%"))
    xp = x.__array_namespace__()
    for r in (x**half, xp.pow(x, half)):
        r = to_host(r)
        assert r.unit == Unit("m^(1/2)")
        np.testing.assert_allclose(np.asarray(r._data), np.sqrt(V.values), rtol=1e-6)
    ratios = to_host(make(R) ** make(PCT))
    assert ratios.unit == Unit("")
    np.testing.assert_allclose(np.asarray(ratios._data), R.values ** (PCT.values / 100), rtol=1e-6)


def _two_operand_cases() -> list[tuple[str, Any, Any, Any]]:
    import torch
    from dimtensor.jax import numpy as dnp

    return [
        (
            "concatenate",
            lambda a, b: np.concatenate([a, b]),
            lambda a, b: torch.cat([a, b]),
            lambda a, b: dnp.concatenate([a, b]),
        ),
        (
            "stack",
            lambda a, b: np.stack([a, b]),
            lambda a, b: torch.stack([a, b]),
            lambda a, b: dnp.stack([a, b]),
        ),
        (
            "where",
            lambda a, b: np.where(a > b, a, b),
            lambda a, b: torch.where(a > b, a, b),
            lambda a, b: dnp.where(a > b, a, b),
        ),
        (
            "clip",
            lambda a, b: np.clip(a, b, None),
            lambda a, b: torch.clamp(a, min=b),
            lambda a, b: dnp.clip(a, b, None),
        ),
        ("dot", np.dot, torch.dot, dnp.dot),
        ("inner", np.inner, torch.inner, dnp.inner),
        ("outer", np.outer, torch.outer, dnp.outer),
        ("kron", np.kron, torch.kron, dnp.kron),
        (
            "cross",
            lambda a, b: np.cross(a[:3], b[:3]),
            lambda a, b: torch.cross(a[:3], b[:3], dim=0),
            lambda a, b: dnp.cross(a[:3], b[:3]),
        ),
        ("trapezoid", np.trapezoid, torch.trapezoid, dnp.trapezoid),
        (
            "searchsorted",
            lambda a, b: np.searchsorted(np.sort(a), b),
            lambda a, b: torch.searchsorted(torch.sort(a)[0], b),
            lambda a, b: dnp.searchsorted(dnp.sort(a), b),
        ),
        (
            "gradient",
            np.gradient,
            lambda a, b: torch.gradient(a, spacing=(b,))[0],
            dnp.gradient,
        ),
        ("isin", np.isin, torch.isin, dnp.isin),
        ("isclose", np.isclose, torch.isclose, dnp.isclose),
        ("allclose", np.allclose, torch.allclose, dnp.allclose),
        ("array_equal", np.array_equal, torch.equal, dnp.array_equal),
        (
            "diff",
            lambda a, b: np.diff(a, prepend=b[:1]),
            lambda a, b: torch.diff(a, prepend=b[:1]),
            lambda a, b: dnp.diff(a, prepend=b[:1]),
        ),
    ]


PAIRS = [
    (V, W),
    (W, V),
    (T, q([280.0, 290.0, 300.0, 310.0], "K")),
    (T, q([1.0, 2.0, 3.0, 4.0], "delta_degC")),
    (T, T),
    (R, PCT),
    (V, q([1.0, 2.0, 3.0, 4.0], "s")),
]
EQUALITY = {"isin", "isclose", "allclose", "array_equal"}


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_two_operand_functions_on_jax_and_torch(backend: str) -> None:
    """Functions of two quantities in different units (m and km, °C and K,
    1 and %, m and s): torch's and dimtensor.jax.numpy's give NumPy's unit
    and values, or refuse where NumPy's DimArray does; across dimensions
    isin/equal know their result (nothing is equal), as NumPy's do."""
    make = on_torch if backend == "torch" else on_jax
    for name, numpy_f, torch_f, jax_f in _two_operand_cases():
        f = torch_f if backend == "torch" else jax_f
        for a, b in PAIRS:
            # JAX computes in float32: 10 % converted to a ratio is not float32(0.1)
            if backend == "jax" and name in EQUALITY and b is PCT:
                continue
            expected = summary(outcome(Case(name, numpy_f, (a, b)), eager))
            try:
                got = summary(to_host(f(make(a), make(b))))
            except (DimtensorError, TypeError, ValueError) as e:
                got = type(e)
            where = f"{backend} {name}({a.unit},{b.unit})"
            if isinstance(expected, type):
                assert isinstance(got, type), (where, got)
            else:
                assert_close_at(expected, got, where, 1e-5, 1e-3)
