"""The functions of the Array API standard (2024.12) with units.

Each function takes the unit decision from the core's rule table (through
``_units``), converts magnitudes where the rule says so, lets the standard
namespace of the magnitudes (array-api-compat's NumPy or Dask one) compute,
and puts the unit back. Functions that take arrays work for both backends
(lazy as soon as one operand is lazy); the creation functions, which take no
array, are made per backend in ``_creation``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any, NamedTuple

import numpy as np

from dimtensor import _core
from dimtensor._array_functions import _interval, _product, _reduced_count
from dimtensor._core import Unit

from ._backend import ONE, Backend, backend_of, has_unit, is_lazy
from ._units import convert, same_unit, ufunc_plan, unit_of

# ---- elementwise ---------------------------------------------------------------

# Standard name -> the NumPy ufunc whose unit rule applies (same name if absent).
_RULE_NAMES = {
    "abs": "absolute",
    "acos": "arccos",
    "acosh": "arccosh",
    "asin": "arcsin",
    "asinh": "arcsinh",
    "atan": "arctan",
    "atan2": "arctan2",
    "atanh": "arctanh",
    "bitwise_invert": "invert",
    "bitwise_left_shift": "left_shift",
    "bitwise_right_shift": "right_shift",
    "conj": "conjugate",
    "pow": "power",
    "round": "rint",
    "real": "positive",  # the parts of a complex value keep its unit
    "imag": "positive",
}

UNARY = (
    "abs acos acosh asin asinh atan atanh bitwise_invert ceil conj cos cosh exp expm1 "
    "floor imag isfinite isinf isnan log log1p log2 log10 logical_not negative positive "
    "real reciprocal round sign signbit sin sinh sqrt square tan tanh trunc"
).split()
BINARY = (
    "add atan2 bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor "
    "copysign divide equal floor_divide greater greater_equal hypot less less_equal "
    "logaddexp logical_and logical_or logical_xor maximum minimum multiply nextafter "
    "not_equal remainder subtract"
).split()


def _elementwise(name: str, *operands: Any, exponent: float | None = None) -> Any:
    B = backend_of(*operands)
    convs, outs, constant = ufunc_plan(_RULE_NAMES.get(name, name), operands, exponent)
    raws = [convert(B, x, c) for x, c in zip(operands, convs, strict=True)]
    if constant is not None:
        # == / != between different dimensions: known without looking.
        shape = np.broadcast_shapes(*(getattr(r, "shape", ()) for r in raws))
        return B.wrap(B.xp.full(shape, constant, dtype=B.xp.bool), None)
    return B.wrap(getattr(B.xp, name)(*raws), outs[0])


def _make_unary(name: str) -> Callable[..., Any]:
    def f(x: Any, /) -> Any:
        return _elementwise(name, x)

    return _named(f, name)


def _make_binary(name: str) -> Callable[..., Any]:
    def f(x1: Any, x2: Any, /) -> Any:
        return _elementwise(name, x1, x2)

    return _named(f, name)


def _named(f: Callable[..., Any], name: str) -> Callable[..., Any]:
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``{name}`` of the Array API standard, with the unit rule of the core."
    return f


def _exponent(x2: Any) -> float | None:
    """The exponent's value when the unit of a power depends on it."""
    if isinstance(x2, Number) and not isinstance(x2, bool):
        return float(x2)  # type: ignore[arg-type]
    if has_unit(x2) and not is_lazy(x2) and x2.size == 1:
        if x2.unit.is_dimensionless:
            return float(x2._data.reshape(()).real) * x2.unit.scale
    return None


def pow(x1: Any, x2: Any, /) -> Any:
    """``x1 ** x2``: a dimensional base needs an exponent known now (a scalar)."""
    return _elementwise("pow", x1, x2, exponent=_exponent(x2))


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:
    """Bounds converted to the unit of ``x``."""
    B = backend_of(x, min, max)
    bounds = [b for b in (min, max) if b is not None]
    unit, convs = same_unit("clip", [x, *bounds])
    it = iter(convert(B, b, c) for b, c in zip(bounds, convs[1:], strict=True))
    lo = next(it) if min is not None else None
    hi = next(it) if max is not None else None
    return B.wrap(B.xp.clip(convert(B, x, convs[0]), lo, hi), unit if has_unit(x) else ONE)


# ---- same-unit operands ----------------------------------------------------------


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    """``x2`` converted to the unit of ``x1``; 0, ±inf and nan fit any unit."""
    B = backend_of(condition, x1, x2)
    unit, (c1, c2) = same_unit("where", [x1, x2])
    return B.wrap(B.xp.where(B.raw(condition), convert(B, x1, c1), convert(B, x2, c2)), unit)


