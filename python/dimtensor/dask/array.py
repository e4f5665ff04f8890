"""``DaskDimArray``: a lazy, chunked dask array with a unit.

The unit is metadata outside the task graph: wrapping adds no task and no
layer. Every unit decision (result unit, conversion factors, errors) is made
by the core's rule table while the expression is built, so a unit mistake
fails before anything runs. Conversions are folded into the same elementwise
step as the operation: the graph has exactly the tasks raw dask would build,
and an operation that needs no conversion *is* dask's own operation.

NumPy functions (``__array_function__``) follow the rules of ``DimArray``
(``dimtensor._array_functions``), with the helpers defined there; then the
NumPy function itself is called on the dask arrays, so dask dispatches it
exactly as it would for raw dask code. Only functions that dask evaluates
lazily are listed: for the others dask would compute, so they raise.

>>> import numpy as np
>>> from dimtensor.dask import DaskDimArray
>>> p = DaskDimArray(np.full(4, 1013.25), "hPa", chunks=2)
>>> t = DaskDimArray(np.full(4, 20.0), "degC", chunks=2)
>>> p.to("Pa").compute()
DimArray([101325., 101325., 101325., 101325.], unit='Pa')
>>> p + t
Traceback (most recent call last):
dimtensor.errors.DimensionError: add needs operands of the same dimension, got 'hPa' ... '°C' [Θ]
"""

from __future__ import annotations

import functools
import math
import operator
import sys
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

import dask
import dask.array as da
import numpy as np
from dask.array.core import elemwise, handle_out

from dimtensor import _core, _fusion
from dimtensor._array_functions import (
    _LINALG,
    _PERCENT,
    _PRODUCTS,
    REDUCTIONS,
    _clip_operands,
    _gradient_units,
    _interval,
    _isin_operands,
    _named,
    _param_names,
    _product,
    _reduced_count,
    _rule_unit,
    _tolerances,
)
from dimtensor._core import DimArray, Unit
from dimtensor.errors import UnitStrippedError

__all__ = ["DaskDimArray", "blockwise", "concatenate", "dot", "stack"]

_ONE = Unit.parse("")
_IDENTITY = (1.0, 0.0)


def _as_unit(unit: Unit | str | None) -> Unit:
    if unit is None:
        return _ONE
    return unit if isinstance(unit, Unit) else Unit.parse(unit)


def _converted(
    ufunc: Any, convs: Sequence[tuple[float, float]], *blocks: Any, **kwargs: Any
) -> Any:
    """One chunk: each input converted (``a·x + b``), then the ufunc."""
    args = [
        x if (a, b) == _IDENTITY else (np.multiply(x, a) + b if b else np.multiply(x, a))
        for x, (a, b) in zip(blocks, convs, strict=True)
    ]
    return ufunc(*args, **kwargs)


def _affine(x: Any, a: float, b: float) -> Any:
    return np.multiply(x, a) + b if b else np.multiply(x, a)


def _finalize(
    results: Any, finalize: Callable[..., Any], args: tuple[Any, ...], unit: Unit
) -> DimArray:
    values = finalize(results, *args)
    if _on_remote_worker():
        # Sent back to the client as raw memory, as an ndarray would be.
        from dimtensor.dask.transfer import computed

        return computed(values, unit)
    return _core._wrap(values, unit)


def _on_remote_worker() -> bool:
    """Whether this runs in a dask.distributed worker that is not in the
    client's process (whose results cross a connection)."""
    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:
        return False
    return not str(worker.address).startswith("inproc://")


def _rebuild(
    dsk: Any, rebuild: Callable[..., Any], args: tuple[Any, ...], unit: Unit, rename: Any = None
) -> DaskDimArray:
    return DaskDimArray(rebuild(dsk, *args, rename=rename), unit)


def _function_method(func: Callable[..., Any]) -> Callable[..., Any]:
    """A method that is ``func(self, ...)``: the lazy implementation of the
    NumPy function is the one place for its rule (as for DimArray)."""

    def method(self: DaskDimArray, *args: Any, **kwargs: Any) -> Any:
        return _LAZY_FUNCTIONS[func](self, *args, **kwargs)

    method.__name__ = func.__name__
    method.__doc__ = f"``numpy.{func.__name__}(self, ...)`` lazily, with units."
    return method


