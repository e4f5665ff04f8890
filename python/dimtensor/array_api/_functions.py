"""The functions of the Array API standard (2024.12) with units.

Elementwise functions take the unit rule of the NumPy ufunc of the same
meaning (``_core.ufunc_plan``); every other function takes the rule of its
name in the core's function table and runs through the shared executor
(:func:`dimtensor._functions.call`) with the standard namespace of the
magnitudes (array-api-compat's NumPy or Dask one). Each function has the
standard's signature; one lazy operand makes the call lazy. The creation
functions, which take no array, are made per backend in ``_namespace``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from dimtensor import _core
from dimtensor._backend import NUMPY, ONE, Backend, backend_of, is_quantity, member, unit_of
from dimtensor._functions import call


def operands_backend(*args: Any) -> Backend:
    """The backend of a call: lazy when any operand (or any array in a
    sequence argument) is lazy."""
    flat: list[Any] = []
    for a in args:
        if isinstance(a, (list, tuple)):
            flat.extend(a)
        else:
            flat.append(a)
    return backend_of(*flat)


def xp_function(B: Backend, name: str) -> Callable[..., Any]:
    """The function ``name`` (``linalg.inv``…) of the backend's standard namespace."""
    obj = member(B.xp, name)
    if obj is None:
        raise TypeError(
            f"{name} is not available on {B.name} arrays (their standard namespace has none); "
            "compute first, or call it on the magnitudes and attach the unit you expect"
        )
    return obj  # type: ignore[no-any-return]


def run(
    name: str,
    sig: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    impl: Callable[..., Any] | None = None,
) -> Any:
    """Standard function ``name`` (``sig`` is the namespace's function, for
    its signature) by the rule of the same name, computed by ``impl`` or the
    backend namespace's function of that name."""
    B = operands_backend(*args, *kwargs.values())

    def fn(*a: Any, **k: Any) -> Any:
        # Looked up after the plan: a unit error comes before "not implemented".
        return (impl(B) if impl is not None else xp_function(B, name))(*a, **k)

    return call(name, sig, args, kwargs, B, run=fn, wrap_plain=True)


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
    "not_equal pow remainder subtract"
).split()


def _elementwise(name: str, *operands: Any) -> Any:
    B = backend_of(*operands)
    rule = _RULE_NAMES.get(name, name)
    exponent = B.exponent_of(rule, operands)
    convs, outs, constant = _core.ufunc_plan(rule, list(operands), exponent)
    raws = [B.convert(B.raw(x), c) for x, c in zip(operands, convs, strict=True)]
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


def _clip(B: Backend) -> Callable[..., Any]:
    def f(raw: Any, /, min: Any = None, max: Any = None) -> Any:
        # The backend would cast the bounds to an integer array's dtype: a
        # bound converted to a fraction of the array's unit (2 cm of integer
        # metres) would be truncated. The array takes the dtype the backend
        # promotes it to with its floating bounds, as NumPy's clip does (a
        # dtype decided by dtypes alone).
        isdtype = xp_function(B, "isdtype")
        if isdtype(raw.dtype, "integral"):
            floats = [
                b if isinstance(b, float) else b.dtype for b in (min, max) if _floating(b, isdtype)
            ]
            if floats:
                dtype = xp_function(B, "result_type")(raw.dtype, *floats)
                raw = xp_function(B, "astype")(raw, dtype)
        return xp_function(B, "clip")(raw, min=min, max=max)

    return f


def _floating(b: Any, isdtype: Callable[..., bool]) -> bool:
    """Whether a bound is a Python float or an array of a floating dtype."""
    if isinstance(b, float):
        return True
    dtype = getattr(b, "dtype", None)
    return dtype is not None and bool(isdtype(dtype, ("real floating", "complex floating")))


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:
    """Bounds converted to the unit of ``x``; an integer array whose bounds
    become floating-point numbers in its unit is clipped in their dtype."""
    return run("clip", clip, (x,), {"min": min, "max": max}, _clip)


# ---- same-unit operands ----------------------------------------------------------