def _joined(what: str, arrays: Sequence[Any]) -> tuple[Backend, Unit, list[Any]]:
    arrays = list(arrays)
    B = backend_of(*arrays)
    unit, convs = same_unit(what, arrays)
    return B, unit, [convert(B, a, c) for a, c in zip(arrays, convs, strict=True)]


def concat(arrays: Sequence[Any] | tuple[Any, ...], /, *, axis: int | None = 0) -> Any:
    """Joined in the unit of the first array."""
    B, unit, raws = _joined("concatenate", arrays)
    return B.wrap(B.xp.concat(raws, axis=axis), unit)


def stack(arrays: Sequence[Any] | tuple[Any, ...], /, *, axis: int = 0) -> Any:
    """Stacked in the unit of the first array."""
    B, unit, raws = _joined("stack", arrays)
    return B.wrap(B.xp.stack(raws, axis=axis), unit)


def searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any | None = None) -> Any:
    """Indices where ``x2`` (converted to ``x1``'s unit) would go in ``x1``."""
    B = backend_of(x1, x2)
    _, (c1, c2) = same_unit("searchsorted", [x1, x2])
    needle = convert(B, x2, c2)
    if B.lazy and not is_lazy(needle):
        needle = B.xp.asarray(needle)  # dask's searchsorted takes only dask needles
    raw = B.xp.searchsorted(convert(B, x1, c1), needle, side=side, sorter=B.raw(sorter))
    return B.wrap(raw, None)


# ---- same unit as the input ------------------------------------------------------


def _keep(x: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    B = backend_of(x)
    return B.wrap(getattr(B.xp, name)(B.raw(x), *args, **kwargs), unit_of(x))


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any | None = None) -> Any:
    B = backend_of(x)
    raw = B.xp.astype(B.raw(x), dtype, copy=copy, device=device)
    return B.wrap(raw, unit_of(x))


def matrix_transpose(x: Any, /) -> Any:
    return _keep(x, "matrix_transpose")


def broadcast_to(x: Any, /, shape: tuple[int, ...]) -> Any:
    return _keep(x, "broadcast_to", shape)


def expand_dims(x: Any, /, axis: int = 0) -> Any:
    return _keep(x, "expand_dims", axis=axis)


def flip(x: Any, /, *, axis: int | tuple[int, ...] | None = None) -> Any:
    return _keep(x, "flip", axis=axis)


def moveaxis(x: Any, source: Any, destination: Any, /) -> Any:
    return _keep(x, "moveaxis", source, destination)


def permute_dims(x: Any, /, axes: tuple[int, ...]) -> Any:
    return _keep(x, "permute_dims", axes)


def repeat(x: Any, repeats: Any, /, *, axis: int | None = None) -> Any:
    return _keep(x, "repeat", backend_of(x, repeats).raw(repeats), axis=axis)


def reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
    return _keep(x, "reshape", shape, copy=copy)


def roll(
    x: Any, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None
) -> Any:
    return _keep(x, "roll", shift, axis=axis)


def squeeze(x: Any, /, axis: int | tuple[int, ...]) -> Any:
    return _keep(x, "squeeze", axis)


def tile(x: Any, repetitions: tuple[int, ...], /) -> Any:
    return _keep(x, "tile", repetitions)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    B = backend_of(x)
    return tuple(B.wrap(r, unit_of(x)) for r in B.xp.unstack(B.raw(x), axis=axis))


def broadcast_arrays(*arrays: Any) -> list[Any]:
    B = backend_of(*arrays)
    raws = B.xp.broadcast_arrays(*(B.raw(a) for a in arrays))
    return [B.wrap(r, unit_of(a)) for r, a in zip(raws, arrays, strict=True)]


def tril(x: Any, /, *, k: int = 0) -> Any:
    return _keep(x, "tril", k=k)


def triu(x: Any, /, *, k: int = 0) -> Any:
    return _keep(x, "triu", k=k)


def take(x: Any, indices: Any, /, *, axis: int | None = None) -> Any:
    # axis may be left out for 1-d x (dask's take refuses axis=None).
    kwargs = {} if axis is None else {"axis": axis}
    return _keep(x, "take", backend_of(x, indices).raw(indices), **kwargs)


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    return _keep(x, "take_along_axis", backend_of(x, indices).raw(indices), axis=axis)


def sort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return _keep(x, "sort", axis=axis, descending=descending, stable=stable)


def unique_values(x: Any, /) -> Any:
    return _keep(x, "unique_values")


