"""The Python-written methods of :class:`dimtensor.DimArray`.

The class itself is the Rust type ``dimtensor._core.DimArray`` (construction,
units, operators and ``__array_ufunc__`` live there, on the hot path). The
methods below have no hot path; they are attached to that type once, at
import, so there is a single class and no subclass to construct.

Unit rules are never written here: NumPy functions (and the reductions and
other methods that call them) go through the core's function table
(:mod:`dimtensor._functions`), ufuncs through ``__array_ufunc__``, and
assigned values are brought to the array's unit by ``_core.same_unit_plan``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from dimtensor import _backend, _core, _functions
from dimtensor._backend import NUMPY
from dimtensor._core import DimArray, Unit
from dimtensor.errors import UnitStrippedError


def _wrap(values: Any, unit: Unit) -> DimArray:
    return _core._wrap(values, unit)


def _reduce(func: Callable[..., Any]) -> Callable[..., Any]:
    """A method that is ``func(self, ...)``: the NumPy function's rule in the
    core's table is the one place for it, including arguments such as
    ``initial=``, ``where=`` and ``out=``."""

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


def _assignable(self: DimArray, value: Any) -> Any:
    """``value`` as magnitudes in ``self.unit`` (converting a quantity). An
    array whose unit is not chosen yet takes the unit of the first quantity
    assigned into it."""
    unit, convs = _core.same_unit_plan("assignment", [self, value])
    if self.__dimtensor_unit__ is None and unit is not None:
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
    """A Python number from a one-element array: only without a unit to
    lose, and then at scale 1 (``float(50 %) == 0.5``, the value
    ``np.asarray`` gives), so ``math.sin(90 deg) == 1``."""
    if self.size != 1:
        raise TypeError(f"only single-element DimArrays can be converted to {kind.__name__}")
    if not self.is_dimensionless:
        raise UnitStrippedError(
            f"{kind.__name__}() of a DimArray in '{self.unit}' would drop its unit; "
            f"use {kind.__name__}(x.to_value(unit)) with the unit you mean"
        )
    return kind(np.asarray(self).reshape(()).item())


def __float__(self: DimArray) -> float:
    return _scalar(self, float)


def __int__(self: DimArray) -> int:
    return _scalar(self, int)


def __complex__(self: DimArray) -> complex:
    return _scalar(self, complex)


def __index__(self: DimArray) -> int:
    value = _scalar(self, lambda v: v)  # type: ignore[arg-type]
    return value.__index__()  # type: ignore[no-any-return]


def _inplace(ufunc: str) -> Callable[[DimArray, Any], DimArray]:
    """``x op= y``: written into x's own memory (views included), y converted
    to x's unit first. A result in a unit x cannot hold (``m *= m``) is a
    new array bound to the name, as ``x = x * y``, when no other array
    shares x's memory; otherwise it raises before anything is written."""

    def op(self: DimArray, other: Any) -> DimArray:
        return _core._inplace(self, other, ufunc)

    op.__name__ = f"__i{ufunc}__"
    return op


_INPLACE = {
    "__iadd__": "add",
    "__isub__": "subtract",
    "__imul__": "multiply",
    "__itruediv__": "divide",
    "__ifloordiv__": "floor_divide",
    "__imod__": "remainder",
    "__ipow__": "power",
    "__imatmul__": "matmul",
    "__iand__": "bitwise_and",
    "__ior__": "bitwise_or",
    "__ixor__": "bitwise_xor",
    "__ilshift__": "left_shift",
    "__irshift__": "right_shift",
}


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


def _repr_inline_(self: DimArray, max_width: int) -> str:
    """One line for xarray's Dataset repr: the unit, then the values that fit."""
    from xarray.core.formatting import format_array_flat

    unit = _unit_text(self) or "1"
    return f"[{unit}] {format_array_flat(self._data, max(max_width - len(unit) - 3, 4))}"


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
    return _functions.apply(func, args, kwargs, NUMPY)


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


def from_timedelta(x: Any) -> DimArray:
    """A DimArray of durations from a NumPy ``timedelta64`` array, in the
    time unit NumPy stores it in (``NaT`` becomes nan).

    >>> import numpy as np
    >>> from dimtensor import DimArray
    >>> DimArray.from_timedelta(np.array([1500, 250], dtype="timedelta64[ms]"))
    DimArray([1500.,  250.], unit='ms')
    """
    x = np.asarray(x)
    if x.dtype.kind != "m":
        raise TypeError(f"from_timedelta needs a timedelta64 array, not {x.dtype}")
    base, count = np.datetime_data(x.dtype)
    if base == "W":
        base, count = "D", 7 * count
    units = {"D": "day", "h": "h", "m": "min", "s": "s", "ms": "ms", "us": "µs", "ns": "ns"}
    if base not in units:
        raise TypeError(
            f"timedelta64[{base}] has no fixed length in dimtensor's units (months and years "
            "vary); convert it to days or seconds first"
        )
    values = x.astype(np.int64).astype(np.float64)
    values[np.isnat(x)] = np.nan
    return _wrap(values * count if count != 1 else values, _core.parse_unit(units[base]))


def sqrt(self: DimArray) -> DimArray:
    return np.sqrt(self)