def _where(B: Backend) -> Callable[..., Any]:
    def f(condition: Any, x1: Any, x2: Any, /) -> Any:
        # a literal operand (xarray's fill value) goes in as its value
        values = [B.literal(x) for x in (x1, x2)]
        x1, x2 = (x if v is None else v for x, v in zip((x1, x2), values, strict=True))
        return xp_function(B, "where")(condition, x1, x2)

    return f


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    """``x2`` converted to the unit of ``x1``; 0, ±inf and nan fit any unit."""
    return run("where", where, (condition, x1, x2), {}, _where)


def concat(arrays: Sequence[Any] | tuple[Any, ...], /, *, axis: int | None = 0) -> Any:
    """Joined in the unit of the first array."""
    return run("concat", concat, (arrays,), {"axis": axis})


def stack(arrays: Sequence[Any] | tuple[Any, ...], /, *, axis: int = 0) -> Any:
    """Stacked in the unit of the first array."""
    return run("stack", stack, (arrays,), {"axis": axis})


def _searchsorted(B: Backend) -> Callable[..., Any]:
    def f(x1: Any, x2: Any, /, **kw: Any) -> Any:
        if B.lazy and not B.owns(x2):
            x2 = B.xp.asarray(x2)  # dask's searchsorted takes only dask needles
        return B.xp.searchsorted(x1, x2, **kw)

    return f


def searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any | None = None) -> Any:
    """Indices where ``x2`` (converted to ``x1``'s unit) would go in ``x1``."""
    return run(
        "searchsorted", searchsorted, (x1, x2), {"side": side, "sorter": sorter}, _searchsorted
    )


# ---- same unit as the input ------------------------------------------------------


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any | None = None) -> Any:
    if is_quantity(x) and unit_of(x) is None and not _is_bool(dtype):
        # A cast keeps an array whose unit is not chosen yet in that state
        # (xarray casts its fill value, nan, to the data's dtype).
        B = operands_backend(x)
        raw = B.raw(x)
        value = B.literal(raw)
        if value is not None:  # cast now: a literal stays a literal
            return B.pending(B.xp.asarray(value.astype(dtype)))
        return B.pending(B.xp.astype(raw, dtype, copy=copy, device=device))
    return run("astype", astype, (x, dtype), {"copy": copy, "device": device})


def matrix_transpose(x: Any, /) -> Any:
    return run("matrix_transpose", matrix_transpose, (x,), {})


def broadcast_to(x: Any, /, shape: tuple[int, ...]) -> Any:
    return run("broadcast_to", broadcast_to, (x, shape), {})


def expand_dims(x: Any, /, axis: int = 0) -> Any:
    return run("expand_dims", expand_dims, (x,), {"axis": axis})


def flip(x: Any, /, *, axis: int | tuple[int, ...] | None = None) -> Any:
    return run("flip", flip, (x,), {"axis": axis})


def moveaxis(x: Any, source: Any, destination: Any, /) -> Any:
    return run("moveaxis", moveaxis, (x, source, destination), {})


def permute_dims(x: Any, /, axes: tuple[int, ...]) -> Any:
    return run("permute_dims", permute_dims, (x, axes), {})


def repeat(x: Any, repeats: Any, /, *, axis: int | None = None) -> Any:
    return run("repeat", repeat, (x, repeats), {"axis": axis})


def reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
    return run("reshape", reshape, (x, shape), {"copy": copy})


def roll(
    x: Any, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None
) -> Any:
    return run("roll", roll, (x, shift), {"axis": axis})


def squeeze(x: Any, /, axis: int | tuple[int, ...]) -> Any:
    return run("squeeze", squeeze, (x, axis), {})


def tile(x: Any, repetitions: tuple[int, ...], /) -> Any:
    return run("tile", tile, (x, repetitions), {})


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    return run("unstack", unstack, (x,), {"axis": axis})  # type: ignore[no-any-return]


def broadcast_arrays(*arrays: Any) -> list[Any]:
    return list(run("broadcast_arrays", broadcast_arrays, arrays, {}))