def _unique(x: Any, name: str) -> Any:
    """The ``values`` field keeps the unit; indices and counts are plain."""
    B = backend_of(x)
    res = getattr(B.xp, name)(B.raw(x))
    fields = {
        f: B.wrap(getattr(res, f), unit_of(x) if f == "values" else None) for f in res._fields
    }
    return type(res)(**fields)


def unique_all(x: Any, /) -> Any:
    return _unique(x, "unique_all")


def unique_counts(x: Any, /) -> Any:
    return _unique(x, "unique_counts")


def unique_inverse(x: Any, /) -> Any:
    return _unique(x, "unique_inverse")


# ---- plain results (indices, truth values, counts) ----------------------------------


def _plain(x: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    B = backend_of(x)
    return B.wrap(getattr(B.xp, name)(B.raw(x), *args, **kwargs), None)


def argmax(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return _plain(x, "argmax", axis=axis, keepdims=keepdims)


def argmin(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return _plain(x, "argmin", axis=axis, keepdims=keepdims)


def argsort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return _plain(x, "argsort", axis=axis, descending=descending, stable=stable)


def count_nonzero(
    x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Any:
    return _plain(x, "count_nonzero", axis=axis, keepdims=keepdims)


def nonzero(x: Any, /) -> tuple[Any, ...]:
    B = backend_of(x)
    return tuple(B.wrap(r, None) for r in B.xp.nonzero(B.raw(x)))


def all(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return _plain(x, "all", axis=axis, keepdims=keepdims)


def any(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return _plain(x, "any", axis=axis, keepdims=keepdims)


# ---- statistics --------------------------------------------------------------------


def _reduce(name: str, rule: str, x: Any, axis: Any, **kwargs: Any) -> Any:
    B = backend_of(x)
    count = _reduced_count(x.shape, axis) if rule in ("prod", "cumprod") else None
    unit = _core.reduction_unit(rule, unit_of(x), count)
    return B.wrap(getattr(B.xp, name)(B.raw(x), axis=axis, **kwargs), unit)


def max(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return _reduce("max", "max", x, axis, keepdims=keepdims)


def min(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return _reduce("min", "min", x, axis, keepdims=keepdims)


def mean(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return _reduce("mean", "mean", x, axis, keepdims=keepdims)


def sum(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: Any | None = None,
    keepdims: bool = False,
) -> Any:
    return _reduce("sum", "sum", x, axis, dtype=dtype, keepdims=keepdims)


def prod(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: Any | None = None,
    keepdims: bool = False,
) -> Any:
    """The unit is the input's to the power of the number of factors."""
    return _reduce("prod", "prod", x, axis, dtype=dtype, keepdims=keepdims)


def std(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Any:
    return _reduce("std", "std", x, axis, correction=correction, keepdims=keepdims)


def var(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Any:
    return _reduce("var", "var", x, axis, correction=correction, keepdims=keepdims)


def cumulative_sum(
    x: Any,
    /,
    *,
    axis: int | None = None,
    dtype: Any | None = None,
    include_initial: bool = False,
) -> Any:
    return _reduce(
        "cumulative_sum", "cumsum", x, axis, dtype=dtype, include_initial=include_initial
    )


def cumulative_prod(
    x: Any,
    /,
    *,
    axis: int | None = None,
    dtype: Any | None = None,
    include_initial: bool = False,
) -> Any:
    """Only for dimensionless values (each element would get another unit)."""
    n = _reduced_count(x.shape, axis)
    B = backend_of(x)
    unit = _core.reduction_unit("cumprod", unit_of(x), n)
    raw = B.xp.cumulative_prod(B.raw(x), axis=axis, dtype=dtype, include_initial=include_initial)
    return B.wrap(raw, unit)


def diff(
    x: Any,
    /,
    *,
    axis: int = -1,
    n: int = 1,
    prepend: Any | None = None,
    append: Any | None = None,
) -> Any:
    """Differences are intervals (delta_degC for degC); ``prepend``/``append``
    are converted to the unit of ``x``."""
    B = backend_of(x, prepend, append)
    unit = unit_of(x)
    extra = {}
    for k, v in (("prepend", prepend), ("append", append)):
        if v is not None:
            _, (_, c) = same_unit("diff", [x, v])
            extra[k] = convert(B, v, c)
    raw = B.xp.diff(B.raw(x), axis=axis, n=n, **extra)
    return B.wrap(raw, unit if n == 0 else _interval("diff", unit))


# ---- linear algebra (main namespace) -------------------------------------------------


def _bilinear(name: str, x1: Any, x2: Any, **kwargs: Any) -> Any:
    B = backend_of(x1, x2)
    unit = _product(name, unit_of(x1), unit_of(x2))
    return B.wrap(getattr(B.xp, name)(B.raw(x1), B.raw(x2), **kwargs), unit)


def matmul(x1: Any, x2: Any, /) -> Any:
    return _bilinear("matmul", x1, x2)


def tensordot(x1: Any, x2: Any, /, *, axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Any:
    return _bilinear("tensordot", x1, x2, axes=axes)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return _bilinear("vecdot", x1, x2, axis=axis)


# ---- data types -----------------------------------------------------------------------


def _dtype_args(args: Sequence[Any]) -> list[Any]:
    return [backend_of(a).raw(a) if has_unit(a) else a for a in args]


def can_cast(from_: Any, to: Any, /) -> bool:
    return bool(backend_of(from_).xp.can_cast(_dtype_args([from_])[0], to))


def result_type(*arrays_and_dtypes: Any) -> Any:
    return backend_of(*arrays_and_dtypes).xp.result_type(*_dtype_args(arrays_and_dtypes))


class FInfo(NamedTuple):
    """Machine limits of a floating dtype, as Python numbers (the standard's
    finfo object; NumPy's reports float32 limits as NumPy scalars)."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: Any


def finfo(type: Any, /) -> FInfo:
    f = backend_of(type).xp.finfo(_dtype_args([type])[0])
    return FInfo(
        int(f.bits), float(f.eps), float(f.max), float(f.min), float(f.smallest_normal), f.dtype
    )


def iinfo(type: Any, /) -> Any:
    return backend_of(type).xp.iinfo(_dtype_args([type])[0])


def isdtype(dtype: Any, kind: Any) -> bool:
    return bool(backend_of().xp.isdtype(dtype, kind))


# ---- creation from arrays --------------------------------------------------------------


def _is_bool(dtype: Any) -> bool:
    return dtype is not None and np.dtype(dtype) == np.bool_


def _like(name: str, x: Any, dtype: Any, device: Any, *args: Any, mask: bool = False) -> Any:
    """A new array shaped like ``x`` in its unit; a boolean one (a mask) has none."""
    B = backend_of(x)
    raw = getattr(B.xp, name)(B.raw(x), *args, dtype=dtype, device=device)
    return B.wrap(raw, ONE if mask or _is_bool(dtype) else unit_of(x))


def empty_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    return _like("empty_like", x, dtype, device)


def zeros_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    return _like("zeros_like", x, dtype, device)


def ones_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    return _like("ones_like", x, dtype, device)


def full_like(
    x: Any, /, fill_value: Any, *, dtype: Any | None = None, device: Any | None = None
) -> Any:
    """``fill_value`` converted to the unit of ``x`` (0, ±inf, nan fit any unit);
    a boolean fill or dtype makes a mask, which has no unit."""
    if isinstance(fill_value, bool) or _is_bool(dtype):
        return _like("full_like", x, dtype, device, fill_value, mask=True)
    B = backend_of(x, fill_value)
    unit, (_, c) = same_unit("full_like", [x, fill_value])
    fill = convert(B, fill_value, c)
    if has_unit(fill_value) and not B.lazy:
        fill = fill.reshape(()).item()
    raw = B.xp.full_like(B.raw(x), fill, dtype=dtype, device=device)
    return B.wrap(raw, unit_of(x) if has_unit(x) else unit)


def meshgrid(*arrays: Any, indexing: str = "xy") -> list[Any]:
    B = backend_of(*arrays)
    raws = B.xp.meshgrid(*(B.raw(a) for a in arrays), indexing=indexing)
    return [B.wrap(r, unit_of(a)) for r, a in zip(raws, arrays, strict=True)]


_MAIN = {
    **{n: _make_unary(n) for n in UNARY},
    **{n: _make_binary(n) for n in BINARY},
}


def functions() -> dict[str, Callable[..., Any]]:
    """Every function above that takes arrays, by its standard name."""
    g = globals()
    names = (
        "pow clip where concat stack searchsorted astype matrix_transpose broadcast_to "
        "expand_dims flip moveaxis permute_dims repeat reshape roll squeeze tile unstack "
        "broadcast_arrays tril triu take take_along_axis sort unique_values unique_all "
        "unique_counts unique_inverse argmax argmin argsort count_nonzero nonzero all any "
        "max min mean sum prod std var cumulative_sum cumulative_prod diff matmul tensordot "
        "vecdot can_cast result_type finfo iinfo isdtype empty_like zeros_like ones_like "
        "full_like meshgrid"
    ).split()
    return {**_MAIN, **{n: g[n] for n in names}}