def tolist(self: DimArray) -> Any:
    """Nested lists of 0-d DimArrays (each element keeps the unit; plain
    numbers would drop it); ``DimArray(x.tolist())`` gives ``x`` back. A 0-d
    array gives itself, as ``item()``.

    >>> from dimtensor import DimArray
    >>> DimArray([[1.0, 2.0]], "m").tolist()
    [[DimArray(1., unit='m'), DimArray(2., unit='m')]]
    """
    unit = self.unit

    def nested(values: Any) -> Any:
        if np.ndim(values) == 0:
            return _wrap(np.asarray(values), unit)
        return [nested(row) for row in values]

    return nested(self._data)


def item(self: DimArray, *args: Any) -> DimArray:
    """One element as a 0-d DimArray (``ndarray.item`` would give a bare
    number without the unit); ``float(x.item())`` works when dimensionless.

    >>> from dimtensor import DimArray
    >>> DimArray([1.5, 2.5], "s").item(1)
    DimArray(2.5, unit='s')
    """
    return _wrap(np.asarray(self._data.item(*args)), self.unit)


def sort(self: DimArray, axis: int = -1, kind: Any = None, order: Any = None) -> None:
    """Sorts in place (``ndarray.sort``); the unit is kept."""
    self._data.sort(axis=axis, kind=kind, order=order)


def partition(self: DimArray, kth: Any, axis: int = -1, kind: str = "introselect") -> None:
    """Partitions in place (``ndarray.partition``); the unit is kept."""
    self._data.partition(kth, axis=axis, kind=kind)


def compress(self: DimArray, condition: Any, axis: int | None = None) -> DimArray:
    """The elements where ``condition`` holds (``numpy.compress``); the unit is kept."""
    return np.compress(condition, self, axis=axis)  # type: ignore[no-any-return]


def conj(self: DimArray) -> DimArray:
    """The complex conjugate; the unit is kept."""
    return np.conjugate(self)  # type: ignore[no-any-return]


def fill(self: DimArray, value: Any) -> None:
    """Every element set to ``value``, converted to this array's unit (the
    scalars 0, ±inf and nan fit any unit).

    >>> from dimtensor import DimArray, units as u
    >>> x = DimArray([1.0, 2.0], "m")
    >>> x.fill(DimArray(0.5, "km"))
    >>> x
    DimArray([500., 500.], unit='m')
    """
    self._data.fill(_assignable(self, value))


def nonzero(self: DimArray) -> tuple[np.ndarray, ...]:
    """The indices of the nonzero elements (``numpy.nonzero``): plain integers."""
    return np.nonzero(self)  # type: ignore[no-any-return]


def searchsorted(self: DimArray, v: Any, side: str = "left", sorter: Any = None) -> Any:
    """Where ``v`` (converted to this unit) would be inserted to keep order."""
    return np.searchsorted(self, v, side=side, sorter=sorter)


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


def to_jax(self: DimArray) -> Any:
    """A :class:`dimtensor.jax.DimArray` (JAX imports the values through
    DLPack: no copy on the CPU when the memory suits it)."""
    return _backend.convert_to(self, "jax")


def to_torch(self: DimArray) -> Any:
    """A :class:`dimtensor.torch.DimTensor` sharing the values' memory
    (``torch.from_numpy``; a read-only array is copied)."""
    return _backend.convert_to(self, "torch")


def to_numpy(self: DimArray) -> DimArray:
    """Itself (the NumPy array type; for symmetry with the JAX and torch ones)."""
    return self


_METHODS: dict[str, Any] = {
    **{dunder: _inplace(ufunc) for dunder, ufunc in _INPLACE.items()},
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
    "_repr_inline_": _repr_inline_,
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
    "to_jax": to_jax,
    "to_torch": to_torch,
    "to_numpy": to_numpy,
    "astype": astype,
    "copy": copy,
    "dot": dot,
    "clip": clip,
    "round": _reduce(np.round),
    "from_timedelta": staticmethod(from_timedelta),
    "sqrt": sqrt,
    "tolist": tolist,
    "item": item,
    "sort": sort,
    "fill": fill,
    "nonzero": nonzero,
    "searchsorted": searchsorted,
    "T": property(_transposed, doc="Transposed view; the unit is kept."),
    "mT": property(_matrix_transposed, doc="Last two axes swapped; the unit is kept."),
    # memory layout, as ndarray's (no values leave through them)
    "nbytes": property(lambda self: self._data.nbytes, doc="Bytes of the values (ndarray's)."),
    "itemsize": property(lambda self: self._data.itemsize, doc="Bytes per element (ndarray's)."),
    "strides": property(lambda self: self._data.strides, doc="Bytes to step per axis (ndarray's)."),
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
    **{
        name: _reduce(getattr(np, name))
        for name in ("argsort", "argpartition", "diagonal", "trace", "take", "repeat", "put")
    },
    "compress": compress,
    "partition": partition,
    "conj": conj,
    "conjugate": conj,
    "real": property(lambda self: np.real(self), doc="The real part; the unit is kept."),
    "imag": property(lambda self: np.imag(self), doc="The imaginary part; the unit is kept."),
    **{m: _shape_method(m) for m in ("reshape", "transpose", "flatten", "squeeze", "ravel")},
    "swapaxes": _shape_method("swapaxes"),
}


def install() -> None:
    """Attach the methods above to the Rust DimArray type (once)."""
    for name, method in _METHODS.items():
        setattr(DimArray, name, method)
    DimArray.__hash__ = None  # mutable values: unhashable, like ndarray
    DimArray.__array_priority__ = 20.0