class DaskDimArray:
    """A dask array with a unit (see API.md §6).

    ``DaskDimArray(data, unit=None, chunks="auto")`` accepts a dask array,
    a DimArray (its unit is kept unless ``unit`` converts it), NumPy data,
    lists and scalars.
    """

    # _arr: the dask array, or None while _pending (a fused chain of
    # elementwise operations, see _fusion) has not been turned into one.
    __slots__ = ("_arr", "_pending", "_unit")
    # Tells DimArray's operators to let this type handle mixed expressions.
    __dimtensor_lazy__ = True
    __array_priority__ = 30.0

    def __init__(self, data: Any, unit: Unit | str | None = None, chunks: Any = "auto") -> None:
        own: Unit | None
        self._pending: _Pending | None = None
        target = data._unit if isinstance(data, DaskDimArray) and unit is None else unit
        if (
            isinstance(data, DaskDimArray)
            and data._fusable()
            and (data._arr is None or data._unit.conversion_affine(target) != _IDENTITY)
        ):
            # A conversion joins the fused chain (one task per chunk in all).
            target = _as_unit(target)
            a, b = data._unit.conversion_affine(target)
            self._arr = None
            # Truth values stay truth values unless numbers are made of them.
            boolean = data.dtype == np.bool_ and (a, b) == _IDENTITY
            self._pending = data._pending_like(_fusion.affine(data._node(), a, b), boolean)
            self._unit = target
            return
        if isinstance(data, DaskDimArray):
            arr, own = data._data, data._unit
        elif isinstance(data, DimArray):
            arr, own = da.from_array(data._data, chunks=chunks), data.unit
        elif isinstance(data, da.Array):
            arr, own = data, None
        else:
            arr, own = da.from_array(np.asarray(data), chunks=chunks), None
        if own is not None and unit is not None:
            target = _as_unit(unit)
            arr = _lazy_affine(arr, *own.conversion_affine(target))
            own = target
        self._arr: da.Array | None = arr
        self._unit: Unit = own if own is not None else _as_unit(unit)

    # ---- fusion (see dimtensor._fusion) -------------------------------------
    @property
    def _data(self) -> da.Array:
        """The dask array of magnitudes (a pending fused chain becomes one
        blockwise layer: one task per chunk)."""
        if self._arr is None:
            assert self._pending is not None
            self._arr = self._pending.materialize()
        return self._arr

    @_data.setter
    def _data(self, value: da.Array) -> None:
        self._arr, self._pending = value, None

    def _fusable(self) -> bool:
        """Whether elementwise operations on this array can join a fused chain."""
        if self._pending is not None:
            return True
        arr = self._arr
        return arr is not None and arr.dtype in _fusion.FLOATS and not math.isnan(arr.size)

    def _node(self) -> Any:
        return self._pending.node if self._pending is not None else ("leaf", self._arr)

    def _pending_like(self, node: Any, boolean: bool = False, dtype: Any = None) -> _Pending:
        shape, chunks = self.shape, self.chunks
        return _Pending(node, shape, chunks, np.dtype(dtype or self._compute_dtype()), boolean)

    def _compute_dtype(self) -> np.dtype[Any]:
        if self._pending is not None:
            return self._pending.dtype
        return self._data.dtype

    @classmethod
    def _from_pending(cls, pending: _Pending, unit: Unit) -> DaskDimArray:
        obj = cls.__new__(cls)
        obj._arr, obj._pending, obj._unit = None, pending, unit
        return obj

    # ---- properties -------------------------------------------------------
    @property
    def data(self) -> da.Array:
        """The dask array of magnitudes, in ``unit``."""
        return self._data

    @property
    def unit(self) -> Unit:
        return self._unit

    @property
    def dimension(self) -> Any:
        return self._unit.dimension

    @property
    def is_dimensionless(self) -> bool:
        return self._unit.is_dimensionless

    @property
    def shape(self) -> tuple[Any, ...]:
        return self._pending.shape if self._arr is None and self._pending else self._data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> Any:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        if self._arr is None and self._pending is not None:
            return np.dtype(bool) if self._pending.boolean else self._pending.dtype
        return self._data.dtype

    @property
    def chunks(self) -> tuple[tuple[Any, ...], ...]:
        return self._pending.chunks if self._arr is None and self._pending else self._data.chunks

    @property
    def chunksize(self) -> tuple[Any, ...]:
        return self._data.chunksize

    def magnitude(self) -> da.Array:
        """The dask array of magnitudes (no copy, nothing computed)."""
        return self._data

    # ---- dask collection protocol (delegated; the unit rides along) -------
    def __dask_graph__(self) -> Any:
        return self._data.__dask_graph__()

    def __dask_keys__(self) -> Any:
        return self._data.__dask_keys__()

    def __dask_layers__(self) -> Any:
        return self._data.__dask_layers__()

    def __dask_tokenize__(self) -> Any:
        return (dask.base.tokenize(self._data), self._unit.to_string("ascii"), self._unit.scale)

    __dask_optimize__ = staticmethod(da.Array.__dask_optimize__)
    __dask_scheduler__ = staticmethod(da.Array.__dask_scheduler__)

    def __dask_postcompute__(self) -> Any:
        finalize, args = self._data.__dask_postcompute__()
        return _finalize, (finalize, args, self._unit)

    def __dask_postpersist__(self) -> Any:
        rebuild, args = self._data.__dask_postpersist__()
        return _rebuild, (rebuild, args, self._unit)

    def compute(self, **kwargs: Any) -> DimArray:
        """Run the graph; a DimArray (0-d for full reductions).

        The dask array of magnitudes is computed exactly as raw dask code
        would compute it, and the unit attached where the result arrives:
        on a dask.distributed cluster nothing but the numbers travels, as
        fast as raw dask. A fused chain on a local scheduler writes each
        chunk straight into the preallocated result instead (no second copy).
        """
        if self._arr is None and self._pending is not None and set(kwargs) <= {"scheduler"}:
            from dimtensor.dask import graphs

            get = graphs.local_get(self, kwargs.get("scheduler"))
            if get is not None:
                return _core._wrap(self._pending.compute_into(get), self._unit)
        (values,) = dask.base.compute(self._data, **kwargs)
        return _core._wrap(values, self._unit)

    def persist(self, **kwargs: Any) -> DaskDimArray:
        (result,) = dask.base.persist(self, **kwargs)
        return result  # type: ignore[no-any-return]

    def visualize(self, **kwargs: Any) -> Any:
        """dask's drawing of the task graph (needs graphviz's ``dot``)."""
        return self._data.visualize(**kwargs)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (DaskDimArray, (self._data, self._unit))

    # ---- conversion -------------------------------------------------------
    def to(self, unit: Unit | str) -> DaskDimArray:
        """Lazily converted to ``unit`` (one elementwise step, no extra layer
        when the factor is 1)."""
        return DaskDimArray(self, unit)

    def to_base_units(self) -> DaskDimArray:
        return self.to(self._unit.to_base())

    def to_dimarray(self, **kwargs: Any) -> DimArray:
        return self.compute(**kwargs)

    def astype(self, dtype: Any, **kwargs: Any) -> DaskDimArray:
        """The magnitudes cast to ``dtype``; the unit is kept."""
        return DaskDimArray(self._data.astype(dtype, **kwargs), self._unit)

    def copy(self) -> DaskDimArray:
        """A new DaskDimArray on the same graph (dask arrays are immutable)."""
        return DaskDimArray(self._data.copy(), self._unit)

    # ---- ufuncs -----------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.pop("out", None)
        if "where" in kwargs:
            kwargs["where"] = _plain(kwargs["where"])
        if method in ("__call__", "outer"):
            return _apply_ufunc(ufunc, inputs, kwargs, method=method, out=out)
        name = ufunc.__name__
        func = _UFUNC_REDUCTIONS.get((name, method))
        if func is None or len(inputs) != 1:
            raise TypeError(
                f"dimtensor has no lazy unit rule for numpy.{name}.{method} on a DaskDimArray; "
                "use .magnitude() (the dask array) and attach the unit you expect"
            )
        if out is not None:
            kwargs["out"] = out[0] if isinstance(out, tuple) else out
            _check_out_type(kwargs["out"], f"{name}.{method}")
        kwargs.setdefault("axis", 0)  # the default axis of ufunc.reduce / accumulate
        return _LAZY_FUNCTIONS[func](inputs[0], **kwargs)

    def __add__(self, other: Any) -> Any:
        return _apply_ufunc(np.add, (self, other))

    def __radd__(self, other: Any) -> Any:
        return _apply_ufunc(np.add, (other, self))

    def __sub__(self, other: Any) -> Any:
        return _apply_ufunc(np.subtract, (self, other))

    def __rsub__(self, other: Any) -> Any:
        return _apply_ufunc(np.subtract, (other, self))

    def __mul__(self, other: Any) -> Any:
        return _apply_ufunc(np.multiply, (self, other))

    def __rmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.multiply, (other, self))

    def __truediv__(self, other: Any) -> Any:
        return _apply_ufunc(np.divide, (self, other))

    def __rtruediv__(self, other: Any) -> Any:
        return _apply_ufunc(np.divide, (other, self))

    def __floordiv__(self, other: Any) -> Any:
        return _apply_ufunc(np.floor_divide, (self, other))

    def __rfloordiv__(self, other: Any) -> Any:
        return _apply_ufunc(np.floor_divide, (other, self))

    def __mod__(self, other: Any) -> Any:
        return _apply_ufunc(np.remainder, (self, other))

    def __rmod__(self, other: Any) -> Any:
        return _apply_ufunc(np.remainder, (other, self))

    def __pow__(self, other: Any) -> Any:
        return _apply_ufunc(np.power, (self, other))

    def __rpow__(self, other: Any) -> Any:
        return _apply_ufunc(np.power, (other, self))

    def __matmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.matmul, (self, other))

    def __rmatmul__(self, other: Any) -> Any:
        return _apply_ufunc(np.matmul, (other, self))

    def __lt__(self, other: Any) -> Any:
        return _apply_ufunc(np.less, (self, other))

    def __le__(self, other: Any) -> Any:
        return _apply_ufunc(np.less_equal, (self, other))

    def __gt__(self, other: Any) -> Any:
        return _apply_ufunc(np.greater, (self, other))

    def __ge__(self, other: Any) -> Any:
        return _apply_ufunc(np.greater_equal, (self, other))

    def __eq__(self, other: object) -> Any:
        return _apply_ufunc(np.equal, (self, other))

    def __ne__(self, other: object) -> Any:
        return _apply_ufunc(np.not_equal, (self, other))

    def __neg__(self) -> Any:
        return _apply_ufunc(np.negative, (self,))

    def __pos__(self) -> Any:
        return _apply_ufunc(np.positive, (self,))

    def __abs__(self) -> Any:
        return _apply_ufunc(np.absolute, (self,))

    def __invert__(self) -> Any:
        return _apply_ufunc(np.invert, (self,))

    def __and__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_and, (self, other))

    def __rand__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_and, (other, self))

    def __or__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_or, (self, other))

    def __ror__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_or, (other, self))

    def __xor__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_xor, (self, other))

    def __rxor__(self, other: Any) -> Any:
        return _apply_ufunc(np.bitwise_xor, (other, self))

    def __lshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.left_shift, (self, other))

    def __rlshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.left_shift, (other, self))

    def __rshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.right_shift, (self, other))

    def __rrshift__(self, other: Any) -> Any:
        return _apply_ufunc(np.right_shift, (other, self))

    __hash__ = None  # type: ignore[assignment]

    def conj(self) -> Any:
        return _apply_ufunc(np.conjugate, (self,))

    conjugate = conj

    @property
    def real(self) -> DaskDimArray:
        return _LAZY_FUNCTIONS[np.real](self)  # type: ignore[no-any-return]

    @property
    def imag(self) -> DaskDimArray:
        return _LAZY_FUNCTIONS[np.imag](self)  # type: ignore[no-any-return]

    # ---- reductions (each the NumPy function's lazy rule) -------------------
    sum = _function_method(np.sum)
    mean = _function_method(np.mean)
    std = _function_method(np.std)
    var = _function_method(np.var)
    min = _function_method(np.min)
    max = _function_method(np.max)
    ptp = _function_method(np.ptp)
    prod = _function_method(np.prod)
    argmin = _function_method(np.argmin)
    argmax = _function_method(np.argmax)
    cumsum = _function_method(np.cumsum)
    cumprod = _function_method(np.cumprod)
    any = _function_method(np.any)
    all = _function_method(np.all)
    round = _function_method(np.round)
    squeeze = _function_method(np.squeeze)
    ravel = _function_method(np.ravel)
    swapaxes = _function_method(np.swapaxes)
    repeat = _function_method(np.repeat)

    def clip(self, min: Any = None, max: Any = None, **kwargs: Any) -> Any:
        """``numpy.clip(self, min, max)``: bounds converted to this unit."""
        return _clip(self, min, max, **kwargs)

    def dot(self, other: Any) -> Any:
        """``numpy.dot(self, other)`` lazily; the units multiply."""
        return _LAZY_FUNCTIONS[np.dot](self, other)

    def matmul(self, other: Any) -> Any:
        """``self @ other`` lazily; the units multiply."""
        return _apply_ufunc(np.matmul, (self, other))

    def sqrt(self) -> Any:
        """``numpy.sqrt(self)`` lazily: the unit's square root (``m²`` → ``m``).

        >>> import numpy as np
        >>> v = DaskDimArray(np.array([[3.0, 4.0], [6.0, 8.0]]), "m/s", chunks=1)
        >>> (v**2).sum(axis=1).sqrt().compute()
        DimArray([ 5., 10.], unit='m/s')
        """
        return _apply_ufunc(np.sqrt, (self,))

    def abs(self) -> Any:
        """``numpy.absolute(self)`` lazily; the unit is kept."""
        return _apply_ufunc(np.absolute, (self,))

    def norm(self, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
        """``numpy.linalg.norm`` lazily, in this array's unit (as ``dimtensor.norm``)."""
        return _LAZY_FUNCTIONS[np.linalg.norm](self, ord=ord, axis=axis, keepdims=keepdims)

    # ---- shape ------------------------------------------------------------
    def __getitem__(self, key: Any) -> DaskDimArray:
        return DaskDimArray(self._data[_plain_key(key)], self._unit)

    def __setitem__(self, key: Any, value: Any) -> None:
        """Lazy assignment (dask's): ``value`` converted to this array's unit."""
        _, convs = _core.same_unit_plan("assignment", [self._unit, _unit_of(value)])
        self._data[_plain_key(key)] = _lazy_affine(_raw(value), *convs[1])

    def rechunk(self, *args: Any, **kwargs: Any) -> DaskDimArray:
        return DaskDimArray(self._data.rechunk(*args, **kwargs), self._unit)

    def reshape(self, *args: Any, **kwargs: Any) -> DaskDimArray:
        return DaskDimArray(self._data.reshape(*args, **kwargs), self._unit)

    def transpose(self, *axes: Any) -> DaskDimArray:
        return DaskDimArray(self._data.transpose(*axes), self._unit)

    def flatten(self) -> DaskDimArray:
        return DaskDimArray(self._data.flatten(), self._unit)

    @property
    def T(self) -> DaskDimArray:
        return DaskDimArray(self._data.T, self._unit)

    @property
    def mT(self) -> DaskDimArray:
        """The last two axes swapped; the unit is kept."""
        return DaskDimArray(self._data.swapaxes(-1, -2), self._unit)

    def __len__(self) -> int:
        return len(self._data)

    # ---- Array API standard array object ------------------------------------
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The Array API namespace of DaskDimArray (:mod:`dimtensor.array_api.lazy`)."""
        from dimtensor.array_api import API_VERSION, lazy

        if api_version not in (None, API_VERSION):
            raise ValueError(f"dimtensor implements the Array API {API_VERSION}, not {api_version}")
        return lazy

    @property
    def device(self) -> str:
        return "cpu"

    def to_device(self, device: Any, /, *, stream: Any = None) -> DaskDimArray:
        if device != "cpu" or stream is not None:
            raise ValueError(f"DaskDimArray lives on the cpu, not on {device!r}")
        return self

    def __dlpack__(
        self,
        /,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: Any = None,
        copy: bool | None = None,
    ) -> Any:
        """A lazy array has no memory to share: ``compute()`` first."""
        raise BufferError(
            "a lazy DaskDimArray has no memory to share through DLPack; call .compute() "
            "first (and .to_value(unit) for plain numbers)"
        )

    def __dlpack_device__(self, /) -> tuple[int, int]:
        return (1, 0)  # kDLCPU, device 0: where compute() puts the values

    def _eager_only(self, what: str) -> Any:
        """``bool()``/``float()``/… would compute: refused, unless dask's
        config says ``dimtensor.lazy-scalars: compute`` (environment variable
        ``DASK_DIMTENSOR__LAZY_SCALARS=compute``), which test suites that read
        every result through ``float()`` (Array API conformance) need."""
        if dask.config.get("dimtensor.lazy-scalars", "raise") == "compute":
            return getattr(self.compute(), f"__{what}__")()
        raise TypeError(
            f"{what}() of a lazy DaskDimArray would compute it; call .compute() first "
            "(generic code should branch on values with where() instead)"
        )

    def __bool__(self) -> bool:
        return self._eager_only("bool")  # type: ignore[no-any-return]

    def __float__(self) -> float:
        return self._eager_only("float")  # type: ignore[no-any-return]

    def __int__(self) -> int:
        return self._eager_only("int")  # type: ignore[no-any-return]

    def __complex__(self) -> complex:
        return self._eager_only("complex")  # type: ignore[no-any-return]

    def __index__(self) -> int:
        return self._eager_only("index")  # type: ignore[no-any-return]

    # ---- NumPy protocols --------------------------------------------------
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """Computes, like a dask array; refused when a unit would be dropped."""
        if not self.is_dimensionless:
            raise UnitStrippedError(
                f"converting a DaskDimArray in '{self._unit}' to a plain array would drop its "
                "unit (and compute it); use .compute() for a DimArray or .magnitude() for the "
                "dask array of numbers"
            )
        return np.asarray(self.to("").compute()._data, dtype=dtype)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        impl = _LAZY_FUNCTIONS.get(func)
        if impl is None:
            name = getattr(func, "__name__", repr(func))
            module = getattr(func, "__module__", "numpy") or "numpy"
            prefix = "numpy.linalg." if module.endswith("linalg") else "numpy."
            raise TypeError(
                f"dimtensor has no lazy unit rule for {prefix}{name} on a DaskDimArray; "
                "use .magnitude() (the dask array) and attach the unit you expect"
            )
        return impl(*args, **kwargs)

    def to_zarr(self, store: Any, component: str | None = None, **kwargs: Any) -> Any:
        """Write the data and its ``units`` attribute (CF syntax) to zarr."""
        from dimtensor.dask.zarr_io import to_zarr

        return to_zarr(self, store, component=component, **kwargs)

    @classmethod
    def from_zarr(
        cls,
        url_or_store: Any,
        component: str | None = None,
        unit: Unit | str | None = None,
        storage_options: dict[str, Any] | None = None,
        chunks: Any = None,
    ) -> DaskDimArray:
        """A zarr array opened lazily, its unit from the ``units`` attribute
        (the same as :func:`dimtensor.dask.from_zarr`).

        ``url_or_store``: a path, an fsspec URL (``s3://``, ``file://``,
        ``memory://``…, with ``storage_options`` for its filesystem), a zarr
        store or a ``zarr.Array``. ``unit`` converts from the attribute's
        unit, or overrides an attribute that is not a unit (with a warning).

        >>> import numpy as np
        >>> DaskDimArray(np.full(4, 15.0), "degC", chunks=2).to_zarr("memory://doc/t.zarr")
        >>> t = DaskDimArray.from_zarr("memory://doc/t.zarr", unit="K")
        >>> t.compute()
        DimArray([288.15, 288.15, 288.15, 288.15], unit='K')
        """
        from dimtensor.dask.zarr_io import from_zarr

        return from_zarr(url_or_store, component, unit, storage_options, chunks)

    # ---- constructors (API.md §6) ----------------------------------------
    @classmethod
    def from_array(
        cls, x: Any, unit: Unit | str | None = None, chunks: Any = "auto"
    ) -> DaskDimArray:
        return cls(da.from_array(np.asarray(x), chunks=chunks), unit)

    @classmethod
    def from_dimarray(cls, x: DimArray, chunks: Any = "auto") -> DaskDimArray:
        return cls(da.from_array(x._data, chunks=chunks), x.unit)

    @classmethod
    def from_delayed(
        cls, value: Any, shape: tuple[int, ...], dtype: Any, unit: Unit | str | None = None
    ) -> DaskDimArray:
        return cls(da.from_delayed(value, shape, dtype=dtype), unit)

    @classmethod
    def zeros(cls, shape: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.zeros(shape, **kwargs), unit)

    @classmethod
    def ones(cls, shape: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.ones(shape, **kwargs), unit)

    @classmethod
    def arange(cls, *args: Any, unit: Unit | str | None = None, **kwargs: Any) -> DaskDimArray:
        return cls(da.arange(*args, **kwargs), unit)

    @classmethod
    def linspace(
        cls, start: Any, stop: Any, num: int = 50, unit: Unit | str | None = None, **kwargs: Any
    ) -> DaskDimArray:
        return cls(da.linspace(start, stop, num, **kwargs), unit)

    # ---- user kernels -----------------------------------------------------
    def map_blocks(
        self, func: Callable[..., Any], *args: Any, unit: Unit | str, **kwargs: Any
    ) -> DaskDimArray:
        """``dask.array.map_blocks`` on the magnitudes; ``unit`` is the unit
        of what ``func`` returns (dimtensor cannot know it)."""
        raw = [a._data if isinstance(a, DaskDimArray) else a for a in args]
        return DaskDimArray(da.map_blocks(func, self._data, *raw, **kwargs), _as_unit(unit))

    # ---- text -------------------------------------------------------------
    def __repr__(self) -> str:
        inner = repr(self._data)
        return f"DaskDimArray<{inner[len('dask.array<') :].rstrip('>')}, unit={str(self._unit)!r}>"

    def _repr_html_(self) -> str:
        import html

        table = self._data._repr_html_() if hasattr(self._data, "_repr_html_") else ""
        return f"<div><b>unit:</b> {html.escape(str(self._unit.simplified()))}</div>{table}"


# ---- operands ------------------------------------------------------------


def _quantity(x: Any) -> bool:
    return isinstance(x, (DaskDimArray, DimArray))


def _unit(x: Any) -> Unit:
    """The unit of ``x``; plain numbers and arrays are dimensionless."""
    return x.unit if isinstance(x, (DaskDimArray, DimArray)) else _ONE


def _unit_of(x: Any) -> Any:
    """What the rule table needs to know of an operand."""
    if isinstance(x, (DaskDimArray, DimArray)):
        return x.unit
    if isinstance(x, Unit):
        return x
    if isinstance(x, Number):
        return x  # bare scalars: 0, ±inf and nan meet any unit
    return None


def _raw(x: Any) -> Any:
    if isinstance(x, DaskDimArray):
        return x._data
    if isinstance(x, DimArray):
        # A 0-d value (a constant, a reduction) enters as a plain scalar, as
        # it would in raw dask code: NumPy's scalar path is the fast one.
        return x._data.item() if x.ndim == 0 else x._data
    if isinstance(x, Unit):
        return 1.0
    return x


def _plain(x: Any) -> Any:
    """An argument that carries no unit (a condition, a mask, indices): a
    dimensionless quantity's plain values; a unit here would be dropped."""
    if isinstance(x, DaskDimArray):
        if not x.is_dimensionless:
            raise UnitStrippedError(
                f"a DaskDimArray in '{x.unit}' cannot be used where plain numbers are "
                "expected (a condition, a mask, indices); its unit would be dropped"
            )
        return x.to(_ONE)._data
    if isinstance(x, DimArray):
        return np.asarray(x)
    return x


def _plain_key(key: Any) -> Any:
    if isinstance(key, tuple):
        return tuple(_plain(k) for k in key)
    return _plain(key)


def _lazy_affine(raw: Any, a: float, b: float) -> Any:
    """``a·raw + b``: one blockwise step for a dask array, nothing when the
    conversion is the identity, computed at once for (small) NumPy values."""
    if (a, b) == _IDENTITY:
        return raw
    if isinstance(raw, da.Array):
        return da.map_blocks(_affine, raw, a, b, dtype=np.result_type(raw.dtype, np.float64))
    return _affine(raw, a, b)


def _common(what: str, operands: Sequence[Any]) -> tuple[Unit | None, list[Any]]:
    """Every operand's magnitudes in one unit (the core's rule: that of the
    first operand other than the scalars 0, ±inf, nan); None when all are
    plain. Raises ``DimensionError`` before any graph is touched."""
    unit, convs = _core.same_unit_plan(what, [_unit_of(o) for o in operands])
    return unit, [_lazy_affine(_raw(o), a, b) for o, (a, b) in zip(operands, convs, strict=True)]


def _in_unit(what: str, value: Any, unit: Unit) -> Any:
    """The magnitudes of ``value`` in ``unit`` (the scalars 0, ±inf and nan
    pass as they are; plain numbers are dimensionless)."""
    _, convs = _core.same_unit_plan(what, [unit, _unit_of(value)])
    return _lazy_affine(_raw(value), *convs[1])


# ---- results and out= ------------------------------------------------------


def _out_conversion(out: Any, unit: Unit | None, what: str) -> tuple[float, float]:
    """Checks ``out=`` before anything is built; the conversion of the result
    into out's unit. dask's own ``out=`` takes a dask array and rebinds it to
    the result; a NumPy array or a DimArray cannot receive a lazy result."""
    _check_out_type(out, what)
    if isinstance(out, DaskDimArray):
        if unit is None:
            raise TypeError(f"{what}: this result has no unit; pass a plain dask array as out=")
        return unit.conversion_affine(out.unit)
    return _IDENTITY


def _check_out_type(out: Any, what: str) -> None:
    if out is not None and not isinstance(out, (DaskDimArray, da.Array)):
        raise TypeError(
            f"{what}: out= must be a DaskDimArray or a dask array, not {type(out).__name__}: "
            "a lazy result cannot be written into it without computing; call .compute() "
            "first, or leave out= out"
        )


def _deliver(
    values: Any, unit: Unit | None, out: Any = None, conv: tuple[float, float] = _IDENTITY
) -> Any:
    """``values`` with ``unit`` (None: a plain result), or written to ``out=``
    as dask does: the out array takes the result's graph (converted to out's
    unit for a DaskDimArray, as DimArray's out= converts)."""
    if out is None:
        return values if unit is None else DaskDimArray(values, unit)
    values = _lazy_affine(da.asarray(values), *conv)
    if isinstance(out, DaskDimArray):
        if out.shape != values.shape:
            raise ValueError(f"out= has shape {out.shape} but the result has shape {values.shape}")
        out._data = values
        return out
    handle_out(out, values)
    return out if unit is None else DaskDimArray(out, unit)


# ---- ufuncs ----------------------------------------------------------------

_OPERATORS: dict[Any, Callable[..., Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.divide: operator.truediv,
    np.floor_divide: operator.floordiv,
    np.remainder: operator.mod,
    np.power: operator.pow,
    np.matmul: operator.matmul,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
    np.negative: operator.neg,
    np.positive: operator.pos,
    np.absolute: operator.abs,
}

# ufunc methods that are reductions: the NumPy function whose lazy rule
# (and dask implementation) they stand for (the core's mapping for DimArray).
_UFUNC_REDUCTIONS: dict[tuple[str, str], Callable[..., Any]] = {
    ("add", "reduce"): np.sum,
    ("add", "accumulate"): np.cumsum,
    ("multiply", "reduce"): np.prod,
    ("multiply", "accumulate"): np.cumprod,
    ("maximum", "reduce"): np.max,
    ("minimum", "reduce"): np.min,
    ("fmax", "reduce"): np.nanmax,
    ("fmin", "reduce"): np.nanmin,
    ("logical_and", "reduce"): np.all,
    ("logical_or", "reduce"): np.any,
}


def _apply_ufunc(
    ufunc: Any,
    inputs: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    method: str = "__call__",
    out: Any = None,
) -> Any:
    """``ufunc(*inputs)`` (or ``ufunc.outer``) lazily, with the core's unit rules."""
    kwargs = kwargs or {}
    name = ufunc.__name__
    exponent = None
    if name in ("power", "pow", "float_power") and len(inputs) == 2:
        e = inputs[1]
        raw = _raw(e)
        if isinstance(raw, Number):
            exponent = float(raw)  # type: ignore[arg-type]
        elif isinstance(e, DimArray) and e.size == 1:
            exponent = float(e._data.reshape(()).item())
    convs, outs, constant = _core.ufunc_plan(name, [_unit_of(x) for x in inputs], exponent)
    targets = tuple(out) if isinstance(out, tuple) else (out,) * len(outs)
    out_convs = [_out_conversion(t, u, name) for t, u in zip(targets, outs, strict=True)]
    if method == "__call__" and not kwargs and out is None and constant is None:
        fused = _fuse(name, inputs, convs, outs)
        if fused is not None:
            return fused
    raw_inputs = [_raw(x) for x in inputs]
    if constant is not None:
        shapes = [np.shape(r) for r in raw_inputs]
        shape = sum(shapes, ()) if method == "outer" else np.broadcast_shapes(*shapes)
        result: Any = da.full(shape, constant, dtype=bool)
    elif method == "outer":
        converted = [_lazy_affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)]
        result = ufunc.outer(*converted, **kwargs)
    elif all(c == _IDENTITY for c in convs):
        # Nothing to convert: exactly what raw dask code would call (the
        # operator where there is one, e.g. ** reaches NumPy's x**2 fast path).
        op = _OPERATORS.get(ufunc) if not kwargs else None
        result = op(*raw_inputs) if op is not None else ufunc(*raw_inputs, **kwargs)
    elif len(outs) == 1:
        # Conversions folded into the one elementwise step of the operation.
        fn = functools.partial(_converted, ufunc, tuple(convs), **kwargs)
        functools.update_wrapper(fn, ufunc)
        result = elemwise(fn, *raw_inputs)
    else:
        converted = [_lazy_affine(r, *c) for r, c in zip(raw_inputs, convs, strict=True)]
        result = ufunc(*converted, **kwargs)
    results = (result,) if len(outs) == 1 else tuple(result)
    # Truth values stay DaskDimArrays (dimensionless), as DimArray's do: generic
    # (Array API) code mixes them with the operands.
    delivered = tuple(
        _deliver(r, _ONE if u is None and t is None else u, t, c)
        for r, u, t, c in zip(results, outs, targets, out_convs, strict=True)
    )
    return delivered[0] if len(outs) == 1 else delivered


# ---- NumPy functions (lazy) ------------------------------------------------

_LAZY_FUNCTIONS: dict[Any, Callable[..., Any]] = {}
_f: Any
_n: str


def _lazy(*funcs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the lazy implementation of NumPy functions for DaskDimArrays."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for f in funcs:
            _LAZY_FUNCTIONS[f] = impl
        return impl

    return register


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__name__", "?")


def _arg(func: Callable[..., Any], kw: dict[str, Any], name: str) -> Any:
    try:
        return kw[name]
    except KeyError:
        raise TypeError(f"{_name(func)}() missing required argument {name!r}") from None


def _call(func: Callable[..., Any], npos: int, kw: dict[str, Any]) -> Any:
    """``func`` called as it was (the first ``npos`` arguments positionally,
    the rest by name) on the converted arguments in ``kw``: NumPy then hands
    the dask arrays to dask, as for raw dask code."""
    args = []
    for n in _param_names(func)[:npos]:
        if n not in kw:
            break
        args.append(kw.pop(n))
    return func(*args, **kw)


def _keep(func: Callable[..., Any]) -> None:
    """``func`` rearranges, picks or rounds elements of its first argument."""
    first = _param_names(func)[0]

    @_lazy(func)
    def keep(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        a = _arg(func, kw, first)
        out = kw.pop("out", None)
        unit = a.unit if _quantity(a) else None
        conv = _out_conversion(out, unit, _name(func))
        for k, v in kw.items():
            kw[k] = _raw(a) if k == first else _plain(v)
        return _deliver(_call(func, len(args), kw), unit, out, conv)


for _f in (
    np.reshape,
    np.transpose,
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
    np.tile,
    np.repeat,
    np.take,
    np.round,
    np.around,
    np.broadcast_to,
    np.diagonal,
    np.diag,
    np.triu,
    np.tril,
    np.real,
    np.imag,
    np.zeros_like,
    np.ones_like,
    np.empty_like,
):
    _keep(_f)


@_lazy(np.copy)
def _copy(a: Any, *args: Any, **kwargs: Any) -> Any:
    # dask arrays are immutable: a copy is a new array object on the same graph.
    return a.copy() if isinstance(a, DaskDimArray) else np.copy(a, *args, **kwargs)


@_lazy(np.compress)
def _compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    unit = a.unit if _quantity(a) else None
    conv = _out_conversion(out, unit, "compress")
    return _deliver(np.compress(_plain(condition), _raw(a), axis=axis), unit, out, conv)


def _many(func: Callable[..., Any]) -> None:
    """``func(*arrays)``: each output keeps the unit of its input."""

    @_lazy(func)
    def many(*arrays: Any, **kwargs: Any) -> Any:
        res = func(*(_raw(x) for x in arrays), **kwargs)
        if len(arrays) == 1 and func in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
            return _deliver(res, _unit(arrays[0]) if _quantity(arrays[0]) else None)
        return type(res)(
            _deliver(r, x.unit if _quantity(x) else None) for r, x in zip(res, arrays, strict=True)
        )


for _f in (np.atleast_1d, np.atleast_2d, np.atleast_3d, np.meshgrid, np.broadcast_arrays):
    _many(_f)


@_lazy(np.unique)
def _unique(ar: Any, *args: Any, **kwargs: Any) -> Any:
    res = np.unique(_raw(ar), *args, **kwargs)
    unit = ar.unit if _quantity(ar) else None
    if isinstance(res, tuple):
        return (_deliver(res[0], unit), *res[1:])
    return _deliver(res, unit)


# ---- joining -----------------------------------------------------------------


def _join(func: Callable[..., Any]) -> None:
    first = _param_names(func)[0]

    @_lazy(func)
    def join(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        arrays = list(_arg(func, kw, first))
        if not arrays:
            raise ValueError(f"{_name(func)} needs at least one array")
        unit, kw[first] = _common(_name(func), arrays)
        if not any(_quantity(x) for x in arrays):
            unit = None
        out = kw.pop("out", None)
        conv = _out_conversion(out, unit, _name(func))
        return _deliver(_call(func, len(args), kw), unit, out, conv)


for _f in (np.concatenate, np.stack, np.hstack, np.vstack, np.dstack):
    _join(_f)


@_lazy(np.append)
def _append(arr: Any, values: Any, axis: Any = None) -> Any:
    unit, (a, v) = _common("append", [arr, values])
    return _deliver(np.append(a, v, axis=axis), unit)


def concatenate(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Lazily joined along ``axis``, converted to the first array's unit."""
    return _LAZY_FUNCTIONS[np.concatenate](arrays, axis=axis)


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Lazily stacked along a new ``axis``, converted to the first array's unit."""
    return _LAZY_FUNCTIONS[np.stack](arrays, axis=axis)


# ---- same-unit operands --------------------------------------------------------


@_lazy(np.where)
def _where(condition: Any, *xy: Any) -> Any:
    cond = _plain(condition)
    if not xy:
        return np.where(cond)
    if len(xy) != 2:
        raise ValueError("either both or neither of x and y should be given")
    unit, (x, y) = _common("where", xy)
    values = np.where(cond, x, y)
    return _deliver(values, unit if any(_quantity(v) for v in xy) else None)


@_lazy(np.clip)
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
    conv = _out_conversion(out, unit, "clip")
    return _deliver(np.clip(am, lo_m, hi_m, **kwargs), unit, out, conv)


def _is_zero(v: Any) -> bool:
    return isinstance(v, (int, float)) and v == 0


@_lazy(np.nan_to_num)
def _nan_to_num(
    x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None
) -> Any:
    unit = _unit(x)
    fills = {"nan": None if _is_zero(nan) else nan, "posinf": posinf, "neginf": neginf}
    given = {k: _in_unit("nan_to_num", v, unit) for k, v in fills.items() if v is not None}
    if given:
        # dask's nan_to_num takes no fill values: the same one step, with them.
        raw = _raw(x)
        values = da.map_blocks(np.nan_to_num, raw, copy=copy, dtype=raw.dtype, **given)
    else:
        values = np.nan_to_num(_raw(x))
    return _deliver(values, unit if _quantity(x) else None)


@_lazy(np.pad)
def _pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Any:
    unit = _unit(array)
    for k in ("constant_values", "end_values"):
        if k in kwargs:
            kwargs[k] = _in_unit("pad", kwargs[k], unit)
    values = np.pad(_raw(array), pad_width, mode, **kwargs)
    return _deliver(values, unit if _quantity(array) else None)


@_lazy(np.full_like)
def _full_like(a: Any, fill_value: Any, *args: Any, **kwargs: Any) -> Any:
    fill = _in_unit("full_like", fill_value, _unit(a))
    values = np.full_like(_raw(a), fill, *args, **kwargs)
    return _deliver(values, a.unit if _quantity(a) else None)


@_lazy(np.searchsorted)
def _searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    _, (am, vm) = _common("searchsorted", [a, v])
    if isinstance(am, da.Array) and not isinstance(vm, da.Array):
        vm = da.asarray(vm)  # dask's searchsorted takes dask arrays only
    return np.searchsorted(am, vm, side=side, sorter=_plain(sorter))  # type: ignore[call-overload]


@_lazy(np.isin)
def _isin(element: Any, test_elements: Any, *args: Any, **kwargs: Any) -> Any:
    operands, kw = _isin_operands(_common, element, test_elements, args, kwargs)
    if operands is None:
        return da.full(np.shape(_raw(element)), bool(kw.get("invert", False)))
    return np.isin(*operands, **kw)


@_lazy(np.isclose)
def _isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = None, equal_nan: bool = False) -> Any:
    unit, (am, bm) = _common("isclose", [a, b])
    rtol, atol = _tolerances("isclose", unit or _ONE, rtol, atol)
    return np.isclose(am, bm, rtol=rtol, atol=atol, equal_nan=equal_nan)


@_lazy(np.allclose)
def _allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = None, equal_nan: bool = False) -> Any:
    """A lazy 0-d boolean dask array (``bool()`` of it computes, as in dask)."""
    unit, (am, bm) = _common("allclose", [a, b])
    rtol, atol = _tolerances("allclose", unit or _ONE, rtol, atol)
    return np.allclose(am, bm, rtol=rtol, atol=atol, equal_nan=equal_nan)


# ---- reductions ----------------------------------------------------------------


def _quantile_q(q: Any, percent: bool) -> Any:
    """``q`` as NumPy expects it: a fraction (quantile) or percent (percentile)."""
    if not _quantity(q):
        return q
    return _raw(q.to(_PERCENT if percent else _ONE))


def _product_count(name: str, a: Any, kw: dict[str, Any]) -> int | None:
    """How many factors each product has, when it is known without computing:
    not with a ``where=`` mask, an unknown chunk size, or when a nan-product
    skips NaNs it may hold (then only pure numbers are accepted)."""
    if kw.get("where", True) is not True:
        return None
    if name.startswith("nan") and np.dtype(a.dtype).kind in "fc":
        return None
    if any(isinstance(s, float) and math.isnan(s) for s in a.shape):
        return None
    return _reduced_count(a.shape, kw.get("axis")) + (1 if kw.get("include_initial") else 0)


def _reduction(func: Callable[..., Any], name: str) -> None:
    """``func`` reduces its first argument; the unit rule is the core's ``name``."""
    first = _param_names(func)[0]
    product = name in _PRODUCTS

    @_lazy(func)
    def reduction(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        a = _arg(func, kw, first)
        out = kw.pop("out", None)
        unit = None
        if _quantity(a):
            count = _product_count(name, a, kw) if product else None
            unit = _core.reduction_unit(name, a.unit, count)
        if "initial" in kw:
            # Sums and extrema start from a value in the array's unit; a
            # product from a pure number.
            kw["initial"] = _in_unit(name, kw["initial"], _ONE if product else _unit(a))
        if "mean" in kw:
            kw["mean"] = _in_unit(name, kw["mean"], _unit(a))
        if "q" in kw:
            kw["q"] = _quantile_q(kw["q"], "percentile" in name)
        if _quantity(kw.get("weights")):
            _core.reduction_unit("sum", kw["weights"].unit)  # weights are added up
            kw["weights"] = _raw(kw["weights"])
        if "where" in kw:
            kw["where"] = _plain(kw["where"])
        conv = _out_conversion(out, unit, name)
        kw[first] = _raw(a)
        return _deliver(_call(func, len(args), kw), unit, out, conv)


# DimArray's reductions, but for those dask has no lazy version of.
_EAGER_ONLY = {np.cumulative_sum, np.cumulative_prod, np.linalg.trace}
for _f, _n in REDUCTIONS:
    if _f not in _EAGER_ONLY:
        _reduction(_f, _n)


@_lazy(np.average)
def _average(a: Any, *args: Any, **kwargs: Any) -> Any:
    kw = _named(np.average, (a, *args), kwargs)
    unit = _core.reduction_unit("average", _unit(a))
    weights = kw.get("weights")
    # The weights' unit cancels in the average; their sum (returned=True) keeps it.
    wsum_unit = _core.reduction_unit("sum", _unit(weights)) if _quantity(weights) else None
    if weights is not None:
        kw["weights"] = _raw(weights)
    kw["a"] = _raw(a)
    res = _call(np.average, 1 + len(args), kw)
    avg = _deliver(res[0] if kw.get("returned") else res, unit if _quantity(a) else None)
    if not kw.get("returned"):
        return avg
    return avg, _deliver(res[1], wsum_unit)


# ---- differences and derivatives -------------------------------------------------


@_lazy(np.diff)
def _diff(a: Any, *args: Any, **kwargs: Any) -> Any:
    kw = _named(np.diff, (a, *args), kwargs)
    unit = _unit(a)
    result_unit = unit if kw.get("n", 1) == 0 else _interval("diff", unit)
    for k in ("prepend", "append"):
        if k in kw:
            kw[k] = _in_unit("diff", kw[k], unit)
    kw["a"] = _raw(a)
    return _deliver(_call(np.diff, 1 + len(args), kw), result_unit if _quantity(a) else None)


@_lazy(np.ediff1d)
def _ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    unit = _interval("ediff1d", _unit(ary))
    end = None if to_end is None else _in_unit("ediff1d", to_end, unit)
    begin = None if to_begin is None else _in_unit("ediff1d", to_begin, unit)
    return _deliver(np.ediff1d(_raw(ary), to_end=end, to_begin=begin), unit)


@_lazy(np.gradient)
def _gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    spacings = [(_unit(s), np.ndim(_raw(s))) for s in varargs]
    units = _gradient_units(_unit(f), np.ndim(_raw(f)), axis, spacings)
    spacing = [_raw(s) for s in varargs]
    res: Any = np.gradient(_raw(f), *spacing, axis=axis, edge_order=edge_order)  # type: ignore[call-overload]
    if isinstance(res, (tuple, list)):
        return type(res)(_deliver(r, u) for r, u in zip(res, units, strict=True))
    return _deliver(res, units[0])


# ---- products ----------------------------------------------------------------


def _bilinear(func: Callable[..., Any]) -> None:
    """``func(a, b, ...)``: every result element is a sum of products a·b."""
    names = _param_names(func)[:2]

    @_lazy(func)
    def bilinear(*args: Any, **kwargs: Any) -> Any:
        kw = _named(func, args, kwargs)
        a, b = (_arg(func, kw, n) for n in names)
        unit = _product(_name(func), _unit(a), _unit(b))
        out = kw.pop("out", None)
        conv = _out_conversion(out, unit, _name(func))
        kw[names[0]], kw[names[1]] = _raw(a), _raw(b)
        return _deliver(_call(func, len(args), kw), unit, out, conv)


for _f in (np.dot, np.vdot, np.outer, np.tensordot):
    _bilinear(_f)


def dot(a: Any, b: Any) -> Any:
    """``numpy.dot`` lazily; the unit is the product of the units."""
    return _LAZY_FUNCTIONS[np.dot](a, b)


@_lazy(np.einsum)
def _einsum(*operands: Any, out: Any = None, **kwargs: Any) -> Any:
    if isinstance(operands[0], str):
        arrays = operands[1:]
    else:
        # Sublist form: array, sublist, array, sublist, ..., [output sublist].
        arrays = operands[0 : len(operands) - len(operands) % 2 : 2]
    unit = _product("einsum", *(_unit(x) for x in arrays))
    conv = _out_conversion(out, unit, "einsum")
    return _deliver(np.einsum(*(_raw(x) for x in operands), **kwargs), unit, out, conv)


# ---- linear algebra (what dask computes lazily) ------------------------------------


@_lazy(np.linalg.inv)
def _inv(a: Any) -> Any:
    unit = _rule_unit(_LINALG + "inv", np.reciprocal, _unit(a))
    return _deliver(np.linalg.inv(_raw(a)), unit)


@_lazy(np.linalg.solve)
def _solve(a: Any, b: Any) -> Any:
    # a·x = b
    unit = _rule_unit(_LINALG + "solve", np.divide, _unit(b), _unit(a))
    return _deliver(np.linalg.solve(_raw(a), _raw(b)), unit)


@_lazy(np.linalg.cholesky)
def _cholesky(a: Any, /, *, upper: bool = False) -> Any:
    # a = L·Lᴴ. dask's cholesky returns the upper factor unless asked for the
    # lower one; NumPy's returns the lower one unless asked for the upper.
    unit = _rule_unit(_LINALG + "cholesky", np.sqrt, _unit(a))
    return _deliver(da.linalg.cholesky(_raw(a), lower=not upper), unit)


def _linear_unit(what: str, a: Any) -> Unit:
    """The unit of eigenvalues, singular values and R factors of a matrix in
    a's unit: a's unit, offset units refused (the DimArray rule)."""
    return _product(_LINALG + what, _unit(a))


@_lazy(np.linalg.qr)
def _qr(a: Any, *args: Any, **kwargs: Any) -> Any:
    unit = _linear_unit("qr", a)
    q, r = np.linalg.qr(_raw(a), *args, **kwargs)
    return q, _deliver(r, unit)


@_lazy(np.linalg.svd)
def _svd(a: Any, *args: Any, **kwargs: Any) -> Any:
    unit = _linear_unit("svd", a)
    u, s, vh = np.linalg.svd(_raw(a), *args, **kwargs)
    return u, _deliver(s, unit), vh


@_lazy(np.linalg.lstsq)
def _lstsq(a: Any, b: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any, Any, Any]:
    ua, ub = _unit(a), _unit(b)
    x_unit = _rule_unit(_LINALG + "lstsq", np.divide, ub, ua)
    residual_unit = _rule_unit(_LINALG + "lstsq", np.square, ub)
    s_unit = _linear_unit("lstsq", a)
    x, residuals, rank, s = np.linalg.lstsq(_raw(a), _raw(b), *args, **kwargs)
    return _deliver(x, x_unit), _deliver(residuals, residual_unit), rank, _deliver(s, s_unit)


@_lazy(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    # Norms add up absolute values: x's unit, offset units refused.
    unit = _rule_unit(_LINALG + "norm", np.absolute, _unit(x))
    vector = isinstance(axis, int) or (axis is None and np.ndim(_raw(x)) == 1)
    if vector and ord == 0:
        unit = _ONE  # the number of non-zero elements
    return _deliver(np.linalg.norm(_raw(x), ord=ord, axis=axis, keepdims=keepdims), unit)


# ---- user kernels ----------------------------------------------------------------


def blockwise(
    func: Callable[..., Any], out_ind: str, *args: Any, unit: Unit | str, **kwargs: Any
) -> DaskDimArray:
    """``dask.array.blockwise`` on magnitudes; ``unit`` is that of ``func``'s result.
    ``args`` alternate arrays (DaskDimArrays are unwrapped) and index strings."""
    raw = [_raw(a) if _quantity(a) else a for a in args]
    return DaskDimArray(da.blockwise(func, out_ind, *raw, **kwargs), _as_unit(unit))


# ---- fusion ----------------------------------------------------------------


class _Pending:
    """A chain of elementwise operations not yet in the graph: a node tree
    (see dimtensor._fusion) over dask arrays of one shape and chunking."""

    __slots__ = ("boolean", "chunks", "dtype", "node", "shape")

    def __init__(
        self, node: Any, shape: Any, chunks: Any, dtype: np.dtype[Any], boolean: bool
    ) -> None:
        self.node, self.shape, self.chunks = node, shape, chunks
        self.dtype, self.boolean = dtype, boolean

    def compute_into(self, get: Any) -> np.ndarray:
        from dimtensor.dask import graphs

        flat, leaves = _fusion.compile(self.node)
        out = np.dtype(bool) if self.boolean else self.dtype
        return graphs.compute_into(tuple(flat), self.dtype.name, out, leaves, get)

    def materialize(self) -> da.Array:
        """One blockwise layer whose task body is the fused Rust kernel."""
        if self.node[0] == "leaf":
            return self.node[1]  # type: ignore[no-any-return]
        flat, leaves = _fusion.compile(self.node)
        out = np.dtype(bool) if self.boolean else self.dtype
        n_tasks = math.prod(len(c) for c in self.chunks)
        threads = _fusion.task_threads(n_tasks)
        body = functools.partial(_fusion.run, tuple(flat), self.dtype.name, threads=threads)
        token = dask.base.tokenize(tuple(flat), self.dtype.name, *leaves)
        return da.map_blocks(
            body,
            *leaves,
            dtype=out,
            meta=np.empty((0,) * len(self.shape), dtype=out),
            name=f"fused-{token}",
        )


def _fuse(name: str, inputs: Sequence[Any], convs: Any, outs: Any) -> DaskDimArray | None:
    """``name(*inputs)`` as a longer fused chain, or None when it cannot join
    one (other shapes or chunks, non-float data, non-elementwise operation)."""
    if len(outs) != 1 or not _fusion.fusable(name):
        return None
    arrays = [x for x in inputs if isinstance(x, DaskDimArray)]
    if not arrays or not all(a._fusable() for a in arrays):
        return None
    if len({(a.shape, a.chunks) for a in arrays}) != 1:
        return None
    nodes = []
    for x in inputs:
        if isinstance(x, DaskDimArray):
            nodes.append(x._node())
        elif isinstance(x, DimArray) and x.ndim == 0 and x.dtype.kind in "fiu":
            nodes.append(_fusion.const(x._data.item()))
        elif isinstance(x, Unit):
            nodes.append(_fusion.const(1.0))
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            nodes.append(_fusion.const(x))
        else:
            return None
    dtypes = {a._compute_dtype() for a in arrays}
    dtype = np.dtype(np.float32) if dtypes == {np.dtype(np.float32)} else np.dtype(np.float64)
    node = _fusion.apply(name, nodes, convs)
    boolean = name in _fusion.BOOLEAN
    unit = outs[0] if outs[0] is not None else _ONE
    return DaskDimArray._from_pending(arrays[0]._pending_like(node, boolean, dtype), unit)