def tril(x: Any, /, *, k: int = 0) -> Any:
    return run("tril", tril, (x,), {"k": k})


def triu(x: Any, /, *, k: int = 0) -> Any:
    return run("triu", triu, (x,), {"k": k})


def take(x: Any, indices: Any, /, *, axis: int | None = None) -> Any:
    # axis may be left out for 1-d x (dask's take refuses axis=None).
    return run("take", take, (x, indices), {} if axis is None else {"axis": axis})


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    return run("take_along_axis", take_along_axis, (x, indices), {"axis": axis})


def sort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return run("sort", sort, (x,), {"axis": axis, "descending": descending, "stable": stable})


def unique_values(x: Any, /) -> Any:
    return run("unique_values", unique_values, (x,), {})


def unique_all(x: Any, /) -> Any:
    """The ``values`` field keeps the unit; indices and counts are plain."""
    return run("unique_all", unique_all, (x,), {})


def unique_counts(x: Any, /) -> Any:
    return run("unique_counts", unique_counts, (x,), {})


def unique_inverse(x: Any, /) -> Any:
    return run("unique_inverse", unique_inverse, (x,), {})


# ---- plain results (indices, truth values, counts) ----------------------------------


def argmax(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return run("argmax", argmax, (x,), {"axis": axis, "keepdims": keepdims})


def argmin(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return run("argmin", argmin, (x,), {"axis": axis, "keepdims": keepdims})


def argsort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    return run("argsort", argsort, (x,), {"axis": axis, "descending": descending, "stable": stable})


def count_nonzero(
    x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Any:
    return run("count_nonzero", count_nonzero, (x,), {"axis": axis, "keepdims": keepdims})


def nonzero(x: Any, /) -> tuple[Any, ...]:
    return tuple(run("nonzero", nonzero, (x,), {}))


def all(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    out: None = None,
) -> Any:
    _no_out("all", out)
    return run("all", all, (x,), {"axis": axis, "keepdims": keepdims})


def any(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    out: None = None,
) -> Any:
    _no_out("any", out)
    return run("any", any, (x,), {"axis": axis, "keepdims": keepdims})


def _no_out(name: str, out: Any) -> None:
    """``out=None`` is accepted (``np.any(v)`` on an xarray Variable passes it
    through to the namespace); an output array is not."""
    if out is not None:
        raise TypeError(f"{name}() of the Array API namespace takes no out= array")


# ---- statistics --------------------------------------------------------------------


def max(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return run("max", max, (x,), {"axis": axis, "keepdims": keepdims})


def min(x: Any, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    return run("min", min, (x,), {"axis": axis, "keepdims": keepdims})


def mean(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    dtype: Any = None,
) -> Any:
    """``dtype`` (NumPy's accumulator dtype, which xarray passes) beyond the standard."""
    kw = {"axis": axis, "keepdims": keepdims}
    return run("mean", mean, (x,), kw if dtype is None else {**kw, "dtype": dtype})


def sum(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: Any | None = None,
    keepdims: bool = False,
) -> Any:
    return run("sum", sum, (x,), {"axis": axis, "dtype": dtype, "keepdims": keepdims})


def prod(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: Any | None = None,
    keepdims: bool = False,
) -> Any:
    """The unit is the input's to the power of the number of factors."""
    return run("prod", prod, (x,), {"axis": axis, "dtype": dtype, "keepdims": keepdims})


def std(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
    ddof: int | float | None = None,
    dtype: Any = None,
) -> Any:
    """``ddof`` (NumPy's name, which xarray passes) is ``correction``;
    ``dtype`` is NumPy's accumulator dtype."""
    if ddof is not None:
        correction = ddof
    kw = {"axis": axis, "correction": correction, "keepdims": keepdims}
    return run("std", std, (x,), kw if dtype is None else {**kw, "dtype": dtype})


def var(
    x: Any,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
    ddof: int | float | None = None,
    dtype: Any = None,
) -> Any:
    """``ddof`` (NumPy's name, which xarray passes) is ``correction``;
    ``dtype`` is NumPy's accumulator dtype."""
    if ddof is not None:
        correction = ddof
    kw = {"axis": axis, "correction": correction, "keepdims": keepdims}
    return run("var", var, (x,), kw if dtype is None else {**kw, "dtype": dtype})


def cumulative_sum(
    x: Any,
    /,
    *,
    axis: int | None = None,
    dtype: Any | None = None,
    include_initial: bool = False,
) -> Any:
    kw = {"axis": axis, "dtype": dtype, "include_initial": include_initial}
    return run("cumulative_sum", cumulative_sum, (x,), kw)


def cumulative_prod(
    x: Any,
    /,
    *,
    axis: int | None = None,
    dtype: Any | None = None,
    include_initial: bool = False,
) -> Any:
    """Only for dimensionless values (each element would get another unit)."""
    kw = {"axis": axis, "dtype": dtype, "include_initial": include_initial}
    return run("cumulative_prod", cumulative_prod, (x,), kw)


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
    kw = {"axis": axis, "n": n, "prepend": prepend, "append": append}
    return run("diff", diff, (x,), {k: v for k, v in kw.items() if v is not None})


# ---- linear algebra (main namespace) -------------------------------------------------


def matmul(x1: Any, x2: Any, /) -> Any:
    return run("matmul", matmul, (x1, x2), {}, lambda B: B.xp.matmul)


def tensordot(x1: Any, x2: Any, /, *, axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Any:
    return run("tensordot", tensordot, (x1, x2), {"axes": axes})


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return run("vecdot", vecdot, (x1, x2), {"axis": axis}, lambda B: B.xp.vecdot)


# ---- data types -----------------------------------------------------------------------


def _dtype_args(args: Sequence[Any]) -> list[Any]:
    return [backend_of(a).raw(a) if is_quantity(a) else a for a in args]


class FInfo(NamedTuple):
    """Machine limits of a floating dtype, as Python numbers (the standard's
    finfo object; NumPy's reports float32 limits as NumPy scalars)."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: Any


def dtype_functions(B: Backend) -> dict[str, Callable[..., Any]]:
    """The functions of dtypes: with no array of another library among their
    arguments they are the namespace's own library's (``xp.float32`` of the
    torch namespace is a torch dtype, which NumPy cannot read)."""

    def own(*args: Any) -> Backend:
        found = backend_of(*args)
        return B if found is NUMPY else found

    def can_cast(from_: Any, to: Any, /) -> bool:
        return bool(own(from_).xp.can_cast(_dtype_args([from_])[0], to))

    def result_type(*arrays_and_dtypes: Any) -> Any:
        return own(*arrays_and_dtypes).xp.result_type(*_dtype_args(arrays_and_dtypes))

    def finfo(type: Any, /) -> FInfo:
        arg = _dtype_args([type])[0]
        f = own(type).xp.finfo(arg)
        # torch's finfo names its dtype as text; the standard's is the dtype
        dtype = getattr(arg, "dtype", arg) if isinstance(f.dtype, str) else f.dtype
        return FInfo(
            int(f.bits), float(f.eps), float(f.max), float(f.min), float(f.smallest_normal), dtype
        )

    def iinfo(type: Any, /) -> Any:
        return own(type).xp.iinfo(_dtype_args([type])[0])

    def isdtype(dtype: Any, kind: Any) -> bool:
        return bool(B.xp.isdtype(dtype, kind))

    found = {"can_cast": can_cast, "result_type": result_type, "finfo": finfo}
    found |= {"iinfo": iinfo, "isdtype": isdtype}
    for name, f in found.items():
        f.__name__ = f.__qualname__ = name
        f.__doc__ = f"``{name}`` of the Array API standard, on the namespace's own dtypes."
    return found


# ---- creation from arrays --------------------------------------------------------------


def _is_bool(dtype: Any) -> bool:
    if dtype is None:
        return False
    try:
        return bool(np.dtype(dtype) == np.bool_)
    except TypeError:  # another library's dtype object (torch.bool)
        return str(dtype).rsplit(".", 1)[-1] == "bool"


def _shape_only(x: Any) -> bool:
    """``x`` lends a ``_like`` function only its shape: a plain array, or a
    mask (truth values have no unit)."""
    return not is_quantity(x) or _is_bool(x.dtype)


def _like(name: str, sig: Callable[..., Any], x: Any, dtype: Any, device: Any) -> Any:
    """A new array shaped like ``x`` in its unit; a boolean one (a mask) has
    none, and one shaped like a plain array or a mask has no unit chosen yet."""
    B = operands_backend(x)
    if _is_bool(dtype) or _shape_only(x):
        raw = getattr(B.xp, name)(B.raw(x), dtype=dtype, device=device)
        return B.wrap(raw, ONE) if _is_bool(raw.dtype) else B.pending(raw)
    return run(name, sig, (x,), {"dtype": dtype, "device": device})


def empty_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    return _like("empty_like", empty_like, x, dtype, device)


def zeros_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    return _like("zeros_like", zeros_like, x, dtype, device)


def ones_like(x: Any, /, *, dtype: Any | None = None, device: Any | None = None) -> Any:
    B = operands_backend(x)
    if _is_bool(dtype) or _shape_only(x):
        return B.wrap(B.xp.ones_like(B.raw(x), dtype=dtype, device=device), ONE)
    return run("ones_like", ones_like, (x,), {"dtype": dtype, "device": device})


def _full_like(B: Backend) -> Callable[..., Any]:
    def f(x: Any, /, fill_value: Any, **kw: Any) -> Any:
        if not B.lazy and np.ndim(fill_value) == 0:
            fill_value = np.asarray(fill_value).reshape(()).item()
        return B.xp.full_like(x, fill_value, **kw)

    return f


def full_like(
    x: Any, /, fill_value: Any, *, dtype: Any | None = None, device: Any | None = None
) -> Any:
    """``fill_value`` converted to the unit of ``x`` (0, ±inf, nan fit any unit);
    a boolean fill or dtype makes a mask, which has no unit. Shaped like a
    plain array or a mask, the array is in the fill's unit, or has no unit
    chosen yet for 0, ±inf and nan."""
    B = operands_backend(x, fill_value)
    kw = {"dtype": dtype, "device": device}
    if isinstance(fill_value, bool) or _is_bool(dtype):
        return B.wrap(B.xp.full_like(B.raw(x), fill_value, **kw), ONE)
    if not _shape_only(x):
        return run("full_like", full_like, (x, fill_value), kw, _full_like)
    if _core.meets_any_unit(fill_value):
        return B.pending(B.xp.full_like(B.raw(x), fill_value, **kw))
    # In the fill's unit: the rule of `full`, x lending only its shape.
    return call("full", full_like, (x, fill_value), kw, B, run=_full_like(B), wrap_plain=True)


def meshgrid(*arrays: Any, indexing: str = "xy") -> list[Any]:
    return list(run("meshgrid", meshgrid, arrays, {"indexing": indexing}))


_MAIN = {
    **{n: _make_unary(n) for n in UNARY},
    **{n: _make_binary(n) for n in BINARY if n != "pow"},
}


def pow(x1: Any, x2: Any, /) -> Any:
    """``x1 ** x2``: a dimensional base needs an exponent known now (a scalar)."""
    return _elementwise("pow", x1, x2)


def functions() -> dict[str, Callable[..., Any]]:
    """Every function above that takes arrays, by its standard name."""
    g = globals()
    names = (
        "pow clip where concat stack searchsorted astype matrix_transpose broadcast_to "
        "expand_dims flip moveaxis permute_dims repeat reshape roll squeeze tile unstack "
        "broadcast_arrays tril triu take take_along_axis sort unique_values unique_all "
        "unique_counts unique_inverse argmax argmin argsort count_nonzero nonzero all any "
        "max min mean sum prod std var cumulative_sum cumulative_prod diff matmul tensordot "
        "vecdot empty_like zeros_like ones_like "
        "full_like meshgrid"
    ).split()
    return {**_MAIN, **{n: g[n] for n in names}}
