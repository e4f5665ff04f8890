"""Unit-aware implementations of NumPy functions, for ``DimArray.__array_function__``.

Each implementation is registered with :func:`dimtensor._dimarray.implements`
for the NumPy function(s) it stands in for. It runs the plain NumPy function
on the magnitudes and attaches the result unit.

No unit rule is written here. Units come from the core's rule table:

* operands that must share a unit (concatenate, where, clip, ``initial=``,
  fill values, …) go through ``_core.same_unit_plan``, which converts every
  operand to the first array's unit (affinely between offset units) and lets
  the scalars 0, ±inf and nan meet any unit;
* reductions ask ``_core.reduction_unit`` (sum, mean, std, prod, …);
* the other results take the unit the core's ufunc rule gives when the
  function is written as ufuncs on one-element probes: ``np.multiply`` for
  dot, trapezoid and the other products, ``np.divide`` for gradient and
  solve, ``np.subtract`` for differences (diff, histogram bin widths),
  ``np.reciprocal`` for inv, ``np.power`` for det, ``np.absolute`` for norms.
  Offset units (degC) are therefore refused or turned into interval units
  (delta_degC) exactly as the ufuncs do.

A NumPy function with no entry here raises ``TypeError`` (see
``DimArray.__array_function__``).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._core import DimArray, Unit
from dimtensor._dimarray import implements
from dimtensor.errors import DimensionError, DimtensorError

_ONE = Unit("")
_LINALG = "linalg."
_PERCENT = _core.parse_unit("%")

# ---- helpers ---------------------------------------------------------------


def _unit(x: Any) -> Unit:
    """The unit of ``x``; plain numbers and arrays are dimensionless."""
    return x.unit if isinstance(x, DimArray) else _ONE


def _raw(x: Any) -> Any:
    """The magnitudes of ``x`` in its own unit (``x`` itself when plain)."""
    return x._data if isinstance(x, DimArray) else x


def _wrap(values: Any, unit: Unit) -> DimArray:
    return _core._wrap(values, unit)


def _rewrap(values: Any, like: Any) -> Any:
    """``values`` in the unit of ``like`` when it is a DimArray, else plain."""
    return _wrap(values, like.unit) if isinstance(like, DimArray) else values


def _affine(x: Any, a: float, b: float) -> Any:
    raw = _raw(x)
    if a == 1.0 and b == 0.0:
        return raw
    scaled = np.multiply(raw, a)
    return np.add(scaled, b) if b else scaled


def _common(what: str, operands: Sequence[Any]) -> tuple[Unit, list[Any]]:
    """Every operand's magnitudes in one unit: that of the first operand that
    is not one of the scalars 0, ±inf, nan (converted affinely between offset
    units). Raises ``DimensionError`` naming both units when dimensions differ."""
    unit, convs = _core.same_unit_plan(what, list(operands))
    return unit, [_affine(x, a, b) for x, (a, b) in zip(operands, convs, strict=True)]


def _to_unit(what: str, value: Any, unit: Unit) -> Any:
    """The magnitudes of ``value`` in ``unit`` (the scalars 0, ±inf and nan
    pass as they are; a plain number is dimensionless)."""
    _, convs = _core.same_unit_plan(what, [unit, value])
    return _affine(value, *convs[1])


def _plain(x: Any) -> Any:
    """A plain array for arguments that carry no unit (masks, conditions)."""
    return np.asarray(x) if isinstance(x, DimArray) else x


@functools.lru_cache(maxsize=4096)
def _cached_rule_unit(ufunc: np.ufunc, *key: Any) -> Unit:
    args = [_wrap(np.ones(()), k[0]) if isinstance(k, tuple) else k for k in key]
    return ufunc(*args).unit


def _rule_unit(what: str, ufunc: np.ufunc, *operands: Any) -> Unit:
    """The unit the core's rule for ``ufunc`` gives to operands in these units
    (``Unit``s; other operands, such as an exponent, are passed as they are).
    Raises as the ufunc would (``OffsetUnitError``, ``DimensionError``), with
    ``what`` (the NumPy function called) in front of the message."""
    # Units compare equal by value; the symbol is part of the key so that a
    # result is written as it was asked for (N·m, not a cached J).
    key = tuple((o, o.symbol) if isinstance(o, Unit) else o for o in operands)
    try:
        return _cached_rule_unit(ufunc, *key)
    except DimtensorError as e:
        raise type(e)(f"{what}: {e}") from None


def _interval(what: str, unit: Unit) -> Unit:
    """The unit of a difference of two values in ``unit`` (delta_degC for degC)."""
    return _rule_unit(what, np.subtract, unit, unit)


def _product(what: str, *units: Unit) -> Unit:
    """The unit of a product of factors in these units (offset units refused)."""
    if len(units) == 1:
        return _rule_unit(what, np.multiply, _ONE, units[0])
    result = units[0]
    for u in units[1:]:
        result = _rule_unit(what, np.multiply, result, u)
    return result


def _finish(unit: Unit | None, out: Any, compute: Callable[[Any], Any]) -> Any:
    """Run ``compute(raw_out)`` and give the result ``unit``, honouring ``out=``.

    ``unit`` None: a result without a unit (indices, booleans). A DimArray
    ``out`` in another compatible unit receives the converted values; a plain
    ndarray ``out`` receives the magnitudes in ``unit`` (as for ufuncs).
    """
    if unit is None:
        if isinstance(out, DimArray):
            raise TypeError("this result has no unit; pass a plain ndarray as out=")
        return compute(out)
    if out is None:
        return _wrap(compute(None), unit)
    if not isinstance(out, DimArray):
        return _wrap(compute(out), unit)
    if out.unit == unit:
        compute(out._data)
        return out
    a, b = unit.conversion_affine(out.unit)
    values = compute(None)
    np.multiply(values, a, out=out._data)
    if b:
        np.add(out._data, b, out=out._data)
    return out


@functools.cache
def _param_names(func: Callable[..., Any]) -> tuple[str, ...]:
    params = inspect.signature(func).parameters.values()
    return tuple(
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )


def _named(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict:
    """The arguments of a call to ``func`` by parameter name (positional ones
    named after NumPy's signature), so ``out``, ``axis``, ``initial``… are
    found however they were passed."""
    names = _param_names(func)
    if len(args) > len(names):
        raise TypeError(
            f"{func.__name__}() takes at most {len(names)} positional arguments ({len(args)} given)"
        )
    kw = dict(zip(names, args, strict=False))
    for k, v in kwargs.items():
        if k in kw:
            raise TypeError(f"{func.__name__}() got multiple values for argument {k!r}")
        kw[k] = v
    return kw


def _take(func: Callable[..., Any], kw: dict, *names: str) -> list[Any]:
    """Remove and return the leading (array) arguments ``names`` from ``kw``."""
    try:
        return [kw.pop(n) for n in names]
    except KeyError as e:
        raise TypeError(f"{func.__name__}() missing required argument {e.args[0]!r}") from None


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__name__", "?")


# ---- joining and splitting -------------------------------------------------


def _join(func: Callable[..., Any]) -> None:
    first = _param_names(func)[0]

    @implements(func)
    def join(*args: Any, **kwargs: Any) -> DimArray:
        kw = _named(func, args, kwargs)
        (arrays,) = _take(func, kw, first)
        arrays = list(arrays)
        if not arrays:
            raise ValueError(f"{_name(func)} needs at least one array")
        unit, mags = _common(_name(func), arrays)
        if "out" not in kw:
            return _wrap(func(mags, **kw), unit)
        out = kw.pop("out")
        return _finish(unit, out, lambda o: func(mags, out=o, **kw))


for _f in (np.concatenate, np.stack, np.hstack, np.vstack, np.dstack, np.column_stack):
    _join(_f)


def _split(func: Callable[..., Any]) -> None:
    @implements(func)
    def split(ary: Any, *args: Any, **kwargs: Any) -> Any:
        parts = func(_raw(ary), *args, **kwargs)
        return type(parts)(_rewrap(p, ary) for p in parts)


for _f in (np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.unstack):
    _split(_f)


@implements(np.append)
def _append(arr: Any, values: Any, axis: Any = None) -> DimArray:
    unit, (a, v) = _common("append", [arr, values])
    return _wrap(np.append(a, v, axis=axis), unit)


@implements(np.insert)
def _insert(arr: Any, obj: Any, values: Any, axis: Any = None) -> DimArray:
    unit, (a, v) = _common("insert", [arr, values])
    return _wrap(np.insert(a, _plain(obj), v, axis=axis), unit)


# ---- shape and order: the unit is kept ---------------------------------------


def _keep(func: Callable[..., Any]) -> None:
    """``func`` rearranges or picks elements of its first argument."""
    names = _param_names(func)
    has_out = "out" in inspect.signature(func).parameters
    out_pos = names.index("out") if "out" in names else len(names)

    @implements(func)
    def keep(*args: Any, **kwargs: Any) -> Any:
        if args and (not has_out or (len(args) <= out_pos and kwargs.get("out") is None)):
            # The usual call: the array first, no out=.
            return _rewrap(func(_raw(args[0]), *args[1:], **kwargs), args[0])
        kw = _named(func, args, kwargs)
        (a,) = _take(func, kw, names[0])
        raw = _raw(a)
        if has_out and kw.get("out") is not None:
            out = kw.pop("out")
            return _finish(_unit(a), out, lambda o: func(raw, out=o, **kw))
        return _rewrap(func(raw, **kw), a)


for _f in (
    np.reshape,
    np.transpose,
    np.permute_dims,
    np.matrix_transpose,
    np.squeeze,
    np.expand_dims,
    np.moveaxis,
    np.swapaxes,
    np.rollaxis,
    np.ravel,
    np.flip,
    np.fliplr,
    np.flipud,
    np.rot90,
    np.roll,
    np.copy,
    np.tile,
    np.repeat,
    np.take,
    np.take_along_axis,
    np.round,
    np.around,
    np.sort,
    np.partition,
    np.broadcast_to,
    np.resize,
    np.delete,
    np.diagonal,
    np.diag,
    np.diagflat,
    np.triu,
    np.tril,
    np.real,
    np.imag,
    np.linalg.diagonal,
    np.linalg.matrix_transpose,
):
    _keep(_f)


@implements(np.compress)
def _compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    cond, raw = _plain(condition), _raw(a)
    if out is None:
        return _rewrap(np.compress(cond, raw, axis=axis), a)
    return _finish(_unit(a), out, lambda o: np.compress(cond, raw, axis=axis, out=o))


def _many(func: Callable[..., Any]) -> None:
    """``func(*arrays)``: each output keeps the unit of its input."""

    @implements(func)
    def many(*arrays: Any, **kwargs: Any) -> Any:
        res = func(*(_raw(x) for x in arrays), **kwargs)
        if len(arrays) == 1 and func in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
            return _rewrap(res, arrays[0])
        return type(res)(_rewrap(r, x) for r, x in zip(res, arrays, strict=True))


for _f in (np.atleast_1d, np.atleast_2d, np.atleast_3d, np.meshgrid, np.broadcast_arrays):
    _many(_f)


def _index(func: Callable[..., Any]) -> None:
    """``func`` returns indices or flags of its first argument: no unit."""

    @implements(func)
    def index(a: Any, *args: Any, **kwargs: Any) -> Any:
        return func(_raw(a), *args, **kwargs)


for _f in (np.argsort, np.argpartition, np.shape, np.ndim, np.size):
    _index(_f)


@implements(np.iscomplexobj)
def _iscomplexobj(x: Any) -> bool:
    return np.iscomplexobj(_raw(x))


@implements(np.isrealobj)
def _isrealobj(x: Any) -> bool:
    return np.isrealobj(_raw(x))


@implements(np.result_type)
def _result_type(*arrays_and_dtypes: Any) -> np.dtype:
    return np.result_type(*(_raw(x) for x in arrays_and_dtypes))


@implements(np.unique)
def _unique(ar: Any, *args: Any, **kwargs: Any) -> Any:
    res = np.unique(_raw(ar), *args, **kwargs)
    if isinstance(res, tuple):
        return (_rewrap(res[0], ar), *res[1:])
    return _rewrap(res, ar)


@implements(np.unique_values)
def _unique_values(x: Any) -> Any:
    return _rewrap(np.unique_values(_raw(x)), x)


def _unique_named(func: Callable[..., Any]) -> None:
    @implements(func)
    def unique(x: Any) -> Any:
        res = func(_raw(x))
        return res._replace(values=_rewrap(res.values, x))


for _f in (np.unique_all, np.unique_counts, np.unique_inverse):
    _unique_named(_f)


@implements(np.searchsorted)
def _searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    _, (am, vm) = _common("searchsorted", [a, v])
    return np.searchsorted(am, vm, side=side, sorter=_plain(sorter))


def _isin_operands(
    common: Callable[..., Any], element: Any, test_elements: Any, args: Any, kwargs: Any
) -> tuple[Any, dict[str, Any]]:
    """np.isin's operands in one unit by ``common`` (DimArray's or DaskDimArray's)
    and its other arguments; None for the operands when their dimensions
    differ: then nothing can be equal (as for ==)."""
    kw = _named(np.isin, (element, test_elements, *args), kwargs)
    try:
        _, operands = common("isin", [kw.pop("element"), kw.pop("test_elements")])
    except DimensionError:
        return None, kw
    return operands, kw


@implements(np.isin)
def _isin(element: Any, test_elements: Any, *args: Any, **kwargs: Any) -> Any:
    operands, kw = _isin_operands(_common, element, test_elements, args, kwargs)
    if operands is None:
        return np.full(np.shape(_raw(element)), bool(kw.get("invert", False)))
    return np.isin(*operands, **kw)


# ---- same-unit operands ------------------------------------------------------


@implements(np.where)
def _where(condition: Any, *xy: Any) -> Any:
    cond = _plain(condition)
    if not xy:
        return np.where(cond)
    if len(xy) != 2:
        raise ValueError("either both or neither of x and y should be given")
    unit, (x, y) = _common("where", xy)
    values = np.where(cond, x, y)
    if not any(isinstance(v, DimArray) for v in xy):
        return values
    return _wrap(values, unit)


@implements(np.clip)
def _clip(
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,
    max: Any = None,
    **kwargs: Any,
) -> Any:
    unit, am, lo_m, hi_m = _clip_operands(_common, a, a_min, a_max, min, max)
    return _finish(unit, out, lambda o: np.clip(am, lo_m, hi_m, out=o, **kwargs))


def _clip_operands(
    common: Callable[..., Any], a: Any, a_min: Any, a_max: Any, min: Any, max: Any
) -> tuple[Any, Any, Any, Any]:
    """np.clip's bounds (positional or min=/max=) in a's unit, by ``common``
    (DimArray's or DaskDimArray's): ``(unit, a, low, high)``."""
    if (a_min is not None and min is not None) or (a_max is not None and max is not None):
        raise TypeError("clip: pass each bound either positionally or as min=/max=, not both")
    lo = min if a_min is None else a_min
    hi = max if a_max is None else a_max
    bounds = [b for b in (lo, hi) if b is not None]
    unit, (am, *bm) = common("clip", [a, *bounds])
    it = iter(bm)
    return unit, am, next(it) if lo is not None else None, next(it) if hi is not None else None


@implements(np.nan_to_num)
def _nan_to_num(
    x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None
) -> Any:
    unit = _unit(x)
    fill = {
        k: (None if v is None else _to_unit("nan_to_num", v, unit))
        for k, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf))
    }
    return _rewrap(np.nan_to_num(_raw(x), copy=copy, **fill), x)


@implements(np.copyto)
def _copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    np.copyto(_raw(dst), _to_unit("copyto", src, _unit(dst)), casting=casting, where=_plain(where))


@implements(np.pad)
def _pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Any:
    unit = _unit(array)
    for k in ("constant_values", "end_values"):
        if k in kwargs:
            kwargs[k] = _to_unit("pad", kwargs[k], unit)
    return _rewrap(np.pad(_raw(array), pad_width, mode, **kwargs), array)


# ---- creation ----------------------------------------------------------------


def _like(func: Callable[..., Any]) -> None:
    @implements(func)
    def like(prototype: Any, *args: Any, **kwargs: Any) -> Any:
        return _rewrap(func(_raw(prototype), *args, **kwargs), prototype)


for _f in (np.zeros_like, np.ones_like, np.empty_like):
    _like(_f)


@implements(np.full_like)
def _full_like(a: Any, fill_value: Any, *args: Any, **kwargs: Any) -> Any:
    fill = _to_unit("full_like", fill_value, _unit(a))
    return _rewrap(np.full_like(_raw(a), fill, *args, **kwargs), a)


@implements(np.linspace)
def _linspace(start: Any, stop: Any, *args: Any, **kwargs: Any) -> Any:
    kw = _named(np.linspace, (start, stop, *args), kwargs)
    unit, (lo, hi) = _common("linspace", _take(np.linspace, kw, "start", "stop"))
    res = np.linspace(lo, hi, **kw)
    if kw.get("retstep"):
        samples, step = res
        return _wrap(samples, unit), _wrap(step, _interval("linspace", unit))
    return _wrap(res, unit)


# ---- reductions ----------------------------------------------------------------

_PRODUCTS = ("prod", "nanprod", "cumprod", "nancumprod")


def _quantile_q(q: Any, percent: bool) -> Any:
    """``q`` as NumPy expects it: a fraction (quantile) or percent (percentile)."""
    if not isinstance(q, DimArray):
        return q
    return q.to_value(_PERCENT if percent else _ONE)


def _reduced_count(shape: tuple[int, ...], axis: Any) -> int:
    """How many elements each result of a reduction over ``axis`` combines."""
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return math.prod(shape[a] for a in axes)


def _reduction(func: Callable[..., Any], name: str) -> None:
    """``func`` reduces its first argument; the unit rule is the core's ``name``."""
    first = _param_names(func)[0]
    product = name in _PRODUCTS

    @implements(func)
    def reduction(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        (a,) = _take(func, kw, first)
        raw = _raw(a)
        count = None
        # How many factors each product has: unknown with a where= mask, or
        # when nanprod skips NaNs (the core then accepts only plain numbers).
        if product and kw.get("where", True) is True:
            values = np.asanyarray(raw)
            skips_nans = name.startswith("nan") and values.dtype.kind in "fc"
            if not (skips_nans and np.isnan(values).any()):
                count = _reduced_count(values.shape, kw.get("axis"))
                count += 1 if kw.get("include_initial") else 0
        unit = _core.reduction_unit(name, _unit(a), count)
        if "initial" in kw:
            # Sums and extrema start from a value in the array's unit; a
            # product from a pure number.
            kw["initial"] = _to_unit(name, kw["initial"], _ONE if product else _unit(a))
        if "mean" in kw:
            kw["mean"] = _to_unit(name, kw["mean"], _unit(a))
        if "q" in kw:
            kw["q"] = _quantile_q(kw["q"], "percentile" in name)
        if isinstance(kw.get("weights"), DimArray):
            w = kw["weights"]
            _core.reduction_unit("sum", w.unit)  # weights are added up
            kw["weights"] = w._data
        if "where" in kw:
            kw["where"] = _plain(kw["where"])
        if not isinstance(a, DimArray):
            unit = None  # a plain array reduced: a plain result
        if "out" not in kw:
            return func(raw, **kw) if unit is None else _wrap(func(raw, **kw), unit)
        out = kw.pop("out")
        return _finish(unit, out, lambda o: func(raw, out=o, **kw))


# NumPy reductions and the core rule each follows (DaskDimArray uses the same list).
REDUCTIONS: tuple[tuple[Callable[..., Any], str], ...] = (
    (np.sum, "sum"),
    (np.mean, "mean"),
    (np.std, "std"),
    (np.var, "var"),
    (np.median, "median"),
    (np.percentile, "percentile"),
    (np.quantile, "quantile"),
    (np.max, "max"),
    (np.min, "min"),
    (np.amax, "amax"),
    (np.amin, "amin"),
    (np.ptp, "ptp"),
    (np.argmin, "argmin"),
    (np.argmax, "argmax"),
    (np.prod, "prod"),
    (np.cumsum, "cumsum"),
    (np.cumprod, "cumprod"),
    (np.cumulative_sum, "cumsum"),
    (np.cumulative_prod, "cumprod"),
    (np.all, "all"),
    (np.any, "any"),
    (np.nansum, "nansum"),
    (np.nanmean, "nanmean"),
    (np.nanstd, "nanstd"),
    (np.nanvar, "nanvar"),
    (np.nanmin, "nanmin"),
    (np.nanmax, "nanmax"),
    (np.nanmedian, "nanmedian"),
    (np.nanpercentile, "nanpercentile"),
    (np.nanquantile, "nanquantile"),
    (np.nanargmin, "nanargmin"),
    (np.nanargmax, "nanargmax"),
    (np.nanprod, "nanprod"),
    (np.nancumsum, "nancumsum"),
    (np.nancumprod, "nancumprod"),
    (np.trace, "sum"),
    (np.linalg.trace, "sum"),
)
for _f, _n in REDUCTIONS:
    _reduction(_f, _n)


@implements(np.average)
def _average(a: Any, *args: Any, **kwargs: Any) -> Any:
    kw = _named(np.average, (a, *args), kwargs)
    (a,) = _take(np.average, kw, "a")
    unit = _core.reduction_unit("average", _unit(a))
    weights = kw.get("weights")
    # The weights' unit cancels in the average; their sum (returned=True) keeps it.
    wsum_unit = _core.reduction_unit("sum", weights.unit) if isinstance(weights, DimArray) else None
    kw["weights"] = _raw(weights)
    res = np.average(_raw(a), **kw)
    avg = res[0] if kw.get("returned") else res
    avg = _wrap(avg, unit) if isinstance(a, DimArray) else avg
    if not kw.get("returned"):
        return avg
    return avg, (res[1] if wsum_unit is None else _wrap(res[1], wsum_unit))


# ---- differences, derivatives, integrals ------------------------------------------


@implements(np.diff)
def _diff(a: Any, *args: Any, **kwargs: Any) -> Any:
    kw = _named(np.diff, (a, *args), kwargs)
    (a,) = _take(np.diff, kw, "a")
    unit = _unit(a)
    for k in ("prepend", "append"):
        if k in kw:
            kw[k] = _to_unit("diff", kw[k], unit)
    values = np.diff(_raw(a), **kw)
    if not isinstance(a, DimArray):
        return values
    return _wrap(values, unit if kw.get("n", 1) == 0 else _interval("diff", unit))


@implements(np.ediff1d)
def _ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    unit = _interval("ediff1d", _unit(ary))
    end = None if to_end is None else _to_unit("ediff1d", to_end, unit)
    begin = None if to_begin is None else _to_unit("ediff1d", to_begin, unit)
    return _wrap(np.ediff1d(_raw(ary), to_end=end, to_begin=begin), unit)


def _gradient_units(f_unit: Unit, ndim: int, axis: Any, spacings: list[Any]) -> list[Unit]:
    """The unit of each derivative ``np.gradient`` returns, from the unit of
    ``f`` and of each spacing given as ``(unit, ndim)`` (DimArray and
    DaskDimArray share this rule)."""
    df = _interval("gradient", f_unit)
    if axis is None:
        naxes = ndim
    else:
        naxes = len(axis) if isinstance(axis, (tuple, list)) else 1
    # A scalar spacing is a step; an array gives coordinates, whose steps are
    # their differences.
    steps = [u if nd == 0 else _interval("gradient", u) for u, nd in spacings]
    if not steps:
        steps = [_ONE] * naxes
    elif len(steps) == 1:
        steps = steps * naxes
    return [_rule_unit("gradient", np.divide, df, s) for s in steps]


@implements(np.gradient)
def _gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    spacings = [(_unit(s), np.ndim(_raw(s))) for s in varargs]
    units = _gradient_units(_unit(f), np.ndim(_raw(f)), axis, spacings)
    res = np.gradient(_raw(f), *(_raw(s) for s in varargs), axis=axis, edge_order=edge_order)
    if isinstance(res, (tuple, list)):
        return type(res)(_wrap(r, u) for r, u in zip(res, units, strict=True))
    return _wrap(res, units[0])


@implements(np.trapezoid)
def _trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    step = _unit(dx) if x is None else _interval("trapezoid", _unit(x))
    unit = _product("trapezoid", _unit(y), step)
    return _wrap(np.trapezoid(_raw(y), x=_raw(x), dx=_raw(dx), axis=axis), unit)


@implements(np.interp)
def _interp(
    x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None
) -> Any:
    xunit, (xm, xpm) = _common("interp", [x, xp])
    funit = _unit(fp)
    if left is not None:
        left = _to_unit("interp", left, funit)
    if right is not None:
        right = _to_unit("interp", right, funit)
    if period is not None:
        period = _to_unit("interp", period, _interval("interp", xunit))
    values = np.interp(xm, xpm, _raw(fp), left=left, right=right, period=period)
    return _wrap(values, funit)


@implements(np.histogram_bin_edges)
def _histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None, weights: Any = None) -> Any:
    unit, raw, bins, range = _histogram_args(a, bins, range)
    return _wrap(np.histogram_bin_edges(raw, bins, range, _raw(weights)), unit)


def _histogram_args(a: Any, bins: Any, range: Any) -> tuple[Unit, Any, Any, Any]:
    unit = _unit(a)
    if not isinstance(bins, (int, np.integer, str)):
        bins = _to_unit("histogram", bins, unit)
    if range is not None:
        lo, hi = range
        range = (_to_unit("histogram", lo, unit), _to_unit("histogram", hi, unit))
    return unit, _raw(a), bins, range


@implements(np.histogram)
def _histogram(
    a: Any, bins: Any = 10, range: Any = None, density: Any = None, weights: Any = None
) -> tuple[Any, DimArray]:
    unit, raw, bins, range = _histogram_args(a, bins, range)
    hist, edges = np.histogram(raw, bins, range, density, _raw(weights))
    if density:
        # counts / (total · bin width): per unit of a, whatever the weights.
        hist = _wrap(hist, _rule_unit("histogram", np.divide, _ONE, _interval("histogram", unit)))
    elif isinstance(weights, DimArray):
        hist = _wrap(hist, _core.reduction_unit("sum", weights.unit))
    return hist, _wrap(edges, unit)


# ---- products ----------------------------------------------------------------


def _bilinear(func: Callable[..., Any]) -> None:
    """``func(a, b, ...)``: every result element is a sum of products a·b."""
    names = _param_names(func)[:2]

    @implements(func)
    def bilinear(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        a, b = _take(func, kw, *names)
        unit = _product(_name(func), _unit(a), _unit(b))
        ra, rb = _raw(a), _raw(b)
        if "out" not in kw:
            return _wrap(func(ra, rb, **kw), unit)
        out = kw.pop("out")
        return _finish(unit, out, lambda o: func(ra, rb, out=o, **kw))


for _f in (
    np.dot,
    np.vdot,
    np.inner,
    np.outer,
    np.tensordot,
    np.kron,
    np.cross,
    np.convolve,
    np.correlate,
    np.linalg.matmul,
    np.linalg.vecdot,
    np.linalg.outer,
    np.linalg.cross,
    np.linalg.tensordot,
):
    _bilinear(_f)


@implements(np.einsum)
def _einsum(*operands: Any, out: Any = None, **kwargs: Any) -> Any:
    if isinstance(operands[0], str):
        arrays = operands[1:]
    else:
        # Sublist form: array, sublist, array, sublist, ..., [output sublist].
        arrays = operands[0 : len(operands) - len(operands) % 2 : 2]
    unit = _product("einsum", *(_unit(x) for x in arrays))
    raw = [_raw(x) for x in operands]
    return _finish(unit, out, lambda o: np.einsum(*raw, out=o, **kwargs))


@implements(np.linalg.multi_dot)
def _multi_dot(arrays: Any, *, out: Any = None) -> Any:
    arrays = list(arrays)
    unit = _product(_LINALG + "multi_dot", *(_unit(x) for x in arrays))
    raw = [_raw(x) for x in arrays]
    return _finish(unit, out, lambda o: np.linalg.multi_dot(raw, out=o))


# ---- linear algebra -------------------------------------------------------------


@implements(np.linalg.inv)
def _inv(a: Any) -> DimArray:
    unit = _rule_unit("linalg.inv", np.reciprocal, _unit(a))
    return _wrap(np.linalg.inv(_raw(a)), unit)


@implements(np.linalg.pinv)
def _pinv(a: Any, *args: Any, **kwargs: Any) -> DimArray:
    unit = _rule_unit("linalg.pinv", np.reciprocal, _unit(a))
    # rcond/rtol are relative tolerances: plain numbers.
    return _wrap(np.linalg.pinv(_raw(a), *args, **kwargs), unit)


@implements(np.linalg.solve)
def _solve(a: Any, b: Any) -> DimArray:
    # a·x = b
    unit = _rule_unit("linalg.solve", np.divide, _unit(b), _unit(a))
    return _wrap(np.linalg.solve(_raw(a), _raw(b)), unit)


@implements(np.linalg.det)
def _det(a: Any) -> DimArray:
    raw = _raw(a)
    # A sum of products of n entries, one from each row.
    unit = _rule_unit("linalg.det", np.power, _unit(a), np.shape(raw)[-1])
    return _wrap(np.linalg.det(raw), unit)


@implements(np.linalg.matrix_power)
def _matrix_power(a: Any, n: int) -> DimArray:
    unit = _rule_unit("linalg.matrix_power", np.power, _unit(a), n)
    return _wrap(np.linalg.matrix_power(_raw(a), n), unit)


def _linear_unit(what: str, a: Any) -> Unit:
    """The unit of eigenvalues and singular values of a matrix in a's unit
    (A·v = λ·v with a plain v): a's unit, offset units refused."""
    return _product(_LINALG + what, _unit(a))


def _values_only(func: Callable[..., Any]) -> None:
    @implements(func)
    def values(a: Any, *args: Any, **kwargs: Any) -> DimArray:
        return _wrap(func(_raw(a), *args, **kwargs), _linear_unit(_name(func), a))


for _f in (np.linalg.eigvals, np.linalg.eigvalsh, np.linalg.svdvals):
    _values_only(_f)


def _eigen(func: Callable[..., Any]) -> None:
    @implements(func)
    def eigen(a: Any, *args: Any, **kwargs: Any) -> Any:
        res = func(_raw(a), *args, **kwargs)
        return res._replace(eigenvalues=_wrap(res.eigenvalues, _linear_unit(_name(func), a)))


for _f in (np.linalg.eig, np.linalg.eigh):
    _eigen(_f)


@implements(np.linalg.svd)
def _svd(a: Any, *args: Any, **kwargs: Any) -> Any:
    res = np.linalg.svd(_raw(a), *args, **kwargs)
    unit = _linear_unit("svd", a)
    if isinstance(res, tuple):
        return res._replace(S=_wrap(res.S, unit))
    return _wrap(res, unit)


@implements(np.linalg.qr)
def _qr(a: Any, mode: str = "reduced") -> Any:
    if mode == "raw":
        raise TypeError(
            "dimtensor has no unit rule for numpy.linalg.qr(mode='raw'); call it on "
            ".magnitude() or .to_value(unit) and attach the unit you expect"
        )
    res = np.linalg.qr(_raw(a), mode=mode)
    unit = _linear_unit("qr", a)
    if mode == "r":
        return _wrap(res, unit)
    return res._replace(R=_wrap(res.R, unit))


@implements(np.linalg.cholesky)
def _cholesky(a: Any, *args: Any, **kwargs: Any) -> DimArray:
    # a = L·Lᴴ
    unit = _rule_unit("linalg.cholesky", np.sqrt, _unit(a))
    return _wrap(np.linalg.cholesky(_raw(a), *args, **kwargs), unit)


@implements(np.linalg.lstsq)
def _lstsq(a: Any, b: Any, rcond: Any = None) -> tuple[Any, Any, Any, Any]:
    ua, ub = _unit(a), _unit(b)
    x, residuals, rank, s = np.linalg.lstsq(_raw(a), _raw(b), rcond=rcond)
    return (
        _wrap(x, _rule_unit(_LINALG + "lstsq", np.divide, ub, ua)),
        _wrap(residuals, _rule_unit(_LINALG + "lstsq", np.square, ub)),
        rank,
        _wrap(s, _linear_unit("lstsq", a)),
    )


@implements(np.linalg.cond)
def _cond(x: Any, p: Any = None) -> Any:
    # A ratio of two norms: the unit cancels (offset units refused).
    _rule_unit(_LINALG + "cond", np.divide, _unit(x), _unit(x))
    return np.linalg.cond(_raw(x), p)


@implements(np.linalg.matrix_rank)
def _matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, **kwargs: Any) -> Any:
    if tol is not None:
        tol = _to_unit("matrix_rank", tol, _linear_unit("matrix_rank", A))
    return np.linalg.matrix_rank(_raw(A), tol, hermitian, **kwargs)


def _norm_unit(what: str, x: Any) -> Unit:
    """Norms add up absolute values: x's unit, offset units refused."""
    return _rule_unit(_LINALG + what, np.absolute, _unit(x))


@implements(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> DimArray:
    raw = _raw(x)
    unit = _norm_unit("norm", x)
    vector = isinstance(axis, int) or (axis is None and np.ndim(raw) == 1)
    if vector and ord == 0:
        unit = _ONE  # the number of non-zero elements
    return _wrap(np.linalg.norm(raw, ord=ord, axis=axis, keepdims=keepdims), unit)


@implements(np.linalg.vector_norm)
def _vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    unit = _norm_unit("vector_norm", x)
    values = np.linalg.vector_norm(_raw(x), axis=axis, keepdims=keepdims, ord=ord)
    return _wrap(values, _ONE if ord == 0 else unit)


@implements(np.linalg.matrix_norm)
def _matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    unit = _norm_unit("matrix_norm", x)
    return _wrap(np.linalg.matrix_norm(_raw(x), keepdims=keepdims, ord=ord), unit)


# ---- comparisons ------------------------------------------------------------


def _tolerances(what: str, unit: Unit, rtol: Any, atol: Any) -> tuple[Any, Any]:
    """rtol as a pure number; atol in the interval unit of ``unit``.

    Left out, atol is NumPy's 1e-8 for dimensionless values and 0 otherwise:
    an absolute tolerance in no particular unit means nothing (1e-8 km is
    not 1e-8 nm)."""
    rtol = _to_unit(what, rtol, _ONE)
    step = _interval(what, unit)
    if atol is None:
        atol = 1e-8 if unit.is_dimensionless else 0.0
    return rtol, _to_unit(what, atol, step)


@implements(np.isclose)
def _isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = None, equal_nan: bool = False) -> Any:
    unit, (am, bm) = _common("isclose", [a, b])
    rtol, atol = _tolerances("isclose", unit, rtol, atol)
    return np.isclose(am, bm, rtol=rtol, atol=atol, equal_nan=equal_nan)


@implements(np.allclose)
def _allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = None, equal_nan: bool = False) -> bool:
    unit, (am, bm) = _common("allclose", [a, b])
    rtol, atol = _tolerances("allclose", unit, rtol, atol)
    return bool(np.allclose(am, bm, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _equal(func: Callable[..., Any]) -> None:
    @implements(func)
    def equal(a1: Any, a2: Any, **kwargs: Any) -> bool:
        try:
            _, (m1, m2) = _common(_name(func), [a1, a2])
        except DimensionError:
            return False  # different dimensions: never equal (as for ==)
        return bool(func(m1, m2, **kwargs))


for _f in (np.array_equal, np.array_equiv):
    _equal(_f)
