"""The Python-written methods of :class:`dimtensor.DimArray`.

The class itself is the Rust type ``dimtensor._core.DimArray`` (construction,
units, operators and ``__array_ufunc__`` live there, on the hot path). The
methods below have no hot path; they are attached to that type once, at
import, so there is a single class and no subclass to construct.

Unit rules are never written here: reductions ask the core's rule table
(``_core.reduction_unit``), ufuncs go through ``__array_ufunc__``, and
operands are brought to one unit by ``_core.same_unit_plan``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._core import DimArray, Unit

# numpy function -> implementation, filled by @implements (see _array_functions).
HANDLED: dict[Callable[..., Any], Callable[..., Any]] = {}


def implements(*funcs: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an implementation of NumPy functions for DimArray arguments."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for f in funcs:
            HANDLED[f] = impl
        return impl

    return register


def _wrap(values: Any, unit: Unit) -> DimArray:
    return _core._wrap(values, unit)


def _reduce(func: Callable[..., Any]) -> Callable[..., Any]:
    """A method that is ``func(self, ...)``: the NumPy function's unit-aware
    implementation (``_array_functions``) is the one place for each rule,
    including arguments such as ``initial=``, ``where=`` and ``out=``."""

    def reduction(self: DimArray, *args: Any, **kwargs: Any) -> Any:
        return func(self, *args, **kwargs)

    reduction.__name__ = func.__name__
    reduction.__doc__ = f"``numpy.{func.__name__}(self, ...)`` with units."
    return reduction


def _shape_method(method: str) -> Callable[..., DimArray]:
    """A method that rearranges the magnitudes and keeps the unit."""

    def rearranged(self: DimArray, *args: Any, **kwargs: Any) -> DimArray:
        return _wrap(getattr(self._data, method)(*args, **kwargs), self.unit)

    rearranged.__name__ = method
    rearranged.__doc__ = f"``ndarray.{method}`` of the magnitudes; the unit is kept."
    return rearranged


def placeholder_values(values: Any) -> bool:
    """Whether ``values`` are all 0, ±inf or nan: a dimensionless array of
    them is a placeholder, which generic array code makes (``zeros``,
    ``full(nan)``) before it knows the unit; like those scalars it meets any
    unit. The Rust rule path asks this only on a dimension mismatch."""
    values = np.asarray(values)
    if values.dtype.kind not in "fciu":
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all((values == 0) | ~np.isfinite(values)))


def _assignable(self: DimArray, value: Any) -> Any:
    """``value`` as magnitudes in ``self.unit`` (converting a DimArray). A
    placeholder (see the core's same-unit rule) receiving a quantity takes
    on its unit, once."""
    unit, convs = _core.same_unit_plan("assignment", [self, value])
    if unit is not None and unit.dimension != self.unit.dimension:
        self._adopt_unit(unit)
    a, b = convs[1]
    raw = value._data if isinstance(value, DimArray) else value
    if (a, b) == (1.0, 0.0):
        return raw
    return np.multiply(raw, a) + b if b else np.multiply(raw, a)


def _unwrap_key(key: Any) -> Any:
    if isinstance(key, DimArray):
        return np.asarray(key)
    if isinstance(key, tuple):
        return tuple(_unwrap_key(k) for k in key)
    return key


def __getitem__(self: DimArray, key: Any) -> DimArray:
    return _wrap(self._data[_unwrap_key(key)], self.unit)


def __setitem__(self: DimArray, key: Any, value: Any) -> None:
    self._data[_unwrap_key(key)] = _assignable(self, value)


def __iter__(self: DimArray) -> Iterator[DimArray]:
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d DimArray")
    unit = self.unit
    for row in self._data:
        yield _wrap(row, unit)


def _scalar(self: DimArray, kind: type) -> Any:
    if self.size != 1:
        raise TypeError(f"only single-element DimArrays can be converted to {kind.__name__}")
    return kind(self._data.reshape(()).item())


def __float__(self: DimArray) -> float:
    """The magnitude of a one-element array, in its own unit."""
    return _scalar(self, float)


def __int__(self: DimArray) -> int:
    """The magnitude of a one-element array, in its own unit, as an int."""
    return _scalar(self, int)


def __complex__(self: DimArray) -> complex:
    return _scalar(self, complex)


def __index__(self: DimArray) -> int:
    if not self.is_dimensionless:
        raise TypeError(f"a DimArray in '{self.unit}' cannot be used as an index")
    return int(np.asarray(self).reshape(()).item())


def _unit_text(self: DimArray) -> str:
    return str(self.unit.simplified())


def __str__(self: DimArray) -> str:
    unit = _unit_text(self)
    if isinstance(self._data, np.ma.MaskedArray):
        text = str(self._data)  # array2string would show masked values, not "--"
    else:
        text = np.array2string(self._data) if self.ndim else str(self._data[()])
    return f"{text} {unit}" if unit else text


def __repr__(self: DimArray) -> str:
    if isinstance(self._data, np.ma.MaskedArray):
        return f"DimArray({self._data!r}, unit={str(self.unit)!r})"
    body = np.array_repr(self._data)
    inner = body[body.index("(") + 1 : body.rindex(")")]
    return f"DimArray({inner}, unit={str(self.unit)!r})"


def __format__(self: DimArray, spec: str) -> str:
    if not spec:
        return str(self)
    unit = _unit_text(self)
    if self.ndim == 0:
        text = format(self._data[()], spec)
    else:
        text = np.array2string(self._data, formatter={"all": lambda v: format(v, spec)})
    return f"{text} {unit}" if unit else text


def _repr_latex_(self: DimArray) -> str:
    values = np.array2string(self._data, threshold=20, separator=",\\ ")
    if self.is_dimensionless and self.unit.scale == 1:
        return f"${values}$"
    return f"${values}\\;{self.unit.simplified().to_string('latex')}$"


def _repr_html_(self: DimArray) -> str:
    import html

    values = html.escape(np.array2string(self._data, threshold=50))
    unit = html.escape(_unit_text(self))
    dims = html.escape(str(self.dimension))
    return (
        f"<div class='dimtensor'><pre style='display:inline'>{values}</pre> "
        f"<b>{unit}</b> <small>[{dims}] shape={self.shape} dtype={self.dtype}</small></div>"
    )


def __reduce__(self: DimArray) -> tuple[Any, tuple[Any, Unit]]:
    # The ndarray pickles itself.
    return (_core._wrap, (self._data, self.unit))


def __reduce_ex__(self: DimArray, protocol: int) -> tuple[Any, tuple[Any, ...]]:
    """Pickle protocol 5 hands the values over as one flat byte buffer (out
    of band where the pickler takes buffers): dask.distributed then moves a
    DimArray as it moves an ndarray, without copies. NumPy's own buffer of a
    2-d array is 2-d, which distributed's frame splitting copies."""
    data = self._data
    if (
        protocol < 5
        or type(self).__reduce__ is not __reduce__  # subclasses (Constant) pickle their own way
        or not (data.flags.c_contiguous and data.dtype.kind in "biufc")
        or data.dtype.hasobject
    ):
        return self.__reduce__()
    flat = pickle.PickleBuffer(data.reshape(-1).view(np.uint8))
    return (_from_buffer, (flat, data.dtype, data.shape, self.unit))


def _from_buffer(buffer: Any, dtype: Any, shape: tuple[int, ...], unit: Unit) -> DimArray:
    """A pickled DimArray (protocol 5), rebuilt on its buffer without a copy."""
    return _core._wrap(np.frombuffer(buffer, dtype=dtype).reshape(shape), unit)


def __deepcopy__(self: DimArray, memo: dict[int, Any]) -> DimArray:
    return copy(self)  # units are immutable values: copying the data suffices


def __array_function__(
    self: DimArray, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if any(getattr(t, "__dimtensor_lazy__", False) for t in types):
        return NotImplemented  # a lazy operand (DaskDimArray) takes the whole call
    impl = HANDLED.get(func)
    if impl is None:
        name = getattr(func, "__module__", "numpy") + "." + getattr(func, "__name__", "?")
        raise TypeError(
            f"dimtensor has no unit rule for {name}; call it on .magnitude() or "
            ".to_value(unit) and attach the unit you expect"
        )
    return impl(*args, **kwargs)


# ---- methods ---------------------------------------------------------------


def magnitude(self: DimArray) -> np.ndarray:
    """A copy of the magnitudes, in this array's unit (dimtensor 5.x)."""
    return self._data.copy()


def to_base_units(self: DimArray) -> DimArray:
    """The same quantity in coherent SI units (``km`` → ``m``, ``J`` stays)."""
    return self.to(self.unit.to_base())


def astype(self: DimArray, dtype: Any, *args: Any, **kwargs: Any) -> DimArray:
    return _wrap(self._data.astype(dtype, *args, **kwargs), self.unit)


def copy(self: DimArray) -> DimArray:
    return _wrap(self._data.copy(), self.unit)


def dot(self: DimArray, other: Any) -> DimArray:
    return np.dot(self, other)


def clip(self: DimArray, min: Any = None, max: Any = None, **kwargs: Any) -> DimArray:
    return np.clip(self, min, max, **kwargs)


def round(self: DimArray, decimals: int = 0) -> DimArray:
    """Rounded magnitudes, in this array's unit."""
    return _wrap(np.round(self._data, decimals), self.unit)


def sqrt(self: DimArray) -> DimArray:
    return np.sqrt(self)


def _transposed(self: DimArray) -> DimArray:
    return _wrap(self._data.T, self.unit)


def _matrix_transposed(self: DimArray) -> DimArray:
    return _wrap(np.swapaxes(self._data, -1, -2), self.unit)


# ---- Array API standard array object ------------------------------------------


def __array_namespace__(self: DimArray, /, *, api_version: str | None = None) -> Any:
    """The Array API namespace of DimArray (:mod:`dimtensor.array_api.eager`)."""
    from dimtensor.array_api import API_VERSION, eager

    if api_version not in (None, API_VERSION):
        raise ValueError(f"dimtensor implements the Array API {API_VERSION}, not {api_version}")
    return eager


def to_device(self: DimArray, device: Any, /, *, stream: Any = None) -> DimArray:
    """The array on ``device`` ("cpu", the only one): itself."""
    if stream is not None:
        raise ValueError("the cpu device has no streams")
    if device != "cpu":
        raise ValueError(f"DimArray lives on the cpu, not on {device!r}")
    return self


def __dlpack__(
    self: DimArray,
    /,
    *,
    stream: Any = None,
    max_version: tuple[int, int] | None = None,
    dl_device: Any = None,
    copy: bool | None = None,
) -> Any:
    """DLPack carries no unit: only dimensionless arrays (as plain numbers)."""
    if not self.is_dimensionless:
        raise _core.UnitStrippedError(
            f"DLPack would drop the unit '{self.unit}'; export .to_value(unit) instead"
        )
    return np.asarray(self).__dlpack__(
        stream=stream, max_version=max_version, dl_device=dl_device, copy=copy
    )


def __dlpack_device__(self: DimArray, /) -> tuple[Any, int]:
    return self._data.__dlpack_device__()


_METHODS: dict[str, Any] = {
    "__getitem__": __getitem__,
    "__setitem__": __setitem__,
    "__iter__": __iter__,
    "__float__": __float__,
    "__int__": __int__,
    "__complex__": __complex__,
    "__index__": __index__,
    "__str__": __str__,
    "__repr__": __repr__,
    "__format__": __format__,
    "_repr_latex_": _repr_latex_,
    "_repr_html_": _repr_html_,
    "__reduce__": __reduce__,
    "__reduce_ex__": __reduce_ex__,
    "__copy__": lambda self: copy(self),
    "__deepcopy__": __deepcopy__,
    "__array_function__": __array_function__,
    "magnitude": magnitude,
    "__array_namespace__": __array_namespace__,
    "device": property(lambda self: "cpu", doc="Where the values live (always the cpu)."),
    "to_device": to_device,
    "__dlpack__": __dlpack__,
    "__dlpack_device__": __dlpack_device__,
    "to_base_units": to_base_units,
    "astype": astype,
    "copy": copy,
    "dot": dot,
    "clip": clip,
    "round": round,
    "sqrt": sqrt,
    "T": property(_transposed, doc="Transposed view; the unit is kept."),
    "mT": property(_matrix_transposed, doc="Last two axes swapped; the unit is kept."),
    "sum": _reduce(np.sum),
    "mean": _reduce(np.mean),
    "std": _reduce(np.std),
    "var": _reduce(np.var),
    "min": _reduce(np.min),
    "max": _reduce(np.max),
    "ptp": _reduce(np.ptp),
    "argmin": _reduce(np.argmin),
    "argmax": _reduce(np.argmax),
    "cumsum": _reduce(np.cumsum),
    "prod": _reduce(np.prod),
    "cumprod": _reduce(np.cumprod),
    "all": _reduce(np.all),
    "any": _reduce(np.any),
    **{m: _shape_method(m) for m in ("reshape", "transpose", "flatten", "squeeze", "ravel")},
    "swapaxes": _shape_method("swapaxes"),
}


def install() -> None:
    """Attach the methods above to the Rust DimArray type (once)."""
    for name, method in _METHODS.items():
        setattr(DimArray, name, method)
    DimArray.__hash__ = None  # mutable values: unhashable, like ndarray
    DimArray.__array_priority__ = 20.0
